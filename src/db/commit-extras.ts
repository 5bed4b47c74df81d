import type { Table } from 'dexie';
import type { AnyRow } from '../domain/synced-table';
import type { FieldbookDb, RejectedRow } from './fieldbook-db';
import { batchRecords, pendingFields } from './outbox-entries';
import {
  dataFieldsOf,
  MissingRowError,
  newRow,
  queue,
  remember,
  SYNC_CURSOR_KEY,
  type DataFields,
  type GiveBackRejected,
  type RequeueContext,
  type RequeueRejected,
  type RowChange,
  type WriteContext,
  type WrittenRows,
} from './commit-changes';

/*
 * The parts of commitChanges a phone rarely runs, loaded on first use: bulk inserts (imports, merges,
 * seeding) and the review list's answers to changes the server refused (send again, discard).
 */

export async function insertMany(db: FieldbookDb, changes: readonly RowChange[], ctx: WriteContext, written: WrittenRows | null): Promise<string[]> {
  const built = changes.map((change) => newRow(change, dataFieldsOf(change, undefined), ctx.clock.next(), ctx));
  // bulkAdd, not bulkPut: a colliding id fails the whole transaction, as add does for one row.
  const rows = built.map((item) => item.row);
  await addInSlices(db.table<AnyRow, string>(changes[0]!.table), rows);
  remember(written, changes[0]!.table, rows);
  // Their outbox entries go in batch records (outbox.ts): one IndexedDB record per BATCH_SIZE inserts.
  await addInSlices(db.outbox, batchRecords(built.map((item) => item.entry)), 1);
  return built.map((item) => item.entry.mutation_id);
}

/** Rows a bulk write hands IndexedDB in one go (one main-thread task copies them all). */
const ADD_SLICE = 250;

/**
 * bulkAdd in slices, the next one issued when the one before the last has been written: the main
 * thread copies one slice per task (1,000 contacts and their outbox entries in one task held it for
 * 100-190 ms), while IndexedDB always has the following slice waiting, so it never idles. Requests run
 * in the order issued, in the same transaction: the same writes, as atomic as one bulkAdd.
 */
async function addInSlices<T>(table: Table<T>, rows: readonly T[], slice = ADD_SLICE): Promise<void> {
  if (rows.length <= slice) {
    await table.bulkAdd([...rows]);
    return;
  }
  const inFlight: Promise<unknown>[] = [];
  for (let start = 0; start < rows.length; start += slice) {
    if (inFlight.length >= 2) await inFlight.shift();
    const added = table.bulkAdd(rows.slice(start, start + slice));
    // Awaited below; a failure aborts the transaction and rejects the commit either way.
    added.catch(() => undefined);
    inFlight.push(added);
  }
  await Promise.all(inFlight);
}

/** The rejected record, if it still names this row (another tab may have resolved it meanwhile). */
async function rejectedRecord(db: FieldbookDb, change: RequeueRejected | GiveBackRejected): Promise<RejectedRow | null> {
  const rejected = await db.rejected.get(change.rejectedId);
  return rejected && rejected.table === change.table && rejected.row_id === change.id ? rejected : null;
}

export async function requeue(db: FieldbookDb, change: RequeueRejected, ctx: RequeueContext): Promise<string | null> {
  const rejected = await rejectedRecord(db, change);
  if (rejected === null) return null;
  const table = db.table<AnyRow, string>(change.table);
  const row = await table.get(change.id);
  // Nothing to send again: the record stays (the transaction rolls back) until the member discards it.
  if (!row) throw new MissingRowError(change.table, change.id);
  await db.rejected.delete(rejected.id);
  for (const held of Object.values(row.field_stamps)) ctx.clock.receive(held);
  const stamp = ctx.clock.next();
  const values = row as AnyRow & DataFields;
  const changes = Object.fromEntries(Object.keys(rejected.changes).map((field) => [field, values[field]]));
  await table.put({ ...row, field_stamps: { ...row.field_stamps, ...Object.fromEntries(Object.keys(changes).map((field) => [field, stamp])) } });
  // A refused insert never reached the server: it goes again as an insert of the whole row.
  if (Object.hasOwn(rejected.changes, 'created_at')) {
    const whole: DataFields = { ...values };
    delete whole['field_stamps'];
    delete whole['updated_at'];
    return queue(db, { mutation_id: ctx.newId(), table: change.table, row_id: change.id, op: 'insert', changes: whole, stamp, created_at: ctx.now() });
  }
  return queue(db, { mutation_id: ctx.newId(), table: change.table, row_id: change.id, op: 'update', changes, stamp, created_at: ctx.now() });
}

export async function giveBack(db: FieldbookDb, change: GiveBackRejected): Promise<void> {
  const rejected = await rejectedRecord(db, change);
  if (rejected === null) return;
  await db.rejected.delete(rejected.id);
  const table = db.table<AnyRow, string>(change.table);
  const row = await table.get(change.id);
  if (!row) return;
  const waiting = (await pendingFields(db, change.table, [change.id])).get(change.id);
  if (Object.hasOwn(rejected.changes, 'created_at') && !waiting) {
    await table.delete(change.id);
    return;
  }
  const stamps: Record<string, string> = { ...row.field_stamps };
  for (const field of Object.keys(rejected.changes)) if (!waiting?.has(field)) stamps[field] = '';
  await table.put({ ...row, field_stamps: stamps });
  await db.settings.delete(SYNC_CURSOR_KEY);
}
