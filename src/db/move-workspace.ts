import { SYNC_COLUMNS, type AnyRow, type SyncedTable } from '../domain/synced-table';
import { commitChanges, type RowChange, type WriteContext } from './commit-changes';
import type { FieldbookDb } from './fieldbook-db';

/** Tables moved into an account: the member's own records. The profile is the account's (created at sign-up). */
const MOVED: readonly SyncedTable[] = ['contacts', 'email_templates', 'member_activities', 'sent_emails', 'email_clicks'];
const SYNC_COLUMN_SET: ReadonlySet<string> = new Set(SYNC_COLUMNS);

/**
 * Moves a local-only workspace into a signed-in member's database: every row is committed again as the
 * member's (same ids, so nothing doubles if it runs twice), with outbox entries that push it. Deleted
 * rows go too, as tombstones, so the history that refers to them keeps its references.
 * Parents go before children (contacts before activities). The local workspace is emptied only after
 * the copy committed. Returns the number of rows moved.
 */
export async function moveWorkspace(from: FieldbookDb, to: FieldbookDb, ctx: WriteContext): Promise<number> {
  const changes: RowChange[] = [];
  for (const table of MOVED) {
    const rows = await from.table<AnyRow, string>(table).toArray();
    const existing = new Set(await to.table<AnyRow, string>(table).bulkGet(rows.map((row) => row.id)).then((found) => found.flatMap((row) => (row ? [row.id] : []))));
    for (const row of rows) {
      if (existing.has(row.id)) continue;
      const fields = Object.fromEntries(Object.entries(row).filter(([key]) => !SYNC_COLUMN_SET.has(key) || key === 'deleted_at'));
      changes.push({ table, op: 'insert', id: row.id, fields });
    }
  }
  if (changes.length > 0) {
    const result = await commitChanges(to, changes, ctx);
    if (!result.ok) throw new Error(result.error.message);
  }
  await from.transaction('rw', [...MOVED.map((table) => from.table(table)), from.outbox], async () => {
    for (const table of MOVED) await from.table(table).clear();
    await from.outbox.clear();
  });
  return changes.length;
}
