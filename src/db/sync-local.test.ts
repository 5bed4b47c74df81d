import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { contactInput, testStores, type TestStore } from '../../tests/support/test-store';
import type { ScopedLogger } from '../shared/logger';
import { coalesceOutbox } from '../sync/coalesce';
import type { FieldbookDb } from './fieldbook-db';
import { createSyncLocal, discardRejected, retryRejected, SYNC_CURSOR_KEY, type Overwritten } from './sync-local';
import { countWaiting } from './outbox';
import { allEntries, entriesForRows } from './outbox-entries';

const open = testStores();

function recordingLog() {
  const lines: string[] = [];
  const log: ScopedLogger = { debug: (m) => void lines.push(m), info: (m) => void lines.push(m), warn: (m) => void lines.push(m), error: (m) => void lines.push(m) };
  return { log, lines };
}

/** Every write fails as on a full disk, until `heal` is called. */
async function fillDisk(db: FieldbookDb) {
  db.close();
  db.use({
    stack: 'dbcore',
    name: 'full-disk',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return { ...table, mutate: () => Promise.reject(Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' })) };
      },
    }),
  });
  await db.open();
  return async () => {
    db.close();
    db.unuse({ stack: 'dbcore', name: 'full-disk' });
    await db.open();
  };
}

/** A contact whose last edit (notes) the server refused; the edit sits in the rejected list. */
async function withRejectedEdit(setup: TestStore) {
  const { db, store } = setup;
  const added = await store.addContact(contactInput());
  if (!added.ok) throw new Error('setup');
  const id = added.value;
  await db.outbox.clear(); // the insert was acknowledged
  await store.updateContact(id, { notes: 'bad' });
  const [entry] = await allEntries(db);
  await createSyncLocal(db).reject([{ entry_ids: [entry!.mutation_id], table: 'contacts', row_id: id, changes: { notes: 'bad' }, reason: 'Notes may not say bad' }]);
  const rejected = await db.rejected.where('[table+row_id]').equals(['contacts', id]).first();
  return { id, rejectedId: rejected!.id };
}

/** A contact whose insert the server refused. */
async function withRejectedInsert(setup: TestStore) {
  const { db, store } = setup;
  const added = await store.addContact(contactInput({ first_name: 'Refused' }));
  if (!added.ok) throw new Error('setup');
  const entries = await entriesForRows(db, 'contacts', [added.value]);
  await createSyncLocal(db).reject([{ entry_ids: entries.map((e) => e.mutation_id), table: 'contacts', row_id: added.value, changes: entries[0]!.changes, reason: 'No' }]);
  await db.outbox.clear();
  const rejected = await db.rejected.where('[table+row_id]').equals(['contacts', added.value]).first();
  return { id: added.value, rejectedId: rejected!.id };
}

describe('retry and discard of rejected changes go through commitChanges (SPEC RJ1)', () => {
  it('retry queues the current values with a fresh stamp, in one commit, and removes the review item', async () => {
    const setup = await open();
    const { db, store, ctx } = setup;
    const { id, rejectedId } = await withRejectedEdit(setup);
    await store.updateContact(id, { notes: 'better' }); // fixed in the form before retrying
    await db.outbox.clear();
    const before = await db.contacts.get(id);
    const { log, lines } = recordingLog();
    const result = await retryRejected(db, rejectedId, { ...ctx, log });
    expect(result).toMatchObject({ ok: true });
    const [entry, ...rest] = await allEntries(db);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ table: 'contacts', row_id: id, op: 'update', changes: { notes: 'better' } });
    expect(entry!.stamp > before!.field_stamps['notes']!).toBe(true);
    expect((await db.contacts.get(id))?.field_stamps['notes']).toBe(entry!.stamp);
    expect(await db.rejected.count()).toBe(0);
    expect(lines.some((line) => /^committed 1 change/.test(line))).toBe(true);
  });

  it('retry of a rejected insert sends the whole row again as an insert', async () => {
    const setup = await open();
    const { db, ctx } = setup;
    const { id, rejectedId } = await withRejectedInsert(setup);
    expect(await retryRejected(db, rejectedId, ctx)).toMatchObject({ ok: true });
    const [entry] = await allEntries(db);
    expect(entry).toMatchObject({ op: 'insert', row_id: id, changes: { id, first_name: 'Refused' } });
    expect(entry!.changes).not.toHaveProperty('field_stamps');
    expect(entry!.changes).not.toHaveProperty('updated_at');
  });

  it('discard clears the rejected fields\' stamps and the cursor in the same commit; a rejected insert is removed', async () => {
    const setup = await open();
    const { db, ctx } = setup;
    const edit = await withRejectedEdit(setup);
    const insert = await withRejectedInsert(setup);
    await db.settings.put({ key: SYNC_CURSOR_KEY, value: { xid: 42 } });
    const { log, lines } = recordingLog();
    expect(await discardRejected(db, edit.rejectedId, { ...ctx, log })).toMatchObject({ ok: true });
    expect(lines.some((line) => /^committed 1 change/.test(line))).toBe(true);
    const row = await db.contacts.get(edit.id);
    expect(row?.field_stamps['notes']).toBe('');
    expect(row?.field_stamps['first_name']).not.toBe('');
    expect(await db.settings.get(SYNC_CURSOR_KEY)).toBeUndefined();
    expect(await discardRejected(db, insert.rejectedId, ctx)).toMatchObject({ ok: true });
    expect(await db.contacts.get(insert.id)).toBeUndefined();
    expect(await db.rejected.count()).toBe(0);
    expect(await countWaiting(db)).toBe(0);
  });

  it('a storage failure is answered like commitChanges answers it, and changes nothing', async () => {
    const setup = await open();
    const { db, ctx } = setup;
    const { id, rejectedId } = await withRejectedEdit(setup);
    await db.settings.put({ key: SYNC_CURSOR_KEY, value: { xid: 42 } });
    const stampsBefore = (await db.contacts.get(id))?.field_stamps;
    const outboxBefore = await allEntries(db);
    const heal = await fillDisk(db);
    const retried = await retryRejected(db, rejectedId, ctx);
    const discarded = await discardRejected(db, rejectedId, ctx);
    await heal();
    for (const result of [retried, discarded]) {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.kind).toBe('quota');
        expect(result.error.message).toMatch(/out of storage space/);
      }
    }
    expect(await db.rejected.count()).toBe(1);
    expect(await allEntries(db)).toEqual(outboxBefore);
    expect((await db.contacts.get(id))?.field_stamps).toEqual(stampsBefore);
    expect(await db.settings.get(SYNC_CURSOR_KEY)).toEqual({ key: SYNC_CURSOR_KEY, value: { xid: 42 } });
  });
});

describe('acknowledge: the server answers a pushed row with a bare tombstone (it hard-deleted that id)', () => {
  /** A synced contact (nothing waiting), and the Dexie port reporting lost values into `overwritten`. */
  async function syncedContact() {
    const setup = await open();
    const added = await setup.store.addContact(contactInput({ first_name: 'Jane', phone: '+1 555 010 0199' }));
    if (!added.ok) throw new Error('setup');
    await setup.db.outbox.clear();
    const overwritten: Overwritten[] = [];
    const local = createSyncLocal(setup.db, { onOverwritten: (items) => overwritten.push(...items) });
    const tombstone = { table: 'contacts' as const, row: { id: added.value, member_id: setup.ctx.memberId, deleted_at: '2026-11-24T08:00:00.000Z', field_stamps: { deleted_at: '0000mhw8zs0-00000-server' } } };
    return { ...setup, id: added.value, local, overwritten, tombstone };
  }

  /** Pushes what the outbox holds for the contact; returns the mutations the server acknowledged. */
  const pending = async (db: FieldbookDb, id: string) => coalesceOutbox(await entriesForRows(db, 'contacts', [id]));

  it('removes the row and reports nothing when the member\'s change was a delete', async () => {
    const { db, store, id, local, overwritten, tombstone } = await syncedContact();
    await store.deleteContact(id);
    await local.acknowledge(await pending(db, id), [tombstone]);
    expect(await db.contacts.get(id)).toBeUndefined();
    expect(await entriesForRows(db, 'contacts', [id]).then((entries) => entries.length)).toBe(0);
    expect(overwritten).toEqual([]);
  });

  it('removes the row and reports the edit that could not be saved, and the edits still waiting, as lost', async () => {
    const { db, store, id, local, overwritten, tombstone } = await syncedContact();
    await store.updateContact(id, { phone: '+1 555 010 0001' });
    const pushed = await pending(db, id);
    await store.updateContact(id, { notes: 'typed while the push was out' });
    await local.acknowledge(pushed, [tombstone]);
    expect(await db.contacts.get(id)).toBeUndefined();
    // The later edit would only be refused again: it goes too, reported with the rest.
    expect(await entriesForRows(db, 'contacts', [id]).then((entries) => entries.length)).toBe(0);
    expect(overwritten).toEqual([{ table: 'contacts', row_id: id, lost: { phone: '+1 555 010 0001', phones: [{ label: 'mobile', value: '+1 555 010 0001' }], notes: 'typed while the push was out' }, removed: true }]);
  });

  it('leaves other rows of the same answer alone', async () => {
    const { db, store, id, local, tombstone } = await syncedContact();
    const other = await store.addContact(contactInput({ first_name: 'Kept' }));
    if (!other.ok) throw new Error('setup');
    await store.updateContact(id, { phone: '+1 555 010 0001' });
    await local.acknowledge(await pending(db, id), [tombstone]);
    expect((await db.contacts.get(other.value))?.first_name).toBe('Kept');
    expect(await entriesForRows(db, 'contacts', [other.value]).then((entries) => entries.length)).toBe(1);
  });
});

describe('applyRemote during one pull: an empty table\'s first sync reads back only what it must', () => {
  /** Rows as the server sends them: contacts written on another device. */
  async function serverContacts(count: number) {
    const { db, store } = await open();
    for (let i = 0; i < count; i += 1) if (!(await store.addContact(contactInput({ first_name: `Server${i}` }))).ok) throw new Error('setup');
    return (await db.contacts.toArray()).map((row) => ({ table: 'contacts' as const, row }));
  }

  /** Counts the ids this device reads back from contacts by key (the merge's reads). */
  async function countReads(db: FieldbookDb) {
    const read: string[] = [];
    db.close();
    db.use({
      stack: 'dbcore',
      name: 'count-reads',
      create: (down) => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          if (name !== 'contacts') return table;
          return { ...table, getMany: (request) => (read.push(...request.keys.map(String)), table.getMany(request)) };
        },
      }),
    });
    await db.open();
    return read;
  }

  it('reads nothing back while the pull\'s rows are the only rows; merges the one the member edited between pages', async () => {
    const rows = await serverContacts(6);
    const { db, store } = await open();
    const read = await countReads(db);
    const local = createSyncLocal(db);
    const run = {};
    await local.applyRemote(rows.slice(0, 3), { from: '1' }, run);
    const edited = rows[1]!.row.id;
    expect((await store.updateContact(edited, { notes: 'typed during the first sync' })).ok).toBe(true);
    // The server sends the edited row again (changed on its side meanwhile), with three new ones.
    const again = { table: 'contacts' as const, row: { ...rows[1]!.row, first_name: 'Renamed' } };
    await local.applyRemote([again, ...rows.slice(3)], { from: '2' }, run);
    expect(read).toEqual([edited]);
    const row = await db.contacts.get(edited);
    expect(row?.notes).toBe('typed during the first sync');
    expect(await db.contacts.count()).toBe(6);
  });

  it('a page whose first attempt failed is applied on the retry as if the failure never happened: a tombstone still removes its row', async () => {
    const rows = await serverContacts(4);
    const { db } = await open();
    let failNextCursorWrite = false;
    db.close();
    db.use({
      stack: 'dbcore',
      name: 'close-once',
      create: (down) => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          if (name !== 'settings') return table;
          return {
            ...table,
            mutate: (request) => {
              if (!failNextCursorWrite) return table.mutate(request);
              failNextCursorWrite = false;
              // What a browser reports when it closes the connection under a transaction: withReopen runs it again.
              return Promise.reject(Object.assign(new Error('The database connection is closing.'), { name: 'InvalidStateError' }));
            },
          };
        },
      }),
    });
    await db.open();
    const local = createSyncLocal(db);
    const run = {};
    await local.applyRemote(rows.slice(0, 3), { from: '1' }, run);
    const doomed = rows[0]!.row;
    const tombstone = { table: 'contacts' as const, row: { id: doomed.id, member_id: doomed.member_id, deleted_at: '2026-11-30T05:00:00.000Z', field_stamps: { deleted_at: 'zz' } } };
    failNextCursorWrite = true;
    await local.applyRemote([tombstone, rows[3]!], { from: '2' }, run);
    expect(failNextCursorWrite).toBe(false);
    expect(await db.contacts.get(doomed.id)).toBeUndefined();
    expect(await db.contacts.count()).toBe(3);
    expect((await db.settings.get(SYNC_CURSOR_KEY))?.value).toEqual({ from: '2' });
  });

  it('reads every incoming id once something else added a row, and for realtime, and for the next pull', async () => {
    const rows = await serverContacts(7);
    const { db } = await open();
    const read = await countReads(db);
    const local = createSyncLocal(db);
    const run = {};
    await local.applyRemote(rows.slice(0, 2), { from: '1' }, run);
    // A contact added here between pages, with an id the page happens to carry (as if it came back).
    const mine = rows[2]!.row;
    await db.contacts.put({ ...mine, notes: 'held here' });
    await local.applyRemote(rows.slice(2, 4), { from: '2' }, run);
    expect(read.sort()).toEqual([rows[2]!.row.id, rows[3]!.row.id].sort());
    read.length = 0;
    await local.applyRemote(rows.slice(4, 5));
    expect(read).toEqual([rows[4]!.row.id]);
    read.length = 0;
    await local.applyRemote(rows.slice(5), { from: '3' }, {});
    expect(read.sort()).toEqual([rows[5]!.row.id, rows[6]!.row.id].sort());
    expect(await db.contacts.count()).toBe(7);
  });
});
