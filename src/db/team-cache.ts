import type { Table } from 'dexie';
import type { FieldbookDb } from './fieldbook-db';

/*
 * The team as the server last told it (team_my_team()), kept on the device so the team screen reads
 * it from IndexedDB, offline too. Never synced: each refresh replaces every row in one transaction.
 */

/** depth < 0: upline (-1 the sponsor); depth > 0: downline (1 personally sponsored). */
export type TeamMemberRow = {
  readonly member_id: string;
  readonly full_name: string;
  readonly depth: number;
  readonly joined_at: string | null;
  /** When this answer came from the server (ms since the epoch). */
  readonly refreshed_at: number;
};

export type TeamAnswerRow = Omit<TeamMemberRow, 'refreshed_at'>;

/** The settings key holding when the team was last refreshed (also when the team is empty). */
export const TEAM_REFRESHED_KEY = 'team_refreshed_at';

const teamTable = (db: FieldbookDb) => db.table<TeamMemberRow, string>('team_members');

/** Replaces the cached team with a fresh answer, in one transaction. */
export async function replaceTeam(db: FieldbookDb, members: readonly TeamAnswerRow[], refreshedAt: number): Promise<void> {
  const table: Table<TeamMemberRow, string> = teamTable(db);
  await db.transaction('rw', table, db.settings, async () => {
    await table.clear();
    await table.bulkPut(members.map((member) => ({ ...member, refreshed_at: refreshedAt })));
    await db.settings.put({ key: TEAM_REFRESHED_KEY, value: refreshedAt });
  });
}

export type CachedTeam = {
  /** Nearest first: the sponsor, then their sponsor, … */
  readonly upline: readonly TeamMemberRow[];
  /** Level 1 first; by name within a level. */
  readonly downline: readonly TeamMemberRow[];
  /** null: never refreshed on this device. */
  readonly refreshedAt: number | null;
};

export async function readTeam(db: FieldbookDb): Promise<CachedTeam> {
  const [rows, refreshed] = await Promise.all([teamTable(db).orderBy('depth').toArray(), db.settings.get(TEAM_REFRESHED_KEY)]);
  const byName = (a: TeamMemberRow, b: TeamMemberRow) => a.full_name.localeCompare(b.full_name);
  return {
    upline: rows.filter((row) => row.depth < 0).sort((a, b) => b.depth - a.depth),
    downline: rows.filter((row) => row.depth > 0).sort((a, b) => a.depth - b.depth || byName(a, b)),
    refreshedAt: typeof refreshed?.value === 'number' ? refreshed.value : null,
  };
}
