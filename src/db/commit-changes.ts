import type { HlcClock } from '../domain/hlc';
import { SYNC_COLUMNS, type AnyRow, type MutationOp, type OutboxEntry, type SyncedTable } from '../domain/synced-table';
import { err, ok, type Result } from '../shared/result';
import type { ScopedLogger } from '../shared/logger';
import type { FieldbookDb } from './fieldbook-db';
import { toStorageError, type StorageError } from './storage-error';

export type WriteContext = {
  readonly memberId: string;
  readonly clock: HlcClock;
  readonly now: () => number;
  readonly newId: () => string;
  readonly log?: ScopedLogger;
};

type DataFields = Record<string, unknown>;

/**
 * A row to create (with its client-generated id), the fields of an existing live row to change, or
 * (`upsert`) either, decided inside the transaction.
 */
export type RowChange = { readonly table: SyncedTable; readonly op: MutationOp | 'upsert'; readonly id: string; readonly fields: DataFields };

export type CommitReceipt = { readonly mutationIds: readonly string[] };

export type CommitError = StorageError | { readonly kind: 'missing'; readonly message: string; readonly cause: unknown };

class MissingRowError extends Error {
  constructor(table: string, id: string) {
    super(`${table} ${id} is not on this device`);
    this.name = 'MissingRowError';
  }
}

const SYNC_COLUMN_SET: ReadonlySet<string> = new Set(SYNC_COLUMNS);
const UNSTAMPED: ReadonlySet<string> = new Set(['id', 'member_id', 'created_at']);
const sameValue = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * The one way user writes reach IndexedDB. Each change and its outbox entry commit in a single Dexie
 * transaction (SYNC.md guarantee 1): if either fails, neither is stored, so the outbox never names a
 * change that is not on the device and no change exists that the outbox forgot. Several changes (a
 * contact and the activity that describes it) commit together. Every changed field gets this write's
 * HLC stamp; fields whose value did not change are left alone and produce no outbox entry.
 */
export async function commitChanges(db: FieldbookDb, changes: readonly RowChange[], ctx: WriteContext): Promise<Result<CommitReceipt, CommitError>> {
  const started = ctx.now();
  const tables = [...new Set(changes.map((change) => change.table))];
  const run = () =>
    db.transaction('rw', [...tables.map((table) => db.table(table)), db.outbox], async () => {
      const mutationIds: string[] = [];
      for (const change of changes) {
        const mutationId = await applyChange(db, change, ctx);
        if (mutationId !== null) mutationIds.push(mutationId);
      }
      return mutationIds;
    });
  try {
    const mutationIds = await withReopen(db, run);
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

async function applyChange(db: FieldbookDb, change: RowChange, ctx: WriteContext): Promise<string | null> {
  const table = db.table<AnyRow, string>(change.table);
  const nowIso = new Date(ctx.now()).toISOString();
  const dataFields = Object.fromEntries(Object.entries(change.fields).filter(([key]) => !SYNC_COLUMN_SET.has(key) || key === 'deleted_at'));
  const current = change.op === 'insert' ? undefined : await table.get(change.id);
  // An edit must outrank the values it replaces, even in a tab whose clock never saw them arrive.
  if (current) for (const held of Object.values(current.field_stamps)) ctx.clock.receive(held);
  const stamp = ctx.clock.next();
  let op: MutationOp;
  let changed: DataFields;
  if (current === undefined) {
    if (change.op === 'update') throw new MissingRowError(change.table, change.id);
    op = 'insert';
    changed = { ...dataFields, id: change.id, member_id: ctx.memberId, created_at: nowIso, deleted_at: dataFields['deleted_at'] ?? null };
    // Like the server (sync.merge_row), identity columns carry no stamp: they never change.
    const stamps = Object.fromEntries(Object.keys(changed).filter((key) => !UNSTAMPED.has(key)).map((key) => [key, stamp]));
    // add, not put: a colliding id must fail loudly rather than replace someone's row.
    await table.add({ ...changed, updated_at: nowIso, field_stamps: stamps } as AnyRow);
  } else {
    // A deleted row takes no edits (another tab may have deleted it) except the undo of the delete itself.
    if (current.deleted_at !== null && !('deleted_at' in dataFields)) throw new MissingRowError(change.table, change.id);
    op = 'update';
    changed = Object.fromEntries(Object.entries(dataFields).filter(([key, value]) => !sameValue((current as DataFields)[key], value)));
    if (Object.keys(changed).length === 0) return null;
    const stamps = { ...current.field_stamps, ...Object.fromEntries(Object.keys(changed).map((key) => [key, stamp])) };
    await table.put({ ...current, ...changed, updated_at: nowIso, field_stamps: stamps });
  }
  const entry: OutboxEntry = {
    mutation_id: ctx.newId(),
    table: change.table,
    row_id: change.id,
    op,
    changes: changed,
    stamp,
    created_at: ctx.now(),
  };
  await db.outbox.add(entry);
  return entry.mutation_id;
}

/** Runs a database operation; if the browser closed the database under us, reopens it and tries once more. */
export async function withReopen<T>(db: FieldbookDb, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (toStorageError(error).kind !== 'closed') throw error;
    if (!db.isOpen()) await db.open();
    return operation();
  }
}
