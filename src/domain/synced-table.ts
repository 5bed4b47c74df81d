import type { z } from 'zod';
import type { HlcStamp } from './hlc';
import type { SYNCED_TABLE_SCHEMAS } from './synced-table-schemas';

/** Columns every synced table has (see sync-columns.ts for their schemas). */
export const SYNC_COLUMNS = ['id', 'member_id', 'created_at', 'updated_at', 'deleted_at', 'field_stamps'] as const;

type RegistryEntry = {
  /** How the review list and the "changed on another device" notices name one row of it. */
  readonly label: string;
  readonly phrase: string;
  /** Dexie's index spec for the table (primary key first). */
  readonly indexes: string;
  /** The Dexie schema version that last changed this table's indexes (see fieldbook-db.ts). */
  readonly since: number;
};

/*
 * The synced tables, one entry each: local and remote names are the same. Adding a synced table is
 * an entry here (and its row schema in synced-table-schemas.ts, which the compiler asks for) and one
 * `select sync.register_table('…')` in a new migration; the Dexie stores, the review list's names,
 * the wire schemas, the pull, the digest and the realtime channel all follow.
 * tests/architecture/synced-tables.test.ts fails when the two sides (or the generated types) disagree.
 * The order is the server's registration order. No zod here: this module is on the app's first load;
 * the row schemas load with the screens and tools that need them.
 */
export const SYNCED_TABLE_REGISTRY = {
  member_profiles: { label: 'Profile', phrase: 'your profile', indexes: 'id, updated_at', since: 1 },
  contacts: { label: 'Contact', phrase: 'a contact', indexes: 'id, next_follow_up_on, last_touched_at, deleted_at, import_id', since: 3 },
  member_activities: { label: 'Activity', phrase: 'an activity', indexes: 'id, occurred_at, contact_id, deleted_at, updated_at', since: 1 },
  email_templates: { label: 'Template', phrase: 'a template', indexes: 'id, name, deleted_at, updated_at', since: 1 },
  sent_emails: { label: 'Sent email', phrase: 'a sent email', indexes: 'id, sent_at, contact_id, deleted_at, updated_at', since: 1 },
  email_clicks: { label: 'Link click', phrase: 'a link click', indexes: 'id, sent_email_id, link_id, clicked_at', since: 4 },
  contact_imports: { label: 'Import', phrase: 'an import', indexes: 'id, created_at, updated_at', since: 3 },
  contact_merges: { label: 'Merge', phrase: 'a merge', indexes: 'id, survivor_id, import_id, updated_at', since: 3 },
  link_keys: { label: 'Link key', phrase: 'a link key', indexes: 'id', since: 4 },
  tracked_links: { label: 'Tracked link', phrase: 'a tracked link', indexes: 'id, sent_email_id', since: 4 },
  daily_goals: { label: 'Daily goals', phrase: 'your daily goals', indexes: 'id, starts_on', since: 5 },
  team_wins: { label: 'Win', phrase: 'a win you shared', indexes: 'id, occurred_at', since: 6 },
  team_reactions: { label: 'Reaction', phrase: 'a reaction', indexes: 'id, win_id', since: 6 },
  team_comments: { label: 'Comment', phrase: 'a comment', indexes: 'id, win_id', since: 6 },
  daily_summaries: { label: 'Day summary', phrase: "a day's summary", indexes: 'id, day', since: 6 },
} as const satisfies Record<string, RegistryEntry>;

export type SyncedTable = keyof typeof SYNCED_TABLE_REGISTRY;
export const SYNCED_TABLES = Object.keys(SYNCED_TABLE_REGISTRY) as readonly SyncedTable[] as readonly [SyncedTable, ...SyncedTable[]];

export type RowOf = { [T in SyncedTable]: z.infer<(typeof SYNCED_TABLE_SCHEMAS)[T]> };
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
