import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { contactInput, testStores, type TestStore } from '../../tests/support/test-store';
import { err, ok } from '../shared/result';
import { commitChanges, type RowChange } from './commit-changes';
import { createContactBatches, IMPORT_CHUNK, type ContactFields, type ImportRow } from './contact-batches';
import { countWaiting } from './outbox';
import { allEntries } from './outbox-entries';

const open = testStores();

const fields = (first_name: string, extra: Partial<ContactFields> = {}): ContactFields => ({
  first_name,
  last_name: '',
  phones: [],
  emails: [],
  stage: 'new',
  contact_type: 'customer',
  lead_source: 'Google',
  tags: ['imported 2026-11-29'],
  notes: '',
  next_follow_up_on: null,
  ...extra,
});

describe('imports', () => {
  it('writes the contacts, one import record and one feed entry, and mirrors the primary number', async () => {
    const { db, store } = await open();
    const progress: number[] = [];
    const rows: ImportRow[] = [
      { kind: 'create', fields: fields('Ana', { phones: [{ label: 'mobile', value: '+34 600 000 001' }, { label: 'work', value: '+34 900 000 002' }] }) },
      { kind: 'create', fields: fields('Bo', { emails: [{ label: 'home', value: 'bo@example.com' }] }) },
    ];
    const result = await store.importContacts({ source: 'Google', fileName: 'contacts.csv', rows, onProgress: (done) => progress.push(done) });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ created: 2, merged: 0, cancelled: false });
    const contacts = await db.contacts.where('import_id').equals(result.value.importId).sortBy('first_name');
    expect(contacts.map((c) => [c.first_name, c.phone, c.email, c.phones.length])).toEqual([
      ['Ana', '+34 600 000 001', '', 2],
      ['Bo', '', 'bo@example.com', 0],
    ]);
    expect(await db.contact_imports.get(result.value.importId)).toMatchObject({ source: 'Google', file_name: 'contacts.csv', created_count: 2, merged_count: 0, undone_at: null });
    const feed = (await db.member_activities.toArray()).filter((a) => a.activity_type === 'contacts_imported');
    expect(feed.map((a) => a.metadata)).toEqual([{ count: 2, source: 'Google' }]);
    expect(progress).toEqual([2]);
  });

  it('undo removes exactly the imported contacts and gives a merged contact back its fields, keeping later edits', async () => {
    const { db, store } = await open();
    const before = await store.addContact(contactInput({ first_name: 'Kept', notes: 'mine', tags: ['vip'] }));
    const untouched = await store.addContact(contactInput({ first_name: 'Other' }));
    if (!before.ok || !untouched.ok) throw new Error('setup');
    const imported = await store.importContacts({
      source: 'vCard',
      fileName: 'phone.vcf',
      rows: [
        { kind: 'create', fields: fields('New') },
        { kind: 'merge', contactId: before.value, fields: { notes: 'mine\n\nfrom the file', tags: ['vip', 'imported'], lead_source: 'vCard' } },
      ],
    });
    if (!imported.ok) throw new Error('import');
    // Edited after the import: the edit survives the undo.
    await store.updateContact(before.value, { lead_source: 'Referral' });

    const undone = await store.undoImport(imported.value.importId);
    expect(undone).toEqual({ ok: true, value: { removed: 1, restored: 1 } });
    const live = (await db.contacts.toArray()).filter((c) => c.deleted_at === null).map((c) => c.first_name).sort();
    expect(live).toEqual(['Kept', 'Other']);
    expect(await db.contacts.get(before.value)).toMatchObject({ notes: 'mine', tags: ['vip'], lead_source: 'Referral' });
    expect(await db.contact_imports.get(imported.value.importId)).toMatchObject({ undone_at: expect.any(String) as unknown });
    expect((await db.member_activities.get(imported.value.importId))?.deleted_at).not.toBeNull();
    // A second undo (another device got there first) changes nothing.
    const again = await store.undoImport(imported.value.importId);
    expect(again).toEqual({ ok: true, value: { removed: 0, restored: 0 } });
  });

  it('writes a large file chunk by chunk, two in flight, and the outbox keeps the order of the file', async () => {
    const { db, store } = await open();
    const progress: number[] = [];
    const rows: ImportRow[] = Array.from({ length: IMPORT_CHUNK * 3 + 7 }, (_, i) => ({ kind: 'create', fields: fields(`P${String(i).padStart(5, '0')}`) }));
    const result = await store.importContacts({ source: 'Spreadsheet', fileName: 'big.csv', rows, onProgress: (done) => progress.push(done) });
    expect(result).toMatchObject({ ok: true, value: { created: rows.length, cancelled: false } });
    expect(progress).toEqual([IMPORT_CHUNK, IMPORT_CHUNK * 2, IMPORT_CHUNK * 3, rows.length]);
    const pushed = (await allEntries(db)).filter((entry) => entry.table === 'contacts').map((entry) => entry.changes['first_name']);
    expect(pushed).toEqual(rows.map((row) => row.fields.first_name));
  });

  /** The import's commands over a commit that fails on call `failing` (call 1 opens the import, call 2 writes the first chunk). */
  const failingOn = (setup: TestStore, failing: number) => {
    let calls = 0;
    return createContactBatches(setup.db, setup.ctx, async (changes: RowChange[]) => {
      calls += 1;
      if (calls === failing) return err({ kind: 'quota' as const, message: 'Your device is out of storage space.', cause: null });
      const result = await commitChanges(setup.db, changes, setup.ctx);
      return result.ok ? ok(undefined) : result;
    });
  };
  const liveContacts = async (setup: TestStore) => (await setup.db.contacts.toArray()).filter((contact) => contact.deleted_at === null);

  it('a chunk that fails stops the import and removes what it wrote, chunks before and after it', async () => {
    const setup = await open();
    const progress: number[] = [];
    const rows: ImportRow[] = Array.from({ length: IMPORT_CHUNK * 3 + 1 }, (_, i) => ({ kind: 'create', fields: fields(`Row ${i}`) }));
    // The second chunk fails while the third is already on its way.
    const result = await failingOn(setup, 3).importContacts({ source: 'Google', fileName: 'big.csv', rows, onProgress: (done) => progress.push(done) });
    expect(result).toMatchObject({ ok: false, error: { kind: 'quota' } });
    expect(progress[0]).toBe(IMPORT_CHUNK);
    expect(await liveContacts(setup)).toEqual([]);
    expect((await setup.db.contact_imports.toArray()).map((record) => record.undone_at === null)).toEqual([false]);
  });

  it('a failed read between chunks answers only once the chunk in flight is settled, and keeps nothing', async () => {
    const setup = await open();
    const target = await setup.store.addContact(contactInput({ first_name: 'Target' }));
    if (!target.ok) throw new Error('setup');
    const rows: ImportRow[] = [...Array.from({ length: IMPORT_CHUNK }, (_, i): ImportRow => ({ kind: 'create', fields: fields(`Row ${i}`) })), { kind: 'merge', contactId: target.value, fields: { notes: 'from the file' } }];
    const events: string[] = [];
    // Reading the second chunk's merge target fails (once) while the first chunk is still being written.
    const bulkGet = setup.db.contacts.bulkGet.bind(setup.db.contacts);
    let failed = false;
    setup.db.contacts.bulkGet = ((keys: string[]) => {
      if (failed) return bulkGet(keys);
      failed = true;
      return Promise.reject(new Error('read failed'));
    }) as unknown as typeof setup.db.contacts.bulkGet;
    const result = await failingOn(setup, 0).importContacts({ source: 'Google', fileName: 'f.csv', rows, onProgress: (done) => events.push(`progress ${done}`) });
    events.push(`answered ${result.ok ? 'ok' : 'error'}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).toEqual([`progress ${IMPORT_CHUNK}`, 'answered error']);
    expect((await liveContacts(setup)).map((contact) => contact.first_name)).toEqual(['Target']);
  });

  it('a cancelled import leaves nothing behind, even after some chunks were written', async () => {
    const { db, store } = await open();
    const controller = new AbortController();
    const rows: ImportRow[] = Array.from({ length: IMPORT_CHUNK * 2 + 5 }, (_, i) => ({ kind: 'create', fields: fields(`P${i}`) }));
    const result = await store.importContacts({
      source: 'Spreadsheet',
      fileName: 'big.csv',
      rows,
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= IMPORT_CHUNK) controller.abort();
      },
    });
    expect(result).toMatchObject({ ok: true, value: { cancelled: true } });
    expect((await db.contacts.toArray()).filter((c) => c.deleted_at === null)).toEqual([]);
  });
});

describe('merges', () => {
  it('merges into the survivor, moves activities and sent messages, and undo puts everything back', async () => {
    const { db, store, clock } = await open();
    const a = await store.addContact(contactInput({ first_name: 'Jane', phone: '+1 555 010 0001', email: 'jane@example.com', stage: 'contacted', tags: ['vip'] }));
    clock.advance(1000);
    const b = await store.addContact(contactInput({ first_name: 'Jane', phone: '(555) 010-0002', email: 'JANE@example.com', stage: 'customer', tags: ['team'], notes: 'Bought the kit' }));
    if (!a.ok || !b.ok) throw new Error('setup');
    await store.logOutreach(b.value, 'call', 'connected', null);
    await store.recordEmailSent(b.value, null, 'jane@example.com', 'Hi', 'Hello');

    const merged = await store.mergeContacts(a.value, [b.value]);
    if (!merged.ok) throw new Error(merged.error.message);
    const survivor = await db.contacts.get(a.value);
    expect(survivor?.phones.map((p) => p.value)).toEqual(['+1 555 010 0001', '(555) 010-0002']);
    expect(survivor?.emails.map((p) => p.value)).toEqual(['jane@example.com']);
    expect(survivor?.tags).toEqual(['vip', 'team']);
    expect(survivor?.stage).toBe('customer');
    expect(await db.contacts.get(b.value)).toMatchObject({ merged_into: a.value, deleted_at: expect.any(String) as unknown });
    const calls = (await db.member_activities.toArray()).filter((x) => x.activity_type === 'call');
    expect(calls.map((x) => x.contact_id)).toEqual([a.value]);
    expect((await db.sent_emails.toArray()).map((x) => x.contact_id)).toEqual([a.value]);

    expect((await store.undoMerge(merged.value.mergeId)).ok).toBe(true);
    expect(await db.contacts.get(b.value)).toMatchObject({ merged_into: null, deleted_at: null, stage: 'customer' });
    expect(await db.contacts.get(a.value)).toMatchObject({ stage: 'contacted', tags: ['vip'], phones: [{ label: 'mobile', value: '+1 555 010 0001' }] });
    expect((await db.member_activities.toArray()).filter((x) => x.activity_type === 'call').map((x) => x.contact_id)).toEqual([b.value]);
    expect((await db.sent_emails.toArray()).map((x) => x.contact_id)).toEqual([b.value]);
    expect(await db.contact_merges.get(merged.value.mergeId)).toMatchObject({ undone_at: expect.any(String) as unknown });
  });

  it('keeps the oldest record (the earliest created date) with the details of the contact the member chose', async () => {
    const { db, store, clock } = await open();
    const old = await store.addContact(contactInput({ first_name: 'J', last_name: '', phone: '555 010 0001', email: '' }));
    clock.advance(86_400_000);
    const chosen = await store.addContact(contactInput({ first_name: 'Jane', last_name: 'Doe', phone: '555 010 0002', email: 'jane@example.com' }));
    if (!old.ok || !chosen.ok) throw new Error('setup');
    const merged = await store.mergeContacts(chosen.value, [old.value]);
    if (!merged.ok) throw new Error(merged.error.message);
    expect(merged.value.keptId).toBe(old.value);
    const kept = await db.contacts.get(old.value);
    expect(kept).toMatchObject({ first_name: 'Jane', last_name: 'Doe', email: 'jane@example.com', created_at: '2026-11-24T09:00:00.000Z' });
    expect(kept?.phones.map((p) => p.value)).toEqual(['555 010 0002', '555 010 0001']);
    expect(await db.contacts.get(chosen.value)).toMatchObject({ merged_into: old.value });
    expect((await store.undoMerge(merged.value.mergeId)).ok).toBe(true);
    expect(await db.contacts.get(old.value)).toMatchObject({ first_name: 'J', phones: [{ label: 'mobile', value: '555 010 0001' }] });
    expect(await db.contacts.get(chosen.value)).toMatchObject({ deleted_at: null, first_name: 'Jane' });
  });

  it('undo skips what is no longer as the merge left it, and ignores fields a merge never writes', async () => {
    const { db, store } = await open();
    const a = await store.addContact(contactInput({ first_name: 'A' }));
    const b = await store.addContact(contactInput({ first_name: 'B', notes: 'b' }));
    if (!a.ok || !b.ok) throw new Error('setup');
    await store.logOutreach(b.value, 'call', 'connected', null);
    const merged = await store.mergeContacts(a.value, [b.value]);
    if (!merged.ok) throw new Error('merge');
    const record = await db.contact_merges.get(merged.value.mergeId);
    // A record as another device (or a tampered one) might send it: unknown ids, a field merges never write.
    await db.contact_merges.put({ ...record!, applied: { ...record!.applied, member_id: 'x', deleted_at: null }, before: { ...record!.before, member_id: 'y', deleted_at: '2020-01-01T00:00:00.000Z' }, moved: { ...record!.moved, [`member_activities:${b.value}`]: [...(Object.values(record!.moved)[0] ?? []), crypto.randomUUID()] } });
    expect((await store.undoMerge(merged.value.mergeId)).ok).toBe(true);
    expect(await db.contacts.get(a.value)).toMatchObject({ deleted_at: null, notes: 'Met at the school fair' });
    expect(await db.contacts.get(b.value)).toMatchObject({ deleted_at: null, merged_into: null });
    expect((await db.member_activities.toArray()).filter((x) => x.activity_type === 'call').map((x) => x.contact_id)).toEqual([b.value]);
  });

  it('refuses to merge a contact into itself or a deleted one, writing nothing', async () => {
    const { db, store } = await open();
    const a = await store.addContact(contactInput());
    if (!a.ok) throw new Error('setup');
    const outbox = await countWaiting(db);
    expect(await store.mergeContacts(a.value, [a.value])).toMatchObject({ ok: false, error: { kind: 'missing' } });
    expect(await store.mergeContacts(a.value, [crypto.randomUUID()])).toMatchObject({ ok: false });
    expect(await countWaiting(db)).toBe(outbox);
  });
});
