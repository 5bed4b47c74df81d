import { createStore } from '../shared/subscribable';
import type { ConvergenceReport } from './engine';
import { INITIAL_SYNC_STATUS, type SyncStatus } from './status';

export const LOCAL_ONLY_STATUS: SyncStatus = { ...INITIAL_SYNC_STATUS, realtime: 'disabled', auth: 'local-only' };

/** The sync port of a workspace with no account: nothing to push, nothing to hear. */
export function createLocalOnlySync() {
  const status = createStore(LOCAL_ONLY_STATUS);
  return {
    subscribe: status.subscribe,
    getSnapshot: status.getSnapshot,
    command: () => undefined,
    convergence: createStore<ConvergenceReport | null>(null),
    onRemoteChange: () => () => undefined,
    retryRejected: () => Promise.resolve(),
    discardRejected: () => Promise.resolve(),
  };
}
