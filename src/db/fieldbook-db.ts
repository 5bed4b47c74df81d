import { Dexie, type Table } from 'dexie';
import type { Contact } from '../domain/contact';
import type { EmailClick } from '../domain/email-click';
import type { EmailTemplate } from '../domain/email-template';
import type { MemberActivity } from '../domain/member-activity';
import type { MemberProfile } from '../domain/member-profile';
import type { SentEmail } from '../domain/sent-email';
import type { OutboxEntry, SyncedTable } from '../domain/synced-table';

/** Device-local key/value rows that never sync (settings, the local workspace identity, the pull cursor). */
export type SettingRow = { key: string; value: unknown };

/**
 * A change the server refused for good (SYNC.md guarantee 8): what the member typed, the server's
 * reason, and the outbox entries it came from. It waits here for retry, edit or discard.
 */
export type RejectedRow = {
  id: string;
  table: SyncedTable;
  row_id: string;
  changes: Record<string, unknown>;
  reason: string;
  entry_ids: string[];
  created_at: number;
};

export const LOCAL_DATABASE_NAME = 'fieldbook-local';

/** Each signed-in member's data lives in its own database, so a shared phone never mixes two people's data. */
export const memberDatabaseName = (userId: string) => `fieldbook-member-${userId}`;

/*
 * Index notes. IndexedDB leaves a row out of an index when the key is null, so `deleted_at` indexes only
 * tombstones: live count = table count - tombstone count, both answered from indexes without a scan.
 * Every query a screen runs has an index here: Today (next_follow_up_on, last_touched_at), the feed
 * (occurred_at), the dashboard (occurred_at, sent_at, deleted_at), the outbox (seq, mutation_id, row).
 */
export class FieldbookDb extends Dexie {
  declare contacts: Table<Contact, string>;
  declare member_activities: Table<MemberActivity, string>;
  declare email_templates: Table<EmailTemplate, string>;
  declare sent_emails: Table<SentEmail, string>;
  declare email_clicks: Table<EmailClick, string>;
  declare member_profiles: Table<MemberProfile, string>;
  declare outbox: Table<OutboxEntry, number>;
  declare settings: Table<SettingRow, string>;
  declare rejected: Table<RejectedRow, string>;

  constructor(name: string) {
    super(name);
    this.version(1).stores({
      contacts: 'id, next_follow_up_on, last_touched_at, deleted_at, updated_at',
      member_activities: 'id, occurred_at, contact_id, deleted_at, updated_at',
      email_templates: 'id, name, deleted_at, updated_at',
      sent_emails: 'id, sent_at, contact_id, deleted_at, updated_at',
      email_clicks: 'id, sent_email_id, updated_at',
      member_profiles: 'id, updated_at',
      outbox: '++seq, &mutation_id, [table+row_id], created_at',
      settings: 'key',
    });
    // Version 2 (sync): changes the server refused, kept for review.
    this.version(2).stores({ rejected: 'id, created_at, [table+row_id]' });
  }
}

export function createFieldbookDb(name: string = LOCAL_DATABASE_NAME): FieldbookDb {
  return new FieldbookDb(name);
}
