import { describe, expect, it } from 'vitest';
import type { ContactFields } from './to-contact-draft';
import { contactsToVcard, foldLine } from './vcard-write';
import { readVcard } from './vcard-read';

const contact = (fields: Partial<ContactFields>): ContactFields => ({
  first_name: 'Jane',
  last_name: 'Doe',
  phones: [],
  emails: [],
  stage: 'new',
  contact_type: 'customer',
  lead_source: '',
  tags: [],
  notes: '',
  next_follow_up_on: null,
  ...fields,
});

const unfold = (text: string) => text.replace(/\r\n /g, '');

describe('contactsToVcard', () => {
  it('writes a vCard 3.0 card with N, FN, typed phones and emails, categories, note and Fieldbook fields', () => {
    const text = contactsToVcard([
      contact({
        phones: [{ label: 'mobile', value: '+44 7700 900123' }, { label: 'work', value: '020 7946 0018' }, { label: 'other', value: '555 0100' }],
        emails: [{ label: 'home', value: 'jane@example.com' }],
        tags: ['vip', 'fair, 2024'],
        notes: 'Line; one\nLine \\ two',
        stage: 'presented',
        contact_type: 'business',
        lead_source: 'Fair',
        next_follow_up_on: '2024-05-01',
      }),
    ]);
    expect(text.split('\r\n')).toEqual([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:Doe;Jane;;;',
      'FN:Jane Doe',
      'TEL;TYPE=CELL,PREF:+44 7700 900123',
      'TEL;TYPE=WORK:020 7946 0018',
      'TEL;TYPE=VOICE:555 0100',
      'EMAIL;TYPE=INTERNET,HOME,PREF:jane@example.com',
      'CATEGORIES:vip,fair\\, 2024',
      'NOTE:Line\\; one\\nLine \\\\ two',
      'X-FIELDBOOK-STAGE:presented',
      'X-FIELDBOOK-TYPE:business',
      'X-FIELDBOOK-LEAD-SOURCE:Fair',
      'X-FIELDBOOK-FOLLOW-UP:2024-05-01',
      'END:VCARD',
      '',
    ]);
  });

  it('writes a custom label as an itemN group with X-ABLabel, as the iPhone does', () => {
    const text = contactsToVcard([contact({ phones: [{ label: 'mobile', value: '1' }, { label: 'Büro, 2', value: '555 0102' }], emails: [{ label: 'Uni', value: 'j@uni.example' }] })]);
    expect(text).toContain('item1.TEL;TYPE=VOICE:555 0102\r\nitem1.X-ABLabel:Büro\\, 2\r\n');
    expect(text).toContain('item2.EMAIL;TYPE=INTERNET,PREF:j@uni.example\r\nitem2.X-ABLabel:Uni\r\n');
    expect(readVcard(text).contacts[0]).toMatchObject({ phones: [{ label: 'mobile' }, { label: 'Büro, 2' }], emails: [{ label: 'Uni' }] });
  });

  it('folds long lines at 75 octets without splitting a multi-byte character', () => {
    const text = contactsToVcard([contact({ notes: 'ñü日本🙂'.repeat(40) })]);
    const encoder = new TextEncoder();
    for (const line of text.split('\r\n')) {
      expect(encoder.encode(line).length).toBeLessThanOrEqual(75);
      expect(line).not.toMatch(/[\uD800-\uDBFF]$/);
    }
    expect(unfold(text)).toContain(`NOTE:${'ñü日本🙂'.repeat(40)}\r\n`);
  });

  it('returns an empty file for no contacts', () => {
    expect(contactsToVcard([])).toBe('');
  });
});

describe('foldLine', () => {
  it('leaves a 75-octet line alone and folds a 76-octet one', () => {
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });
});
