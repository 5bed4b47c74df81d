import { useCallback, useMemo } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { ImportOutcome, ImportRequest } from '../db/contact-batches';
import { getLiveContacts, listRecentImports } from '../db/import-queries';
import { listContacts } from '../db/queries';
import type { Contact } from '../domain/contact';
import type { ContactImport } from '../domain/contact-import-schema';
import type { Result } from '../shared/result';
import { useAppServices } from './app-services';

/** The most recent imports, newest first (live: an undo on another device shows at once). */
export function useRecentImports(limit = 5): ContactImport[] | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => listRecentImports(db, limit), [db, limit]);
}

/**
 * The import screen's commands: the member's contacts to match against (from the in-memory index
 * when it is loaded), fresh copies of matched contacts before writing, the import itself and its undo.
 */
export function useContactImports() {
  const { db, store, contactIndex } = useAppServices();

  const existingContacts = useCallback(async (): Promise<Contact[]> => {
    const items = contactIndex.getSnapshot().items;
    if (items !== null) return items.map((item) => item.contact);
    return listContacts(db);
  }, [db, contactIndex]);

  const freshContacts = useCallback((ids: readonly string[]) => getLiveContacts(db, ids), [db]);

  const importContacts = useCallback(
    (request: ImportRequest): Promise<Result<ImportOutcome, { readonly message: string }>> => store.importContacts(request),
    [store],
  );

  const undoImport = useCallback((importId: string) => store.undoImport(importId), [store]);

  return useMemo(() => ({ existingContacts, freshContacts, importContacts, undoImport }), [existingContacts, freshContacts, importContacts, undoImport]);
}
