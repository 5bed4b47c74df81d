import { REACTIONS, type Reaction, type TeamComment, type TeamReaction, type TeamWin, type WinKind } from './team-feed-schema';
import type { FeedWinRow } from './team-feed-wire';

/*
 * The team feed as the screen shows it: each win with its author's name, the reactions counted per
 * kind, and the comments in the order they were written. Built on the device from the member's own
 * rows (synced tables) and the team's rows (the cache filled from the server), see use-team-feed.ts.
 */

export type FeedComment = {
  readonly id: string;
  readonly member_id: string;
  readonly author: string;
  readonly body: string;
  readonly created_at: string;
  /** Edited after it was written. */
  readonly edited: boolean;
  /** Hidden by a leader: only its author and the leaders who may show it again still see the text. */
  readonly hidden: boolean;
  /** Written by the member on this device's account: they may edit and delete it. */
  readonly mine: boolean;
  /** Written here and not on the server yet (waiting in the outbox). */
  readonly pending: boolean;
};

export type FeedReaction = { readonly emoji: Reaction; readonly count: number; readonly mine: boolean };

export type FeedWin = {
  readonly id: string;
  readonly member_id: string;
  readonly author: string;
  readonly mine: boolean;
  readonly kind: WinKind;
  readonly amount: number;
  readonly occurred_at: string;
  /** Every reaction kind, in REACTIONS order, counted (0 where nobody reacted). */
  readonly reactions: readonly FeedReaction[];
  readonly comments: readonly FeedComment[];
  /** The member leads the win's author (is in their upline), so may hide comments on it. */
  readonly canHide: boolean;
};

export const WIN_KIND_LABELS: Readonly<Record<WinKind, string>> = {
  new_customer: 'New customers',
  new_team_member: 'New team members',
  goal_reached: 'Daily goals reached',
  streak: 'Streaks',
};

/** What the team sees, in the member's words, for the sharing question. */
export const WIN_KIND_EXAMPLES: Readonly<Record<WinKind, string>> = {
  new_customer: '“Ana enrolled a new customer”',
  new_team_member: '“Ana welcomed a new team member”',
  goal_reached: '“Ana reached all of today’s goals”',
  streak: '“Ana is on a 10-day streak”',
};

export const REACTION_LABELS: Readonly<Record<Reaction, { readonly symbol: string; readonly name: string }>> = {
  clap: { symbol: '👏', name: 'Applause' },
  party: { symbol: '🎉', name: 'Celebrate' },
  fire: { symbol: '🔥', name: 'On fire' },
  strong: { symbol: '💪', name: 'Strong' },
  heart: { symbol: '❤️', name: 'Love' },
};

/** "Ana enrolled 2 new customers": names the member (or "You", the member themself), never a prospect. */
export function winSentence(author: string, kind: WinKind, amount: number): string {
  switch (kind) {
    case 'new_customer':
      return amount === 1 ? `${author} enrolled a new customer` : `${author} enrolled ${amount.toLocaleString('en')} new customers`;
    case 'new_team_member':
      return amount === 1 ? `${author} welcomed a new team member` : `${author} welcomed ${amount.toLocaleString('en')} new team members`;
    case 'goal_reached':
      return `${author} reached all of the day’s goals`;
    case 'streak':
      return `${author} ${author === 'You' ? 'are' : 'is'} on a ${amount.toLocaleString('en')}-day streak`;
  }
}

/** One downline member on one day, as team_leader_day() answers: counts only. */
export type LeaderDayMember = {
  readonly member_id: string;
  readonly full_name: string;
  /** 1: personally sponsored. */
  readonly depth: number;
  readonly counts: Readonly<Record<'conversations' | 'invitations' | 'follow_ups' | 'presentations' | 'new_customers' | 'new_team_members', number>>;
  /** Their goals that day (null: no goals set). */
  readonly goals: Readonly<Record<'conversations' | 'invitations' | 'follow_ups' | 'presentations' | 'new_customers' | 'new_team_members', number>> | null;
  /** null when they have no goals (so no working days either). */
  readonly works_that_day: boolean | null;
  readonly follow_ups_due: number;
  readonly follow_ups_overdue: number;
  readonly last_active_at: string | null;
};

/** What the feed is built from: the server's pages, the member's own rows, and who is who. */
export type FeedSources = {
  readonly memberId: string;
  /** The server's view (team_feed()), newest first. */
  readonly cached: readonly FeedWinRow[];
  /** Whether older wins remain on the server beyond the cached pages. */
  readonly hasMore: boolean;
  /** The member's own rows on this device (synced tables), deleted ones included. */
  readonly ownWins: readonly Pick<TeamWin, 'id' | 'kind' | 'amount' | 'occurred_at' | 'deleted_at'>[];
  readonly ownReactions: readonly Pick<TeamReaction, 'id' | 'win_id' | 'emoji' | 'deleted_at'>[];
  readonly ownComments: readonly Pick<TeamComment, 'id' | 'win_id' | 'body' | 'hidden_at' | 'created_at' | 'deleted_at' | 'field_stamps'>[];
  /** Names of the sponsor line (the team cache). */
  readonly names: ReadonlyMap<string, string>;
  /** The member's downline: they may hide comments on these members' wins. */
  readonly downline: ReadonlySet<string>;
  /** Own comments still waiting in the outbox. */
  readonly pending: ReadonlySet<string>;
};

const newestFirst = (a: { occurred_at: string; id: string }, b: { occurred_at: string; id: string }) =>
  a.occurred_at < b.occurred_at ? 1 : a.occurred_at > b.occurred_at ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;

/**
 * The feed as shown: the server's wins, with the member's own rows taking precedence (they hold what
 * is not pushed yet, and what was withdrawn here). Own wins older than the oldest page read wait for
 * that page, so the list never jumps back in time.
 */
export function assembleFeed(sources: FeedSources): FeedWin[] {
  const { memberId } = sources;
  const wins = new Map<string, { id: string; member_id: string; kind: WinKind; amount: number; occurred_at: string }>();
  for (const win of sources.cached) wins.set(win.id, win);
  const oldest = sources.cached.reduce<string | null>((min, win) => (min === null || win.occurred_at < min ? win.occurred_at : min), null);
  for (const win of sources.ownWins) {
    if (win.deleted_at !== null) wins.delete(win.id);
    else if (wins.has(win.id) || !sources.hasMore || oldest === null || win.occurred_at >= oldest) wins.set(win.id, { ...win, member_id: memberId });
  }
  const cachedById = new Map(sources.cached.map((win) => [win.id, win]));
  const ownReactions = groupBy(sources.ownReactions.filter((row) => row.deleted_at === null), (row) => row.win_id);
  const ownComments = groupBy(sources.ownComments.filter((row) => row.deleted_at === null), (row) => row.win_id);
  const nameOf = (id: string) => (id === memberId ? 'You' : sources.names.get(id)?.trim() || 'A team member');

  return [...wins.values()].sort(newestFirst).map((win): FeedWin => {
    const cached = cachedById.get(win.id);
    const reactions = [...(cached?.reactions.filter((row) => row.member_id !== memberId) ?? []), ...(ownReactions.get(win.id) ?? []).map((row) => ({ ...row, member_id: memberId }))];
    const comments: FeedComment[] = [
      ...(cached?.comments.filter((row) => row.member_id !== memberId) ?? []).map((row) => ({
        id: row.id,
        member_id: row.member_id,
        author: nameOf(row.member_id),
        body: row.body,
        created_at: row.created_at,
        edited: row.edited === true,
        hidden: row.hidden_at !== null,
        mine: false,
        pending: false,
      })),
      ...(ownComments.get(win.id) ?? []).map((row) => ({
        id: row.id,
        member_id: memberId,
        author: 'You',
        body: row.body,
        created_at: row.created_at,
        // Every field of a new comment carries the stamp of its insert; a later edit restamps the body.
        edited: row.field_stamps['body'] !== undefined && row.field_stamps['body'] !== row.field_stamps['win_id'],
        hidden: row.hidden_at !== null,
        mine: true,
        pending: sources.pending.has(row.id),
      })),
    ].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));
    return {
      ...win,
      author: nameOf(win.member_id),
      mine: win.member_id === memberId,
      reactions: REACTIONS.map((emoji) => {
        const of = reactions.filter((row) => row.emoji === emoji);
        return { emoji, count: new Set(of.map((row) => row.member_id)).size, mine: of.some((row) => row.member_id === memberId) };
      }),
      comments,
      canHide: sources.downline.has(win.member_id),
    };
  });
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
