import { useMemo } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { toSearchable, type SearchableContact } from '../domain/contact-search';
import type { Contact } from '../domain/contact';
import { listContacts } from '../db/queries';
import { useAppServices } from './app-services';

export type ContactsRealtime = {
  /** Live contacts, alphabetical; undefined while the first read runs. */
  readonly contacts: readonly Contact[] | undefined;
  /** The same contacts with their search text precomputed, so a keystroke only filters. */
  readonly searchable: readonly SearchableContact[];
  readonly isLoading: boolean;
};

/**
 * The seed's `useContactsRealtime()`: every open session sees contacts added, changed or deleted
 * anywhere, because the list is a live query over IndexedDB that sync (or another tab) writes into.
 */
export function useContactsRealtime(): ContactsRealtime {
  const { db } = useAppServices();
  const contacts = useLiveQuery(() => listContacts(db), [db]);
  const searchable = useMemo(() => toSearchable(contacts ?? []), [contacts]);
  return { contacts, searchable, isLoading: contacts === undefined };
}
