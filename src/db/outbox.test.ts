import 'fake-indexeddb/auto';
import { Dexie, liveQuery } from 'dexie';
import { describe, expect, it } from 'vitest';
import { contactInput, testStores } from '../../tests/support/test-store';
import { coalesceOutbox } from '../sync/coalesce';
import { commitChanges } from './commit-changes';
import { createFieldbookDb, type FieldbookDb } from './fieldbook-db';
import { BATCH_SIZE, countWaiting, isBatch, pendingRowIds } from './outbox';
import { allEntries, listOutbox, pendingFields } from './outbox-entries';
import { watchPendingRowIds } from './queries';
import { createSyncLocal, discardRejected, retryRejected } from './sync-local';

const open = testStores();

const inserts = (count: number, table: 'contacts' = 'contacts') =>
  Array.from({ length: count }, (_, i) => ({ table, op: 'insert' as const, id: crypto.randomUUID(), fields: { first_name: `P${i}`, notes: `note ${i}` } }));

/** A store holding: one single insert, a bulk insert of `bulk` contacts, then an edit of the bulk's second row. */
async function mixedOutbox(bulk = 600) {
  const setup = await open();
  const { db, ctx } = setup;
  const single = inserts(1);
  const many = inserts(bulk);
  for (const changes of [single, many, [{ table: 'contacts' as const, op: 'update' as const, id: many[1]!.id, fields: { notes: 'edited' } }]]) {
    const result = await commitChanges(db, changes, ctx);
    if (!result.ok) throw new Error(result.error.message);
  }
  return { ...setup, single: single[0]!.id, ids: many.map((change) => change.id) };
}

const records = (db: FieldbookDb) => db.outbox.orderBy('seq').toArray();

describe('the outbox, with bulk inserts in batch records', () => {
  it('stores a bulk insert as batch records of at most BATCH_SIZE entries that read back as separate entries would', async () => {
    const { db, single, ids } = await mixedOutbox(600);
    const stored = await records(db);
    // 1 single insert + ceil(600 / 250) batches + 1 edit: 5 records for 602 entries.
    expect(stored.map((record) => (isBatch(record) ? record.items.length : 1))).toEqual([1, BATCH_SIZE, BATCH_SIZE, 100, 1]);
    const entries = await allEntries(db);
    expect(entries.map((entry) => entry.row_id)).toEqual([single, ...ids, ids[1]]);
    expect(await countWaiting(db)).toBe(602);
    expect(new Set(entries.map((entry) => entry.mutation_id)).size).toBe(602);
    // Each batched entry has the shape, stamp and values a single insert's entry has.
    const [first] = entries;
    const rows = await db.contacts.bulkGet(ids);
    entries.slice(1, 601).forEach((entry, i) => {
      expect(Object.keys(entry).sort()).toEqual(Object.keys(first!).sort());
      expect(entry).toMatchObject({ table: 'contacts', op: 'insert', row_id: ids[i], changes: { id: ids[i], first_name: `P${i}`, notes: `note ${i}` } });
      expect(entry.stamp).toBe(rows[i]?.field_stamps['first_name']);
    });
    // A batch's stamp is its newest entry's, so a clock restarted from the outbox starts past all of them.
    const batches = stored.filter(isBatch);
    for (const batch of batches) expect(batch.stamp).toBe(batch.items.map((item) => item.stamp).sort().at(-1));
  });

  it('hands the push whole records, oldest first, up to the limit, never splitting a batch', async () => {
    const { db, single, ids } = await mixedOutbox(600);
    const local = createSyncLocal(db);
    const rowsOf = async (limit: number) => (await local.listPending(limit)).map((entry) => entry.row_id);
    expect(await rowsOf(1)).toEqual([single]);
    expect(await rowsOf(100)).toEqual([single]);
    expect(await rowsOf(251)).toEqual([single, ...ids.slice(0, 250)]);
    expect(await rowsOf(600)).toEqual([single, ...ids.slice(0, 500)]);
    expect(await rowsOf(1000)).toEqual([single, ...ids, ids[1]]);
    // A batch bigger than the limit still goes, whole, when it is first.
    await local.acknowledge(coalesceOutbox(await local.listPending(1)), []);
    expect(await rowsOf(10)).toEqual(ids.slice(0, 250));
  });

  it('keeps the rest of a batch waiting, in its place, when only part of it was answered', async () => {
    const { db, ids } = await mixedOutbox(600);
    const local = createSyncLocal(db);
    const head = (await local.listPending(300)).slice(1, 101); // the first 100 entries of the first batch
    await local.acknowledge(coalesceOutbox(head), []);
    expect(await countWaiting(db)).toBe(502);
    expect((await allEntries(db)).map((entry) => entry.row_id)).toEqual([expect.any(String), ...ids.slice(100), ids[1]]);
    expect((await pendingRowIds(db, 'contacts')).has(ids[0]!)).toBe(false);
    expect((await pendingRowIds(db, 'contacts')).has(ids[100]!)).toBe(true);
    expect(await db.outbox.count()).toBe(5);

    // The rest of that batch answered: the record goes.
    const rest = (await allEntries(db)).filter((entry) => new Set<string>(ids.slice(100, 250)).has(entry.row_id));
    await local.acknowledge(coalesceOutbox(rest), []);
    expect(await db.outbox.count()).toBe(4);
    expect(await countWaiting(db)).toBe(352);
  });

  it('moves one refused insert of a batch to the review list and keeps the others waiting', async () => {
    const { db, ids } = await mixedOutbox(10);
    const local = createSyncLocal(db);
    const [refused] = coalesceOutbox((await allEntries(db)).filter((entry) => entry.row_id === ids[3]));
    await local.reject([{ entry_ids: refused!.entry_ids, table: 'contacts', row_id: ids[3]!, changes: refused!.changes, reason: 'No' }]);
    expect(await db.rejected.where('[table+row_id]').equals(['contacts', ids[3]!]).count()).toBe(1);
    expect(await countWaiting(db)).toBe(11);
    expect((await pendingRowIds(db, 'contacts')).has(ids[3]!)).toBe(false);
    expect((await pendingRowIds(db, 'contacts')).has(ids[4]!)).toBe(true);
  });

  it('tells which fields of a batched row wait, so a pull never reports or overwrites them as settled', async () => {
    const { db, ids } = await mixedOutbox(10);
    const waiting = await pendingFields(db, 'contacts', [ids[0]!, ids[1]!]);
    expect([...(waiting.get(ids[0]!) ?? [])]).toEqual(expect.arrayContaining(['first_name', 'notes']));
    expect([...(waiting.get(ids[1]!) ?? [])]).toEqual(expect.arrayContaining(['first_name', 'notes']));
    const seen = await new Promise<ReadonlySet<string>>((resolve) => {
      const stop = watchPendingRowIds(db, 'contacts', (rowIds) => {
        stop();
        resolve(rowIds);
      });
    });
    expect(ids.every((id) => seen.has(id))).toBe(true);
  });

  it('drops the entries of a batched row the server deleted for good, and keeps the rest of the batch', async () => {
    const { db, ids } = await mixedOutbox(10);
    const local = createSyncLocal(db);
    const row = await db.contacts.get(ids[5]!);
    // The answer to some other push names this row as hard-deleted (a bare tombstone: no created_at).
    await local.acknowledge([], [{ table: 'contacts', row: { id: ids[5], member_id: row!.member_id, deleted_at: new Date().toISOString(), field_stamps: {} } }]);
    expect(await db.contacts.get(ids[5]!)).toBeUndefined();
    expect((await allEntries(db)).some((entry) => entry.row_id === ids[5])).toBe(false);
    expect(await countWaiting(db)).toBe(11);
  });

  it('keeps the entries of a database made before batches when it opens with the new index', async () => {
    const name = `outbox-upgrade-${crypto.randomUUID()}`;
    const old = new Dexie(name);
    old.version(7).stores({ outbox: '++seq, &mutation_id, [table+row_id]', settings: 'key' });
    const entry = { mutation_id: crypto.randomUUID(), table: 'contacts', row_id: 'r1', op: 'update', changes: { notes: 'x' }, stamp: 's1', created_at: 1 };
    await old.table('outbox').add(entry);
    old.close();
    const db = createFieldbookDb(name);
    try {
      expect(await allEntries(db)).toEqual([{ ...entry, seq: 1 }]);
      expect(await countWaiting(db)).toBe(1);
      expect([...(await pendingRowIds(db, 'contacts'))]).toEqual(['r1']);
    } finally {
      db.close();
      await db.delete();
    }
  });

  it('reads each batch record once when a push of its rows is answered, not once per row', async () => {
    const { db, ctx } = await open();
    const result = await commitChanges(db, inserts(500), ctx);
    if (!result.ok) throw new Error(result.error.message);
    const local = createSyncLocal(db);
    const pushed = coalesceOutbox(await local.listPending(500));
    let reads = 0;
    const count = (record: unknown) => {
      reads += 1;
      return record;
    };
    db.outbox.hook('reading', count);
    await local.acknowledge(pushed, []);
    db.outbox.hook('reading').unsubscribe(count);
    expect(await countWaiting(db)).toBe(0);
    // Two batch records hold the 500 entries; the multi-entry index names each 250 times.
    expect(reads).toBeLessThanOrEqual(4);
  });

  it('keeps the waiting count and the not-synced markers live as a batch is answered part by part', async () => {
    const { db, ctx } = await open();
    const result = await commitChanges(db, inserts(10), ctx);
    if (!result.ok) throw new Error(result.error.message);
    const markers: number[] = [];
    const counts: number[] = [];
    const stopMarkers = watchPendingRowIds(db, 'contacts', (ids) => markers.push(ids.size));
    const counting = liveQuery(() => countWaiting(db)).subscribe({ next: (count) => counts.push(count) });
    try {
      await expect.poll(() => [markers.at(-1), counts.at(-1)]).toEqual([10, 10]);
      const local = createSyncLocal(db);
      const pending = await local.listPending(500);
      await local.acknowledge(coalesceOutbox(pending.slice(0, 4)), []);
      await expect.poll(() => [markers.at(-1), counts.at(-1)]).toEqual([6, 6]);
      await local.acknowledge(coalesceOutbox(pending.slice(4)), []);
      await expect.poll(() => [markers.at(-1), counts.at(-1)]).toEqual([0, 0]);
    } finally {
      stopMarkers();
      counting.unsubscribe();
    }
  });

  it('shows the developer panel the oldest entries up to its limit, cutting a batch short', async () => {
    const { db, single, ids } = await mixedOutbox(300);
    expect((await listOutbox(db, 20)).map((entry) => entry.row_id)).toEqual([single, ...ids.slice(0, 19)]);
  });

  it('sends a refused batched insert again after the rest of its batch (Retry) and removes only that row on Discard', async () => {
    const { db, ctx } = await open();
    const changes = inserts(6);
    const result = await commitChanges(db, changes, ctx);
    if (!result.ok) throw new Error(result.error.message);
    const local = createSyncLocal(db);
    const entries = await allEntries(db);
    for (const index of [1, 4]) {
      const [refused] = coalesceOutbox(entries.filter((entry) => entry.row_id === changes[index]!.id));
      await local.reject([{ entry_ids: refused!.entry_ids, table: 'contacts', row_id: refused!.row_id, changes: refused!.changes, reason: 'No' }]);
    }
    expect(await countWaiting(db)).toBe(4);
    const rejected = await db.rejected.toArray();
    expect(await retryRejected(db, rejected.find((row) => row.row_id === changes[1]!.id)!.id, ctx)).toMatchObject({ ok: true });
    expect(await discardRejected(db, rejected.find((row) => row.row_id === changes[4]!.id)!.id, ctx)).toMatchObject({ ok: true });
    const after = await allEntries(db);
    expect(after.map((entry) => entry.row_id)).toEqual([0, 2, 3, 5, 1].map((index) => changes[index]!.id));
    expect(after.at(-1)).toMatchObject({ op: 'insert' });
    expect(await db.contacts.get(changes[4]!.id)).toBeUndefined();
  });

  it('never reopens a database another tab upgraded: its newer records are not for this code', async () => {
    const { db, name, store } = await open();
    expect((await store.addContact(contactInput())).ok).toBe(true);
    // Another tab opens the database at a newer version; this tab steps aside, as the app does.
    db.on('versionchange', () => {
      db.stepAside();
      return false;
    });
    const newer = new Dexie(name);
    newer.version(db.verno + 1).stores({});
    await newer.open();
    newer.close();
    const result = await store.addContact(contactInput({ first_name: 'After the upgrade' }));
    expect(result).toMatchObject({ ok: false, error: { kind: 'replaced', message: 'Fieldbook was updated in another tab. Reload to continue; nothing is lost.' } });
    expect(db.isOpen()).toBe(false);
  });
});
