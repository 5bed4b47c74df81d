import { contactFullName } from '../domain/contact';
import type { ContactFields } from './to-contact-draft';

/*
 * Contacts as vCard 3.0, the version every phone and mail program reads: N and FN, TEL and EMAIL
 * with TYPE parameters (a custom label as an itemN.X-ABLabel group, as the iPhone writes it), the
 * first phone and email marked PREF, tags as CATEGORIES, NOTE, and Fieldbook's own fields as
 * X-FIELDBOOK-* properties that vcard-read reads back. CRLF line ends; lines folded at 75 octets,
 * never inside a UTF-8 sequence.
 */

const PHONE_TYPES: Readonly<Record<string, string>> = { mobile: 'CELL', home: 'HOME', work: 'WORK', other: 'VOICE' };
const EMAIL_TYPES: Readonly<Record<string, string>> = { home: 'INTERNET,HOME', work: 'INTERNET,WORK', other: 'INTERNET' };

export function contactsToVcard(contacts: readonly ContactFields[]): string {
  const lines: string[] = [];
  for (const contact of contacts) {
    let item = 0;
    const card: string[] = ['BEGIN:VCARD', 'VERSION:3.0'];
    card.push(`N:${escapeText(contact.last_name)};${escapeText(contact.first_name)};;;`);
    card.push(`FN:${escapeText(contactFullName(contact))}`);
    const points = (name: 'TEL' | 'EMAIL', list: ContactFields['phones'], types: Readonly<Record<string, string>>, fallback: string) => {
      list.forEach((point, index) => {
        const pref = index === 0 ? ',PREF' : '';
        const type = types[point.label];
        if (type !== undefined) {
          card.push(`${name};TYPE=${type}${pref}:${escapeText(point.value)}`);
        } else {
          item++;
          card.push(`item${item}.${name};TYPE=${fallback}${pref}:${escapeText(point.value)}`);
          card.push(`item${item}.X-ABLabel:${escapeText(point.label)}`);
        }
      });
    };
    points('TEL', contact.phones, PHONE_TYPES, 'VOICE');
    points('EMAIL', contact.emails, EMAIL_TYPES, 'INTERNET');
    if (contact.tags.length > 0) card.push(`CATEGORIES:${contact.tags.map(escapeText).join(',')}`);
    if (contact.notes !== '') card.push(`NOTE:${escapeText(contact.notes)}`);
    card.push(`X-FIELDBOOK-STAGE:${contact.stage}`, `X-FIELDBOOK-TYPE:${contact.contact_type}`);
    if (contact.lead_source !== '') card.push(`X-FIELDBOOK-LEAD-SOURCE:${escapeText(contact.lead_source)}`);
    if (contact.next_follow_up_on !== null) card.push(`X-FIELDBOOK-FOLLOW-UP:${contact.next_follow_up_on}`);
    card.push('END:VCARD');
    for (const line of card) lines.push(foldLine(line));
  }
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}

/** RFC 6350 text escaping: backslash, comma, semicolon, and line breaks as \n. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\r\n|\r|\n/g, '\\n');
}

const encoder = new TextEncoder();

/**
 * Folds a content line into pieces of at most 75 octets, each continuation starting with a space.
 * Pieces end between code points, so no UTF-8 sequence (and no surrogate pair) is split.
 */
export function foldLine(line: string): string {
  if (line.length <= 75 / 4 || encoder.encode(line).length <= 75) return line;
  const pieces: string[] = [];
  let piece = '';
  let octets = 0;
  let limit = 75;
  for (const char of line) {
    const size = utf8Length(char);
    if (octets + size > limit) {
      pieces.push(piece);
      piece = '';
      octets = 0;
      limit = 74; // the leading space takes one octet
    }
    piece += char;
    octets += size;
  }
  pieces.push(piece);
  return pieces.join('\r\n ');
}

function utf8Length(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}
