import { contactFullName } from '../domain/contact';
import { escapeText, foldLine } from './vcard-write';
import type { ContactFields } from './to-contact-draft';

/*
 * Follow-ups as an iCalendar file (RFC 5545) a calendar app can subscribe to or import: one all-day
 * event per contact with a follow-up date. The UID is derived from the contact's id alone, so
 * importing a newer file moves the event instead of adding a second one. Deleted contacts are left
 * out. CRLF line ends, lines folded at 75 octets, text escaped as iCalendar says (the same rules as
 * vCard's).
 */

export type CalendarContact = ContactFields & { readonly id: string; readonly deleted_at?: string | null };

export type IcsOptions = {
  /** The DTSTAMP of every event (when the file was made). */
  readonly now: Date | number;
  /** The app's address, for a link to each contact in the event's description. */
  readonly appUrl?: string;
};

export function followUpsToIcs(contacts: readonly CalendarContact[], options: IcsOptions): string {
  const stamp = new Date(options.now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Fieldbook//Follow-ups//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', 'X-WR-CALNAME:Fieldbook follow-ups'];
  for (const contact of contacts) {
    const day = contact.next_follow_up_on;
    if (day === null || !/^\d{4}-\d{2}-\d{2}$/.test(day) || (contact.deleted_at ?? null) !== null) continue;
    const description = [
      ...contact.phones.map((phone) => `Phone (${phone.label}): ${phone.value}`),
      ...contact.emails.map((email) => `Email (${email.label}): ${email.value}`),
      ...(options.appUrl === undefined ? [] : [`${options.appUrl.replace(/\/+$/, '')}/contacts/${contact.id}`]),
    ].join('\n');
    lines.push(
      'BEGIN:VEVENT',
      `UID:follow-up-${contact.id}@fieldbook`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${day.replace(/-/g, '')}`,
      `DTEND;VALUE=DATE:${nextDay(day)}`,
      `SUMMARY:${escapeText(`Follow up: ${contactFullName(contact)}`)}`,
      ...(description === '' ? [] : [`DESCRIPTION:${escapeText(description)}`]),
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}
