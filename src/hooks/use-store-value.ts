import { useSyncExternalStore } from 'react';
import type { Subscribable } from '../shared/subscribable';

/** Reads a subscribable value (status, toasts, route) with React's external-store hook. */
export function useStoreValue<T>(store: Subscribable<T>): T {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
