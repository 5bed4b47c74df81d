import { z } from 'zod';
import { daySchema, syncColumnsShape, timestampSchema } from './sync-columns';

const count = (max: number) => z.number().int().min(0).max(max);

/**
 * One day of a member's lead measures, counted on their device and synced so that their upline can
 * see numbers (never contacts or notes) through team_leader_day(). Written by the member's devices only.
 */
export const dailySummarySchema = z.object({
  ...syncColumnsShape,
  day: daySchema,
  conversations: count(10_000),
  invitations: count(10_000),
  follow_ups: count(10_000),
  presentations: count(10_000),
  new_customers: count(10_000),
  new_team_members: count(10_000),
  follow_ups_due: count(30_000),
  follow_ups_overdue: count(30_000),
  last_active_at: timestampSchema.nullable(),
});
export type DailySummary = z.infer<typeof dailySummarySchema>;
