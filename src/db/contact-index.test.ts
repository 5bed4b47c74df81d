import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contactInput, createTestStore, type TestStore } from '../../tests/support/test-store';
import { createContactIndex, type ContactIndex } from './contact-index';

const opened: TestStore[] = [];
afterEach(async () => {
  for (const { db } of opened.splice(0)) await db.delete();
});

const names = (index: ContactIndex) => index.getSnapshot().items?.map((item) => item.contact.first_name) ?? null;

async function setup() {
  const tab = await createTestStore();
  opened.push(tab);
  const index = createContactIndex(tab.db);
  const stop = index.subscribe(() => undefined);
  await expect.poll(() => names(index)).toEqual([]);
  return { tab, index, stop };
}

describe('contact index', () => {
  it('keeps contacts sorted by name as they are added, renamed and deleted', async () => {
    const { tab, index, stop } = await setup();
    const bea = await tab.store.addContact(contactInput({ first_name: 'Bea' }));
    await tab.store.addContact(contactInput({ first_name: 'Cal' }));
    await tab.store.addContact(contactInput({ first_name: 'Ada' }));
    await expect.poll(() => names(index)).toEqual(['Ada', 'Bea', 'Cal']);

    const beaId = bea.ok ? bea.value : '';
    await tab.store.updateContact(beaId, contactInput({ first_name: 'Zoe' }));
    await expect.poll(() => names(index)).toEqual(['Ada', 'Cal', 'Zoe']);
    expect(index.getSnapshot().items?.at(-1)?.text).toContain('zoe');

    await tab.store.deleteContact(beaId);
    await expect.poll(() => names(index)).toEqual(['Ada', 'Cal']);
    stop();
  });

  it('sees writes made by another tab (a second Dexie instance)', async () => {
    const { tab, index, stop } = await setup();
    const other = await createTestStore({ name: tab.name });
    await other.store.addContact(contactInput({ first_name: 'Remote' }));
    await expect.poll(() => names(index)).toEqual(['Remote']);
    stop();
    other.db.close();
  });

  it('reloads everything after a range change such as clear()', async () => {
    const { tab, index, stop } = await setup();
    await tab.store.seedContacts(3, 'S');
    await expect.poll(() => names(index)?.length).toBe(3);
    await tab.db.contacts.clear();
    await expect.poll(() => names(index)).toEqual([]);
    stop();
  });

  it('merges a large batch of changes into its sorted place, replacing and dropping the rows it changed', async () => {
    const { tab, index, stop } = await setup();
    await tab.store.seedContacts(150, 'A');
    await expect.poll(() => names(index)?.length).toBe(150);
    const all = await tab.db.contacts.toArray();
    // One commit: 100 renamed (some before, some after the others) and 20 deleted.
    const changes = [
      ...all.slice(0, 100).map((contact, i) => ({ table: 'contacts' as const, op: 'update' as const, id: contact.id, fields: { first_name: i % 2 ? `Zed${i}` : `Aaa${i}` } })),
      ...all.slice(100, 120).map((contact) => ({ table: 'contacts' as const, op: 'update' as const, id: contact.id, fields: { deleted_at: new Date().toISOString() } })),
    ];
    const { commitChanges } = await import('./commit-changes');
    const { compareContactsByName } = await import('../domain/contact-search');
    const expected = async () => (await tab.db.contacts.toArray()).filter((c) => c.deleted_at === null).sort(compareContactsByName).map((c) => c.first_name);
    expect((await commitChanges(tab.db, changes, tab.ctx)).ok).toBe(true);
    await expect.poll(() => names(index)?.length).toBe(130);
    expect(names(index)).toEqual(await expected());
    // Inserts in bulk (commitChanges writes them in keyed slices) are merged in too.
    await tab.store.seedContacts(200, 'M');
    await expect.poll(() => names(index)?.length).toBe(330);
    expect(names(index)).toEqual(await expected());
    stop();
  });

  it("takes the rows of this tab's own large commit as handed over, reading nothing back, and never keeps a version older than the table's", async () => {
    const { tab, index, stop } = await setup();
    const { commitChanges } = await import('./commit-changes');
    const inserts = Array.from({ length: 300 }, (_, i) => ({ table: 'contacts' as const, op: 'insert' as const, id: crypto.randomUUID(), fields: { ...contactInput({ first_name: `P${String(i).padStart(3, '0')}` }), last_touched_at: new Date().toISOString() } }));
    const reads = [vi.spyOn(tab.db.contacts, 'bulkGet'), vi.spyOn(tab.db.contacts, 'orderBy'), vi.spyOn(tab.db.contacts, 'where')];
    expect((await commitChanges(tab.db, inserts, tab.ctx)).ok).toBe(true);
    await expect.poll(() => names(index)?.length).toBe(300);
    expect(names(index)?.slice(0, 2)).toEqual(['P000', 'P001']);
    for (const read of reads) expect(read).not.toHaveBeenCalled();
    for (const read of reads) read.mockRestore();

    // A write of another tab after the handover: the index shows it, not the handed-over version.
    const other = await createTestStore({ name: tab.name });
    await other.store.updateContact(inserts[0]!.id, { first_name: 'Zara' });
    await expect.poll(() => names(index)?.at(-1)).toBe('Zara');
    // And a large commit of updates (an undo) is handed over too.
    const deletes = inserts.slice(1, 201).map((insert) => ({ table: 'contacts' as const, op: 'update' as const, id: insert.id, fields: { deleted_at: new Date().toISOString() } }));
    expect((await commitChanges(tab.db, deletes, tab.ctx)).ok).toBe(true);
    await expect.poll(() => names(index)?.length).toBe(100);
    expect(names(index)?.at(-1)).toBe('Zara');
    stop();
    other.db.close();
  });
});
