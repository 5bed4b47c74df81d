import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
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
});
