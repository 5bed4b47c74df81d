import { describe, expect, it } from 'vitest';
import type { Contact } from '../../domain/contact';
import { toExistingContact } from './import-protocol';

describe('toExistingContact', () => {
  it('sends the engine what matching, merging and the preview read, without stamps or bookkeeping columns', () => {
    const contact: Contact = {
      id: '00000000-0000-4000-8000-000000000001',
      member_id: '00000000-0000-4000-8000-000000000002',
      first_name: 'Ada',
      last_name: 'Okafor',
      phone: '+14155550101',
      email: 'ada@example.com',
      phones: [{ label: 'mobile', value: '+14155550101' }],
      emails: [{ label: 'home', value: 'ada@example.com' }],
      stage: 'contacted',
      contact_type: 'customer',
      lead_source: 'Google',
      tags: ['vip'],
      notes: 'Met at the fair',
      next_follow_up_on: null,
      last_touched_at: '2026-11-29T10:00:00.000Z',
      import_id: null,
      merged_into: null,
      created_at: '2026-11-20T10:00:00.000Z',
      updated_at: '2026-11-29T10:00:00.000Z',
      deleted_at: null,
      field_stamps: { first_name: '2026-11-29T10:00:00.000Z-0000-a' },
    };
    const sent = toExistingContact(contact);
    expect(Object.keys(sent).sort()).toEqual(Object.keys(contact).filter((key) => !['field_stamps', 'member_id', 'updated_at'].includes(key)).sort());
    expect(sent).toMatchObject({ id: contact.id, phones: contact.phones, emails: contact.emails, created_at: contact.created_at, deleted_at: null, merged_into: null, last_touched_at: contact.last_touched_at });
  });
});
