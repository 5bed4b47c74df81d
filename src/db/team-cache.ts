import type { Table } from 'dexie';
import type { FeedSources, LeaderDayMember } from '../domain/team-feed';
import type { FeedWinRow } from '../domain/team-feed-wire';
import type { FieldbookDb } from './fieldbook-db';
import { pendingRowIds } from './outbox';

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

/** The settings key holding when this device last saw each team member in the app (ms by member id). */
export const TEAM_LAST_SEEN_KEY = 'team_last_seen';

/**
 * Notes that these members are in the app now, so the team screen can say who was active today
 * after they leave. Only members of the cached team are noted, and entries for anyone no longer in
 * it are dropped, so the row never grows past the team. At most one write a minute per member.
 */
export async function recordSeen(db: FieldbookDb, ids: Iterable<string>, now: number): Promise<void> {
  const table = teamTable(db);
  await db.transaction('rw', db.settings, table, async () => {
    const team = new Set(await table.toCollection().primaryKeys());
    const stored = ((await db.settings.get(TEAM_LAST_SEEN_KEY))?.value as Record<string, number> | undefined) ?? {};
    const seen: Record<string, number> = {};
    let changed = false;
    for (const [id, at] of Object.entries(stored)) {
      if (team.has(id)) seen[id] = at;
      else changed = true;
    }
    for (const id of ids) {
      if (!team.has(id) || (seen[id] ?? 0) > now - 60_000) continue;
      seen[id] = now;
      changed = true;
    }
    if (changed) await db.settings.put({ key: TEAM_LAST_SEEN_KEY, value: seen });
  });
}

export type CachedTeam = {
  /** Nearest first: the sponsor, then their sponsor, … */
  readonly upline: readonly TeamMemberRow[];
  /** Level 1 first; by name within a level. */
  readonly downline: readonly TeamMemberRow[];
  /** null: never refreshed on this device. */
  readonly refreshedAt: number | null;
  /** When this device last saw each member in the app (ms). */
  readonly lastSeen: Readonly<Record<string, number>>;
};

export async function readTeam(db: FieldbookDb): Promise<CachedTeam> {
  const [rows, refreshed, seen] = await Promise.all([teamTable(db).orderBy('depth').toArray(), db.settings.get(TEAM_REFRESHED_KEY), db.settings.get(TEAM_LAST_SEEN_KEY)]);
  const byName = (a: TeamMemberRow, b: TeamMemberRow) => a.full_name.localeCompare(b.full_name);
  return {
    upline: rows.filter((row) => row.depth < 0).sort((a, b) => b.depth - a.depth),
    downline: rows.filter((row) => row.depth > 0).sort((a, b) => a.depth - b.depth || byName(a, b)),
    refreshedAt: typeof refreshed?.value === 'number' ? refreshed.value : null,
    lastSeen: typeof seen?.value === 'object' && seen.value !== null ? (seen.value as Record<string, number>) : {},
  };
}

/*
 * The team feed as the server last told it (team_feed()): the wins of the member's sponsor line
 * with their reactions and comments, page by page, newest first. Realtime keeps it current (each
 * change rereads its one win); each refresh replaces it with the first page. The member's own rows
 * are also in the synced tables, which the feed prefers (they hold what is not pushed yet).
 */

export type CachedWin = FeedWinRow;

/**
 * Whether older wins remain on the server, where the next page starts (the last win of the last page
 * read: wins heard of through Realtime may be older, so it is kept, not inferred), and when the first
 * page was last read (ms).
 */
export type FeedState = { readonly hasMore: boolean; readonly cursor: FeedCursor | null; readonly refreshedAt: number | null };
export type FeedCursor = { readonly at: string; readonly id: string };

export const TEAM_FEED_STATE_KEY = 'team_feed_state';

const feedTable = (db: FieldbookDb) => db.table<CachedWin, string>('team_feed');

/** The first page, fresh from the server: replaces everything cached. */
export async function replaceFeed(db: FieldbookDb, wins: readonly CachedWin[], hasMore: boolean, cursor: FeedCursor | null, refreshedAt: number): Promise<void> {
  const table = feedTable(db);
  await db.transaction('rw', table, db.settings, async () => {
    await table.clear();
    await table.bulkPut([...wins]);
    await db.settings.put({ key: TEAM_FEED_STATE_KEY, value: { hasMore, cursor, refreshedAt } satisfies FeedState });
  });
}

/** An older page, after the ones cached. */
export async function appendFeed(db: FieldbookDb, wins: readonly CachedWin[], hasMore: boolean, cursor: FeedCursor | null): Promise<void> {
  const table = feedTable(db);
  await db.transaction('rw', table, db.settings, async () => {
    await table.bulkPut([...wins]);
    const state = await readFeedState(db);
    await db.settings.put({ key: TEAM_FEED_STATE_KEY, value: { ...state, hasMore, cursor: cursor ?? state.cursor } satisfies FeedState });
  });
}

/**
 * One win as the server has it now; null: gone (deleted, or no longer visible to the member). A win
 * older than the pages read waits for its page (caching it now would skip the wins between).
 */
export async function putFeedWin(db: FieldbookDb, id: string, win: CachedWin | null): Promise<void> {
  const table = feedTable(db);
  await db.transaction('rw', table, db.settings, async () => {
    if (!win) return table.delete(id);
    const { cursor, hasMore } = await readFeedState(db);
    const beyond = hasMore && cursor !== null && (win.occurred_at < cursor.at || (win.occurred_at === cursor.at && win.id < cursor.id));
    if (beyond && !(await table.get(id))) return undefined;
    return table.put(win);
  });
}

/** The cached win holding this reaction or comment (a hard delete tells only the row's id). */
export async function feedWinHolding(db: FieldbookDb, rowId: string): Promise<string | null> {
  const win = await feedTable(db)
    .filter((row) => row.reactions.some((reaction) => reaction.id === rowId) || row.comments.some((comment) => comment.id === rowId))
    .first();
  return win?.id ?? null;
}

export async function readFeedState(db: FieldbookDb): Promise<FeedState> {
  const value = (await db.settings.get(TEAM_FEED_STATE_KEY))?.value as Partial<FeedState> | undefined;
  const cursor = value?.cursor;
  return {
    hasMore: value?.hasMore === true,
    cursor: cursor && typeof cursor.at === 'string' && typeof cursor.id === 'string' ? { at: cursor.at, id: cursor.id } : null,
    refreshedAt: typeof value?.refreshedAt === 'number' ? value.refreshedAt : null,
  };
}

/** Newest first. */
export const readFeed = (db: FieldbookDb): Promise<CachedWin[]> => feedTable(db).orderBy('occurred_at').reverse().toArray();


/*
 * The leader's view as the server last told it (team_leader_day()), per day and depth, so it shows
 * offline with when it was read.
 */

export type LeaderDayRow = { readonly key: string; readonly day: string; readonly depth: number; readonly members: readonly LeaderDayMember[]; readonly refreshed_at: number };

const leaderTable = (db: FieldbookDb) => db.table<LeaderDayRow, string>('team_leader_days');
export const leaderDayKey = (day: string, depth: number) => `${day}:${depth}`;

/** Days kept: the leader's view of older days is read again when opened. */
export const LEADER_DAYS_KEPT = 31;

export async function putLeaderDay(db: FieldbookDb, day: string, depth: number, members: readonly LeaderDayMember[], refreshedAt: number): Promise<void> {
  const table = leaderTable(db);
  await db.transaction('rw', table, async () => {
    await table.put({ key: leaderDayKey(day, depth), day, depth, members: [...members], refreshed_at: refreshedAt });
    const rows = await table.toArray();
    const stale = rows.sort((a, b) => b.refreshed_at - a.refreshed_at).slice(LEADER_DAYS_KEPT * 2);
    if (stale.length > 0) await table.bulkDelete(stale.map((row) => row.key));
  });
}

export const readLeaderDay = (db: FieldbookDb, day: string, depth: number): Promise<LeaderDayRow | undefined> => leaderTable(db).get(leaderDayKey(day, depth));

/** Everything the feed is built from (assembleFeed), read in one go so a live query follows them all. */
export async function readFeedSources(db: FieldbookDb, memberId: string): Promise<FeedSources> {
  return (await readFeedView(db, memberId)).sources;
}

/**
 * The feed's sources and its paging state, the state read once for both, in one read transaction: a
 * comment just written and its outbox entry are seen together (never the comment without "Sending…").
 */
export async function readFeedView(db: FieldbookDb, memberId: string): Promise<{ readonly sources: FeedSources; readonly state: FeedState }> {
  const tables = [feedTable(db), db.settings, db.team_wins, db.team_reactions, db.team_comments, teamTable(db), db.outbox];
  const [cached, state, ownWins, ownReactions, ownComments, team, pendingComments] = await db.transaction('r', tables, () =>
    Promise.all([
      readFeed(db),
      readFeedState(db),
      db.team_wins.toArray(),
      db.team_reactions.toArray(),
      db.team_comments.toArray(),
      teamTable(db).toArray(),
      pendingRowIds(db, 'team_comments'),
    ]),
  );
  const sources: FeedSources = {
    memberId,
    cached,
    hasMore: state.hasMore,
    ownWins,
    ownReactions,
    ownComments,
    names: new Map(team.map((row) => [row.member_id, row.full_name])),
    downline: new Set(team.filter((row) => row.depth > 0).map((row) => row.member_id)),
    pending: pendingComments,
  };
  return { sources, state };
}
