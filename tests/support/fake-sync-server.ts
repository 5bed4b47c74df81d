import { createHash } from 'node:crypto';
import { digestText } from '../../src/domain/digest';
import { formatHlc, parseHlc } from '../../src/domain/hlc';
import { mergeRemoteRow } from '../../src/domain/merge';
import { SYNCED_TABLES, type SyncedTable } from '../../src/domain/synced-table';
import { SYNCED_TABLE_SCHEMAS } from '../../src/domain/synced-table-schemas';
import { err, ok } from '../../src/shared/result';
import type { CoalescedMutation } from '../../src/sync/coalesce';
import type { Digest, MutationOutcome, PullCursor, RealtimeHandlers, RemoteChange, RemoteError, RemotePort, RemoteRow } from '../../src/sync/ports';

type StoredRow = { table: SyncedTable; row: Record<string, unknown>; seq: number };

/**
 * An in-memory stand-in for the server half of sync (supabase/migrations), with
 * the same contract: mutation ids apply once, field-level merge with per-field stamps, stamps more than
 * 60 s ahead clamped, a cursor that never skips, tombstones for hard deletes, a digest over ids and
 * stamps. Each device connects through its own RemotePort whose network and realtime delivery the
 * test controls: offline, lost answers, and realtime messages held, dropped, duplicated or reordered.
 */
export function createFakeSyncServer(
  options: {
    now?: () => number;
    reject?: (mutation: CoalescedMutation) => string | null;
    /** Hears every row the server stores, as it stores it (tests watch the server's history). */
    onStore?: (table: SyncedTable, row: Readonly<Record<string, unknown>>) => void;
  } = {},
) {
  const now = options.now ?? Date.now;
  const rows = new Map<string, StoredRow>();
  const applied = new Set<string>();
  // Raw stamp -> the clamped stamp it earned the first time (sync.clamped_stamps).
  const clamped = new Map<string, string>();
  let seq = 0;
  let counter = 0;
  const devices: { deliver: (change: RemoteChange, owner?: unknown) => void }[] = [];

  const key = (table: string, id: string) => `${table}:${id}`;
  const clamp = (stamp: string) => {
    const parts = parseHlc(stamp);
    if (parts === null) return formatHlc({ physical: now(), counter: (counter += 1), node: 'server' });
    const earned = clamped.get(stamp);
    if (earned !== undefined) return earned;
    if (parts.physical <= now() + 60_000) return stamp;
    const fresh = formatHlc({ physical: now() + 60_000, counter: (counter += 1), node: parts.node });
    clamped.set(stamp, fresh);
    return fresh;
  };

  const broadcast = (change: RemoteChange) => {
    for (const device of devices) device.deliver(change);
  };

  const store = (table: SyncedTable, row: Record<string, unknown>) => {
    seq += 1;
    rows.set(key(table, String(row['id'])), { table, row, seq });
    options.onStore?.(table, row);
    broadcast({ kind: 'row', table, row: structuredClone(row) });
  };

  /** What the database's constraints refuse, in their words (the same rules and messages as the client's schemas). */
  const refusal = (mutation: CoalescedMutation): string | null => {
    const schema = SYNCED_TABLE_SCHEMAS[mutation.table] as (typeof SYNCED_TABLE_SCHEMAS)[SyncedTable] | undefined;
    if (schema === undefined) return `Unknown table "${mutation.table}"`;
    const parsed = schema.partial().safeParse(mutation.changes);
    return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'A value is not allowed');
  };

  const apply = (mutation: CoalescedMutation): MutationOutcome => {
    if (applied.has(mutation.mutation_id)) return { mutation_id: mutation.mutation_id, status: 'duplicate' };
    const reason = options.reject?.(mutation) ?? refusal(mutation);
    if (reason !== null) return { mutation_id: mutation.mutation_id, status: 'rejected', reason };
    const existing = rows.get(key(mutation.table, mutation.row_id));
    if (existing !== undefined && !('created_at' in existing.row)) {
      // Hard-deleted: never recreated; the answer carries the tombstone.
      applied.add(mutation.mutation_id);
      return { mutation_id: mutation.mutation_id, status: 'applied' };
    }
    if (mutation.op === 'update' && existing === undefined)
      return { mutation_id: mutation.mutation_id, status: 'rejected', reason: 'This item does not exist on the server, or you are not allowed to change it' };
    const stamps = Object.fromEntries(Object.keys(mutation.changes).filter((field) => field !== 'id').map((field) => [field, clamp(mutation.stamps[field] ?? mutation.stamp)]));
    const incoming = { ...mutation.changes, id: mutation.row_id, field_stamps: stamps };
    const merged = existing === undefined || !('created_at' in existing.row) ? incoming : mergeRemoteRow(existing.row, incoming);
    applied.add(mutation.mutation_id);
    if (merged !== null) store(mutation.table, { ...merged, updated_at: new Date(now()).toISOString() });
    return { mutation_id: mutation.mutation_id, status: 'applied' };
  };

  /** A member sees only their own rows (row-level security); a device connected without one sees all. */
  const visibleTo = (member: string | null) => (row: Readonly<Record<string, unknown>>) => member === null || row['member_id'] === member;

  const pull = (cursor: PullCursor, pageSize: number, member: string | null) => {
    const from = typeof cursor?.['from'] === 'number' ? cursor['from'] : 0;
    const changed = [...rows.values()].filter((stored) => stored.seq > from && visibleTo(member)(stored.row)).sort((a, b) => a.seq - b.seq);
    const page = changed.slice(0, pageSize);
    const last = page.at(-1)?.seq ?? from;
    return { rows: page.map(({ table, row }) => ({ table, row: structuredClone(row) })), has_more: changed.length > pageSize, next_cursor: { from: page.length < changed.length ? last : seq }, server_time: now() };
  };

  const digest = (member: string | null): Digest =>
    Object.fromEntries(
      SYNCED_TABLES.map((table) => {
        const live = [...rows.values()]
          .filter((stored) => stored.table === table && 'created_at' in stored.row && visibleTo(member)(stored.row))
          .map((stored) => stored.row as { id: string; field_stamps: unknown });
        return [table, { count: live.length, hash: createHash('sha256').update(digestText(live)).digest('hex') }];
      }),
    );

  /** One device's link to the server, as `member` (all rows when null). */
  function connect(member: string | null = null) {
    let offline = false;
    let loseAnswers = 0;
    let deliveryHeld = false;
    let realtimeDown = false;
    let handlers: RealtimeHandlers | null = null;
    const heldMessages: RemoteChange[] = [];
    const offlineError: RemoteError = { kind: 'offline', message: 'The network is unreachable' };
    const answer = async <T>(run: () => T) => {
      await Promise.resolve();
      if (offline) return err(offlineError);
      const value = run();
      if (loseAnswers > 0) {
        loseAnswers -= 1;
        return err<RemoteError>({ kind: 'timeout', message: 'The answer was lost' });
      }
      return ok(value);
    };
    const port: RemotePort = {
      push: (mutations) =>
        answer(() => {
          const results = mutations.map(apply);
          // Applied and duplicate answers both carry the row as the server holds it.
          const merged: RemoteRow[] = mutations
            .filter((_, index) => results[index]?.status !== 'rejected')
            .flatMap((mutation) => {
              const stored = rows.get(key(mutation.table, mutation.row_id));
              return stored ? [{ table: stored.table, row: structuredClone(stored.row) }] : [];
            });
          return { results, rows: merged, server_time: now() };
        }),
      pull: (cursor, pageSize) => answer(() => pull(cursor, pageSize, member)),
      digest: () => answer(() => digest(member)),
      subscribe(next) {
        handlers = next;
        queueMicrotask(() => !offline && handlers?.onState('subscribed'));
        return () => {
          handlers = null;
        };
      },
    };
    const device = {
      port,
      /** `owner`: whose tombstone a delete notice is (members hear only of their own). */
      deliver(change: RemoteChange, owner?: unknown) {
        if (handlers === null || offline || realtimeDown) return; // Realtime has no replay: a closed channel misses it.
        if (!visibleTo(member)(change.kind === 'row' ? change.row : { member_id: owner })) return;
        if (deliveryHeld) heldMessages.push(change);
        else handlers.onChange(change);
      },
      setOffline(value: boolean) {
        offline = value;
        if (value) handlers?.onState('reconnecting', 'network down');
        else queueMicrotask(() => handlers?.onState('subscribed'));
      },
      /** Realtime alone goes down (HTTP still works), or comes back and resubscribes. */
      setRealtimeDown(value: boolean) {
        realtimeDown = value;
        if (value) handlers?.onState('reconnecting', 'socket closed');
        else handlers?.onState('subscribed');
      },
      loseAnswers(count: number) {
        loseAnswers = count;
      },
      holdRealtime() {
        deliveryHeld = true;
      },
      /** Releases held realtime messages, transformed by the test (drop, duplicate, reorder). */
      releaseRealtime(transform: (messages: RemoteChange[]) => RemoteChange[] = (messages) => messages) {
        deliveryHeld = false;
        const messages = transform(heldMessages.splice(0));
        for (const message of messages) handlers?.onChange(message);
      },
      get subscribed() {
        return handlers !== null;
      },
    };
    devices.push(device);
    return device;
  }

  return {
    connect,
    /** A write straight to the server (another client, REST or SQL), stamped by the server. */
    write(table: SyncedTable, id: string, changes: Record<string, unknown>) {
      const stamp = formatHlc({ physical: now(), counter: (counter += 1), node: 'server' });
      const existing = rows.get(key(table, id));
      const incoming = { ...changes, id, field_stamps: Object.fromEntries(Object.keys(changes).map((field) => [field, stamp])) };
      const merged = existing ? mergeRemoteRow(existing.row, incoming) : incoming;
      if (merged) store(table, merged);
    },
    /** A hard DELETE (REST or SQL): the row goes, a tombstone remains for pulls, realtime says only "deleted". */
    hardDelete(table: SyncedTable, id: string) {
      const existing = rows.get(key(table, id));
      if (!existing) return;
      const stamp = formatHlc({ physical: now(), counter: (counter += 1), node: 'server' });
      seq += 1;
      rows.set(key(table, id), { table, seq, row: { id, member_id: existing.row['member_id'], deleted_at: new Date(now()).toISOString(), field_stamps: { deleted_at: stamp } } });
      for (const device of devices) device.deliver({ kind: 'delete', table }, existing.row['member_id']);
    },
    row: (table: SyncedTable, id: string) => rows.get(key(table, id))?.row,
    rows: (table: SyncedTable) => [...rows.values()].filter((stored) => stored.table === table && 'created_at' in stored.row).map((stored) => stored.row),
    appliedCount: () => applied.size,
    /** Test hook: corrupts the server copy without a change record, as a lost write would. */
    corrupt(table: SyncedTable, id: string, changes: Record<string, unknown>) {
      const existing = rows.get(key(table, id));
      if (existing) existing.row = { ...existing.row, ...changes };
    },
  };
}

export type FakeSyncServer = ReturnType<typeof createFakeSyncServer>;
export type FakeDevice = ReturnType<FakeSyncServer['connect']>;
