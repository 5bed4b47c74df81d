import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { liveQuery } from 'dexie';
import { contactInput, createTestStore, testStores } from '../../tests/support/test-store';
import { commitChanges } from './commit-changes';
import { listContacts, listRecentActivities } from './queries';
import { exportEverything } from './outbox-entries';
import { countWaiting } from './outbox';
import { allEntries, entriesForRows } from './outbox-entries';

const open = testStores();

describe('commitChanges', () => {
  it('[G1] commits a row and its outbox entry together, with only the changed fields', async () => {
    const { db, store } = await open();
    const added = await store.addContact(contactInput());
    expect(added.ok).toBe(true);
    const id = added.ok ? added.value : '';

    const outbox = await allEntries(db);
    expect(outbox.map((entry) => [entry.table, entry.op])).toEqual([
      ['contacts', 'insert'],
      ['member_activities', 'insert'],
    ]);
    expect(outbox[0]?.row_id).toBe(id);

    await store.updateContact(id, contactInput({ phone: '+44 7700 900123' }));
    const update = (await allEntries(db))[2];
    expect(update?.op).toBe('update');
    expect(update?.changes).toEqual({ phone: '+44 7700 900123', phones: [{ label: 'mobile', value: '+44 7700 900123' }] });
    const row = await db.contacts.get(id);
    expect(row?.phone).toBe('+44 7700 900123');
    expect(row?.field_stamps['phone']).toBe(update?.stamp);
    expect((row?.field_stamps['phone'] ?? '') > (row?.field_stamps['first_name'] ?? 'z')).toBe(true);
  });

  it('[G1] stores neither the row nor the outbox entry when the transaction fails', async () => {
    const { db, ctx } = await open();
    const duplicateId = crypto.randomUUID();
    const failing = { ...ctx, newId: () => duplicateId };
    const first = await commitChanges(db, [{ table: 'contacts', op: 'insert', id: crypto.randomUUID(), fields: { first_name: 'A' } }], failing);
    expect(first.ok).toBe(true);
    const secondId = crypto.randomUUID();
    // The outbox's unique mutation_id index rejects the second entry, which must roll back its row too.
    const second = await commitChanges(db, [{ table: 'contacts', op: 'insert', id: secondId, fields: { first_name: 'B' } }], failing);
    expect(second.ok).toBe(false);
    expect(await db.contacts.get(secondId)).toBeUndefined();
    expect(await countWaiting(db)).toBe(1);
  });

  it('[G1] a run of inserts is written in bulk, each row with its own stamp and outbox entry, and one collision stores none of them', async () => {
    const { db, ctx } = await open();
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const inserts = ids.map((id, i) => ({ table: 'contacts' as const, op: 'insert' as const, id, fields: { first_name: `P${i}`, phone: `555 010 000${i}` } }));
    expect((await commitChanges(db, inserts, ctx)).ok).toBe(true);
    const entries = await allEntries(db);
    expect(entries.map((entry) => entry.row_id)).toEqual(ids);
    expect(new Set(entries.map((entry) => entry.stamp)).size).toBe(3);
    const rows = await db.contacts.bulkGet(ids);
    expect(rows.map((row) => [row?.phones, row?.field_stamps['first_name'] === entries[rows.indexOf(row)]?.stamp])).toEqual([
      [[{ label: 'mobile', value: '555 010 0000' }], true],
      [[{ label: 'mobile', value: '555 010 0001' }], true],
      [[{ label: 'mobile', value: '555 010 0002' }], true],
    ]);

    const fresh = crypto.randomUUID();
    const colliding = await commitChanges(db, [{ table: 'contacts', op: 'insert', id: fresh, fields: { first_name: 'New' } }, { table: 'contacts', op: 'insert', id: ids[0]!, fields: { first_name: 'Again' } }], ctx);
    expect(colliding.ok).toBe(false);
    expect(await db.contacts.get(fresh)).toBeUndefined();
    expect(await countWaiting(db)).toBe(3);
  });

  it('[G1] a long run of inserts (written a slice at a time) keeps the outbox in order, and a collision in its last slice stores none of it', async () => {
    const { db, ctx } = await open();
    const ids = Array.from({ length: 700 }, () => crypto.randomUUID());
    const inserts = ids.map((id, i) => ({ table: 'contacts' as const, op: 'insert' as const, id, fields: { first_name: `P${i}` } }));
    expect((await commitChanges(db, inserts, ctx)).ok).toBe(true);
    expect((await allEntries(db)).map((entry) => entry.row_id)).toEqual(ids);
    expect(await db.contacts.count()).toBe(700);

    const fresh = Array.from({ length: 699 }, () => crypto.randomUUID());
    const colliding = [...fresh, ids[0]!].map((id) => ({ table: 'contacts' as const, op: 'insert' as const, id, fields: { first_name: 'Again' } }));
    expect((await commitChanges(db, colliding, ctx)).ok).toBe(false);
    expect(await db.contacts.count()).toBe(700);
    expect(await countWaiting(db)).toBe(700);
  });

  it('writes nothing to the outbox when an update changes no field', async () => {
    const { db, store } = await open();
    const added = await store.addContact(contactInput());
    const id = added.ok ? added.value : '';
    const before = await countWaiting(db);
    await store.updateContact(id, contactInput());
    expect(await countWaiting(db)).toBe(before);
  });

  it('deletes by tombstone, records the activity, and undo restores both', async () => {
    const { db, store, clock } = await open();
    const added = await store.addContact(contactInput());
    const id = added.ok ? added.value : '';
    clock.advance(1000);
    const deleted = await store.deleteContact(id);
    expect(deleted.ok).toBe(true);
    expect((await db.contacts.get(id))?.deleted_at).not.toBeNull();
    expect(await listContacts(db)).toEqual([]);
    expect((await listRecentActivities(db, 10)).map((a) => a.activity_type)).toEqual(['contact_deleted', 'contact_added']);

    if (deleted.ok) await store.restoreContact(id, deleted.value.activityId);
    expect((await listContacts(db)).map((c) => c.id)).toEqual([id]);
    expect((await listRecentActivities(db, 10)).map((a) => a.activity_type)).toEqual(['contact_added']);
    const last = (await allEntries(db)).slice(-2);
    expect(last.map((e) => Object.keys(e.changes))).toEqual([['deleted_at'], ['deleted_at']]);
    expect(last[0]?.changes['deleted_at']).toBeNull();
    expect(typeof last[1]?.changes['deleted_at']).toBe('string');
  });

  it('refuses edits to a row another tab deleted, but allows undoing the delete', async () => {
    const { db, store } = await open();
    const added = await store.addContact(contactInput());
    const id = added.ok ? added.value : '';
    const deleted = await store.deleteContact(id);
    const before = await countWaiting(db);
    const edit = await store.updateContact(id, { phone: '555 000 1111' });
    expect(edit.ok).toBe(false);
    expect(await countWaiting(db)).toBe(before);
    if (deleted.ok) expect((await store.restoreContact(id, deleted.value.activityId)).ok).toBe(true);
    expect((await store.updateContact(id, { phone: '555 000 1111' })).ok).toBe(true);
  });

  it('never replaces an existing row on insert', async () => {
    const { db, ctx } = await open();
    const id = crypto.randomUUID();
    await commitChanges(db, [{ table: 'contacts', op: 'insert', id, fields: { first_name: 'First' } }], ctx);
    const again = await commitChanges(db, [{ table: 'contacts', op: 'insert', id, fields: { first_name: 'Second' } }], ctx);
    expect(again.ok).toBe(false);
    expect((await db.contacts.get(id))?.first_name).toBe('First');
  });

  it('upserts the profile: insert first, then only changed fields', async () => {
    const { db, store, ctx } = await open();
    await store.saveProfile({ full_name: 'Sam', company: '', phone: '', timezone: '' });
    await store.saveProfile({ full_name: 'Sam', company: 'Glow', phone: '', timezone: '' });
    const entries = await entriesForRows(db, 'member_profiles', [ctx.memberId]);
    expect(entries.map((entry) => [entry.op, Object.keys(entry.changes).includes('company') ? 'company' : ''])).toEqual([
      ['insert', 'company'],
      ['update', 'company'],
    ]);
    expect(Object.keys(entries[1]?.changes ?? {})).toEqual(['company']);
  });

  it('reports a missing row as a readable error without writing', async () => {
    const { db, store } = await open();
    const result = await store.updateContact(crypto.randomUUID(), contactInput());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/no longer on this device/);
    expect(await countWaiting(db)).toBe(0);
  });

  it('reopens a database the browser closed and keeps the outbox', async () => {
    const { db, store } = await open();
    await store.addContact(contactInput());
    db.close({ disableAutoOpen: true });
    const result = await store.addContact(contactInput({ first_name: 'Ola' }));
    expect(result.ok).toBe(true);
    expect(await countWaiting(db)).toBe(4);
    expect((await listContacts(db)).map((c) => c.first_name)).toEqual(['Jane', 'Ola']);
  });

  it('turns a full disk into a quota error with a readable message and stores nothing', async () => {
    const { db, store } = await open();
    db.close();
    db.use({
      stack: 'dbcore',
      name: 'full-disk',
      create: (down) => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          return {
            ...table,
            mutate: () => Promise.reject(Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' })),
          };
        },
      }),
    });
    await db.open();
    const result = await store.addContact(contactInput());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe('quota');
      expect(result.error.message).toMatch(/out of storage space/);
    }
    db.close();
    db.unuse({ stack: 'dbcore', name: 'full-disk' });
    await db.open();
    expect(await db.contacts.count()).toBe(0);
    expect(await countWaiting(db)).toBe(0);
  });

  it('updates live queries on writes made through a second Dexie instance', async () => {
    const { db, name } = await open();
    const seen: number[] = [];
    const subscription = liveQuery(async () => (await listContacts(db)).length).subscribe((count) => seen.push(count));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const otherTab = await createTestStore({ name });
    await otherTab.store.addContact(contactInput({ first_name: 'Remote' }));
    await expect.poll(() => seen.at(-1), { timeout: 2000 }).toBe(1);
    subscription.unsubscribe();
    otherTab.db.close();
  });
});

describe('exportEverything', () => {
  it('includes every synced table with tombstones, the outbox and device settings', async () => {
    const { db, store } = await open();
    const added = await store.addContact(contactInput());
    if (added.ok) await store.deleteContact(added.value);
    const data = await exportEverything(db);
    expect(data['format']).toBe('fieldbook-export');
    expect((data['contacts'] as { deleted_at: string | null }[]).map((row) => row.deleted_at === null)).toEqual([false]);
    expect((data['outbox'] as unknown[]).length).toBe(4);
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });
});
