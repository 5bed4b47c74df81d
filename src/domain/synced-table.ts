import type { Contact } from './contact';
import type { EmailClick } from './email-click';
import type { EmailTemplate } from './email-template';
import type { MemberActivity } from './member-activity';
import type { MemberProfile } from './member-profile';
import type { SentEmail } from './sent-email';
import type { HlcStamp } from './hlc';

/** Columns every synced table has (see sync-columns.ts for their schemas). */
export const SYNC_COLUMNS = ['id', 'member_id', 'created_at', 'updated_at', 'deleted_at', 'field_stamps'] as const;

/** Tables that sync with Supabase; local and remote names are the same. */
export const SYNCED_TABLES = ['member_profiles', 'contacts', 'member_activities', 'email_templates', 'sent_emails', 'email_clicks'] as const;
export type SyncedTable = (typeof SYNCED_TABLES)[number];

export type RowOf = {
  member_profiles: MemberProfile;
  contacts: Contact;
  member_activities: MemberActivity;
  email_templates: EmailTemplate;
  sent_emails: SentEmail;
  email_clicks: EmailClick;
};
export type AnyRow = RowOf[SyncedTable];

export type MutationOp = 'insert' | 'update';

/**
 * One local change waiting to be pushed: a client-generated mutation id (so a retried push applies
 * once), the row, and only the fields this write changed, all stamped with one HLC stamp.
 */
export type OutboxEntry = {
  seq?: number;
  mutation_id: string;
  table: SyncedTable;
  row_id: string;
  op: MutationOp;
  changes: Record<string, unknown>;
  stamp: HlcStamp;
  created_at: number;
};
