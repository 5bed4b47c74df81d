import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMN_CHOICES, choiceForRole, inspectCsv, iterateCsv, readCsv, roleForChoice } from './csv-read';
import { contactsToCsv } from './csv-write';
import { decodeText } from './decode-text';
import type { ParsedContact } from './parsed-contact';

const bytesOf = (name: string) => readFileSync(resolve(import.meta.dirname, '../../tests/fixtures/contacts', name));
const fixture = (name: string) => decodeText(bytesOf(name)).text;

function read(text: string) {
  const inspection = inspectCsv(text);
  return { inspection, ...readCsv(text, inspection) };
}

function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    bytes[2 + i * 2] = text.charCodeAt(i) & 0xff;
    bytes[3 + i * 2] = text.charCodeAt(i) >> 8;
  }
  return bytes;
}

describe('Google Contacts CSV (current export)', () => {
  const { inspection, contacts, problems } = read(fixture('google.csv'));
  const [zoe, plumber, nameless] = contacts as [ParsedContact, ParsedContact, ParsedContact];

  it('is recognised, with every column understood', () => {
    expect(inspection).toMatchObject({ delimiter: ',', hasHeader: true, format: 'Google Contacts CSV', unrecognised: [] });
    expect(problems).toEqual([]);
    expect(contacts.map((c) => c.line)).toEqual([2, 6, 7]);
  });

  it('splits " ::: " cells into values sharing the label and puts the starred group first', () => {
    expect(zoe.phones).toEqual([
      { label: 'mobile', value: '+49 151 1111111' },
      { label: 'mobile', value: '+49 151 2222222' },
      { label: 'work', value: '+49 30 1234567' },
      { label: 'Lieferant', value: '030 999 888' },
    ]);
    expect(zoe.emails).toEqual([
      { label: 'home', value: 'zoe@example.de' },
      { label: 'work', value: 'z.mueller@baeckerei.example' },
    ]);
  });

  it('drops * myContacts, keeps * starred as "starred", keeps commas inside a label', () => {
    expect(zoe.tags).toEqual(['starred', 'Friends', 'Berlin, 2024']);
  });

  it('reads a multi-line quoted note and keeps names, organisation and extras', () => {
    expect(zoe).toMatchObject({ first_name: 'Zoë Anne', last_name: 'Müller', organization: 'Bäckerei Müller GmbH', notes: 'Met at the Berlin fair.\nLikes "sourdough", hates spam; call after 6.' });
    expect(zoe.extra).toEqual([
      ['Nickname', 'Zo'],
      ['Organization Title', 'Owner'],
      ['Birthday', '1988-02-29'],
      ['Address (work)', 'Hauptstraße 5\n10115 Berlin\nDE'],
      ['Website (Profile)', 'https://baeckerei.example'],
      ['Referred by', 'Ana'],
    ]);
  });

  it('leaves nameless rows nameless for the converter', () => {
    expect(plumber).toMatchObject({ first_name: '', organization: 'ACME Plumbing', phones: [{ label: 'Main', value: '(555) 010-0199' }] });
    expect(nameless).toMatchObject({ first_name: '', emails: [{ label: 'other', value: 'no.name@example.com' }] });
  });
});

describe('Google Contacts CSV (older format)', () => {
  it('is read from UTF-16 LE bytes with a mark, as Google wrote it', () => {
    const { text, encoding } = decodeText(utf16le(fixture('google-legacy.csv')));
    expect(encoding).toBe('utf-16le');
    const { inspection, contacts } = read(text);
    expect(inspection.format).toBe('Google Contacts CSV (older format)');
    expect(contacts[0]).toMatchObject({
      first_name: 'José',
      last_name: 'Peña',
      organization: 'Peña e Hijos',
      tags: ['Friends', 'Starred'],
      emails: [{ label: 'home', value: 'jose@example.es' }],
      phones: [
        { label: 'mobile', value: '+34 612 345 678' },
        { label: 'work', value: '+34 91 123 45 67' },
        { label: 'work', value: '+34 91 765 43 21' },
      ],
      extra: [['Job title', 'CEO']],
    });
    expect(contacts[1]).toMatchObject({ first_name: '日本', last_name: '太郎', tags: [] });
  });
});

describe('Outlook CSV', () => {
  it('reads the English export: phones by column, categories split on ;, placeholders such as 0/0/00 and Normal left out', () => {
    const { inspection, contacts } = read(fixture('outlook-en.csv'));
    expect(inspection).toMatchObject({ format: 'Outlook CSV', unrecognised: [] });
    expect(contacts[0]).toEqual({
      line: 2,
      first_name: 'Sarah',
      last_name: "O'Connor",
      organization: 'Cyberdyne, Inc.',
      phones: [
        { label: 'work', value: '+1 (213) 555-0142' },
        { label: 'home', value: '213.555.0100' },
        { label: 'mobile', value: '+1 213 555 0199' },
      ],
      emails: [
        { label: 'other', value: 'sarah@cyberdyne.example' },
        { label: 'other', value: 'sarah.oc@home.example' },
      ],
      tags: ['VIP', 'Conference 2024'],
      notes: 'Line one\nLine two, with comma',
      extra: [
        ['Title', 'Ms.'],
        ['Job Title', 'Engineer'],
        ['Business City', 'Los Angeles'],
      ],
      lead_source: 'Kyle',
    });
    expect(contacts[1]).toMatchObject({ line: 4, first_name: 'Bob' });
  });

  it('reads the French export end to end from Windows-1252 bytes', () => {
    const { text, encoding } = decodeText(bytesOf('outlook-fr.csv'));
    expect(encoding).toBe('windows-1252');
    const { inspection, contacts } = read(text);
    expect(inspection.format).toBe('Outlook CSV (French)');
    expect(contacts).toEqual([
      {
        line: 2,
        first_name: 'François',
        last_name: 'Lefèvre',
        organization: 'Société Générale',
        phones: [
          { label: 'work', value: '+33 1 23 45 67 89' },
          { label: 'home', value: '01 98 76 54 32' },
          { label: 'mobile', value: '+33 6 12 34 56 78' },
        ],
        emails: [{ label: 'other', value: 'francois@exemple.fr' }],
        tags: ['Clients', 'Salon été'],
        notes: 'Préfère être appelé à 9 h — jamais le lundi. Coût : 50 €',
        extra: [],
      },
    ]);
  });

  it('reads the German export with its semicolon delimiter', () => {
    const { inspection, contacts } = read(fixture('outlook-de.csv'));
    expect(inspection).toMatchObject({ delimiter: ';', format: 'Outlook CSV (German)' });
    expect(contacts[0]).toMatchObject({
      first_name: 'Jürgen',
      last_name: 'Groß',
      phones: [
        { label: 'work', value: '+49 89 1234-0' },
        { label: 'mobile', value: '+49 170 1234567' },
      ],
      emails: [
        { label: 'other', value: 'juergen@gross.example' },
        { label: 'other', value: 'j.gross@privat.example' },
      ],
      tags: ['Kunde', 'München'],
      notes: 'Rückruf; nur vormittags',
    });
  });

  it('reads the Spanish export', () => {
    const { inspection, contacts } = read(fixture('outlook-es.csv'));
    expect(inspection.format).toBe('Outlook CSV (Spanish)');
    expect(contacts[0]).toMatchObject({
      first_name: 'María José',
      last_name: 'Núñez García',
      organization: 'Ñandú S.A.',
      phones: [
        { label: 'work', value: '+34 91 555 12 34' },
        { label: 'mobile', value: '+34 699 123 456' },
      ],
      emails: [{ label: 'other', value: 'mj@nandu.example' }],
      tags: ['Clientes', 'Madrid'],
      notes: 'Prefiere WhatsApp.',
      extra: [],
    });
  });
});

describe('HubSpot export', () => {
  it('reads column labels, maps lifecycle stages and keeps the record id in extra', () => {
    const { inspection, contacts } = read(fixture('hubspot-labels.csv'));
    expect(inspection.format).toBe('HubSpot export');
    expect(contacts.map((c) => c.stage)).toEqual(['contacted', 'customer', undefined]);
    expect(contacts[0]).toMatchObject({
      first_name: 'Priya',
      organization: 'Startup Ltd',
      lead_source: 'Organic Search',
      phones: [
        { label: 'other', value: '+44 20 7946 0958' },
        { label: 'mobile', value: '+44 7700 900456' },
      ],
    });
    expect(contacts[0]!.extra[0]).toEqual(['Record ID', '51']);
    expect(contacts[2]!.extra).toEqual([
      ['Record ID', '53'],
      ['Lifecycle Stage', 'Other'],
    ]);
  });

  it('reads internal names', () => {
    const { inspection, contacts } = read(fixture('hubspot-internal.csv'));
    expect(inspection.format).toBe('HubSpot export');
    expect(contacts.map((c) => [c.first_name, c.stage])).toEqual([
      ['Li', 'new'],
      ['Omar', 'presented'],
      ['Eve', 'customer'],
    ]);
    expect(contacts[0]).toMatchObject({ organization: 'Wei Trading', emails: [{ label: 'other', value: 'li.wei@example.cn' }], extra: [['hs_object_id', '101'], ['createdate', '2024-02-01T10:00:00Z'], ['jobtitle', 'Buyer']] });
  });
});

describe('Any other spreadsheet', () => {
  it('sniffs a semicolon, reads French synonyms, splits tags on commas and reports the unknown column', () => {
    const { inspection, contacts } = read(fixture('semicolon.csv'));
    expect(inspection).toMatchObject({ delimiter: ';', hasHeader: true, format: 'Spreadsheet', unrecognised: [5] });
    expect(inspection.mapping[5]).toEqual({ kind: 'extra', label: 'Anniversaire de mariage' });
    expect(contacts[0]).toMatchObject({ first_name: 'Claire', last_name: 'Dubois', tags: ['vip', 'salon'], notes: 'Rappeler; après 18 h', extra: [['Anniversaire de mariage', '12/06']] });
  });

  it('sniffs a tab and reads stage, follow-up and source columns, keeping unreadable values as extras', () => {
    const { inspection, contacts } = read(fixture('tab.txt'));
    expect(inspection.delimiter).toBe('\t');
    expect(contacts[0]).toMatchObject({ stage: 'presented', next_follow_up_on: '2024-06-01', lead_source: 'Church group', organization: 'Mensah Farms', phones: [{ label: 'mobile' }] });
    expect(contacts[1]).toMatchObject({ stage: 'not_interested', extra: [['follow-up', 'soon']] });
  });

  it('guesses columns from their content when there is no header row', () => {
    const { inspection, contacts } = read(fixture('no-header.csv'));
    expect(inspection).toMatchObject({ hasHeader: false, headers: ['Column 1', 'Column 2', 'Column 3'], format: 'Spreadsheet (no header row)' });
    expect(inspection.mapping).toEqual([{ kind: 'full_name' }, { kind: 'phone', label: 'other' }, { kind: 'email', label: 'other' }]);
    expect(contacts.map((c) => [c.line, c.first_name, c.last_name])).toEqual([
      [1, 'Lena', 'Novak'],
      [2, 'Ivan', 'Horvat'],
      [3, 'Mia', 'Kovač'],
    ]);
  });

  it('matches headers whatever their case, accents and punctuation', () => {
    const { contacts } = read('FIRST-NAME;e_mail;Téléphone Mobile\nAna;ana@x.example;+351 912 345 678\n');
    expect(contacts[0]).toMatchObject({ first_name: 'Ana', emails: [{ value: 'ana@x.example' }], phones: [{ label: 'mobile' }] });
  });

  it('reads a UTF-8 file with a byte order mark end to end', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Name,Email\r\nZoë Ñ,zoe@x.example\r\n')]);
    const { contacts, inspection } = read(decodeText(bytes).text);
    expect(inspection.headers).toEqual(['Name', 'Email']);
    expect(contacts[0]).toMatchObject({ first_name: 'Zoë', last_name: 'Ñ' });
  });
});

describe('Fieldbook export', () => {
  it('is recognised and reads back stage, type, lead source and follow-up, undoing the formula guard', () => {
    const csv = contactsToCsv([
      { first_name: '=Jane', last_name: '@Doe', phones: [{ label: 'mobile', value: '+44 7700 900123' }], emails: [], stage: 'follow_up', contact_type: 'business', lead_source: '-Fair', tags: ['+vip'], notes: "'=not a formula", next_follow_up_on: '2024-05-01' },
    ]);
    const { inspection, contacts } = read(decodeText(new TextEncoder().encode(csv)).text);
    expect(inspection.format).toBe('Fieldbook export');
    expect(contacts[0]).toEqual({
      line: 2,
      first_name: '=Jane',
      last_name: '@Doe',
      organization: '',
      phones: [{ label: 'mobile', value: '+44 7700 900123' }],
      emails: [],
      tags: ['+vip'],
      notes: "'=not a formula",
      extra: [],
      stage: 'follow_up',
      contact_type: 'business',
      lead_source: '-Fair',
      next_follow_up_on: '2024-05-01',
    });
  });

  it('leaves apostrophes alone in files Fieldbook did not write', () => {
    const { contacts } = read("First Name,Notes\nAna,'=1+1\n");
    expect(contacts[0]!.notes).toBe("'=1+1");
  });
});

describe('column choices', () => {
  it('offers a role for every choice and shows each chosen role as its choice again', () => {
    for (const choice of COLUMN_CHOICES) expect(choiceForRole(roleForChoice(choice.id, 'Header'))).toBe(choice.id);
    expect(roleForChoice('extra', 'Hobby')).toEqual({ kind: 'extra', label: 'Hobby' });
    expect(roleForChoice('phone_work', 'x')).toEqual({ kind: 'phone', label: 'work' });
  });

  it('reads a file with a mapping a person changed', () => {
    const text = 'Who,Digits\nAna Lima,+55 11 91234 5678\n';
    const inspection = inspectCsv(text);
    expect(inspection.unrecognised).toEqual([0, 1]);
    const mapping = [roleForChoice('full_name', 'Who'), roleForChoice('phone_mobile', 'Digits')];
    expect(readCsv(text, { ...inspection, mapping }).contacts[0]).toMatchObject({ first_name: 'Ana', last_name: 'Lima', phones: [{ label: 'mobile', value: '+55 11 91234 5678' }] });
  });
});

describe('hostile and broken files', () => {
  it('gives line numbers of records that span lines, with CRLF, LF and CR line ends', () => {
    for (const end of ['\r\n', '\n', '\r']) {
      const text = ['Name,Notes', 'A,"one', 'two', 'three"', 'B,plain', '', 'C,"x"'].join(end) + end;
      expect(readCsv(text).contacts.map((c) => [c.line, c.first_name])).toEqual([
        [2, 'A'],
        [5, 'B'],
        [7, 'C'],
      ]);
    }
  });

  it('turns an unclosed quote into a problem on its line instead of throwing', () => {
    const result = readCsv('Name,Phone\nAna,12345\nBob,"12345\nCid,67890\n');
    expect(result.contacts.map((c) => c.first_name)).toEqual(['Ana']);
    expect(result.problems.map((p) => p.line)).toEqual([3]);
    expect(result.problems[0]!.message).toContain('line 3 is never closed');
  });

  it('survives NUL bytes, cells beyond the header and an empty file', () => {
    const result = readCsv('Name,Email\nA\u0000na,ana@x.example,surplus\n');
    expect(result.contacts[0]).toMatchObject({ first_name: 'A\u0000na', extra: [['Column 3', 'surplus']] });
    expect(readCsv('')).toMatchObject({ contacts: [], problems: [] });
  });

  it('handles 10,000 columns and a 5 MB cell', () => {
    const header = ['Name', ...Array.from({ length: 9_999 }, (_, i) => `X${i}`)].join(',');
    const row = ['Wide', ...Array.from({ length: 9_999 }, () => '')].join(',');
    expect(readCsv(`${header}\n${row}\n`).contacts[0]!.first_name).toBe('Wide');
    const long = readCsv(`Name,Notes\nLong,"${'n'.repeat(5_000_000)}"\nNext,x\n`);
    expect(long.contacts.map((c) => [c.first_name, c.notes.length])).toEqual([
      ['Long', 5_000_000],
      ['Next', 1],
    ]);
  });

  it('reads 10,000 Google rows in well under a second, one chunk at a time', () => {
    const header = readFileSync(resolve(import.meta.dirname, '../../tests/fixtures/contacts/google.csv'), 'utf8').split('\r\n')[0]!;
    const width = header.split(',').length;
    const row = (i: number) => {
      const cells = Array.from({ length: width }, () => '');
      cells[0] = `Person ${i}`;
      cells[2] = 'Müller';
      cells[14] = '"Line one\nLine, two"';
      cells[16] = '* myContacts ::: Friends';
      cells[17] = '* Home';
      cells[18] = `p${i}@example.com`;
      cells[21] = 'Mobile';
      cells[22] = `+49 151 ${String(i).padStart(7, '0')}`;
      return cells.join(',');
    };
    const text = [header, ...Array.from({ length: 10_000 }, (_, i) => row(i))].join('\r\n');
    const started = performance.now();
    const inspection = inspectCsv(text);
    const iterator = iterateCsv(text, inspection);
    expect(iterator.next().value).toMatchObject({ line: 2, first_name: 'Person 0' });
    let count = 1;
    let last: unknown;
    for (const item of iterator) {
      count++;
      last = item;
    }
    expect(performance.now() - started).toBeLessThan(1000);
    expect(count).toBe(10_000);
    expect(last).toMatchObject({ line: 2 + 9_999 * 2, first_name: 'Person 9999', tags: ['Friends'] });
  });
});
