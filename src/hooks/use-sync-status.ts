import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import type { RejectedRow } from '../db/fieldbook-db';

export type { RejectedRow };
import { describeSync, type SyncBanner, type SyncStatus } from '../sync/status';
import { useAppServices } from './app-services';
import { useStoreValue } from './use-store-value';

export function useSyncStatus(): SyncStatus {
  return useStoreValue(useAppServices().sync);
}

/** The banner the status implies, re-evaluated each second while a countdown or an age is shown. */
export function useSyncBanner(): SyncBanner {
  const status = useSyncStatus();
  const { platform } = useAppServices();
  const [now, setNow] = useState(() => platform.now());
  const ticking = status.nextRetryAt !== null || status.lastSyncedAt !== null;
  useEffect(() => {
    setNow(platform.now());
    if (!ticking) return;
    const timer = setInterval(() => setNow(platform.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking, platform, status]);
  return describeSync(status, now);
}

/** True for a few seconds after the network came back (the "Back online" banner). */
export function useBackOnline(durationMs = 4000): boolean {
  const { network } = useSyncStatus();
  const [was, setWas] = useState(network);
  const [showing, setShowing] = useState(false);
  if (was !== network) {
    setWas(network);
    setShowing(was === 'offline' && network === 'online');
  }
  useEffect(() => {
    if (!showing) return;
    const timer = setTimeout(() => setShowing(false), durationMs);
    return () => clearTimeout(timer);
  }, [showing, durationMs]);
  return showing;
}

/** The last convergence check (dev panel), or null before the first. */
export function useConvergence() {
  return useStoreValue(useAppServices().sync.convergence);
}

/** Changes the server refused, oldest first (the review list). */
export function useRejectedChanges(): readonly RejectedRow[] | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => db.rejected.orderBy('created_at').toArray(), [db]);
}
