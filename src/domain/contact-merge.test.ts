import { describe, expect, it } from 'vitest';
import { CONTACT_LIMITS } from './contact';
import { mergeContacts, mergeIncoming, mostAdvancedStage, NOTES_SHORTENED_MARKER, undoMergeFields, type MergeableContact } from './contact-merge';

const phone = (value: string, label = 'mobile') => ({ label, value });
const email = (value: string, label = 'home') => ({ label, value });

function contact(id: string, fields: Partial<MergeableContact> = {}): MergeableContact {
  const phones = fields.phones ?? [];
  const emails = fields.emails ?? [];
  return {
    id,
    first_name: 'Jane',
    last_name: 'Doe',
    phone: phones[0]?.value ?? '',
    email: emails[0]?.value ?? '',
    stage: 'new',
    contact_type: 'customer',
    lead_source: '',
    tags: [],
    notes: '',
    next_follow_up_on: null,
    created_at: '2024-01-01T00:00:00.000Z',
    last_touched_at: '2024-01-01T00:00:00.000Z',
    ...fields,
    phones,
    emails,
  };
}

// A stand-in for the E.164 key (domain code must not load libphonenumber): UK local → international.
const ukKey = (raw: string) => {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 7) return null;
  return `+${digits.startsWith('0') && !digits.startsWith('00') ? `44${digits.slice(1)}` : digits.replace(/^00/, '')}`;
};

describe('mostAdvancedStage', () => {
  it('picks the stage furthest along', () => {
    expect(mostAdvancedStage(['contacted', 'customer', 'presented'])).toBe('customer');
    expect(mostAdvancedStage(['team_member', 'customer'])).toBe('team_member');
    expect(mostAdvancedStage(['follow_up', 'presented'])).toBe('follow_up');
  });

  it('ranks not interested below every active stage, even new', () => {
    expect(mostAdvancedStage(['not_interested', 'new'])).toBe('new');
    expect(mostAdvancedStage(['not_interested', 'not_interested'])).toBe('not_interested');
  });

  it('returns null for no stages', () => {
    expect(mostAdvancedStage([])).toBeNull();
  });
});

describe('mergeContacts', () => {
  it('writes nothing when the others add nothing', () => {
    const survivor = contact('a', { phones: [phone('07700 900123')], emails: [email('jane@example.com')], tags: ['VIP'], notes: 'Met at the fair', stage: 'customer' });
    const copy = contact('b', { phones: [phone('+44 7700 900123')], emails: [email('JANE@example.com ')], tags: ['vip'], notes: 'Met at the fair', stage: 'contacted' });
    expect(mergeContacts(survivor, [copy], ukKey)).toEqual({});
  });

  it('adds the others’ phones after the survivor’s, keeping its primary first and skipping the same number written differently', () => {
    const survivor = contact('a', { phones: [phone('07700 900123'), phone('020 7946 0000', 'work')] });
    const other = contact('b', { phones: [phone('+44 7700 900123'), phone('07700 900456', 'home')] });
    const changed = mergeContacts(survivor, [other], ukKey);
    expect(changed.phones).toEqual([phone('07700 900123'), phone('020 7946 0000', 'work'), phone('07700 900456', 'home')]);
    expect(changed).not.toHaveProperty('phone');
  });

  it('compares phones by digits when no key function is given', () => {
    const survivor = contact('a', { phones: [phone('07700 900123')] });
    const changed = mergeContacts(survivor, [contact('b', { phones: [phone('07700-900-123'), phone('+44 7700 900123')] })]);
    expect(changed.phones).toEqual([phone('07700 900123'), phone('+44 7700 900123')]);
  });

  it('gives a survivor without a phone the other’s number as primary, mirrored in phone', () => {
    const changed = mergeContacts(contact('a'), [contact('b', { phones: [phone('07700 900123')] })], ukKey);
    expect(changed.phones).toEqual([phone('07700 900123')]);
    expect(changed.phone).toBe('07700 900123');
  });

  it('keeps the ten-number limit and writes the numbers that do not fit into the notes', () => {
    const ten = Array.from({ length: 10 }, (_, index) => phone(`07700 90010${index}`));
    const changed = mergeContacts(contact('a', { phones: ten }), [contact('b', { phones: [phone('07700 900200', 'work'), phone('07700 900100')] })], ukKey);
    expect(changed.phones).toBeUndefined();
    expect(changed.notes).toBe('Phone (work): 07700 900200');
  });

  it('unions emails case-insensitively and tags case-insensitively, survivor first', () => {
    const survivor = contact('a', { emails: [email('Jane@Example.com')], tags: ['VIP', 'Leeds'] });
    const other = contact('b', { emails: [email('jane@example.com'), email('jd@work.example', 'work')], tags: ['leeds', 'Yoga', 'vip'] });
    const changed = mergeContacts(survivor, [other], ukKey);
    expect(changed.emails).toEqual([email('Jane@Example.com'), email('jd@work.example', 'work')]);
    expect(changed.tags).toEqual(['VIP', 'Leeds', 'Yoga']);
  });

  it('keeps at most twenty tags', () => {
    const many = Array.from({ length: 15 }, (_, index) => `tag-${index}`);
    const more = Array.from({ length: 15 }, (_, index) => `other-${index}`);
    const changed = mergeContacts(contact('a', { tags: many }), [contact('b', { tags: more })]);
    expect(changed.tags).toHaveLength(CONTACT_LIMITS.tags);
    expect(changed.tags?.slice(0, 15)).toEqual(many);
  });

  it('takes the most advanced stage, the earliest created_at and follow-up, the latest touch', () => {
    const survivor = contact('a', {
      stage: 'contacted',
      created_at: '2024-03-01T00:00:00.000Z',
      next_follow_up_on: '2024-06-10',
      last_touched_at: '2024-04-01T00:00:00.000Z',
    });
    const others = [
      contact('b', { stage: 'customer', created_at: '2023-01-01T00:00:00.000Z', next_follow_up_on: null, last_touched_at: '2024-05-01T00:00:00.000Z' }),
      contact('c', { stage: 'not_interested', next_follow_up_on: '2024-06-01', last_touched_at: '2024-01-02T00:00:00.000Z' }),
    ];
    expect(mergeContacts(survivor, others)).toEqual({
      stage: 'customer',
      created_at: '2023-01-01T00:00:00.000Z',
      next_follow_up_on: '2024-06-01',
      last_touched_at: '2024-05-01T00:00:00.000Z',
    });
  });

  it('takes the lead source of the earliest created contact that has one', () => {
    const survivor = contact('a', { lead_source: 'Instagram', created_at: '2024-02-01T00:00:00.000Z' });
    const others = [
      contact('c', { lead_source: 'Referral', created_at: '2023-06-01T00:00:00.000Z' }),
      contact('b', { lead_source: '', created_at: '2022-01-01T00:00:00.000Z' }),
    ];
    expect(mergeContacts(survivor, others).lead_source).toBe('Referral');
  });

  it('keeps the survivor’s name and contact type, filling only an empty name part', () => {
    const survivor = contact('a', { first_name: 'Jane', last_name: '', contact_type: 'business' });
    const changed = mergeContacts(survivor, [contact('b', { first_name: 'Janet', last_name: 'Smith', contact_type: 'customer' })]);
    expect(changed).toEqual({ last_name: 'Smith' });
  });

  it('appends each other’s notes after a blank line, oldest first, without repeating one', () => {
    const survivor = contact('a', { notes: 'Likes tea', created_at: '2024-01-01T00:00:00.000Z' });
    const others = [
      contact('c', { notes: 'Two kids', created_at: '2023-02-01T00:00:00.000Z' }),
      contact('b', { notes: 'Lives in Leeds', created_at: '2023-01-01T00:00:00.000Z' }),
      contact('d', { notes: '  Likes tea \n' }),
      contact('e', { notes: '   ' }),
    ];
    const changed = mergeContacts(survivor, others);
    expect(changed.notes).toBe('Likes tea\n\nLives in Leeds\n\nTwo kids');
    expect(mergeContacts({ ...survivor, notes: changed.notes! }, others).notes).toBeUndefined();
  });

  it('does not take a note for present when it is only part of a paragraph', () => {
    const changed = mergeContacts(contact('a', { notes: 'Call back Tuesday' }), [contact('b', { notes: 'Call' })]);
    expect(changed.notes).toBe('Call back Tuesday\n\nCall');
  });

  it('cuts merged notes to the limit with a marker', () => {
    const long = 'x'.repeat(4000);
    const changed = mergeContacts(contact('a', { notes: long }), [contact('b', { notes: 'y'.repeat(3000) })]);
    expect(changed.notes).toHaveLength(CONTACT_LIMITS.notes);
    expect(changed.notes!.startsWith(`${long}\n\nyyy`)).toBe(true);
    expect(changed.notes!.endsWith(NOTES_SHORTENED_MARKER)).toBe(true);
  });
});

describe('mergeIncoming', () => {
  it('adds new phones, emails and tags and fills empty fields', () => {
    const existing = contact('a', { phones: [phone('07700 900123')], last_name: '', tags: ['VIP'] });
    const changed = mergeIncoming(
      existing,
      {
        first_name: 'Janet',
        last_name: 'Doe',
        phones: [phone('+44 7700 900123'), phone('020 7946 0000', 'work')],
        emails: [email('jane@example.com')],
        tags: ['vip', 'Imported'],
        lead_source: 'Trade fair',
        next_follow_up_on: '2024-09-01',
      },
      ukKey,
    );
    expect(changed).toEqual({
      last_name: 'Doe',
      phones: [phone('07700 900123'), phone('020 7946 0000', 'work')],
      emails: [email('jane@example.com')],
      email: 'jane@example.com',
      tags: ['VIP', 'Imported'],
      lead_source: 'Trade fair',
      next_follow_up_on: '2024-09-01',
    });
  });

  it('never overwrites a non-empty field', () => {
    const existing = contact('a', { first_name: 'Jane', last_name: 'Doe', lead_source: 'Instagram', next_follow_up_on: '2024-05-05' });
    expect(mergeIncoming(existing, { first_name: 'J', last_name: 'Smith', lead_source: 'CSV', next_follow_up_on: '2024-01-01' })).toEqual({});
  });

  it('returns nothing when the import adds nothing', () => {
    const existing = contact('a', { phones: [phone('07700 900123')], emails: [email('jane@example.com')], notes: 'Met at the fair', tags: ['VIP'] });
    expect(mergeIncoming(existing, { phones: [phone('07700-900-123')], emails: [email(' JANE@example.com')], notes: 'Met at the fair', tags: ['vip'] }, ukKey)).toEqual({});
  });

  it('never moves the stage back, and ignores the default stage new', () => {
    expect(mergeIncoming(contact('a', { stage: 'customer' }), { stage: 'contacted' })).toEqual({});
    expect(mergeIncoming(contact('a', { stage: 'not_interested' }), { stage: 'new' })).toEqual({});
    expect(mergeIncoming(contact('a', { stage: 'contacted' }), { stage: 'team_member' })).toEqual({ stage: 'team_member' });
  });

  it('appends notes not already present', () => {
    const existing = contact('a', { notes: 'Likes tea\n\nCompany: Acme' });
    expect(mergeIncoming(existing, { notes: 'Company: Acme' })).toEqual({});
    expect(mergeIncoming(existing, { notes: 'Birthday: 1 May' })).toEqual({ notes: 'Likes tea\n\nCompany: Acme\n\nBirthday: 1 May' });
  });

  it('reads a contact’s single phone when its list is empty', () => {
    const legacy = { ...contact('a'), phone: '07700 900123' };
    expect(mergeIncoming(legacy, { phones: [phone('+447700900123')] }, ukKey)).toEqual({ phones: [phone('07700 900123')] });
  });
});

describe('undoMergeFields', () => {
  it('restores every field the merge wrote while nothing changed since', () => {
    const before = { tags: ['VIP'], notes: 'Likes tea', stage: 'contacted' as const };
    const applied = { tags: ['VIP', 'Yoga'], notes: 'Likes tea\n\nTwo kids', stage: 'customer' as const };
    const current = { ...contact('a'), ...applied, tags: ['VIP', 'Yoga'] };
    expect(undoMergeFields<MergeableContact>(current, applied, before)).toEqual(before);
  });

  it('keeps a field edited after the merge, restoring the others', () => {
    const before = { tags: ['VIP'], notes: 'Likes tea' };
    const applied = { tags: ['VIP', 'Yoga'], notes: 'Likes tea\n\nTwo kids' };
    const current = { ...contact('a'), tags: ['VIP', 'Yoga', 'Added later'], notes: applied.notes };
    expect(undoMergeFields<MergeableContact>(current, applied, before)).toEqual({ notes: 'Likes tea' });
  });

  it('compares phone lists by content, label included', () => {
    const before = { phones: [phone('07700 900123')] };
    const applied = { phones: [phone('07700 900123'), phone('020 7946 0000', 'work')] };
    const same = { ...contact('a'), phones: [phone('07700 900123'), phone('020 7946 0000', 'work')] };
    const relabelled = { ...contact('a'), phones: [phone('07700 900123'), phone('020 7946 0000', 'office')] };
    expect(undoMergeFields<MergeableContact>(same, applied, before)).toEqual(before);
    expect(undoMergeFields<MergeableContact>(relabelled, applied, before)).toEqual({});
  });

  it('restores a null the merge replaced', () => {
    const current = { ...contact('a'), next_follow_up_on: '2024-06-01' };
    expect(undoMergeFields<MergeableContact>(current, { next_follow_up_on: '2024-06-01' }, { next_follow_up_on: null })).toEqual({ next_follow_up_on: null });
  });
});
