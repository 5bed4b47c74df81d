import { z } from 'zod';
import { GOAL_PRESETS, MAX_DAILY_TARGET } from './goals';
import { daySchema, syncColumnsShape } from './sync-columns';

const target = z.number({ message: 'Enter a number' }).int('Enter a whole number').min(0, 'At least 0').max(MAX_DAILY_TARGET, `At most ${MAX_DAILY_TARGET} a day`);
const weekday = z.number().int().min(1).max(7);

/** The goals form: daily targets, the days that count, the weekly bar and the review day. */
export const dailyGoalInputSchema = z
  .object({
    preset: z.enum(GOAL_PRESETS),
    conversations: target,
    invitations: target,
    follow_ups: target,
    presentations: target,
    new_customers: target,
    new_team_members: target,
    work_days: z
      .array(weekday)
      .min(1, 'Choose at least one working day')
      .max(7)
      .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
    week_min_days: z.number().int().min(1, 'At least 1 day').max(7, 'At most 7 days'),
    review_day: weekday,
  })
  .refine((plan) => plan.week_min_days <= plan.work_days.length, { message: 'A week cannot need more days than you work', path: ['week_min_days'] });
export type DailyGoalInput = z.infer<typeof dailyGoalInputSchema>;

/** A synced row of daily_goals: a plan in effect from `starts_on`. */
export const dailyGoalSchema = z.object({
  ...syncColumnsShape,
  starts_on: daySchema,
  preset: z.enum(GOAL_PRESETS),
  conversations: z.number().int().min(0).max(MAX_DAILY_TARGET),
  invitations: z.number().int().min(0).max(MAX_DAILY_TARGET),
  follow_ups: z.number().int().min(0).max(MAX_DAILY_TARGET),
  presentations: z.number().int().min(0).max(MAX_DAILY_TARGET),
  new_customers: z.number().int().min(0).max(MAX_DAILY_TARGET),
  new_team_members: z.number().int().min(0).max(MAX_DAILY_TARGET),
  work_days: z.array(weekday).min(1).max(7),
  week_min_days: z.number().int().min(1).max(7),
  review_day: weekday,
});
export type DailyGoal = z.infer<typeof dailyGoalSchema>;
