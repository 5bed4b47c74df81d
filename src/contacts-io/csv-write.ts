import type { ContactPoint } from './parsed-contact';
import type { ContactFields } from './to-contact-draft';

/*
 * Contacts as a CSV that Google Contacts imports as is: Google's own headers, one numbered
 * "E-mail n" / "Phone n" group per address (as many groups as the contact with the most needs), tags
 * as Labels joined with " ::: ", and what Google has no field for (stage, type, lead source,
 * follow-up) as Custom Fields, which csv-read reads back. UTF-8 with a byte order mark so Excel
 * shows accents, CRLF row ends and RFC 4180 quoting.
 *
 * Formula injection: a spreadsheet runs a cell that starts with = + - @ (or a tab or CR) as a
 * formula, so such a cell is written with a leading apostrophe, and the reader of our own export
 * removes exactly that apostrophe. A cell that is only digits, spaces and + - ( ) . / is left alone:
 * with no letters it can call no function and reach no other program, and a phone number such as
 * "+44 7700 900123" must reach Google Contacts without an apostrophe in front. (Excel may show such a
 * cell as a number or #NAME?, which changes nothing in the file.) A cell that already starts with
 * apostrophes before one of those characters gets one more, so the reader's rule is exact.
 */

const TRIGGER = /^'*[=+\-@\t\r]/;
const HARMLESS = /^[0-9 +()\-./]*$/;
/** Removes the apostrophe neutralise() added; only for files Fieldbook wrote. */
export const NEUTRALISED = /^'+[=+\-@\t\r]/;

export function neutralise(cell: string): string {
  return TRIGGER.test(cell) && !HARMLESS.test(cell) ? `'${cell}` : cell;
}

export function unneutralise(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

/** The Custom Field labels of Fieldbook's own columns, which csv-read recognises. */
export const FIELDBOOK_CUSTOM_FIELDS = { stage: 'Stage', contact_type: 'Type', lead_source: 'Lead source', next_follow_up_on: 'Follow-up' } as const;

/** Our labels in Google's words; custom labels are written as they are. */
const GOOGLE_LABELS: Readonly<Record<string, string>> = { mobile: 'Mobile', home: 'Home', work: 'Work', other: 'Other' };

export function contactsToCsv(contacts: readonly ContactFields[]): string {
  const emailGroups = Math.max(1, ...contacts.map((c) => c.emails.length));
  const phoneGroups = Math.max(1, ...contacts.map((c) => c.phones.length));
  const header = [
    'First Name',
    'Middle Name',
    'Last Name',
    'Notes',
    'Labels',
    ...groupHeaders('E-mail', emailGroups),
    ...groupHeaders('Phone', phoneGroups),
    ...groupHeaders('Custom Field', 4),
  ];
  const rows: string[] = [header.map(quote).join(',')];
  for (const contact of contacts) {
    const custom: string[] = [
      FIELDBOOK_CUSTOM_FIELDS.stage,
      contact.stage,
      FIELDBOOK_CUSTOM_FIELDS.contact_type,
      contact.contact_type,
      FIELDBOOK_CUSTOM_FIELDS.lead_source,
      contact.lead_source,
      FIELDBOOK_CUSTOM_FIELDS.next_follow_up_on,
      contact.next_follow_up_on ?? '',
    ];
    const cells = [
      contact.first_name,
      '',
      contact.last_name,
      contact.notes,
      contact.tags.join(' ::: '),
      ...groupCells(contact.emails, emailGroups),
      ...groupCells(contact.phones, phoneGroups),
      ...custom,
    ];
    rows.push(cells.map((cell) => quote(neutralise(cell))).join(','));
  }
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

function groupHeaders(name: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => [`${name} ${i + 1} - Label`, `${name} ${i + 1} - Value`]).flat();
}

function groupCells(points: readonly ContactPoint[], count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const point = points[i];
    return point === undefined ? ['', ''] : [GOOGLE_LABELS[point.label] ?? point.label, point.value];
  }).flat();
}

/** RFC 4180: quote a cell holding a comma, quote, CR or LF, or spaces at its ends; double its quotes. */
function quote(cell: string): string {
  return /[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
