import { contactFullName, type Contact, type ContactFields } from '../domain/contact';
import { mergeContacts as planMerge, undoMergeFields } from '../domain/contact-merge';
import type { ContactMerge } from '../domain/contact-merge-schema';
import type { ActivityMetadata } from '../domain/member-activity';
import { err, ok, type Result } from '../shared/result';
import { withReopen, type CommitError, type RowChange, type WriteContext } from './commit-changes';
import type { FieldbookDb } from './fieldbook-db';
import { toStorageError } from './storage-error';

/*
 * Imports and merges: many rows written as one undoable act. Every write is an ordinary synced change
 * (commitChanges), so an import, a merge and their undo reach every device like any edit, even a
 * device that was offline throughout.
 *
 * An import writes its contact_imports row and its feed activity first, then the contacts in chunks of
 * IMPORT_CHUNK, each chunk one transaction: the screen stays responsive, a progress bar can move, and a
 * crash or a Cancel half-way leaves an import that undo removes completely (undo finds its contacts by
 * import_id and its merges by their contact_merges rows, not by what the importing tab remembers).
 */

export const IMPORT_CHUNK = 1000;
/** Ids of re-pointed rows remembered per merge, in all (the merge row's `moved` stays under 16 kB). */
export const MOVED_IDS_KEPT = 300;

export type { ContactFields };

export type ImportRow =
  | { readonly kind: 'create'; readonly fields: ContactFields }
  /** Add to an existing contact: only the fields the import changes (see mergeIncoming). */
  | { readonly kind: 'merge'; readonly contactId: string; readonly fields: Partial<ContactFields> };

export type ImportRequest = {
  readonly source: string;
  readonly fileName: string;
  readonly rows: readonly ImportRow[];
  readonly onProgress?: (done: number, total: number) => void;
  /** Checked between chunks: when aborted, what was written is undone and the result is 'cancelled'. */
  readonly signal?: AbortSignal;
};

export type ImportOutcome = { readonly importId: string; readonly created: number; readonly merged: number; readonly cancelled: boolean };

type Commit = (changes: RowChange[]) => Promise<Result<void, CommitError>>;

/** The contact fields a merge may write (and its undo put back). */
const MERGED_FIELDS: ReadonlySet<string> = new Set(['first_name', 'last_name', 'phones', 'emails', 'stage', 'contact_type', 'lead_source', 'tags', 'notes', 'next_follow_up_on', 'last_touched_at', 'created_at']);

const pick = (row: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.map((key) => [key, row[key] ?? null]));
const yieldToUi = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function createContactBatches(db: FieldbookDb, ctx: WriteContext, commit: Commit) {
  const nowIso = () => new Date(ctx.now()).toISOString();

  const read = async <T>(run: () => Promise<T>): Promise<Result<T, CommitError>> => {
    try {
      return ok(await withReopen(db, run));
    } catch (error) {
      return err(toStorageError(error));
    }
  };

  /**
   * Undoes one merge: fields the merge set and nobody changed since go back; merged contacts return;
   * moved rows go back to their contact. Only what is on this device and still as the merge left it is
   * touched (a row deleted since, or not pulled yet, is skipped), and only contact fields a merge
   * writes, whatever the synced record says.
   */
  const undoMergeChanges = async (merge: ContactMerge, survivor: Contact | undefined): Promise<RowChange[]> => {
    const changes: RowChange[] = [];
    const merged = await db.contacts.bulkGet([...merge.merged_ids]);
    for (const contact of merged) {
      if (contact && contact.merged_into === merge.survivor_id) changes.push({ table: 'contacts', op: 'update', id: contact.id, fields: { deleted_at: null, merged_into: null } });
    }
    if (survivor && survivor.deleted_at === null) {
      const allowed = (record: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(record).filter(([key]) => MERGED_FIELDS.has(key)));
      const fields = undoMergeFields(survivor as Record<string, unknown>, allowed(merge.applied), allowed(merge.before));
      if (Object.keys(fields).length > 0) changes.push({ table: 'contacts', op: 'update', id: survivor.id, fields });
    }
    for (const [key, ids] of Object.entries(merge.moved)) {
      const [table, contactId] = key.split(':');
      if ((table !== 'member_activities' && table !== 'sent_emails') || contactId === undefined || !merge.merged_ids.includes(contactId)) continue;
      const rows = await db.table<{ id: string; contact_id: string | null; deleted_at: string | null }, string>(table).bulkGet(ids);
      for (const row of rows) {
        if (row && row.deleted_at === null && row.contact_id === merge.survivor_id) changes.push({ table, op: 'update', id: row.id, fields: { contact_id: contactId } });
      }
    }
    changes.push({ table: 'contact_merges', op: 'update', id: merge.id, fields: { undone_at: nowIso() } });
    return changes;
  };

  const batches = {
    /**
     * Writes an import: creates and merges in chunks, one contact_imports row and one feed activity
     * for the whole of it. On Cancel (request.signal) the part already written is undone.
     */
    async importContacts(request: ImportRequest): Promise<Result<ImportOutcome, CommitError>> {
      const importId = ctx.newId();
      const created = request.rows.filter((row) => row.kind === 'create').length;
      const merged = request.rows.length - created;
      const metadata: ActivityMetadata = { count: created + merged, source: request.source.slice(0, 100) };
      const opened = await commit([
        { table: 'contact_imports', op: 'insert', id: importId, fields: { source: request.source.slice(0, 100), file_name: request.fileName.slice(0, 255), created_count: created, merged_count: merged, undone_at: null } },
        // The feed entry shares the import's id, so undo finds it on any device.
        { table: 'member_activities', op: 'insert', id: importId, fields: { contact_id: null, activity_type: 'contacts_imported', metadata, occurred_at: nowIso() } },
      ]);
      if (!opened.ok) return opened;

      // Two chunks in flight: the next one is built (and its transaction queued) while IndexedDB writes
      // the one before, so the main thread and the database never wait for each other. Transactions on
      // the same tables run in the order they were opened, so chunks land in file order.
      let done = 0;
      let failure: CommitError | null = null;
      const inFlight: Promise<void>[] = [];
      // Waits for the chunks being written, then, after a failure or a Cancel, removes what the import
      // wrote: an import that stops leaves nothing behind (only a failing undo can, and its record
      // keeps an Undo for later). A failure answers with the first error.
      const finish = async (cancelled: boolean): Promise<Result<ImportOutcome, CommitError>> => {
        await Promise.all(inFlight.splice(0));
        if (failure === null && !cancelled) return ok({ importId, created, merged, cancelled: false });
        const undone = await batches.undoImport(importId);
        if (failure !== null) return err(failure);
        if (!undone.ok) return undone;
        return ok({ importId, created: 0, merged: 0, cancelled: true });
      };
      for (let start = 0; start < request.rows.length; start += IMPORT_CHUNK) {
        if (request.signal?.aborted) return finish(true);
        if (failure !== null) return finish(false);
        const chunk = request.rows.slice(start, start + IMPORT_CHUNK);
        const mergeIds = chunk.flatMap((row) => (row.kind === 'merge' ? [row.contactId] : []));
        const existing = mergeIds.length === 0 ? ok([]) : await read(() => db.contacts.bulkGet(mergeIds));
        if (!existing.ok) {
          failure ??= existing.error;
          return finish(false);
        }
        const byId = new Map(existing.value.flatMap((contact) => (contact && contact.deleted_at === null ? [[contact.id, contact] as const] : [])));
        // Grouped by kind, so each group is written in bulk (commitChanges batches runs of inserts).
        const creates: RowChange[] = [];
        const updates: RowChange[] = [];
        const records: RowChange[] = [];
        for (const row of chunk) {
          if (row.kind === 'create') {
            creates.push({ table: 'contacts', op: 'insert', id: ctx.newId(), fields: { ...row.fields, import_id: importId, last_touched_at: nowIso() } });
            continue;
          }
          const contact = byId.get(row.contactId);
          // Deleted on another device since the preview, or nothing to add: nothing to write.
          if (!contact || Object.keys(row.fields).length === 0) continue;
          updates.push({ table: 'contacts', op: 'update', id: contact.id, fields: { ...row.fields } });
          records.push({
            table: 'contact_merges',
            op: 'insert',
            id: ctx.newId(),
            fields: { survivor_id: contact.id, merged_ids: [], import_id: importId, applied: { ...row.fields }, before: pick(contact, Object.keys(row.fields)), moved: {}, undone_at: null },
          });
        }
        inFlight.push(
          // Progress is reported as chunks land, always before the answer (finish waits for them all).
          commit([...creates, ...updates, ...records]).then((written) => {
            if (!written.ok) failure ??= written.error;
            else {
              done += chunk.length;
              request.onProgress?.(done, request.rows.length);
            }
          }),
        );
        if (inFlight.length >= 2) await inFlight.shift();
        await yieldToUi();
      }
      return finish(false);
    },

    /**
     * Undoes an import from any device: its contacts are deleted, its merges undone (fields edited since
     * keep the edit), its feed activity retracted, and the import marked undone.
     */
    async undoImport(importId: string): Promise<Result<{ removed: number; restored: number }, CommitError>> {
      const loaded = await read(async () => ({
        contacts: await db.contacts.where('import_id').equals(importId).filter((contact) => contact.deleted_at === null).primaryKeys(),
        merges: await db.contact_merges.where('import_id').equals(importId).filter((merge) => merge.undone_at === null && merge.deleted_at === null).toArray(),
        entry: await db.member_activities.get(importId),
        record: await db.contact_imports.get(importId),
      }));
      if (!loaded.ok) return loaded;
      const { contacts, merges, record } = loaded.value;
      const when = nowIso();
      const changes: RowChange[] = contacts.map((id) => ({ table: 'contacts', op: 'update', id, fields: { deleted_at: when } }));
      const undos = await read(async () => {
        const survivors = await db.contacts.bulkGet(merges.map((merge) => merge.survivor_id));
        return Promise.all(merges.map((merge, index) => undoMergeChanges(merge, survivors[index])));
      });
      if (!undos.ok) return undos;
      for (const undo of undos.value) changes.push(...undo);
      const { entry } = loaded.value;
      if (entry && entry.deleted_at === null) changes.push({ table: 'member_activities', op: 'update', id: entry.id, fields: { deleted_at: when } });
      if (record && record.undone_at === null) changes.push({ table: 'contact_imports', op: 'update', id: importId, fields: { undone_at: when } });
      for (let start = 0; start < changes.length; start += IMPORT_CHUNK * 2) {
        const written = await commit(changes.slice(start, start + IMPORT_CHUNK * 2));
        if (!written.ok) return written;
        await yieldToUi();
      }
      return ok({ removed: contacts.length, restored: merges.length });
    },

    /**
     * Merges contacts in one transaction. The member chooses whose details lead (`chosenId`); the
     * record kept is the oldest of them and gets the union (domain/contact-merge.ts); the others are
     * deleted with merged_into set, their activities and sent messages move to the kept one, and a
     * contact_merges row remembers enough to undo it. `phoneKey` (libphonenumber's, loaded by the
     * screen) lets numbers written differently count as one. Answers the kept contact's id.
     */
    async mergeContacts(chosenId: string, otherIds: readonly string[], phoneKey?: (raw: string) => string | null): Promise<Result<{ mergeId: string; keptId: string }, CommitError>> {
      const loaded = await read(() => db.contacts.bulkGet([chosenId, ...otherIds]));
      if (!loaded.ok) return loaded;
      const [chosen, ...others] = loaded.value;
      const live = others.filter((contact): contact is Contact => contact !== undefined && contact.deleted_at === null && contact.id !== chosenId);
      if (!chosen || chosen.deleted_at !== null || live.length === 0) return err({ kind: 'missing', message: 'These contacts are no longer on this device.', cause: null });
      // The record kept is the oldest, so the merged contact keeps the earliest created date (a row's
      // created_at never changes); it takes the chosen contact's details merged with the others'.
      const everyone = [chosen, ...live];
      const kept = everyone.reduce((oldest, contact) => (contact.created_at < oldest.created_at || (contact.created_at === oldest.created_at && contact.id < oldest.id) ? contact : oldest));
      const away = everyone.filter((contact) => contact.id !== kept.id);
      const target: Record<string, unknown> = { ...chosen, ...planMerge(chosen, live, phoneKey) };
      const applied = Object.fromEntries(
        [...MERGED_FIELDS].filter((key) => key !== 'created_at' && JSON.stringify(target[key]) !== JSON.stringify((kept as Record<string, unknown>)[key])).map((key) => [key, target[key]]),
      );
      const moving = await read(async () => ({
        activities: await db.member_activities.where('contact_id').anyOf(away.map((contact) => contact.id)).filter((row) => row.deleted_at === null).toArray(),
        sent: await db.sent_emails.where('contact_id').anyOf(away.map((contact) => contact.id)).filter((row) => row.deleted_at === null).toArray(),
      }));
      if (!moving.ok) return moving;
      const mergeId = ctx.newId();
      const when = nowIso();
      const changes: RowChange[] = [];
      if (Object.keys(applied).length > 0) changes.push({ table: 'contacts', op: 'update', id: kept.id, fields: { ...applied } });
      const moved: Record<string, string[]> = {};
      let remembered = 0;
      for (const [table, rows] of [['member_activities', moving.value.activities], ['sent_emails', moving.value.sent]] as const) {
        for (const row of rows) {
          if (row.contact_id === null) continue;
          changes.push({ table, op: 'update', id: row.id, fields: { contact_id: kept.id } });
          if (remembered >= MOVED_IDS_KEPT) continue;
          (moved[`${table}:${row.contact_id}`] ??= []).push(row.id);
          remembered += 1;
        }
      }
      for (const other of away) changes.push({ table: 'contacts', op: 'update', id: other.id, fields: { deleted_at: when, merged_into: kept.id } });
      changes.push({
        table: 'contact_merges',
        op: 'insert',
        id: mergeId,
        fields: { survivor_id: kept.id, merged_ids: away.map((other) => other.id), import_id: null, applied, before: pick(kept, Object.keys(applied)), moved, undone_at: null },
      });
      changes.push({
        table: 'member_activities',
        op: 'insert',
        id: ctx.newId(),
        fields: { contact_id: kept.id, activity_type: 'contacts_merged', metadata: { contact_name: contactFullName({ ...kept, ...applied }), count: away.length }, occurred_at: when },
      });
      const written = await commit(changes);
      return written.ok ? ok({ mergeId, keptId: kept.id }) : written;
    },

    /** Undoes a merge from any device (see undoMergeChanges). */
    async undoMerge(mergeId: string): Promise<Result<void, CommitError>> {
      const loaded = await read(async () => {
        const merge = await db.contact_merges.get(mergeId);
        if (!merge || merge.undone_at !== null) return null;
        return undoMergeChanges(merge, await db.contacts.get(merge.survivor_id));
      });
      if (!loaded.ok) return loaded;
      return loaded.value === null ? ok(undefined) : commit(loaded.value);
    },
  };
  return batches;
}
