import type { FieldbookDb } from './fieldbook-db';

export type RecentMerge = {
  readonly id: string;
  readonly keptId: string;
  /** The kept contact's name now, or '' when it is gone. */
  readonly keptName: string;
  readonly mergedNames: readonly string[];
  readonly createdAt: string;
  readonly undone: boolean;
};

const nameOf = (contact: { first_name: string; last_name: string } | undefined) => (contact ? `${contact.first_name} ${contact.last_name}`.trim() : '');

/** The latest merges of duplicates (imports' merges aside), newest first, with the names involved. */
export async function listRecentMerges(db: FieldbookDb, limit: number): Promise<RecentMerge[]> {
  const merges = (await db.contact_merges.toArray())
    .filter((merge) => merge.import_id === null && merge.deleted_at === null && merge.merged_ids.length > 0)
    .sort((a, b) => (a.created_at < b.created_at ? 1 : -1))
    .slice(0, limit);
  const ids = [...new Set(merges.flatMap((merge) => [merge.survivor_id, ...merge.merged_ids]))];
  const contacts = new Map((await db.contacts.bulkGet(ids)).flatMap((contact) => (contact ? [[contact.id, contact] as const] : [])));
  return merges.map((merge) => ({
    id: merge.id,
    keptId: merge.survivor_id,
    keptName: nameOf(contacts.get(merge.survivor_id)),
    mergedNames: merge.merged_ids.map((id) => nameOf(contacts.get(id))).filter((name) => name !== ''),
    createdAt: merge.created_at,
    undone: merge.undone_at !== null,
  }));
}
