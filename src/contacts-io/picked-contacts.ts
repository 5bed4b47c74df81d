import { splitFullName } from '../domain/contact';
import type { ParsedContact } from './parsed-contact';

/** One result of the Contact Picker API (`contacts.select` on the navigator), as Android Chrome returns it. */
export type PickedContact = { readonly name?: readonly string[]; readonly tel?: readonly string[]; readonly email?: readonly string[] };

/**
 * Contacts chosen with the phone's own picker, in the shape the file readers give. The picker gives
 * no labels, so every number and address is 'other'; the first name string is split into first and
 * last name as quick add does, and any further names are kept as extras. `line` is the 1-based position.
 */
export function fromPickedContacts(picked: readonly PickedContact[]): ParsedContact[] {
  return picked.map((contact, index) => {
    const names = (contact.name ?? []).map((name) => name.trim()).filter((name) => name !== '');
    const { first_name, last_name } = splitFullName(names[0] ?? '');
    const values = (list: readonly string[] | undefined) => (list ?? []).map((value) => value.trim()).filter((value) => value !== '').map((value) => ({ label: 'other', value }));
    return {
      line: index + 1,
      first_name,
      last_name,
      organization: '',
      phones: values(contact.tel),
      emails: values(contact.email),
      tags: [],
      notes: '',
      extra: names.slice(1).map((name): readonly [string, string] => ['Also known as', name]),
    };
  });
}
