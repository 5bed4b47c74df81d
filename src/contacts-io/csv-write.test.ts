import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { contactsToCsv, neutralise, unneutralise } from './csv-write';
import type { ContactFields } from './to-contact-draft';

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

const rowsOf = (csv: string) => Papa.parse<string[]>(csv.slice(1), { newline: '\r\n' }).data;

describe('contactsToCsv', () => {
  it('starts with a byte order mark, ends rows with CRLF and writes Google headers', () => {
    const csv = contactsToCsv([contact({})]);
    expect(csv.startsWith('\uFEFFFirst Name,Middle Name,Last Name,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Custom Field 1 - Label')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(3);
  });

  it('writes as many numbered groups as the contact with the most phones and emails needs', () => {
    const csv = contactsToCsv([
      contact({ phones: [{ label: 'mobile', value: '+1 555 0100' }, { label: 'home', value: '555 0101' }, { label: 'Büro', value: '555 0102' }] }),
      contact({ emails: [{ label: 'work', value: 'a@b.example' }, { label: 'other', value: 'c@d.example' }] }),
    ]);
    const [header, first, second] = rowsOf(csv);
    expect(header!.filter((h) => /^Phone \d - Value$/.test(h))).toHaveLength(3);
    expect(header!.filter((h) => /^E-mail \d - Value$/.test(h))).toHaveLength(2);
    const at = (row: readonly string[], name: string) => row[header!.indexOf(name)];
    expect([at(first!, 'Phone 1 - Label'), at(first!, 'Phone 1 - Value'), at(first!, 'Phone 3 - Label')]).toEqual(['Mobile', '+1 555 0100', 'Büro']);
    expect([at(second!, 'E-mail 1 - Label'), at(second!, 'E-mail 2 - Label'), at(second!, 'Phone 1 - Value')]).toEqual(['Work', 'Other', '']);
  });

  it('joins tags with " ::: ", quotes commas, quotes and new lines, and writes Fieldbook fields as custom fields', () => {
    const csv = contactsToCsv([contact({ first_name: 'Ann, "Jo"', tags: ['vip', 'fair, 2024'], notes: 'a\nb', stage: 'follow_up', contact_type: 'business', lead_source: 'Fair', next_follow_up_on: '2024-05-01' })]);
    expect(csv).toContain('"Ann, ""Jo"""');
    expect(csv).toContain('"a\nb"');
    const [header, row] = rowsOf(csv);
    expect(row![header!.indexOf('Labels')]).toBe('vip ::: fair, 2024');
    expect(row!.slice(header!.indexOf('Custom Field 1 - Label'))).toEqual(['Stage', 'follow_up', 'Type', 'business', 'Lead source', 'Fair', 'Follow-up', '2024-05-01']);
  });

  it('neutralises cells a spreadsheet would run as formulas, but not phone numbers', () => {
    const csv = contactsToCsv([contact({ first_name: '=HYPERLINK("http://x")', last_name: '@SUM(A1)', notes: '-2+3 cmd|calc', lead_source: '\tx', phones: [{ label: 'mobile', value: '+44 7700 900123' }] })]);
    const [header, row] = rowsOf(csv);
    expect(row![0]).toBe(`'=HYPERLINK("http://x")`);
    expect(row![2]).toBe(`'@SUM(A1)`);
    expect(row![3]).toBe(`'-2+3 cmd|calc`);
    expect(row![header!.indexOf('Phone 1 - Value')]).toBe('+44 7700 900123');
  });
});

describe('neutralise and unneutralise', () => {
  it.each(['=1+1', '+x', '-x', '@x', '\tx', '\rx', "'=x", "''+y", "'plain", 'plain', '', '+44 7700 900123', '-5', "'"])('round-trip %j exactly', (cell) => {
    expect(unneutralise(neutralise(cell))).toBe(cell);
  });

  it('never leaves a dangerous first character unguarded', () => {
    for (const cell of ['=cmd|x', '+SUM(1)', '-A1', '@A1', '\t=1']) expect(neutralise(cell).startsWith("'")).toBe(true);
  });
});
