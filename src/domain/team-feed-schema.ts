import { z } from 'zod';
import { syncColumnsShape, timestampSchema } from './sync-columns';

/** Kinds of win a member may share with their team (each only once they have chosen to). */
export const WIN_KINDS = ['new_customer', 'new_team_member', 'goal_reached', 'streak'] as const;
export type WinKind = (typeof WIN_KINDS)[number];

export const REACTIONS = ['clap', 'party', 'fire', 'strong', 'heart'] as const;
export type Reaction = (typeof REACTIONS)[number];

export const COMMENT_MAX = 500;

/** A win shared with the sponsor line: a kind and a number, never a name (so never a prospect's). */
export const teamWinSchema = z.object({
  ...syncColumnsShape,
  kind: z.enum(WIN_KINDS),
  amount: z.number().int().min(1).max(100_000),
  occurred_at: timestampSchema,
});
export type TeamWin = z.infer<typeof teamWinSchema>;

export const teamReactionSchema = z.object({
  ...syncColumnsShape,
  win_id: z.uuid(),
  emoji: z.enum(REACTIONS),
});
export type TeamReaction = z.infer<typeof teamReactionSchema>;

export const teamCommentSchema = z.object({
  ...syncColumnsShape,
  win_id: z.uuid(),
  body: z.string().trim().min(1, 'Write a comment').max(COMMENT_MAX, `At most ${COMMENT_MAX} characters`),
  /** Set by a leader of the win's author (team_hide_comment); the author cannot change it. */
  hidden_at: timestampSchema.nullable(),
  hidden_by: z.uuid().nullable(),
});
export type TeamComment = z.infer<typeof teamCommentSchema>;
