import { dayMetGoal, streaks } from './goals';
import type { GoalStats } from './goal-stats';
import type { WinKind } from './team-feed-schema';

/*
 * Which wins a day holds, from the counts the device already makes (the goal rules): new customers
 * and new team members that day, every goal of the day met, a streak reaching a milestone. One win
 * per member, kind and day, with a number that follows the day (two new customers: one win of 2),
 * under an id derived from those three, so two devices posting the same day's win write one row.
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

/**
 * The id of a member's win of one kind on one day: the first 16 bytes of SHA-256 over the three,
 * shaped as a UUID (version 8, RFC 9562's custom kind), the same on every device.
 */
export async function winId(memberId: string, kind: WinKind, day: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`team_win\u0000${memberId}\u0000${kind}\u0000${day}`)));
  const bytes = digest.slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
