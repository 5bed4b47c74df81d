import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText } from './decode-text';
import type { ParsedContact } from './parsed-contact';
import { iterateVcard, readVcard } from './vcard-read';

const fixture = (name: string) => decodeText(readFileSync(resolve(import.meta.dirname, '../../tests/fixtures/contacts', name))).text;

function only(text: string): ParsedContact {
  const result = readVcard(text);
  expect(result.problems).toEqual([]);
  expect(result.contacts).toHaveLength(1);
  return result.contacts[0]!;
}

describe('readVcard on an iPhone / iCloud export (vCard 3.0)', () => {
  const result = readVcard(fixture('iphone.vcf'));
  const [jose, bakery, jane] = result.contacts;

  it('reads every card, says it is vCard 3.0 and reports no problem', () => {
    expect(result.format).toBe('vCard 3.0');
    expect(result.problems).toEqual([]);
    expect(result.contacts.map((c) => c.line)).toEqual([1, 388, 399]);
  });

  it('takes the name from N, the middle name joining the first name', () => {
    expect([jose!.first_name, jose!.last_name]).toEqual(['José Luis', 'Peña']);
  });

  it('maps grouped X-ABLabel labels: built-in ones to our labels, custom text kept', () => {
    expect(jose!.phones).toEqual([
      { label: 'mobile', value: '+34 612 345 678' },
      { label: 'mobile', value: '+34 699 000 111' },
      { label: 'home', value: '+34 91 123 45 67' },
      { label: 'WhatsApp', value: '+34 600 222 333' },
      { label: 'other', value: '+34 600 444 555' },
    ]);
    expect(bakery!.phones).toEqual([{ label: 'home', value: '(555) 010-0199' }]);
  });

  it('reads repeated type= parameters and puts the preferred value first', () => {
    expect(jose!.emails).toEqual([
      { label: 'home', value: 'jose@example.com' },
      { label: 'work', value: 'j.pena@acme.example' },
    ]);
    expect(jane!.phones).toEqual([
      { label: 'mobile', value: '+44 7700 900123' },
      { label: 'work', value: '+44 20 7946 0018' },
    ]);
  });

  it('unescapes the note, keeps ORG apart and turns CATEGORIES into tags', () => {
    expect(jose!.notes).toBe('Met at the Lisbon fair, 2023.\nPrefers WhatsApp; evenings.');
    expect(jose!.organization).toBe('Acme Ltd.');
    expect(jose!.tags).toEqual(['Friends', 'Lisbon fair']);
  });

  it('keeps the rest as labelled extras in file order, skipping the photo', () => {
    expect(jose!.extra).toEqual([
      ['Name prefix', 'Dr.'],
      ['Department', 'Sales'],
      ['Job title', 'Regional manager'],
      ['Address (home)', 'Calle Mayor 1, 2º B, Madrid, 28013, Spain'],
      ['Website (HomePage)', 'https://acme.example'],
      ['Birthday', '1985-03-15'],
    ]);
    expect(JSON.stringify(jose)).not.toContain('/9j');
  });

  it('leaves a card without a name nameless (the converter names it) and reads a birthday without a year', () => {
    expect([bakery!.first_name, bakery!.last_name, bakery!.organization]).toEqual(['', '', 'Corner Bakery']);
    expect(bakery!.extra).toEqual([['Birthday', 'July 7']]);
  });
});

describe('readVcard on an Android export (vCard 2.1)', () => {
  const result = readVcard(fixture('android-21.vcf'));
  const [maria, emailOnly, phoneOnly, karl] = result.contacts;

  it('reads all four cards as vCard 2.1', () => {
    expect(result.format).toBe('vCard 2.1');
    expect(result.problems).toEqual([]);
    expect(result.contacts).toHaveLength(4);
  });

  it('decodes quoted-printable UTF-8 names', () => {
    expect([maria!.first_name, maria!.last_name]).toEqual(['María', 'Ñúñez']);
  });

  it('joins a quoted-printable soft line break whose continuation is not indented', () => {
    expect(maria!.notes).toBe('Primera línea de una nota muy larga que el teléfono parte en varias líneas\nSegunda línea');
  });

  it('reads bare parameters (TEL;CELL;PREF, TEL;HOME, EMAIL;WORK)', () => {
    expect(maria!.phones).toEqual([
      { label: 'mobile', value: '+34600111222' },
      { label: 'home', value: '915551234' },
      { label: 'mobile', value: '+34600111222' },
    ]);
    expect(maria!.emails).toEqual([{ label: 'work', value: 'maria@trabajo.example' }]);
  });

  it('reads a card with only an email and one with only a phone', () => {
    expect(emailOnly).toMatchObject({ first_name: '', emails: [{ label: 'home', value: 'only.email@example.com' }], phones: [] });
    expect(phoneOnly).toMatchObject({ first_name: '', phones: [{ label: 'mobile', value: '+49 151 23456789' }], emails: [] });
  });

  it('splits FN when there is no N, and skips an indented photo ended by a blank line', () => {
    expect(karl).toMatchObject({ first_name: 'Karl-Heinz', last_name: 'Müller', phones: [{ label: 'work', value: '030 1234567' }], extra: [] });
  });
});

describe('readVcard on an Outlook export (vCard 2.1, Windows-1252)', () => {
  const contact = only(fixture('outlook-21.vcf'));

  it('decodes CHARSET=Windows-1252 values, plain and quoted-printable', () => {
    expect([contact.first_name, contact.last_name]).toEqual(['François', 'Lefèvre']);
    expect(contact.organization).toBe('Société Générale');
  });

  it('decodes quoted-printable bytes that are not UTF-8 as Windows-1252 and =0D=0A as a new line', () => {
    expect(contact.notes).toBe('Rencontré au salon\nPréfère le téléphone € midi');
  });

  it('keeps meaningful X-MS properties, ignores the rest, prefers ADR over LABEL and skips empty PHOTO and KEY', () => {
    expect(contact.extra).toEqual([
      ['Job title', 'Directeur'],
      ['Address (work)', '12 rue de la Paix, Paris, 75002, France'],
      ['IM', 'flefevre@im.example'],
      ['Spouse', 'Hélène'],
    ]);
    expect(contact.emails).toEqual([{ label: 'other', value: 'francois.lefevre@societe.example' }]);
    expect(contact.phones).toEqual([
      { label: 'work', value: '+33 1 23 45 67 89' },
      { label: 'mobile', value: '+33 6 12 34 56 78' },
    ]);
  });
});

describe('readVcard on what any exporter may write', () => {
  const card = (lines: readonly string[], end = '\r\n') => ['BEGIN:VCARD', 'VERSION:3.0', ...lines, 'END:VCARD'].join(end) + end;

  it.each([
    ['CRLF', '\r\n'],
    ['LF', '\n'],
    ['CR', '\r'],
    ['doubled CR CR LF', '\r\r\n'],
  ])('reads %s line ends, folding and line numbers alike', (_, end) => {
    const text = card(['N:Doe;Jane;;;', 'NOTE:one long', '  note', 'TEL;TYPE=CELL:+1 555 0100'], end) + end + card(['FN:Second'], end);
    const result = readVcard(text);
    expect(result.contacts.map((c) => [c.line, c.first_name, c.notes])).toEqual([
      [1, 'Jane', 'one long note'],
      [9, 'Second', ''],
    ]);
  });

  it('unfolds continuation lines that start with a tab', () => {
    expect(only(card(['FN:Ja', '\tne Doe'])).first_name).toBe('Jane');
  });

  it('unescapes \\, \\; \\n \\N and \\\\ and leaves unknown escapes alone', () => {
    expect(only(card(['FN:A', 'NOTE:a\\,b\\;c\\nd\\Ne\\\\f C:\\Users'])).notes).toBe('a,b;c\nd\ne\\f C:\\Users');
  });

  it('reads vCard 4.0 tel: URIs and quoted TYPE lists', () => {
    const contact = only(card(['FN:A', 'TEL;VALUE=uri;TYPE="cell,voice";PREF=1:tel:+1-555-555-0100', 'TEL;VALUE=uri;TYPE="work":tel:+1-555-555-0111;ext=42']).replace('VERSION:3.0', 'VERSION:4.0'));
    expect(contact.phones).toEqual([
      { label: 'mobile', value: '+1-555-555-0100' },
      { label: 'work', value: '+1-555-555-0111 ext. 42' },
    ]);
  });

  it('reads property names and parameters in any case', () => {
    const contact = only('begin:vcard\nversion:3.0\nfn:Low Case\ntel;type=home:12345\nemail;TYPE=work:a@b.example\nend:vcard\n');
    expect(contact).toMatchObject({ first_name: 'Low', last_name: 'Case', phones: [{ label: 'home' }], emails: [{ label: 'work' }] });
  });

  it('keeps a card whose END:VCARD is missing at the end of the file', () => {
    const result = readVcard('BEGIN:VCARD\nVERSION:3.0\nFN:Cut Short\nTEL:12345');
    expect(result.contacts).toMatchObject([{ first_name: 'Cut', phones: [{ label: 'other', value: '12345' }] }]);
  });

  it('ignores garbage between cards and closes a card left open by the next BEGIN', () => {
    const text = 'junk line\nBEGIN:VCARD\nFN:One\nBEGIN:VCARD\nFN:Two\nEND:VCARD\nmore junk: here\n\nBEGIN:VCARD\nFN:Three\nEND:VCARD\n';
    expect(readVcard(text).contacts.map((c) => [c.line, c.first_name])).toEqual([
      [2, 'One'],
      [4, 'Two'],
      [9, 'Three'],
    ]);
  });

  it('gives a problem with the line and reason for an empty card, and for a file without cards', () => {
    const empty = readVcard('BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\nBEGIN:VCARD\nFN:Ok\nEND:VCARD');
    expect(empty.problems.map((p) => p.line)).toEqual([1]);
    expect(empty.problems[0]!.message).toContain('empty');
    expect(empty.contacts.map((c) => c.first_name)).toEqual(['Ok']);
    const notVcard = readVcard('Name,Phone\nJane,123\n');
    expect(notVcard.problems.map((p) => p.line)).toEqual([1]);
    expect(notVcard.problems[0]!.message).toContain('BEGIN:VCARD');
    expect(readVcard('')).toEqual({ format: 'vCard', contacts: [], problems: [] });
  });

  it('gives a problem for a card with an absurd number of lines instead of running out of memory', () => {
    const lines = Array.from({ length: 6000 }, (_, i) => `TEL:+1 555 ${String(i).padStart(5, '0')}`);
    const { problems, contacts } = readVcard(card(['FN:Huge', ...lines]));
    expect(contacts).toEqual([]);
    expect(problems.map((p) => p.line)).toEqual([1]);
    expect(problems[0]!.message).toContain('more than 5000');
  });

  it('reads back the X-FIELDBOOK properties of its own export', () => {
    const contact = only(card(['FN:A', 'X-FIELDBOOK-STAGE:presented', 'X-FIELDBOOK-TYPE:business', 'X-FIELDBOOK-LEAD-SOURCE:Fair\\, 2024', 'X-FIELDBOOK-FOLLOW-UP:2024-05-01']));
    expect(contact).toMatchObject({ stage: 'presented', contact_type: 'business', lead_source: 'Fair, 2024', next_follow_up_on: '2024-05-01' });
  });

  it('survives NUL bytes, unbalanced quotes and a line without a colon', () => {
    const result = readVcard(card(['FN:Nul\u0000Name', 'TEL;TYPE="cell:12345', 'just text', 'EMAIL:a@b.example']));
    expect(result.contacts).toHaveLength(1);
    expect(result.contacts[0]!.emails).toEqual([{ label: 'other', value: 'a@b.example' }]);
  });

  it('skips a 10 MB photo quickly and yields cards one at a time', () => {
    const photo = `PHOTO;ENCODING=b;TYPE=JPEG:${'A'.repeat(60)}\r\n` + ` ${'B'.repeat(74)}\r\n`.repeat(140_000);
    const text = card(['FN:First', photo.trimEnd()]) + card(['FN:Second']);
    const started = performance.now();
    const iterator = iterateVcard(text);
    const first = iterator.next();
    expect(first.value).toMatchObject({ first_name: 'First', extra: [] });
    expect(iterator.next().value).toMatchObject({ first_name: 'Second' });
    expect(iterator.next().done).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reads 10,000 cards in well under a second', () => {
    const one = card(['N:Doe;Jane;;;', 'FN:Jane Doe', 'item1.TEL;type=CELL;type=pref:+44 7700 900123', 'item1.X-ABLabel:_$!<Mobile>!$_', 'EMAIL;type=INTERNET:jane@example.com', 'NOTE:Met at the fair\\, twice', 'CATEGORIES:a,b']);
    const text = one.repeat(10_000);
    const started = performance.now();
    const result = readVcard(text);
    const elapsed = performance.now() - started;
    expect(result.contacts).toHaveLength(10_000);
    expect(elapsed).toBeLessThan(1000);
  });
});
