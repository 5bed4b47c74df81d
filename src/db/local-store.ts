import { contactFullName, splitFullName, type Contact, type ContactInput } from '../domain/contact';
import type { DeviceSettings } from '../domain/device-settings';
import type { EmailTemplate, EmailTemplateInput } from '../domain/email-template';
import type { SentEmail } from '../domain/sent-email';
import type { ActivityMetadata, ActivityType, Outcome } from '../domain/member-activity';
import type { MemberProfileInput } from '../domain/member-profile';
import type { DailyGoalInput } from '../domain/daily-goal-schema';
import type { DailySummary } from '../domain/daily-summary-schema';

/** What a day summary counts (see saveDailySummary). */
export type DailySummaryCounts = Pick<
  DailySummary,
  'conversations' | 'invitations' | 'follow_ups' | 'presentations' | 'new_customers' | 'new_team_members' | 'follow_ups_due' | 'follow_ups_overdue'
>;
import type { SyncedTable } from '../domain/synced-table';
import { err, ok, type Result } from '../shared/result';
import type { createContactBatches, ImportRequest } from './contact-batches';
import type { createSending } from './tracked-links';
import type { createTeamCommands, TeamCommands } from './team-commands';
import { commitChanges, withReopen, type CommitError, type RowChange, type WriteContext } from './commit-changes';
import type { FieldbookDb } from './fieldbook-db';
import { toStorageError, type StorageError } from './storage-error';

export const WORKSPACE_MEMBER_KEY = 'workspace_member_id';
export const HLC_NODE_KEY = 'hlc_node';

export type OutreachChannel = 'call' | 'text' | 'whatsapp';

export type StoreResult<T> = Promise<Result<T, CommitError>>;

export type SendChannel = SentEmail['channel'];

/** Where tracked links point (the redirect) and the origins never tracked (the app itself). */
export type LinkTracking = { readonly redirectBase: string; readonly ownOrigins: readonly string[] };

/** A message with its links rewritten, and the tracked_links rows to write when it is sent. */
export type TrackedBody = { readonly body: string; readonly links: readonly { readonly id: string; readonly url: string }[] };

export type SentMessage = {
  readonly contactId: string;
  readonly template: Pick<EmailTemplate, 'id' | 'name'> | null;
  readonly channel: SendChannel;
  /** The address or number it went to. */
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly links: TrackedBody['links'];
};

/** A commit made through this store: its tables, rows and the changes as written (field values, before stamps). */
export type CommitListener = (event: { tables: readonly SyncedTable[]; rowIds: readonly string[]; changes: readonly RowChange[] }) => void;

/**
 * The user's commands on local data. Each command is one call to commitChanges, so the row change, the
 * activity that the feed shows for it, and their outbox entries land in one transaction or not at all.
 */
export type LocalStore = ReturnType<typeof createLocalStore>;

export function createLocalStore(db: FieldbookDb, ctx: WriteContext) {
  const listeners = new Set<CommitListener>();
  const nowIso = () => new Date(ctx.now()).toISOString();

  const commit = async (changes: RowChange[]): StoreResult<void> => {
    const result = await commitChanges(db, changes, ctx);
    if (!result.ok) return result;
    const event = { tables: [...new Set(changes.map((change) => change.table))], rowIds: changes.map((change) => change.id), changes };
    for (const listener of listeners) listener(event);
    return ok(undefined);
  };

  const activity = (type: ActivityType, contactId: string | null, metadata: ActivityMetadata): RowChange => ({
    table: 'member_activities',
    op: 'insert',
    id: ctx.newId(),
    fields: { contact_id: contactId, activity_type: type, metadata, occurred_at: nowIso() },
  });

  let loadedBatches: Promise<ReturnType<typeof createContactBatches>> | null = null;
  const batches = () =>
    (loadedBatches ??= import('./contact-batches').then(
      (module) => module.createContactBatches(db, ctx, commit),
      (error: unknown) => {
        // Offline before the app's code was cached: the next attempt loads it again.
        loadedBatches = null;
        throw error;
      },
    ));
  /** Runs a batch command; code that cannot load answers like any other failed write. */
  const withBatches = async <T,>(run: (loaded: ReturnType<typeof createContactBatches>) => StoreResult<T>): StoreResult<T> => {
    let loaded: ReturnType<typeof createContactBatches>;
    try {
      loaded = await batches();
    } catch (error) {
      return err(toStorageError(error));
    }
    return run(loaded);
  };

  // Sends, link keys and link codes (tracked-links.ts) load on first use, like the batches: the
  // signing code stays out of the first load.
  let loadedSending: Promise<ReturnType<typeof createSending>> | null = null;
  const withSending = async <T,>(run: (loaded: ReturnType<typeof createSending>) => StoreResult<T>): StoreResult<T> => {
    try {
      loadedSending ??= import('./tracked-links').then((module) => module.createSending(db, ctx, commit, loadContact, activity));
      return await run(await loadedSending);
    } catch (error) {
      loadedSending = null;
      return err(toStorageError(error));
    }
  };

  let loadedTeam: Promise<ReturnType<typeof createTeamCommands>> | null = null;
  const withTeam = async <T,>(run: (loaded: ReturnType<typeof createTeamCommands>) => StoreResult<T>): StoreResult<T> => {
    try {
      loadedTeam ??= import('./team-commands').then((module) => module.createTeamCommands(db, ctx, commit, read));
      return await run(await loadedTeam);
    } catch (error) {
      loadedTeam = null;
      return err(toStorageError(error));
    }
  };

  /** A read a command needs first: a storage failure answers like a failed write. */
  const read = async <T,>(run: () => Promise<T>): Promise<Result<T, CommitError>> => {
    try {
      return ok(await withReopen(db, run));
    } catch (error) {
      return err(toStorageError(error));
    }
  };

  const loadContact = async (id: string): Promise<Result<Contact, CommitError>> => {
    const contact = await read(() => db.contacts.get(id));
    if (!contact.ok) return contact;
    return contact.value ? ok(contact.value) : err({ kind: 'missing', message: 'This contact is no longer on this device.', cause: null });
  };

  return {
    memberId: ctx.memberId,

    // Imports and merges, each undoable from any device (contact-batches.ts, loaded on first use so
    // the merge rules stay out of the app's first load).
    importContacts: (request: ImportRequest) => withBatches((loaded) => loaded.importContacts(request)),
    undoImport: (importId: string) => withBatches((loaded) => loaded.undoImport(importId)),
    mergeContacts: (chosenId: string, otherIds: readonly string[], phoneKey?: (raw: string) => string | null) => withBatches((loaded) => loaded.mergeContacts(chosenId, otherIds, phoneKey)),
    undoMerge: (mergeId: string) => withBatches((loaded) => loaded.undoMerge(mergeId)),

    /** Called after each successful commit made through this store (this tab's own writes). */
    onCommit(listener: CommitListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async addContact(input: ContactInput): StoreResult<string> {
      const id = ctx.newId();
      const fields = { ...input, last_touched_at: nowIso() };
      const result = await commit([
        { table: 'contacts', op: 'insert', id, fields },
        activity('contact_added', id, { contact_name: contactFullName(input) }),
      ]);
      return result.ok ? ok(id) : result;
    },

    async quickAddContact(name: string, phone: string): StoreResult<string> {
      return this.addContact({
        ...splitFullName(name),
        phone: phone.trim(),
        email: '',
        phones: phone.trim() === '' ? [] : [{ label: 'mobile', value: phone.trim() }],
        emails: [],
        stage: 'new',
        contact_type: 'customer',
        lead_source: '',
        tags: [],
        notes: '',
        next_follow_up_on: null,
      });
    },

    /**
     * Changes only the given fields, so an edit never writes back stale values of fields that another
     * tab or device changed while the form was open. The activity says what kind of change it was.
     */
    async updateContact(id: string, patch: Partial<ContactInput>): StoreResult<void> {
      const current = await loadContact(id);
      if (!current.ok) return current;
      const before = current.value;
      const changedKeys = (Object.keys(patch) as (keyof ContactInput)[]).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(patch[key]));
      if (changedKeys.length === 0) return ok(undefined);
      const after = { ...before, ...patch };
      const name = contactFullName(after);
      const changes: RowChange[] = [{ table: 'contacts', op: 'update', id, fields: { ...patch } }];
      if (changedKeys.includes('stage')) changes.push(activity('stage_changed', id, { contact_name: name, stage: after.stage }));
      else if (changedKeys.length === 1 && changedKeys[0] === 'next_follow_up_on')
        changes.push(activity('follow_up_set', id, after.next_follow_up_on ? { contact_name: name, follow_up_on: after.next_follow_up_on } : { contact_name: name }));
      else changes.push(activity('contact_updated', id, { contact_name: name }));
      return commit(changes);
    },

    /** Puts back values this device wrote that lost to another device ("Restore mine"). */
    async restoreValues(table: SyncedTable, id: string, values: Readonly<Record<string, unknown>>): StoreResult<void> {
      if (table === 'contacts') return this.updateContact(id, values);
      return commit([{ table, op: 'update', id, fields: { ...values } }]);
    },

    /** Tombstones the contact; returns the id of the "Deleted" activity so undo can retract it too. */
    async deleteContact(id: string): StoreResult<{ activityId: string }> {
      const current = await loadContact(id);
      if (!current.ok) return current;
      const deletion = activity('contact_deleted', id, { contact_name: contactFullName(current.value) });
      const result = await commit([{ table: 'contacts', op: 'update', id, fields: { deleted_at: nowIso() } }, deletion]);
      return result.ok ? ok({ activityId: deletion.id }) : result;
    },

    /** Undoes a delete: clears the tombstone and retracts the "Deleted" activity. */
    async restoreContact(id: string, activityId: string): StoreResult<void> {
      return commit([
        // A contact brought back is its own again, even one that had been merged into another.
        { table: 'contacts', op: 'update', id, fields: { deleted_at: null, merged_into: null } },
        { table: 'member_activities', op: 'update', id: activityId, fields: { deleted_at: nowIso() } },
      ]);
    },

    /** The outcome sheet: logs the call or message and sets (or clears) the next follow-up. */
    async logOutreach(contactId: string, channel: OutreachChannel, outcome: Outcome | null, nextFollowUpOn: string | null, templateName?: string): StoreResult<void> {
      const current = await loadContact(contactId);
      if (!current.ok) return current;
      const contact = current.value;
      const metadata: ActivityMetadata = { contact_name: contactFullName(contact), from_stage: contact.stage };
      if (outcome !== null) metadata.outcome = outcome;
      if (templateName) metadata.template_name = templateName;
      const stage = contact.stage === 'new' ? { stage: 'contacted' as const } : {};
      return commit([
        { table: 'contacts', op: 'update', id: contactId, fields: { last_touched_at: nowIso(), next_follow_up_on: nextFollowUpOn, ...stage } },
        activity(channel, contactId, metadata),
      ]);
    },

    /** "Send" hands the email to the mail app; we record the sent email and its activity together. */
    recordEmailSent: (contactId: string, template: Pick<EmailTemplate, 'id' | 'name'> | null, to: string, subject: string, body: string) =>
      withSending((sending) => sending.recordSent({ contactId, template, channel: 'email', to, subject, body, links: [] })),
    /** A message handed to the mail, SMS or WhatsApp app, with its tracked links (tracked-links.ts). */
    recordSent: (message: SentMessage) => withSending((sending) => sending.recordSent(message)),
    /** The member's link key on this device, made now if there is none yet (before the first tracked send). */
    ensureLinkKey: () => withSending((sending) => sending.ensureLinkKey()),
    /** The message with its links replaced by tracked links unique to this send; nothing written but a new key. */
    prepareTrackedBody: (body: string, tracking: LinkTracking) => withSending((sending) => sending.prepareTrackedBody(body, tracking)),

    async saveTemplate(id: string | null, input: EmailTemplateInput): StoreResult<string> {
      const templateId = id ?? ctx.newId();
      const result = await commit([{ table: 'email_templates', op: id === null ? 'insert' : 'update', id: templateId, fields: { ...input } }]);
      return result.ok ? ok(templateId) : result;
    },

    async deleteTemplate(id: string): StoreResult<void> {
      return commit([{ table: 'email_templates', op: 'update', id, fields: { deleted_at: nowIso() } }]);
    },

    async saveProfile(input: MemberProfileInput): StoreResult<void> {
      return commit([{ table: 'member_profiles', op: 'upsert', id: ctx.memberId, fields: { ...input } }]);
    },

    /**
     * Sets the daily goals from `startsOn` (the member's today) on: past days keep the plan they had.
     * A second change the same day edits that day's plan instead of adding another.
     */
    async saveGoals(input: DailyGoalInput, startsOn: string): StoreResult<string> {
      const live = await read(async () => (await db.daily_goals.where('starts_on').aboveOrEqual(startsOn).toArray()).filter((row) => row.deleted_at === null));
      if (!live.ok) return live;
      const sameDay = live.value.find((row) => row.starts_on === startsOn)?.id;
      const later = live.value.filter((row) => row.starts_on > startsOn).map((row) => row.id);
      const id = sameDay ?? ctx.newId();
      const result = await commit([
        { table: 'daily_goals', op: sameDay ? 'update' : 'insert', id, fields: sameDay ? { ...input } : { ...input, starts_on: startsOn } },
        // A plan set for a later day (a clock that was ahead, a zone that moved) would take over from
        // this newer choice on its day: the newest goals are the ones that apply from now on.
        ...later.map((laterId): RowChange => ({ table: 'daily_goals', op: 'update', id: laterId, fields: { deleted_at: nowIso() } })),
      ]);
      return result.ok ? ok(id) : result;
    },

    /**
     * This device's count of a day for the member's upline (team_leader_day): the day's row is updated
     * in place, and nothing is written when the counts did not change.
     */
    async saveDailySummary(day: string, counts: DailySummaryCounts): StoreResult<void> {
      const found = await read(async () => (await db.daily_summaries.where('day').equals(day).toArray()).find((row) => row.deleted_at === null));
      if (!found.ok) return found;
      const existing = found.value;
      if (existing && (Object.keys(counts) as (keyof DailySummaryCounts)[]).every((key) => existing[key] === counts[key])) return ok(undefined);
      const fields = { ...counts, last_active_at: nowIso() };
      return commit([existing ? { table: 'daily_summaries', op: 'update', id: existing.id, fields } : { table: 'daily_summaries', op: 'insert', id: ctx.newId(), fields: { ...fields, day } }]);
    },

    // The team feed's commands (team-commands.ts), loaded on first use like the batches.
    ...teamCommands(withTeam),

    async addTestActivity(note: string): StoreResult<void> {
      return commit([activity('test', null, { note })]);
    },

    /** Development seeding: realistic contacts through the normal write path (outbox included), loaded on use. */
    async seedContacts(count: number, prefix = 'Test'): StoreResult<void> {
      const { seedChanges } = await import('./seed-contacts');
      return commit(seedChanges(count, prefix, ctx));
    },

    async saveSettings(settings: DeviceSettings): Promise<Result<void, StorageError>> {
      try {
        await withReopen(db, () => db.settings.bulkPut(Object.entries(settings).map(([key, value]) => ({ key, value }))));
        return ok(undefined);
      } catch (error) {
        return err(toStorageError(error));
      }
    },
  };
}


const TEAM_COMMANDS = ['saveShareWins', 'shareWin', 'removeWin', 'addTeamComment', 'editTeamComment', 'deleteTeamComment', 'toggleTeamReaction'] as const;

/** Each team command as a store command that loads team-commands.ts first (one small stub each). */
function teamCommands(withTeam: <T>(run: (loaded: TeamCommands) => StoreResult<T>) => StoreResult<T>) {
  type Stubs = { [K in (typeof TEAM_COMMANDS)[number]]: TeamCommands[K] };
  return Object.fromEntries(
    TEAM_COMMANDS.map((name) => [name, (...args: unknown[]) => withTeam((team) => (team[name] as (...a: unknown[]) => StoreResult<unknown>)(...args))]),
  ) as Stubs;
}

/** Reads a device-local setting, creating it on first run (the workspace member id, the HLC node id). */
export async function ensureSetting(db: FieldbookDb, key: string, create: () => string): Promise<string> {
  return db.transaction('rw', db.settings, async () => {
    const existing = await db.settings.get(key);
    if (typeof existing?.value === 'string') return existing.value;
    const value = create();
    await db.settings.put({ key, value });
    return value;
  });
}

export const ensureWorkspaceMemberId = (db: FieldbookDb, newId: () => string) => ensureSetting(db, WORKSPACE_MEMBER_KEY, newId);
