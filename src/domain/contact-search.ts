import type { Contact, ContactStage, ContactType } from './contact';

export type ContactFilter = {
  readonly query: string;
  readonly stage: ContactStage | 'all';
  readonly contact_type: ContactType | 'all';
};

/**
 * Lowercased text a query is matched against: name, every phone number (also as bare digits), every
 * email address, tags, notes. The single phone/email are included for rows written before the lists.
 */
export function searchTextFor(contact: Contact): string {
  const phones = new Set([contact.phone, ...contact.phones.map((point) => point.value)].filter(Boolean));
  const emails = new Set([contact.email, ...contact.emails.map((point) => point.value)].filter(Boolean));
  const numbers = [...phones].flatMap((phone) => [phone, phone.replace(/\D/g, '')]);
  return [contact.first_name, contact.last_name, ...numbers, ...emails, contact.tags.join(' '), contact.notes].join('\n').toLowerCase();
}

export type SearchableContact = { readonly contact: Contact; readonly text: string };

/**
 * Every word of the query must appear somewhere ("jane 555" finds Jane with a 555 number). Digits-only
 * words also match phone numbers typed with spaces or dashes.
 */
export function filterContacts(items: readonly SearchableContact[], filter: ContactFilter): Contact[] {
  const words = filter.query.toLowerCase().split(/\s+/).filter(Boolean);
  const result: Contact[] = [];
  for (const { contact, text } of items) {
    if (filter.stage !== 'all' && contact.stage !== filter.stage) continue;
    if (filter.contact_type !== 'all' && contact.contact_type !== filter.contact_type) continue;
    if (words.every((word) => text.includes(word))) result.push(contact);
  }
  return result;
}

/** Alphabetical by first then last name, case-insensitive; ties by id for a stable list. */
export function compareContactsByName(a: Contact, b: Contact): number {
  const an = `${a.first_name} ${a.last_name}`.toLowerCase();
  const bn = `${b.first_name} ${b.last_name}`.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
