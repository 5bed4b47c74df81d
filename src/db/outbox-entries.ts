import { SYNCED_TABLES, type OutboxEntry, type SyncedTable } from '../domain/synced-table';
import type { FieldbookDb } from './fieldbook-db';
import { BATCH_SIZE, isBatch, pendingRowIds, rowKey, type BatchItem, type OutboxBatch, type OutboxRecord } from './outbox';

/*
 * The outbox as entries, for sync, bulk writes, the review list, the export and the developer panel
 * (all loaded after the first screen). Batch records (outbox.ts) are read and rewritten only here.
 */

/** The entries a record stands for, in order. */
export function entriesOf(record: OutboxRecord): OutboxEntry[] {
  if (!isBatch(record)) return [record];
  const { seq, table, created_at } = record;
  return record.items.map((item) => ({ ...(seq === undefined ? {} : { seq }), mutation_id: item.mutation_id, table, row_id: item.row_id, op: 'insert', changes: item.changes, stamp: item.stamp, created_at }));
}

/** Every entry waiting, in order (the export, tests). */
export async function allEntries(db: FieldbookDb): Promise<OutboxEntry[]> {
  return (await db.outbox.orderBy('seq').toArray()).flatMap(entriesOf);
}

/** Batch records for the insert entries of one table (in order, BATCH_SIZE to a record). */
export function batchRecords(entries: readonly OutboxEntry[]): OutboxBatch[] {
  const batches: OutboxBatch[] = [];
  for (let start = 0; start < entries.length; start += BATCH_SIZE) {
    const part = entries.slice(start, start + BATCH_SIZE);
    const first = part[0]!;
    batches.push({
      table: first.table,
      op: 'insert',
      stamp: part.reduce((newest, entry) => (entry.stamp > newest ? entry.stamp : newest), first.stamp),
      created_at: first.created_at,
      items: part.map((entry) => ({ mutation_id: entry.mutation_id, row_id: entry.row_id, changes: entry.changes, stamp: entry.stamp })),
      rows: part.map((entry) => rowKey(entry.table, entry.row_id)),
      size: part.length,
    });
  }
  return batches;
}

/**
 * The batch records holding any of these rows of `table`, each once. The multi-entry index answers a
 * record once per matching key (500 rows of one batch: 500 copies of it), so only keys are read there.
 */
async function batchesForRows(db: FieldbookDb, table: SyncedTable, rowIds: readonly string[]): Promise<OutboxBatch[]> {
  if (rowIds.length === 0) return [];
  const seqs = await db.outbox.where('rows').anyOf(rowIds.map((id) => rowKey(table, id))).primaryKeys();
  if (seqs.length === 0) return [];
  const records = await db.outbox.bulkGet([...new Set(seqs)]);
  return records.filter((record): record is OutboxBatch => record !== undefined && isBatch(record));
}

/** Every record (entry or batch) naming one of these rows of `table`, each once, in outbox order. */
async function recordsForRows(db: FieldbookDb, table: SyncedTable, rowIds: readonly string[]): Promise<OutboxRecord[]> {
  if (rowIds.length === 0) return [];
  const [entries, batches] = await Promise.all([db.outbox.where('[table+row_id]').anyOf(rowIds.map((id) => [table, id])).toArray(), batchesForRows(db, table, rowIds)]);
  return [...entries, ...batches].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

/** The entries waiting for these rows of `table`, in outbox order. */
export async function entriesForRows(db: FieldbookDb, table: SyncedTable, rowIds: readonly string[]): Promise<OutboxEntry[]> {
  const wanted = new Set(rowIds);
  return (await recordsForRows(db, table, rowIds)).flatMap(entriesOf).filter((entry) => wanted.has(entry.row_id));
}

/** Every entry of `table` waiting, in outbox order. */
export async function entriesOfTable(db: FieldbookDb, table: SyncedTable): Promise<OutboxEntry[]> {
  const ids = await pendingRowIds(db, table);
  return entriesForRows(db, table, [...ids]);
}

/**
 * The oldest entries: whole records, in order, until `limit` entries (a batch is never split, so the
 * first record is taken whatever its size).
 */
export async function headEntries(db: FieldbookDb, limit: number): Promise<OutboxEntry[]> {
  const entries: OutboxEntry[] = [];
  let full = false;
  await db.outbox
    .orderBy('seq')
    .until(() => full)
    .each((record) => {
      const expanded = entriesOf(record);
      full = entries.length > 0 && entries.length + expanded.length > limit;
      if (full) return; // this record waits for the next round
      entries.push(...expanded);
      full = entries.length >= limit;
    });
  return entries;
}

/**
 * Removes the entries with these mutation ids (pushed and answered, or refused). `rows` names the rows
 * they belong to, which finds the batches holding them; a batch keeps its other items.
 */
export async function removeEntries(db: FieldbookDb, entryIds: readonly string[], rows: readonly { readonly table: SyncedTable; readonly row_id: string }[]): Promise<void> {
  if (entryIds.length === 0) return;
  await db.outbox.where('mutation_id').anyOf([...entryIds]).delete();
  const gone = new Set(entryIds);
  const byTable = new Map<SyncedTable, string[]>();
  for (const row of rows) {
    const ids = byTable.get(row.table);
    if (ids) ids.push(row.row_id);
    else byTable.set(row.table, [row.row_id]);
  }
  for (const [table, ids] of byTable) await rewriteBatches(db, await batchesForRows(db, table, ids), (item) => !gone.has(item.mutation_id));
}

/** Removes every entry for these rows of `table` (the server deleted them for good). */
export async function removeRows(db: FieldbookDb, table: SyncedTable, rowIds: readonly string[]): Promise<void> {
  if (rowIds.length === 0) return;
  const keys = rowIds.map((id) => [table, id]);
  await db.outbox.where('[table+row_id]').anyOf(keys).delete();
  const gone = new Set(rowIds);
  await rewriteBatches(db, await batchesForRows(db, table, rowIds), (item) => !gone.has(item.row_id));
}

async function rewriteBatches(db: FieldbookDb, batches: readonly OutboxBatch[], keep: (item: BatchItem) => boolean): Promise<void> {
  for (const batch of batches) {
    const items = batch.items.filter(keep);
    if (items.length === batch.items.length) continue;
    if (items.length === 0) await db.outbox.delete(batch.seq!);
    else await db.outbox.put({ ...batch, items, rows: items.map((item) => rowKey(batch.table, item.row_id)), size: items.length });
  }
}

/** Fields still waiting in the outbox for each row of a table, so nothing written here overwrites them. */
export async function pendingFields(db: FieldbookDb, table: SyncedTable, rowIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const entries = await entriesForRows(db, table, rowIds);
  const fields = new Map<string, Set<string>>();
  for (const entry of entries) {
    const set = fields.get(entry.row_id) ?? new Set<string>();
    for (const field of Object.keys(entry.changes)) set.add(field);
    fields.set(entry.row_id, set);
  }
  return fields;
}

/** The oldest `limit` entries, for the developer panel (a batch may be cut short here: it is only shown). */
export async function listOutbox(db: FieldbookDb, limit: number): Promise<OutboxEntry[]> {
  const entries: OutboxEntry[] = [];
  await db.outbox
    .orderBy('seq')
    .until(() => entries.length >= limit)
    .each((record) => void entries.push(...entriesOf(record)));
  return entries.slice(0, limit);
}

/** Everything on this device, for the JSON export: synced tables (tombstones included), outbox, settings. */
export async function exportEverything(db: FieldbookDb): Promise<Record<string, unknown>> {
  // One read transaction, so rows and outbox are a consistent snapshot even while writes happen.
  return db.transaction('r', [...SYNCED_TABLES.map((table) => db.table(table)), db.outbox, db.settings], async () => {
    const tables = await Promise.all(SYNCED_TABLES.map(async (table) => [table, await db.table(table).toArray()] as const));
    return {
      format: 'fieldbook-export',
      version: 1,
      exported_at: new Date().toISOString(),
      ...Object.fromEntries(tables),
      outbox: await allEntries(db),
      settings: await db.settings.toArray(),
    };
  });
}
