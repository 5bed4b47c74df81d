import { z } from 'zod';
import type { LeaderDayMember } from './team-feed';
import { REACTIONS, WIN_KINDS, type Reaction, type WinKind } from './team-feed-schema';

/*
 * The team feed and the leader's view as the server sends them (team_feed(), team_leader_day()),
 * read defensively: a row that does not parse is left out and counted, never shown half-read.
 */

export type FeedReactionRow = { readonly id: string; readonly member_id: string; readonly emoji: Reaction };
export type FeedCommentRow = {
  readonly id: string;
  readonly member_id: string;
  readonly body: string;
  readonly hidden_at: string | null;
  readonly hidden_by: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  /** Its text was changed after it was written. */
  readonly edited?: boolean | undefined;
};
/** A win of the sponsor line with its reactions and comments, as team_feed() answers. */
export type FeedWinRow = {
  readonly id: string;
  readonly member_id: string;
  readonly kind: WinKind;
  readonly amount: number;
  readonly occurred_at: string;
  readonly updated_at: string;
  readonly reactions: readonly FeedReactionRow[];
  readonly comments: readonly FeedCommentRow[];
};

const feedReactionSchema = z.object({ id: z.string(), member_id: z.string(), emoji: z.enum(REACTIONS) });
const feedCommentSchema = z.object({
  id: z.string(),
  member_id: z.string(),
  body: z.string(),
  hidden_at: z.string().nullable(),
  hidden_by: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  edited: z.boolean().optional(),
});
const feedWinSchema = z.object({
  id: z.string(),
  member_id: z.string(),
  kind: z.enum(WIN_KINDS),
  amount: z.number().int(),
  occurred_at: z.string(),
  updated_at: z.string(),
  reactions: z.array(z.unknown()).nullable(),
  comments: z.array(z.unknown()).nullable(),
});

/** Each part that parses; the count of those that did not. */
function parseEach<T>(values: readonly unknown[], schema: z.ZodType<T>): { rows: T[]; malformed: number } {
  const rows: T[] = [];
  let malformed = 0;
  for (const value of values) {
    const parsed = schema.safeParse(value);
    if (parsed.success) rows.push(parsed.data);
    else malformed += 1;
  }
  return { rows, malformed };
}

/** A feed page's wins, parsed; `malformed` counts the wins, reactions and comments left out. */
export function parseFeedPage(data: unknown): { wins: FeedWinRow[]; malformed: number } | null {
  if (!Array.isArray(data)) return null;
  const wins = parseEach(data, feedWinSchema);
  let malformed = wins.malformed;
  const out = wins.rows.map((win): FeedWinRow => {
    const reactions = parseEach(win.reactions ?? [], feedReactionSchema);
    const comments = parseEach(win.comments ?? [], feedCommentSchema);
    malformed += reactions.malformed + comments.malformed;
    return { ...win, reactions: reactions.rows, comments: comments.rows };
  });
  return { wins: out, malformed };
}

const leaderRowSchema = z.object({
  member_id: z.string(),
  full_name: z.string().nullable(),
  depth: z.number().int(),
  conversations: z.number(),
  invitations: z.number(),
  follow_ups: z.number(),
  presentations: z.number(),
  new_customers: z.number(),
  new_team_members: z.number(),
  goal_conversations: z.number().nullable(),
  goal_invitations: z.number().nullable(),
  goal_follow_ups: z.number().nullable(),
  goal_presentations: z.number().nullable(),
  goal_new_customers: z.number().nullable(),
  goal_new_team_members: z.number().nullable(),
  works_that_day: z.boolean().nullable(),
  follow_ups_due: z.number(),
  follow_ups_overdue: z.number(),
  last_active_at: z.string().nullable(),
});

export function parseLeaderDay(data: unknown): LeaderDayMember[] | null {
  if (!Array.isArray(data)) return null;
  return parseEach(data, leaderRowSchema).rows.map((row) => ({
    member_id: row.member_id,
    full_name: row.full_name ?? '',
    depth: row.depth,
    counts: {
      conversations: row.conversations,
      invitations: row.invitations,
      follow_ups: row.follow_ups,
      presentations: row.presentations,
      new_customers: row.new_customers,
      new_team_members: row.new_team_members,
    },
    goals:
      row.goal_conversations === null
        ? null
        : {
            conversations: row.goal_conversations,
            invitations: row.goal_invitations ?? 0,
            follow_ups: row.goal_follow_ups ?? 0,
            presentations: row.goal_presentations ?? 0,
            new_customers: row.goal_new_customers ?? 0,
            new_team_members: row.goal_new_team_members ?? 0,
          },
    works_that_day: row.works_that_day,
    follow_ups_due: row.follow_ups_due,
    follow_ups_overdue: row.follow_ups_overdue,
    last_active_at: row.last_active_at,
  }));
}

