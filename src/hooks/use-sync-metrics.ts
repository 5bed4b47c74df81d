import { useCallback, useSyncExternalStore } from 'react';
import type { Subscribable } from '../shared/subscribable';
import type { MetricsSnapshot } from '../sync/metrics';
import { useAppServices } from './app-services';

export type { MetricsSnapshot };

const NO_METRICS: Subscribable<MetricsSnapshot | null> = { subscribe: () => () => undefined, getSnapshot: () => null };

/** How often the charts move on while nothing happens (the buckets still roll, a waiting change still ages). */
export const METRICS_REFRESH_MS = 15_000;

/**
 * Connection quality (the Diagnostics screen): the engine's figures over the last hour and day, or
 * null where they are not measured (a tab that does not run sync, a local-only workspace). Re-read
 * when the engine records (at most once a second) and every METRICS_REFRESH_MS.
 */
export function useSyncMetrics(refreshMs = METRICS_REFRESH_MS): MetricsSnapshot | null {
  const { sync } = useAppServices();
  const source = sync.metrics ?? NO_METRICS;
  const subscribe = useCallback(
    (listener: () => void) => {
      const unsubscribe = source.subscribe(listener);
      const timer = setInterval(listener, refreshMs);
      return () => {
        unsubscribe();
        clearInterval(timer);
      };
    },
    [source, refreshMs],
  );
  return useSyncExternalStore(subscribe, source.getSnapshot, source.getSnapshot);
}
