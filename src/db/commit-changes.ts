import type { Contact } from '../domain/contact';
import { mirrorContactPoints } from '../domain/contact-points';
import { createHlcClock, type HlcClock } from '../domain/hlc';
import { SYNC_COLUMNS, type AnyRow, type MutationOp, type OutboxEntry, type SyncedTable } from '../domain/synced-table';
import { err, ok, type Result } from '../shared/result';
import type { ScopedLogger } from '../shared/logger';
import type * as commitExtras from './commit-extras';
import type { FieldbookDb } from './fieldbook-db';
import { ReplacedDatabaseError, toStorageError, type StorageError } from './storage-error';

/** The settings row holding the pull cursor (sync_pull's next_cursor). */
export const SYNC_CURSOR_KEY = 'sync_cursor';
/** The settings row holding the server-time offset the sync engine last stored (SPEC CK2). */
export const CLOCK_OFFSET_KEY = 'clock_offset_ms';

/** The stored server-time offset in ms, or null when none was stored. */
export async function loadClockOffset(db: FieldbookDb): Promise<number | null> {
  const stored = (await db.settings.get(CLOCK_OFFSET_KEY))?.value;
  return typeof stored === 'number' && Number.isFinite(stored) ? stored : null;
}

/**
 * The HLC clock that stamps a tab's writes, made at startup before any write (SPEC CK1, CK2):
 * corrected by the stored server-time offset, so an app restarted offline keeps the corrected clock
 * (and a tab that does not lead sync starts from what the leader learned), and past the newest stamp
 * this device issued, even if the device clock was since set back.
 */
export async function createDeviceClock(db: FieldbookDb, options: { readonly now: () => number; readonly node: string }): Promise<HlcClock> {
  const offsetMs = await loadClockOffset(db);
  const clock = createHlcClock({ now: options.now, node: options.node, ...(offsetMs === null ? {} : { offsetMs }) });
  const newest = await db.outbox.orderBy('seq').last();
  if (newest) clock.receive(newest.stamp);
  return clock;
}

export type WriteContext = {
  readonly memberId: string;
  readonly clock: HlcClock;
  readonly now: () => number;
  readonly newId: () => string;
  readonly log?: ScopedLogger | undefined;
};

export type DataFields = Record<string, unknown>;

/**
 * A row to create (with its client-generated id), the fields of an existing live row to change, or
 * (`upsert`) either, decided inside the transaction.
 */
export type RowChange = { readonly table: SyncedTable; readonly op: MutationOp | 'upsert'; readonly id: string; readonly fields: DataFields };

/**
 * The review list's answers to a change the server refused (SPEC RJ1), naming the row (`table`, `id`)
 * and the rejected record. Neither is a new action of the member's, so neither comes with a feed
 * activity; both remove the rejected record in the same transaction.
 *
 * - `requeue` (Retry): the row's current values of the refused fields go to the outbox again with a
 *   fresh stamp; a refused insert (it never reached the server) goes again as an insert of the row.
 * - `give-back` (Discard): the row goes back to the server's version. A refused insert with no edits
 *   waiting is removed; otherwise the refused fields lose their local stamps (fields with edits still
 *   waiting keep theirs) and the pull cursor is reset, so the next pull brings the server's values.
 *   Writes no outbox entry.
 */
export type RequeueRejected = { readonly table: SyncedTable; readonly op: 'requeue'; readonly id: string; readonly rejectedId: string };
export type GiveBackRejected = { readonly table: SyncedTable; readonly op: 'give-back'; readonly id: string; readonly rejectedId: string };

export type RequeueContext = Pick<WriteContext, 'clock' | 'now' | 'newId'> & { readonly log?: ScopedLogger | undefined };
export type GiveBackContext = Pick<WriteContext, 'now'> & { readonly log?: ScopedLogger | undefined };

type AnyChange = RowChange | RequeueRejected | GiveBackRejected;

export type CommitReceipt = { readonly mutationIds: readonly string[] };

export type CommitError = StorageError | { readonly kind: 'missing'; readonly message: string; readonly cause: unknown };

export class MissingRowError extends Error {
  constructor(table: string, id: string) {
    super(`${table} ${id} is not on this device`);
    this.name = 'MissingRowError';
  }
}

/** Rows a commit of this tab stored, per table, as stored (see onRowsCommitted). */
export type WrittenRows = Map<SyncedTable, AnyRow[]>;
type CommitExtras = typeof commitExtras;
export type RowsCommittedListener = (table: SyncedTable, rows: readonly AnyRow[]) => void;
const rowsCommittedListeners = new WeakMap<FieldbookDb, Set<RowsCommittedListener>>();

/**
 * Calls `listener` after each commitChanges of this tab that stored rows, with every row it stored in
 * that table exactly as stored, once the transaction has committed (never for one that failed, nor for
 * the review list's retry and discard). Whoever keeps an in-memory copy of a table (the contact index)
 * can take them instead of reading back rows this tab just wrote. Dexie's `storagemutated` event for
 * the same transaction fires just before, in the same task (inside the transaction's complete event;
 * this call follows in the microtasks after it).
 */
export function onRowsCommitted(db: FieldbookDb, listener: RowsCommittedListener): () => void {
  const listeners = rowsCommittedListeners.get(db) ?? new Set<RowsCommittedListener>();
  rowsCommittedListeners.set(db, listeners);
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const SYNC_COLUMN_SET: ReadonlySet<string> = new Set(SYNC_COLUMNS);
const UNSTAMPED: ReadonlySet<string> = new Set(['id', 'member_id', 'created_at']);
const sameValue = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * The one way writes of this device reach IndexedDB and the outbox. Each change and its outbox entry
 * commit in a single Dexie transaction (SPEC G1): if either fails, neither is stored, so the outbox
 * never names a change that is not on the device and no change exists that the outbox forgot. Several
 * changes (a contact and the activity that describes it) commit together. Every changed field gets
 * this write's HLC stamp; fields whose value did not change are left alone and produce no outbox
 * entry. The review list's retry and discard of a refused change come through here too.
 */
export function commitChanges(db: FieldbookDb, changes: readonly RowChange[], ctx: WriteContext): Promise<Result<CommitReceipt, CommitError>>;
export function commitChanges(db: FieldbookDb, changes: readonly RequeueRejected[], ctx: RequeueContext): Promise<Result<CommitReceipt, CommitError>>;
export function commitChanges(db: FieldbookDb, changes: readonly GiveBackRejected[], ctx: GiveBackContext): Promise<Result<CommitReceipt, CommitError>>;
export async function commitChanges(db: FieldbookDb, changes: readonly AnyChange[], ctx: GiveBackContext & Partial<WriteContext>): Promise<Result<CommitReceipt, CommitError>> {
  const started = ctx.now();
  const tables = [...new Set(changes.map((change) => change.table))];
  const resolving = changes.some((change) => change.op === 'requeue' || change.op === 'give-back');
  const scope = [...tables.map((table) => db.table(table)), db.outbox, ...(resolving ? [db.rejected, db.settings] : [])];
  const listeners = rowsCommittedListeners.get(db);
  let written: WrittenRows | null = null;
  // Bulk inserts and the review list's answers are rare on a phone: their code loads when first needed,
  // before the transaction (an IndexedDB transaction ends at the first await of anything else).
  let extras: CommitExtras | null = null;
  const bulk = changes.some((change, i) => change.op === 'insert' && changes[i + 1]?.op === 'insert' && changes[i + 1]?.table === change.table);
  if (resolving || bulk) {
    try {
      extras = await import('./commit-extras');
    } catch (error) {
      return err(toStorageError(error));
    }
  }
  const run = () =>
    db.transaction('rw', scope, async () => {
      // Collected afresh by each attempt (withReopen may run this twice); handed over only after commit.
      // Not for the review list's answers: a discard may delete a row, which is no row to hand over.
      written = listeners && listeners.size > 0 && !resolving ? new Map() : null;
      const mutationIds: string[] = [];
      for (let i = 0; i < changes.length; ) {
        // A run of inserts into one table (an import) is written with two bulk writes, not two per row.
        const run = insertRun(changes, i);
        if (run.length > 1) {
          mutationIds.push(...(await needs(extras, 'bulk inserts').insertMany(db, run, { ...ctx, memberId: needs(ctx.memberId, 'the member id'), clock: needs(ctx.clock, 'a clock'), newId: needs(ctx.newId, 'newId') }, written)));
          i += run.length;
          continue;
        }
        const mutationId = await applyAny(db, changes[i]!, ctx, written, extras);
        if (mutationId !== null) mutationIds.push(mutationId);
        i += 1;
      }
      return mutationIds;
    });
  try {
    const mutationIds = await withReopen(db, run);
    const committed = written as WrittenRows | null;
    if (committed !== null && listeners) for (const [table, rows] of committed) for (const listener of [...listeners]) listener(table, rows);
    ctx.log?.debug(`committed ${changes.length} change(s) to ${tables.join(', ')}`, {
      mutations: mutationIds.length,
      ms: Math.round((ctx.now() - started) * 10) / 10,
    });
    return ok({ mutationIds });
  } catch (error) {
    if (error instanceof MissingRowError) return err({ kind: 'missing', message: 'This item is no longer on this device.', cause: error });
    const storageError = toStorageError(error);
    ctx.log?.error(`commit failed: ${storageError.kind}`, { tables, error: String(error) });
    return err(storageError);
  }
}

/** The overloads guarantee what each kind of change needs from the context; this says so at run time. */
function needs<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`commitChanges: this change needs ${what} in its context`);
  return value;
}

function applyAny(db: FieldbookDb, change: AnyChange, ctx: GiveBackContext & Partial<WriteContext>, written: WrittenRows | null, extras: CommitExtras | null): Promise<string | null> {
  switch (change.op) {
    case 'requeue':
      return needs(extras, 'the review list').requeue(db, change, { ...ctx, clock: needs(ctx.clock, 'a clock'), newId: needs(ctx.newId, 'newId') });
    case 'give-back':
      return needs(extras, 'the review list').giveBack(db, change).then(() => null);
    default:
      return applyChange(db, change, { ...ctx, memberId: needs(ctx.memberId, 'the member id'), clock: needs(ctx.clock, 'a clock'), newId: needs(ctx.newId, 'newId') }, written);
  }
}

/** The outbox write: every entry is added here, inside the transaction of the change it describes. */
export async function queue(db: FieldbookDb, entry: OutboxEntry): Promise<string> {
  await db.outbox.add(entry);
  return entry.mutation_id;
}

export function remember(written: WrittenRows | null, table: SyncedTable, rows: readonly AnyRow[]) {
  if (written === null) return;
  const list = written.get(table);
  if (list) list.push(...rows);
  else written.set(table, [...rows]);
}

async function applyChange(db: FieldbookDb, change: RowChange, ctx: WriteContext, written: WrittenRows | null): Promise<string | null> {
  const table = db.table<AnyRow, string>(change.table);
  const nowIso = new Date(ctx.now()).toISOString();
  const current = change.op === 'insert' ? undefined : await table.get(change.id);
  const dataFields = dataFieldsOf(change, current);
  // An edit must outrank the values it replaces, even in a tab whose clock never saw them arrive.
  if (current) for (const held of Object.values(current.field_stamps)) ctx.clock.receive(held);
  const stamp = ctx.clock.next();
  if (current === undefined) {
    if (change.op === 'update') throw new MissingRowError(change.table, change.id);
    const { row, entry } = newRow(change, dataFields, stamp, ctx);
    // add, not put: a colliding id must fail loudly rather than replace someone's row.
    await table.add(row);
    remember(written, change.table, [row]);
    return queue(db, entry);
  } else {
    // A deleted row takes no edits (another tab may have deleted it) except the undo of the delete itself.
    if (current.deleted_at !== null && !('deleted_at' in dataFields)) throw new MissingRowError(change.table, change.id);
    const changed = Object.fromEntries(Object.entries(dataFields).filter(([key, value]) => !sameValue((current as DataFields)[key], value)));
    if (Object.keys(changed).length === 0) return null;
    // A contact's phone/email travel with their lists, under the same stamp, even when their value stays.
    if (change.table === 'contacts') {
      if ('phones' in changed) changed['phone'] = dataFields['phone'];
      if ('emails' in changed) changed['email'] = dataFields['email'];
    }
    const stamps = { ...current.field_stamps, ...Object.fromEntries(Object.keys(changed).map((key) => [key, stamp])) };
    const row = { ...current, ...changed, updated_at: nowIso, field_stamps: stamps } as AnyRow;
    await table.put(row);
    remember(written, change.table, [row]);
    return queue(db, { mutation_id: ctx.newId(), table: change.table, row_id: change.id, op: 'update', changes: changed, stamp, created_at: ctx.now() });
  }
}

/** A write's data fields: never the sync columns (deleted_at aside); contacts get their lists in step. */
export function dataFieldsOf(change: RowChange, current: AnyRow | undefined): DataFields {
  let fields = Object.fromEntries(Object.entries(change.fields).filter(([key]) => !SYNC_COLUMN_SET.has(key) || key === 'deleted_at'));
  if (change.table === 'contacts') {
    fields = mirrorContactPoints(fields, current as Contact | undefined);
    // A new contact names every column, so all its fields share one stamp (sent compactly by the pull).
    if (current === undefined) fields = { import_id: null, merged_into: null, ...fields };
  }
  return fields;
}

/** A new row and its outbox entry; like the server (sync.merge_row), identity columns carry no stamp. */
export function newRow(change: RowChange, dataFields: DataFields, stamp: string, ctx: WriteContext): { row: AnyRow; entry: OutboxEntry } {
  const nowIso = new Date(ctx.now()).toISOString();
  const changed = { ...dataFields, id: change.id, member_id: ctx.memberId, created_at: nowIso, deleted_at: dataFields['deleted_at'] ?? null };
  const stamps = Object.fromEntries(Object.keys(changed).filter((key) => !UNSTAMPED.has(key)).map((key) => [key, stamp]));
  return {
    row: { ...changed, updated_at: nowIso, field_stamps: stamps } as AnyRow,
    entry: { mutation_id: ctx.newId(), table: change.table, row_id: change.id, op: 'insert', changes: changed, stamp, created_at: ctx.now() },
  };
}

/** The changes from `start` that insert into the same table as the change at `start` (empty when it is no insert). */
function insertRun(changes: readonly AnyChange[], start: number): RowChange[] {
  const first = changes[start];
  if (first?.op !== 'insert') return [];
  const run: RowChange[] = [];
  for (let i = start; i < changes.length; i += 1) {
    const change = changes[i]!;
    if (change.op !== 'insert' || change.table !== first.table) break;
    run.push(change);
  }
  return run;
}

/**
 * Runs a database operation; if the browser closed the database under us, reopens it and tries once
 * more. Not after another tab upgraded the schema: Dexie would open the newer database, whose records
 * this code may not understand (a ReplacedDatabaseError asks for a reload instead).
 */
export async function withReopen<T>(db: FieldbookDb, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (toStorageError(error).kind !== 'closed') throw error;
    if (db.replaced) throw new ReplacedDatabaseError();
    if (!db.isOpen()) await db.open();
    return operation();
  }
}
