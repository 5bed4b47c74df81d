import { createStore } from '../shared/subscribable';
import type { ConvergenceReport } from './engine';
import type { SyncStatus } from './status';

export const LOCAL_ONLY_STATUS: SyncStatus = {
  network: 'online',
  realtime: 'disabled',
  auth: 'local-only',
  pendingCount: 0,
  oldestPendingAt: null,
  rejectedCount: 0,
  pushing: false,
  lastSyncedAt: null,
  nextRetryAt: null,
  storagePersisted: null,
};

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
