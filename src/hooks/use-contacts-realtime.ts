import { useMemo, useSyncExternalStore } from 'react';
import type { SearchableContact } from '../domain/contact-search';
import type { Contact } from '../domain/contact';
import { useAppServices } from './app-services';

export type ContactsRealtime = {
  /** Live contacts, alphabetical; undefined while the first read runs. */
  readonly contacts: readonly Contact[] | undefined;
  /** The same contacts with their search text precomputed, so a keystroke only filters. */
  readonly searchable: readonly SearchableContact[];
  readonly isLoading: boolean;
};

const EMPTY: readonly SearchableContact[] = [];

/**
 * The seed's `useContactsRealtime()`: every open session sees contacts added, changed or deleted
 * anywhere (this tab, another tab, later sync), through the incrementally maintained contact index.
 */
export function useContactsRealtime(): ContactsRealtime {
  const { contactIndex } = useAppServices();
  const { items } = useSyncExternalStore(contactIndex.subscribe, contactIndex.getSnapshot, contactIndex.getSnapshot);
  const contacts = useMemo(() => items?.map((item) => item.contact), [items]);
  return { contacts, searchable: items ?? EMPTY, isLoading: items === null };
}
