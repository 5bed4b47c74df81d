import type { Reaction, WinKind } from './team-feed-schema';

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

/** "Ana enrolled 2 new customers today": names the member, never a prospect. */
export function winSentence(author: string, kind: WinKind, amount: number): string {
  switch (kind) {
    case 'new_customer':
      return amount === 1 ? `${author} enrolled a new customer` : `${author} enrolled ${amount.toLocaleString('en')} new customers`;
    case 'new_team_member':
      return amount === 1 ? `${author} welcomed a new team member` : `${author} welcomed ${amount.toLocaleString('en')} new team members`;
    case 'goal_reached':
      return `${author} reached all of the day’s goals`;
    case 'streak':
      return `${author} is on a ${amount.toLocaleString('en')}-day streak`;
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
