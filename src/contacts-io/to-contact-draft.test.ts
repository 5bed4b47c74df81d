import { describe, expect, it } from 'vitest';
import type { ParsedContact } from './parsed-contact';
import { toContactDraft } from './to-contact-draft';
import type { DraftDefaults } from './to-contact-draft';

const parsed = (fields: Partial<ParsedContact>): ParsedContact => ({ line: 1, first_name: '', last_name: '', organization: '', phones: [], emails: [], tags: [], notes: '', extra: [], ...fields });
const defaults: DraftDefaults = { stage: 'contacted', contact_type: 'business', lead_source: 'Spring fair', tag: 'import-2024-05' };

function draftOf(fields: Partial<ParsedContact>, given: DraftDefaults = defaults) {
  const result = toContactDraft(parsed(fields), given);
  if (!result.ok) throw new Error(result.message);
  return result;
}

describe('toContactDraft', () => {
  it('takes the batch defaults when the file says nothing and adds the batch tag', () => {
    expect(draftOf({ first_name: 'Jane', last_name: 'Doe', tags: ['vip'] }).draft).toEqual({
      first_name: 'Jane',
      last_name: 'Doe',
      phones: [],
      emails: [],
      stage: 'contacted',
      contact_type: 'business',
      lead_source: 'Spring fair',
      tags: ['vip', 'import-2024-05'],
      notes: '',
      next_follow_up_on: null,
    });
  });

  it("lets the file's stage, type, lead source and follow-up win over the defaults", () => {
    const { draft } = draftOf({ first_name: 'A', stage: 'customer', contact_type: 'customer', lead_source: 'HubSpot', next_follow_up_on: '2024-06-01' });
    expect([draft.stage, draft.contact_type, draft.lead_source, draft.next_follow_up_on]).toEqual(['customer', 'customer', 'HubSpot', '2024-06-01']);
  });

  it('names a nameless contact after its organisation, else the email local part, else the phone', () => {
    expect(draftOf({ organization: 'ACME', phones: [{ label: 'work', value: '555 0100' }] }).draft).toMatchObject({ first_name: 'ACME', notes: '' });
    expect(draftOf({ emails: [{ label: 'other', value: 'no.name@example.com' }] }).draft.first_name).toBe('no.name');
    expect(draftOf({ phones: [{ label: 'mobile', value: '+44 7700 900123' }] }).draft.first_name).toBe('+44 7700 900123');
    expect(draftOf({ last_name: 'Only' }).draft).toMatchObject({ first_name: 'Only', last_name: '' });
  });

  it('refuses a record with no name, phone or email, saying why', () => {
    expect(toContactDraft(parsed({ extra: [['Birthday', 'July 7']], emails: [{ label: 'other', value: 'not an email' }] }), defaults)).toEqual({
      ok: false,
      message: 'Not imported: this record has no name, phone number or email address.',
    });
  });

  it('appends organisation and extras to the notes as "Label: value" lines', () => {
    const { draft } = draftOf({ first_name: 'A', notes: 'Met at the fair.', organization: 'ACME', extra: [['Job title', 'CEO'], ['Address (home)', '1 Main St\nSpringfield']] });
    expect(draft.notes).toBe('Met at the fair.\n\nOrganization: ACME\nJob title: CEO\nAddress (home): 1 Main St, Springfield');
  });

  it('cuts a phone at the first character our rules refuse, keeping the original in the notes', () => {
    const result = draftOf({ first_name: 'A', phones: [{ label: 'work', value: '+1 555 0100 ext. 22' }, { label: 'home', value: '１２３４５６' }, { label: 'other', value: 'call me' }] });
    expect(result.draft.phones).toEqual([
      { label: 'work', value: '+1 555 0100' },
      { label: 'home', value: '123456' },
    ]);
    expect(result.draft.notes).toBe('Phone (work): +1 555 0100 ext. 22\nPhone (other): call me');
    expect(result.warnings).toHaveLength(2);
  });

  it('keeps invalid emails in the notes and removes duplicates of phones and emails', () => {
    const { draft } = draftOf({
      first_name: 'A',
      phones: [{ label: 'mobile', value: '+44 7700 900123' }, { label: 'home', value: '+447700900123' }],
      emails: [{ label: 'home', value: 'A@Example.com' }, { label: 'work', value: 'a@example.com' }, { label: 'work', value: 'broken@' }],
    });
    expect(draft.phones).toEqual([{ label: 'mobile', value: '+44 7700 900123' }]);
    expect(draft.emails).toEqual([{ label: 'home', value: 'A@Example.com' }]);
    expect(draft.notes).toBe('Email (work): broken@');
  });

  it('keeps ten phones and moves the rest to the notes', () => {
    const phones = Array.from({ length: 12 }, (_, i) => ({ label: 'mobile', value: `+1 555 01${String(i).padStart(2, '0')}` }));
    const result = draftOf({ first_name: 'A', phones });
    expect(result.draft.phones).toHaveLength(10);
    expect(result.draft.notes).toBe('Phone (mobile): +1 555 0110\nPhone (mobile): +1 555 0111');
  });

  it('cuts names, labels, tags and notes to their limits, never splitting an emoji', () => {
    const result = draftOf({ first_name: `${'a'.repeat(99)}🙂`, tags: ['t'.repeat(45), ...Array.from({ length: 25 }, (_, i) => `tag${i}`)], notes: 'n'.repeat(6000), phones: [{ label: 'L'.repeat(50), value: '12345' }] });
    expect(result.draft.first_name).toBe('a'.repeat(99));
    expect(result.draft.phones[0]!.label).toBe('L'.repeat(40));
    expect(result.draft.tags).toHaveLength(20);
    expect(result.draft.tags[0]).toBe('t'.repeat(40));
    expect(result.draft.tags.at(-1)).toBe('import-2024-05');
    expect(result.draft.notes).toHaveLength(5000);
    expect(result.draft.notes.endsWith('[… notes cut: the file had more]')).toBe(true);
    expect(result.warnings.some((w) => w.includes('notes were cut'))).toBe(true);
  });

  it('keeps an impossible follow-up date in the notes and drops control characters', () => {
    const { draft } = draftOf({ first_name: 'A\u0000na', next_follow_up_on: '2024-02-30', notes: 'x\u0000y' });
    expect(draft).toMatchObject({ first_name: 'Ana', next_follow_up_on: null, notes: 'xy\n\nFollow-up: 2024-02-30' });
  });

  it('is deterministic', () => {
    const input = parsed({ first_name: 'A', phones: [{ label: 'x', value: '+1 (555) 0100 x12' }], extra: [['k', 'v']] });
    expect(toContactDraft(input, defaults)).toEqual(toContactDraft(input, defaults));
  });
});
