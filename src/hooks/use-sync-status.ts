import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import type { RejectedRow } from '../db/fieldbook-db';
import type { SyncedTable } from '../domain/synced-table';

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

const NO_IDS: ReadonlySet<string> = new Set();

/**
 * Ids of rows of a table with changes still waiting to push, so lists can mark them (PRODUCT.md:
 * "unsynced rows carry a marker"). Empty in a local-only workspace, where nothing syncs yet and the
 * top-bar chip already says so.
 */
export function useUnsyncedIds(table: SyncedTable): ReadonlySet<string> {
  const { db } = useAppServices();
  const { auth } = useSyncStatus();
  const keys = useLiveQuery(
    async (): Promise<readonly unknown[]> => (auth === 'local-only' ? [] : db.outbox.where('[table+row_id]').between([table, ''], [table, '\uffff']).keys()),
    [db, table, auth],
  );
  return useMemo(() => (keys && keys.length > 0 ? new Set(keys.map((key) => String((key as readonly unknown[])[1]))) : NO_IDS), [keys]);
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
