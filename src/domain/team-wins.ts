import { dayMetGoal, streaks } from './goals';
import type { GoalStats } from './goal-stats';
import type { Reaction, WinKind } from './team-feed-schema';

/*
 * Which wins a day holds, from the counts the device already makes (the goal rules): new customers
 * and new team members that day, every goal of the day met, a streak reaching a milestone. One win
 * per member, kind and day, with a number that follows the day (two new customers: one win of 2),
 * under an id derived from those and the member's secret, so two devices posting the same day's win
 * write one row.
 */

/** Streak lengths (working days in a row) worth telling the team about; then every 50 days. */
export const STREAK_MILESTONES: readonly number[] = [5, 10, 20, 30, 50, 75, 100];

export const isStreakMilestone = (days: number): boolean => STREAK_MILESTONES.includes(days) || (days > 100 && days % 50 === 0);

/** Each shared kind's number for `day` (0: no win that day, or a win to withdraw). */
export function winsOfDay(stats: Pick<GoalStats, 'plans' | 'counts' | 'oldest'>, day: string, shared: readonly WinKind[]): Map<WinKind, number> {
  const counts = stats.counts.get(day);
  const wins = new Map<WinKind, number>();
  for (const kind of shared) {
    switch (kind) {
      case 'new_customer':
        wins.set(kind, counts?.new_customers ?? 0);
        break;
      case 'new_team_member':
        wins.set(kind, counts?.new_team_members ?? 0);
        break;
      case 'goal_reached':
        wins.set(kind, dayMetGoal(stats.plans, day, counts) ? 1 : 0);
        break;
      case 'streak': {
        const streak = streaks(stats.plans, stats.counts, day, stats.oldest);
        wins.set(kind, streak.todayDone && isStreakMilestone(streak.days) ? streak.days : 0);
        break;
      }
    }
  }
  return wins;
}

/** A UUID (version 8, RFC 9562's custom kind) from the first 16 bytes of SHA-256 over `parts`. */
async function derivedId(parts: readonly string[]): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(parts.join('\u0000'))));
  const bytes = digest.slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of a member's win of one kind on one day, the same on each of their devices: derived from
 * the member's secret (member_profiles.win_salt), so nobody else can take it first or probe for it.
 */
export const winId = (salt: string, kind: WinKind, day: string): Promise<string> => derivedId(['team_win', salt, kind, day]);

/** The id of the member's reaction of one kind to a win: two devices reacting write one row. */
export const reactionId = (salt: string, win: string, emoji: Reaction): Promise<string> => derivedId(['team_reaction', salt, win, emoji]);
