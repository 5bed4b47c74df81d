import { useMemo, useState } from 'react';
import type { DuplicateGroup } from '../../contacts-io/duplicate-groups';
import type { PhoneKey } from '../../contacts-io/phone-key';
import { contactFullName, type Contact } from '../../domain/contact';
import { filterContacts, type SearchableContact } from '../../domain/contact-search';
import { TextField } from '../../ui/field';
import { GroupCard } from './group-card';

/** How many matches the picker lists; typing narrows it down. */
const MAX_CHOICES = 8;

const olderFirst = (a: Contact, b: Contact) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1);

type MergeWithProps = {
  readonly contact: Contact;
  readonly searchable: readonly SearchableContact[];
  readonly phoneKey: PhoneKey;
  readonly onDone: (keptId: string | null) => void;
};

/**
 * "Merge with…" from a contact's screen: find the other contact by name, number or address, then the
 * same side-by-side merge as for a found group (nothing needs to match for the member to merge).
 */
export function MergeWith({ contact, searchable, phoneKey, onDone }: MergeWithProps) {
  const [query, setQuery] = useState('');
  const [otherId, setOtherId] = useState<string | null>(null);
  const choices = useMemo(
    () =>
      query.trim() === ''
        ? []
        : filterContacts(searchable, { query, stage: 'all', contact_type: 'all' })
            .filter((candidate) => candidate.id !== contact.id)
            .slice(0, MAX_CHOICES),
    [searchable, query, contact.id],
  );
  const other = otherId === null ? undefined : searchable.find((item) => item.contact.id === otherId)?.contact;

  if (other) {
    const members = [contact, other].sort(olderFirst);
    const group: DuplicateGroup<Contact> = {
      key: members.map((member) => member.id).sort().join(','),
      members,
      reasons: [],
      survivor_id: members[0]?.id ?? contact.id,
    };
    return (
      <ul className="merge-groups">
        <GroupCard key={group.key} group={group} phoneKey={phoneKey} initiallyOpen onMerged={onDone} />
      </ul>
    );
  }

  return (
    <section className="merge-group" aria-labelledby="merge-with-title">
      <h2 id="merge-with-title">Merge {contactFullName(contact)} with…</h2>
      <TextField label="Find the other contact" name="merge-with" type="search" inputMode="search" value={query} onChange={setQuery} placeholder="Name, phone or email" autoFocus />
      {choices.length > 0 ? (
        <ul className="merge-with__choices" aria-label="Matching contacts">
          {choices.map((choice) => (
            <li key={choice.id}>
              <button type="button" className="export-menu__item" onClick={() => setOtherId(choice.id)}>
                {contactFullName(choice)} <span className="subtle">{choice.phone || choice.email}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : query.trim() !== '' ? (
        <p className="subtle">No other contact matches.</p>
      ) : null}
      <div className="form__actions form__actions--start">
        <button type="button" className="button button--ghost" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </section>
  );
}
