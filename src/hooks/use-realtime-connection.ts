import { useAppServices, type ConnectionSnapshot } from './app-services';
import { useStoreValue } from './use-store-value';

/**
 * The seed's `useRealtimeConnection()` → `{isConnected, isReconnecting}`, plus the mode. With no
 * backend configured the mode is `local-only`: nothing is connecting, and the app is fully usable.
 */
export function useRealtimeConnection(): ConnectionSnapshot {
  return useStoreValue(useAppServices().connection);
}
