import { useLiveQuery } from 'dexie-react-hooks';
import type { FieldbookDb } from '../db/fieldbook-db';
import { useAppServices } from './app-services';

/** Merges chain (A into B, later B into C); a cycle cannot happen, but the walk stops anyway. */
const MAX_HOPS = 10;

async function findSurvivor(db: FieldbookDb, id: string): Promise<string | null> {
  let current = await db.contacts.get(id);
  for (let hop = 0; hop < MAX_HOPS && current && current.deleted_at !== null && current.merged_into !== null; hop++) {
    current = await db.contacts.get(current.merged_into);
  }
  return current && current.deleted_at === null && current.id !== id ? current.id : null;
}

/**
 * For a contact that was merged into another, the live contact it now lives on (following merges of
 * merges); null when it was not merged or the survivor is gone too; undefined while looking. Only looks
 * when `active`, so a live contact's screen pays nothing.
 */
export function useMergeSurvivor(id: string, active: boolean): string | null | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => (active ? findSurvivor(db, id) : null), [db, id, active]);
}
