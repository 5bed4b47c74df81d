import { describe, expect, it } from 'vitest';
import { contactInput, createTestStore } from '../../tests/support/test-store';
import { describeOverwritten } from './overwritten';

describe('describeOverwritten (PRODUCT.md: "Overwritten")', () => {
  it('names the field and the contact, in words', async () => {
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
    // Bookkeeping fields alone are not worth a word.
    expect(await describeOverwritten(db, { table: 'contacts', row_id: added.value, lost: { last_touched_at: '2026-11-24' } })).toBeNull();
  });
});
