import { useMemo } from 'react';
import type { SyncStatus } from '../sync/status';
import { useAppServices } from './app-services';
import { useStoreValue } from './use-store-value';

export type ConnectionSnapshot = {
  readonly mode: 'local-only' | 'online' | 'offline' | 'reconnecting';
  readonly isConnected: boolean;
  readonly isReconnecting: boolean;
  readonly pendingCount: number;
  readonly lastSyncedAt: number | null;
};

export function connectionOf(status: SyncStatus): ConnectionSnapshot {
  const mode = status.auth === 'local-only' ? 'local-only' : status.network === 'offline' ? 'offline' : status.realtime === 'subscribed' ? 'online' : 'reconnecting';
  return { mode, isConnected: mode === 'online', isReconnecting: mode === 'reconnecting', pendingCount: status.pendingCount, lastSyncedAt: status.lastSyncedAt };
}

/**
 * The seed's `useRealtimeConnection()` → `{isConnected, isReconnecting, ...}`, read from the one sync
 * status object. With no account the mode is `local-only`: nothing is connecting, and the app is fully usable.
 */
export function useRealtimeConnection(): ConnectionSnapshot {
  const status = useStoreValue(useAppServices().sync);
  return useMemo(() => connectionOf(status), [status]);
}
