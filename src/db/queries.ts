import { liveQuery } from 'dexie';
import { sortContactsByName } from '../domain/contact-search';
import type { Contact } from '../domain/contact';
import { DEFAULT_DEVICE_SETTINGS, withDefaultSettings, type DeviceSettings } from '../domain/device-settings';
import type { EmailTemplate } from '../domain/email-template';
import type { MemberActivity } from '../domain/member-activity';
import type { MemberProfile } from '../domain/member-profile';
import type { SyncedTable } from '../domain/synced-table';
import type { FieldbookDb } from './fieldbook-db';
import { pendingRowIds } from './outbox';

/*
 * Read queries: plain async functions over the database, run inside useLiveQuery by the hooks and
 * directly by tests. Tombstoned rows (deleted_at set) are never shown.
 */

const isLive = (row: { deleted_at: string | null }) => row.deleted_at === null;

export async function listContacts(db: FieldbookDb): Promise<Contact[]> {
  const rows = await db.contacts.toArray();
  return sortContactsByName(rows.filter(isLive));
}

export async function getContact(db: FieldbookDb, id: string): Promise<Contact | null> {
  const row = await db.contacts.get(id);
  return row && isLive(row) ? row : null;
}

/** Follow-ups due on or before `today` (a local day), oldest first: overdue, then today. */
export async function listDueFollowUps(db: FieldbookDb, today: string): Promise<Contact[]> {
  const rows = await db.contacts.where('next_follow_up_on').belowOrEqual(today).toArray();
  return rows.filter(isLive);
}

/** Contacts not touched since `cutoff`, longest-quiet first; people marked not interested are left alone. */
export async function listQuietContacts(db: FieldbookDb, cutoff: string, limit: number): Promise<Contact[]> {
  const result: Contact[] = [];
  await db.contacts
    .where('last_touched_at')
    .below(cutoff)
    .until(() => result.length >= limit)
    .each((contact) => {
      if (isLive(contact) && contact.stage !== 'not_interested' && contact.next_follow_up_on === null) result.push(contact);
    });
  return result;
}

export type ActivityCounts = {
  emailCount: number;
  activityCount: number;
  activityTodayCount: number;
};

/** Counts from indexes: a table's count minus its tombstones (only tombstones are in the deleted_at index). */
export async function getActivityCounts(db: FieldbookDb, startOfToday: string): Promise<ActivityCounts> {
  const [emails, deletedEmails, activities, deletedActivities, todays] = await Promise.all([
    db.sent_emails.count(),
    db.sent_emails.where('deleted_at').aboveOrEqual('').count(),
    db.member_activities.count(),
    db.member_activities.where('deleted_at').aboveOrEqual('').count(),
    db.member_activities
      .where('occurred_at')
      .aboveOrEqual(startOfToday)
      .filter(isLive)
      .count(),
  ]);
  return { emailCount: emails - deletedEmails, activityCount: activities - deletedActivities, activityTodayCount: todays };
}

export async function listRecentActivities(db: FieldbookDb, limit: number): Promise<MemberActivity[]> {
  return db.member_activities.orderBy('occurred_at').reverse().filter(isLive).limit(limit).toArray();
}

export async function listActivitiesForContact(db: FieldbookDb, contactId: string, limit: number): Promise<MemberActivity[]> {
  const rows = await db.member_activities.where('contact_id').equals(contactId).toArray();
  return rows
    .filter(isLive)
    .sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : -1))
    .slice(0, limit);
}

export async function listTemplates(db: FieldbookDb): Promise<EmailTemplate[]> {
  const rows = await db.email_templates.orderBy('name').toArray();
  return rows.filter(isLive);
}

export async function getProfile(db: FieldbookDb, memberId: string): Promise<MemberProfile | null> {
  return (await db.member_profiles.get(memberId)) ?? null;
}

export async function getDeviceSettings(db: FieldbookDb): Promise<DeviceSettings> {
  const rows = await db.settings.bulkGet(Object.keys(DEFAULT_DEVICE_SETTINGS));
  const stored = Object.fromEntries(rows.flatMap((row) => (row ? [[row.key, row.value]] : [])));
  return withDefaultSettings(stored);
}

/**
 * Calls back with the ids of a table's rows that have changes waiting in the outbox, now and after
 * every change to it. Returns the function that stops watching.
 */
export function watchPendingRowIds(db: FieldbookDb, table: SyncedTable, listener: (ids: ReadonlySet<string>) => void): () => void {
  const subscription = liveQuery(() => pendingRowIds(db, table)).subscribe({
    next: listener,
    error: () => undefined, // a marker is not worth an error; the list itself reports storage problems
  });
  return () => subscription.unsubscribe();
}
