import { Dexie, type Table } from 'dexie';
import { SYNCED_TABLE_REGISTRY, SYNCED_TABLES, type RowOf, type SyncedTable } from '../domain/synced-table';
import type { OutboxRecord } from './outbox';

/** Device-local key/value rows that never sync (settings, the local workspace identity, the pull cursor). */
export type SettingRow = { key: string; value: unknown };

/**
 * A change the server refused for good (src/sync/SPEC.md, G8): what the member typed, the server's
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
/**
 * Stores that never sync. Version 2 added `rejected` (changes the server refused, kept for review);
 * version 6 `team_members` (the last answer of team_my_team(), so the team screen reads offline);
 * version 7 `team_feed` and `team_leader_days` (the team feed and the leader's view, as last read);
 * version 8 the outbox's `rows` index, which finds batched inserts by row (outbox.ts); version 9 its
 * `size` index, which counts them.
 */
const CORE_VERSION = 9;
const CORE_STORES = {
  outbox: '++seq, &mutation_id, [table+row_id], *rows, size',
  settings: 'key',
  rejected: 'id, created_at, [table+row_id]',
  team_members: 'member_id, depth',
  team_feed: 'id, occurred_at',
  team_leader_days: 'key',
} as const;

class FieldbookDatabase extends Dexie {
  /** Closes for good because another tab is upgrading the schema (see withReopen). */
  stepAside(): void {
    this.replaced = true;
    this.close();
  }

  declare outbox: Table<OutboxRecord, number>;
  declare settings: Table<SettingRow, string>;
  declare rejected: Table<RejectedRow, string>;
  /** Another tab opened a newer schema: this tab's code is older than the data and must never reopen it. */
  replaced = false;

  constructor(name: string) {
    super(name);
    // Dexie calls versionchange subscribers newest first and stops at one that returns false, so this
    // one runs only when nobody else handles the event; whoever does calls stepAside().
    this.on('versionchange', () => {
      this.replaced = true;
    });
    // One schema version, built from the registry: Dexie compares it with what the browser has and
    // adds or changes stores as needed. Bump an entry's `since` (or CORE_VERSION) to change indexes.
    const stores: Record<string, string> = { ...CORE_STORES };
    for (const table of SYNCED_TABLES) stores[table] = SYNCED_TABLE_REGISTRY[table].indexes;
    this.version(Math.max(CORE_VERSION, ...SYNCED_TABLES.map((table) => SYNCED_TABLE_REGISTRY[table].since)))
      .stores(stores)
      .upgrade(async (tx) => {
        await tx.table('contacts').toCollection().modify(addContactPoints);
        // Version 5: a template can be an invitation (the server's default for existing rows).
        await tx.table('email_templates').toCollection().modify((row: Record<string, unknown>) => {
          row['is_invitation'] ??= false;
        });
      });
  }
}
/**
 * Version 3 gave contacts lists of phones and emails (and import_id, merged_into). Rows stored before
 * get their single phone and email as the first entries, stamped as those were, as the server's
 * migration does; the next pull brings the server's rows anyway.
 */
function addContactPoints(row: Record<string, unknown>): void {
  const stamps = (row['field_stamps'] ?? {}) as Record<string, string>;
  const phone = typeof row['phone'] === 'string' ? row['phone'] : '';
  const email = typeof row['email'] === 'string' ? row['email'] : '';
  if (!Array.isArray(row['phones'])) {
    row['phones'] = phone === '' ? [] : [{ label: 'mobile', value: phone }];
    if (stamps['phone'] !== undefined) stamps['phones'] = stamps['phone'];
  }
  if (!Array.isArray(row['emails'])) {
    row['emails'] = email === '' ? [] : [{ label: 'home', value: email }];
    if (stamps['email'] !== undefined) stamps['emails'] = stamps['email'];
  }
  row['import_id'] ??= null;
  row['merged_into'] ??= null;
  row['field_stamps'] = stamps;
}

/** The member's database: the core stores plus one table per synced table, typed by its row. */
export type FieldbookDb = FieldbookDatabase & { readonly [T in SyncedTable]: Table<RowOf[T], string> };

export function createFieldbookDb(name: string = LOCAL_DATABASE_NAME): FieldbookDb {
  return new FieldbookDatabase(name) as FieldbookDb;
}
