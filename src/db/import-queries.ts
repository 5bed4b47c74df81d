import type { Contact } from '../domain/contact';
import type { ContactImport } from '../domain/contact-import-schema';
import type { FieldbookDb } from './fieldbook-db';

/** The latest imports of this member (undone ones included, marked), newest first. */
export async function listRecentImports(db: FieldbookDb, limit: number): Promise<ContactImport[]> {
  const rows = await db.contact_imports.orderBy('created_at').reverse().filter((row) => row.deleted_at === null).limit(limit).toArray();
  return rows;
}

/** The contacts with these ids that still exist (not deleted, not merged away), in no particular order. */
export async function getLiveContacts(db: FieldbookDb, ids: readonly string[]): Promise<Contact[]> {
  const rows = await db.contacts.bulkGet([...ids]);
  return rows.filter((row): row is Contact => row !== undefined && row.deleted_at === null && (row.merged_into ?? null) === null);
}
