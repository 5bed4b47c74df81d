import type { OutboxEntry, SyncedTable } from '../domain/synced-table';
import type { HlcStamp } from '../domain/hlc';
import type { FieldbookDb } from './fieldbook-db';

/*
 * How the outbox is stored. A single change is one record, an OutboxEntry. A bulk insert (an import,
 * a merge, seeding) stores its entries in batches instead: one record holds the inserts of up to
 * BATCH_SIZE rows of one table, each with its own mutation id and stamp, exactly as separate entries
 * would have been. Each IndexedDB request costs the same whatever it carries, so an import of 10,000
 * contacts writes 10,040 records instead of 20,000 (in Chromium, about half the time).
 *
 * Only this module and outbox-entries.ts look inside a batch; everything else sees entries. Here is
 * what the first screen needs (which rows of a table wait, how many entries wait); outbox-entries.ts,
 * loaded with sync and bulk writes, has the rest: what the outbox holds for some rows, the oldest
 * entries, and removing entries once pushed or refused. A batch keeps the order of the entries inside
 * it and its place in the outbox (its seq), so pushes still go in the order the changes were made.
 */

/** One insert inside a batch: an OutboxEntry without what the batch says once for all. */
export type BatchItem = { readonly mutation_id: string; readonly row_id: string; readonly changes: Record<string, unknown>; readonly stamp: HlcStamp };

/**
 * A batch record. It has no mutation_id or row_id of its own, so it stays out of those indexes;
 * `rows` (a rowKey for each item) is a multi-entry index that finds it by row, like the entries'
 * [table+row_id]. The keys are strings, not [table, id] pairs: Dexie notes every key a small write
 * touches for its live queries, and 10,000 array keys took it 400 ms to sort where strings take a
 * fraction. `stamp` is the newest item's (the device clock starts past it).
 */
export type OutboxBatch = {
  seq?: number;
  readonly table: SyncedTable;
  readonly op: 'insert';
  readonly stamp: HlcStamp;
  readonly created_at: number;
  readonly items: readonly BatchItem[];
  readonly rows: readonly string[];
  /** How many items it holds, indexed: the waiting count adds these up without reading any batch. */
  readonly size: number;
};

export type OutboxRecord = OutboxEntry | OutboxBatch;

/** Entries one batch record holds at most (a push takes 500 entries: two whole batches). */
export const BATCH_SIZE = 250;

export const isBatch = (record: OutboxRecord): record is OutboxBatch => 'items' in record;

/** A row's key in a batch's `rows` index: its table and id. */
export const rowKey = (table: SyncedTable, id: string) => `${table}/${id}`;

/** The ids of the rows of `table` that have changes waiting. */
export async function pendingRowIds(db: FieldbookDb, table: SyncedTable): Promise<Set<string>> {
  // Row ids are strings: from '' to '\uffff' spans every one of them.
  const [entryKeys, batchKeys] = await db.transaction('r', db.outbox, () =>
    Promise.all([db.outbox.where('[table+row_id]').between([table, ''], [table, '\uffff']).keys(), db.outbox.where('rows').between(rowKey(table, ''), rowKey(table, '\uffff')).keys()]),
  );
  const prefix = rowKey(table, '').length;
  return new Set([...entryKeys.map((key) => String((key as readonly unknown[])[1])), ...batchKeys.map((key) => (key as string).slice(prefix))]);
}

/**
 * How many entries wait: every record with a mutation id is one, and each batch adds its `size`. Both
 * come from index keys: counting the `rows` index instead walks one key per batched row (in Chromium
 * about 35 ms for 10,000), and this runs after every write while anything waits.
 */
export async function countWaiting(db: FieldbookDb): Promise<number> {
  // Every mutation id is a string (at least ''), every size a number (at least 0).
  const [entries, sizes] = await db.transaction('r', db.outbox, () => Promise.all([db.outbox.where('mutation_id').aboveOrEqual('').count(), db.outbox.where('size').aboveOrEqual(0).keys()]));
  return entries + sizes.reduce<number>((sum, size) => sum + Number(size), 0);
}
