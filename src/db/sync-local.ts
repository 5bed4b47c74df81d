import type { Table } from 'dexie';
import { digestText } from '../domain/digest';
import { alignContactPoints } from '../domain/contact-points';
import { mergeRemoteRow } from '../domain/merge';
import { SYNCED_TABLES, type AnyRow, type OutboxEntry, type SyncedTable } from '../domain/synced-table';
import type { CoalescedMutation, LocalPort, PullCursor, RejectedChange, RemoteRow, TableDigest } from '../sync/ports';
import { CLOCK_OFFSET_KEY, commitChanges, loadClockOffset, SYNC_CURSOR_KEY, withReopen, type CommitError, type CommitReceipt, type GiveBackContext, type RequeueContext } from './commit-changes';
import type { FieldbookDb, RejectedRow } from './fieldbook-db';
import { countWaiting } from './outbox';
import { entriesOfTable, headEntries, pendingFields, removeEntries, removeRows } from './outbox-entries';
import { toStorageError } from './storage-error';
import { err, ok, type Result } from '../shared/result';

export { CLOCK_OFFSET_KEY, SYNC_CURSOR_KEY };
export { createDeviceClock } from './commit-changes';

type Row = AnyRow & Record<string, unknown>;

/** A hard delete arrives from sync_pull as a bare tombstone: id, member_id, deleted_at and its stamp. */
const isHardDelete = (row: Readonly<Record<string, unknown>>) => !('created_at' in row);

const groupByTable = (rows: readonly RemoteRow[]) => {
  const groups = new Map<SyncedTable, RemoteRow[]>();
  for (const row of rows) {
    if (!SYNCED_TABLES.includes(row.table)) continue;
    const group = groups.get(row.table);
    if (group) group.push(row);
    else groups.set(row.table, [row]);
  }
  return groups;
};

/**
 * The rows of one table that a pull has written, for as long as they are the only rows of that table:
 * the table was empty when the pull began writing to it, and nothing else has added rows since (the
 * count says so). While that holds, an incoming id outside the set is new to this device and needs no
 * read, which is most of a first sync. Valid for one pull only: during a pull nothing is pushed, so the
 * server cannot send back an id this device made meanwhile.
 */
type PullWrites = { readonly run: object; readonly tables: Map<SyncedTable, Set<string>> };

/** The rows this device holds among `ids`; `written` (see PullWrites) spares the reads where it can. */
async function heldRows(store: Table<Row, string>, ids: readonly string[], written: Set<string> | undefined): Promise<Map<string, Row>> {
  const held = new Map<string, Row>();
  const wanted = written ? ids.filter((id) => written.has(id)) : ids;
  if (wanted.length > 0) (await store.bulkGet([...wanted])).forEach((row, index) => row && held.set(wanted[index] ?? '', row));
  return held;
}

async function sha256Hex(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Values this device wrote that lost to a newer write from elsewhere ("Overwritten": the app names
 * them and offers "Restore mine"), or (`removed`) that were never saved because the row was deleted
 * for good on the server meanwhile.
 */
export type Overwritten = { readonly table: SyncedTable; readonly row_id: string; readonly lost: Readonly<Record<string, unknown>>; readonly removed?: true };

/** Fields of the member's that say nothing on their own when a row is gone: identity, bookkeeping, the delete itself. */
const NOT_WORTH_REPORTING: ReadonlySet<string> = new Set(['id', 'member_id', 'created_at', 'updated_at', 'deleted_at', 'field_stamps']);

/**
 * The member's edits of a row the server hard-deleted that will never be saved: the fields of the
 * pushed update and of edits still waiting, with the values the row holds. An insert the server
 * already had (answered "duplicate") was saved before it was deleted, and a delete lost nothing.
 */
function unsaved(local: Row, mutation: CoalescedMutation | undefined, waiting: ReadonlySet<string> | undefined): Record<string, unknown> {
  const fields = new Set([...(mutation?.op === 'update' ? Object.keys(mutation.changes) : []), ...(waiting ?? [])]);
  return Object.fromEntries([...fields].filter((field) => !NOT_WORTH_REPORTING.has(field)).map((field) => [field, local[field]]));
}

function withoutSyncXid(row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([column]) => column !== 'sync_xid'));
}

const differs = (a: unknown, b: unknown) => a !== b && JSON.stringify(a) !== JSON.stringify(b);

/**
 * The sync engine's local port over Dexie (src/sync/ports.ts). Every method is one transaction, so a
 * crash between two steps never leaves the outbox, the rows and the cursor out of step.
 * `onOverwritten` hears of local edits that lost a conflict, after the transaction commits.
 */
export function createSyncLocal(db: FieldbookDb, options: { onOverwritten?: (items: readonly Overwritten[]) => void } = {}): LocalPort {
  const report = (items: Overwritten[]) => {
    if (items.length > 0) options.onOverwritten?.(items);
  };
  const tablesOf = (names: Iterable<SyncedTable>) => [...names].map((name) => db.table(name));
  let pullWrites: PullWrites | null = null;

  return {
    listPending: (limit) => withReopen(db, () => db.transaction('r', db.outbox, () => headEntries(db, limit))),

    acknowledge: async (mutations, rows) => {
      const lostValues: Overwritten[] = [];
      await withReopen(db, () =>
        db.transaction('rw', [...tablesOf(new Set([...mutations.map((m) => m.table), ...rows.map((r) => r.table)])), db.outbox], async () => {
          lostValues.length = 0;
          await removeEntries(db, mutations.flatMap((mutation) => mutation.entry_ids), mutations);
          const pushed = new Map<string, CoalescedMutation>(mutations.map((mutation) => [`${mutation.table}:${mutation.row_id}`, mutation]));
          for (const [table, group] of groupByTable(rows)) {
            const ids = group.map(({ row }) => String(row['id']));
            const [current, waiting] = await Promise.all([db.table<Row, string>(table).bulkGet(ids), pendingFields(db, table, ids)]);
            const next: Row[] = [];
            const removed: string[] = [];
            group.forEach(({ row }, index) => {
              const local = current[index];
              if (local === undefined) return;
              const mutation = pushed.get(`${table}:${ids[index]}`);
              if (isHardDelete(row)) {
                // The server hard-deleted this id and would not recreate it: the row goes here too.
                const id = ids[index] ?? '';
                removed.push(id);
                const lost = unsaved(local, mutation, waiting.get(id));
                if (Object.keys(lost).length > 0) lostValues.push({ table, row_id: id, lost, removed: true });
                return;
              }
              const ours = mutation?.stamps ?? {};
              const keep = waiting.get(ids[index] ?? '');
              const serverStamps = (row['field_stamps'] ?? {}) as Record<string, string>;
              const lost = Object.fromEntries(
                Object.entries(mutation?.changes ?? {}).filter(([field, value]) => {
                  const theirs = serverStamps[field];
                  return ours[field] !== undefined && theirs !== undefined && theirs > ours[field] && differs(row[field], value);
                }),
              );
              if (Object.keys(lost).length > 0) lostValues.push({ table, row_id: ids[index] ?? '', lost });
              // SPEC OB6: take the server's stamp for what we pushed (it may be clamped), and anything newer.
              const merged = mergeRemoteRow(local, row, (field, held, incoming) => !keep?.has(field) && incoming !== held && (held === undefined || incoming > held || held === ours[field]));
              if (merged) next.push(table === 'contacts' ? alignContactPoints(merged) : merged);
            });
            if (next.length > 0) await db.table<Row, string>(table).bulkPut(next);
            if (removed.length > 0) {
              await db.table<Row, string>(table).bulkDelete(removed);
              // Edits still waiting would only be refused the same way; they were reported as lost.
              await removeRows(db, table, removed);
            }
          }
        }),
      );
      report(lostValues);
    },

    reject: (changes: readonly RejectedChange[]) =>
      withReopen(db, () =>
        db.transaction('rw', db.outbox, db.rejected, async () => {
          await removeEntries(db, changes.flatMap((change) => change.entry_ids), changes);
          const at = Date.now();
          await db.rejected.bulkPut(
            changes.map((change): RejectedRow => ({
              id: change.entry_ids[0] ?? `${change.table}:${change.row_id}`,
              table: change.table,
              row_id: change.row_id,
              changes: { ...change.changes },
              reason: change.reason,
              entry_ids: [...change.entry_ids],
              created_at: at,
            })),
          );
        }),
      ),

    applyRemote: async (rows, cursor?: PullCursor, run?: object) => {
      // Realtime applies (no run) may interleave with a periodic pull: they end what the pull knew.
      if (pullWrites?.run !== run) pullWrites = run ? { run, tables: new Map() } : null;
      const pull = pullWrites;
      const lostValues: Overwritten[] = [];
      // What this page wrote, per tracked table; kept by the pull only once the page has committed
      // (withReopen may run the transaction twice, and a failed attempt wrote nothing).
      const tracked = new Map<SyncedTable, Set<string> | null>();
      const groups = groupByTable(rows);
      const applied = await withReopen(db, () => {
        lostValues.length = 0;
        tracked.clear();
        return db.transaction('rw', [...tablesOf(groups.keys()), db.settings, db.outbox], async () => {
          const changed: RemoteRow[] = [];
          // Asked beside the first reads, not before them: a realtime change waits on one request less.
          const pendingCount = db.outbox.count();
          for (const [table, group] of groups) {
            const store = db.table<Row, string>(table);
            const ids = group.map(({ row }) => String(row['id']));
            // A pull counts the table's rows (see PullWrites); a realtime change (a row or a few) just reads.
            const count = pull ? await store.count() : -1;
            let written = pull?.tables.get(table);
            if (count === 0 && pull) written = new Set();
            else if (written && written.size !== count) {
              tracked.set(table, null);
              written = undefined;
            }
            const current = await heldRows(store, ids, written);
            const waiting = (await pendingCount) > 0 ? await pendingFields(db, table, ids) : new Map<string, Set<string>>();
            const puts = new Map<string, Row>();
            const deletes: string[] = [];
            for (const remote of group) {
              const id = String(remote.row['id']);
              if (isHardDelete(remote.row)) {
                if (current.has(id) || puts.has(id)) {
                  current.delete(id);
                  puts.delete(id);
                  deletes.push(id);
                  changed.push(remote);
                }
                continue;
              }
              // Rows come without sync_xid (the server's); drop it if one ever does, without `delete`,
              // which would turn every stored row into a slow dictionary object. A parsed row is this
              // apply's own: it is stored as it is, never changed.
              const incoming = 'sync_xid' in remote.row ? withoutSyncXid(remote.row) : (remote.row as Record<string, unknown>);
              const local = puts.get(id) ?? current.get(id);
              const mergedRow = local === undefined ? (incoming as Row) : mergeRemoteRow(local, incoming);
              if (mergedRow === null) continue;
              // A contact's phone/email always follow their lists (contact-points.ts).
              const merged = table === 'contacts' ? alignContactPoints(mergedRow) : mergedRow;
              const pendingHere = waiting.get(id);
              if (local !== undefined && pendingHere) {
                const lost = Object.fromEntries([...pendingHere].filter((field) => differs(local[field], merged[field])).map((field) => [field, local[field]]));
                if (Object.keys(lost).length > 0) lostValues.push({ table, row_id: id, lost });
              }
              puts.set(id, merged);
              changed.push(remote);
            }
            if (deletes.length > 0) await store.bulkDelete(deletes);
            if (puts.size > 0) await store.bulkPut([...puts.values()]);
            if (written) {
              const next = new Set(written);
              for (const id of deletes) next.delete(id);
              for (const id of puts.keys()) next.add(id);
              tracked.set(table, next);
            }
          }
          if (cursor !== undefined) await db.settings.put({ key: SYNC_CURSOR_KEY, value: cursor });
          return changed;
        });
      });
      if (pull && pullWrites === pull)
        for (const [table, written] of tracked) {
          if (written) pull.tables.set(table, written);
          else pull.tables.delete(table);
        }
      report(lostValues);
      return applied;
    },

    loadClockOffset: () => withReopen(db, () => loadClockOffset(db)),
    saveClockOffset: async (offsetMs) => {
      await withReopen(db, () => db.settings.put({ key: CLOCK_OFFSET_KEY, value: offsetMs }));
    },

    loadCursor: async () => ((await withReopen(db, () => db.settings.get(SYNC_CURSOR_KEY)))?.value ?? null) as PullCursor,

    summary: () =>
      withReopen(db, () =>
        db.transaction('r', db.outbox, db.rejected, async () => {
          const [count, oldest, rejected] = await Promise.all([countWaiting(db), db.outbox.orderBy('seq').first(), db.rejected.count()]);
          return { count, oldestAt: oldest?.created_at ?? null, rejected };
        }),
      ),

    digest: () =>
      withReopen(db, async () => {
        const result: Partial<Record<SyncedTable, TableDigest>> = {};
        for (const table of SYNCED_TABLES) {
          const rows = await db.table<Row, string>(table).toArray();
          result[table] = { count: rows.length, hash: await sha256Hex(digestText(rows)) };
        }
        return result;
      }),

    replaceTable: (table, rows) =>
      withReopen(db, () =>
        db.transaction('rw', db.table(table), db.outbox, async () => {
          const store = db.table<Row, string>(table);
          const pending = await entriesOfTable(db, table);
          const pendingIds = [...new Set(pending.map((entry) => entry.row_id))];
          const localPending = (await store.bulkGet(pendingIds)).filter((row): row is Row => row !== undefined);
          const next = new Map<string, Row>();
          for (const { row } of rows) if (!isHardDelete(row)) next.set(String(row['id']), row as Row);
          // Rows with edits still waiting keep them on top of the server's version.
          for (const local of localPending) {
            const server = next.get(local.id);
            next.set(local.id, server === undefined ? local : overlay(server, pending.filter((entry) => entry.row_id === local.id)));
          }
          await store.clear();
          await store.bulkPut([...next.values()]);
        }),
      ),
  };
}

function overlay(row: Row, entries: readonly OutboxEntry[]): Row {
  const stamps: Record<string, string> = { ...(row.field_stamps) };
  const values: Record<string, unknown> = { ...row };
  for (const entry of entries) {
    for (const [field, value] of Object.entries(entry.changes)) {
      values[field] = value;
      stamps[field] = entry.stamp;
    }
  }
  return { ...values, field_stamps: stamps } as Row;
}

/** The rejected record, read before the commit so its table can be part of the transaction. */
async function readRejected(db: FieldbookDb, id: string): Promise<Result<RejectedRow | undefined, CommitError>> {
  try {
    return ok(await withReopen(db, () => db.rejected.get(id)));
  } catch (error) {
    return err(toStorageError(error));
  }
}

/**
 * Queues the member's current values of a rejected change again, with a fresh stamp (review list:
 * Retry), through commitChanges; answers as commitChanges does.
 */
export async function retryRejected(db: FieldbookDb, id: string, ctx: RequeueContext): Promise<Result<CommitReceipt, CommitError>> {
  const rejected = await readRejected(db, id);
  if (!rejected.ok) return rejected;
  if (rejected.value === undefined) return ok({ mutationIds: [] }); // already resolved, here or in another tab
  return commitChanges(db, [{ table: rejected.value.table, op: 'requeue', id: rejected.value.row_id, rejectedId: id }], ctx);
}

/**
 * Forgets a rejected change and gives the row back to the server (review list: Discard, SPEC RJ1),
 * through commitChanges; answers as commitChanges does. The caller then pulls.
 */
export async function discardRejected(db: FieldbookDb, id: string, ctx: Partial<GiveBackContext> = {}): Promise<Result<CommitReceipt, CommitError>> {
  const rejected = await readRejected(db, id);
  if (!rejected.ok) return rejected;
  if (rejected.value === undefined) return ok({ mutationIds: [] }); // already resolved, here or in another tab
  return commitChanges(db, [{ table: rejected.value.table, op: 'give-back', id: rejected.value.row_id, rejectedId: id }], { now: ctx.now ?? Date.now, log: ctx.log });
}

