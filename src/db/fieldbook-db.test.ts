import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { createFieldbookDb } from './fieldbook-db';

describe('the device database', () => {
  it('gives contacts stored before version 3 their phone and email as the first entries of the lists', async () => {
    const name = `upgrade-${crypto.randomUUID()}`;
    const old = new Dexie(name);
    old.version(2).stores({ contacts: 'id, next_follow_up_on, last_touched_at, deleted_at, updated_at', outbox: '++seq, &mutation_id, [table+row_id], created_at', settings: 'key' });
    await old.table('contacts').bulkAdd([
      { id: 'a', first_name: 'Ana', phone: '555 0100', email: 'ana@example.com', field_stamps: { phone: 's-phone', email: 's-email' } },
      { id: 'b', first_name: 'Bo', phone: '', email: '', field_stamps: {} },
    ]);
    old.close();

    const db = createFieldbookDb(name);
    const rows = await db.contacts.orderBy('id').toArray();
    expect(rows.map(({ id, phones, emails, import_id, merged_into, field_stamps }) => ({ id, phones, emails, import_id, merged_into, field_stamps }))).toEqual([
      {
        id: 'a',
        phones: [{ label: 'mobile', value: '555 0100' }],
        emails: [{ label: 'home', value: 'ana@example.com' }],
        import_id: null,
        merged_into: null,
        field_stamps: { phone: 's-phone', email: 's-email', phones: 's-phone', emails: 's-email' },
      },
      { id: 'b', phones: [], emails: [], import_id: null, merged_into: null, field_stamps: {} },
    ]);
    expect(await db.contacts.where('import_id').equals('x').count()).toBe(0);
    db.close();
    await db.delete();
  });
});
