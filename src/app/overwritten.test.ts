import { describe, expect, it } from 'vitest';
import { contactInput, createTestStore } from '../../tests/support/test-store';
import { describeOverwritten } from './overwritten';

describe('describeOverwritten: the notice when a value typed here lost to another device', () => {
  it('[OW1] names the field and the contact, in words', async () => {
    const { db, store } = await createTestStore();
    const added = await store.addContact(contactInput({ first_name: 'Jane', last_name: 'Doe' }));
    if (!added.ok) throw new Error('setup');
    expect(await describeOverwritten(db, { table: 'contacts', row_id: added.value, lost: { phone: '+1 555 010 0001' } })).toEqual({
      message: 'Phone number of Jane Doe was changed on another device.',
    });
    expect(await describeOverwritten(db, { table: 'contacts', row_id: added.value, lost: { phone: '1', notes: 'x', stage: 'new' } })).toEqual({
      message: 'Phone number, notes and stage of Jane Doe were changed on another device.',
    });
    expect(await describeOverwritten(db, { table: 'email_templates', row_id: 't', lost: { subject: 'Hi' } })).toEqual({ message: 'Subject of a template was changed on another device.' });
    // An edit of the list writes its primary too: one thing to the member.
    expect(await describeOverwritten(db, { table: 'contacts', row_id: added.value, lost: { email: 'a@example.com', emails: [{ label: 'home', value: 'a@example.com' }] } })).toEqual({
      message: 'Email of Jane Doe was changed on another device.',
    });
    // Bookkeeping fields alone are not worth a word.
    expect(await describeOverwritten(db, { table: 'contacts', row_id: added.value, lost: { last_touched_at: '2026-11-24' } })).toBeNull();
  });

  it('says when the row was deleted for good on another device, so the change was not saved', async () => {
    const { db } = await createTestStore();
    expect(await describeOverwritten(db, { table: 'contacts', row_id: 'gone', lost: { phone: '1', notes: 'x' }, removed: true })).toEqual({
      message: 'A contact was deleted on another device, so your change to phone number and notes was not saved.',
    });
    expect(await describeOverwritten(db, { table: 'email_templates', row_id: 'gone', lost: { subject: 'Hi' }, removed: true })).toEqual({
      message: 'A template was deleted on another device, so your change to subject was not saved.',
    });
  });
});
