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
const nameKey = (contact: Contact) => `${contact.first_name} ${contact.last_name}`.toLowerCase();
const compareKeyed = (an: string, aid: string, bn: string, bid: string) => (an !== bn ? (an < bn ? -1 : 1) : aid < bid ? -1 : aid > bid ? 1 : 0);

export function compareContactsByName(a: Contact, b: Contact): number {
  return compareKeyed(nameKey(a), a.id, nameKey(b), b.id);
}

/** The same order as compareContactsByName for a whole list, building each name key once (10,000 rows). */
export function sortContactsByName(contacts: readonly Contact[]): Contact[] {
  const keyed = contacts.map((contact) => ({ key: nameKey(contact), contact }));
  keyed.sort((a, b) => compareKeyed(a.key, a.contact.id, b.key, b.contact.id));
  return keyed.map((item) => item.contact);
}
