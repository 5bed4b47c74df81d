import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { watchPendingRowIds } from '../db/queries';
import type { RejectedRow } from '../db/fieldbook-db';
import type { SyncedTable } from '../domain/synced-table';

export type { RejectedRow };
import { describeSync, type SyncBanner, type SyncStatus } from '../sync/status';
import { useAppServices } from './app-services';
import { useStoreValue } from './use-store-value';

export function useSyncStatus(): SyncStatus {
  return useStoreValue(useAppServices().sync);
}

/**
 * The banner the status implies, re-evaluated each second while a retry countdown shows, and every
 * 30 s while only an age ("Synced 2 min ago") does.
 */
export function useSyncBanner(): SyncBanner {
  const status = useSyncStatus();
  const { platform } = useAppServices();
  const [now, setNow] = useState(() => platform.now());
  const tickMs = status.nextRetryAt !== null ? 1000 : status.lastSyncedAt !== null ? 30_000 : null;
  useEffect(() => {
    setNow(platform.now());
    if (tickMs === null) return;
    const timer = setInterval(() => setNow(platform.now()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs, platform, status]);
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

const sameIds = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((id) => b.has(id));

/**
 * Ids of rows of a table with changes still waiting to push, so lists can mark them (unsynced rows
 * carry a marker while signed in). Nothing is watched in a local-only workspace, where nothing syncs
 * yet and the top-bar chip already says so; signed in, the list re-renders only when the set of ids
 * changes, not on every outbox write (a contact list of 10,000 rows notices the difference).
 */
export function useUnsyncedIds(table: SyncedTable): ReadonlySet<string> {
  const { db, sync } = useAppServices();
  // Whether this workspace syncs at all changes only with sign-in or sign-out, which reload the app.
  const { auth } = sync.getSnapshot();
  const [ids, setIds] = useState(NO_IDS);
  useEffect(() => {
    if (auth === 'local-only') return;
    let current = NO_IDS;
    return watchPendingRowIds(db, table, (next) => {
      if (sameIds(next, current)) return;
      current = next.size > 0 ? next : NO_IDS;
      setIds(current);
    });
  }, [db, table, auth]);
  return ids;
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
