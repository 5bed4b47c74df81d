import { useEffect } from 'react';
import { emptyCounts } from '../../domain/goals';
import { useAppServices } from '../../hooks/app-services';
import { useGoalStats } from '../../hooks/use-goal-stats';
import { useDueFollowUps } from '../../hooks/use-local-data';

/** How long counts stay still before today's summary is written (a burst of logging writes once). */
export const SUMMARY_DELAY_MS = 5000;

/**
 * Keeps today's day summary (counts only) up to date for the member's upline: mounted in the shell
 * for a signed-in member, it writes when today's counts or follow-ups change and have been still
 * for a moment. Renders nothing.
 */
export function DailySummaryWriter({ delayMs = SUMMARY_DELAY_MS }: { readonly delayMs?: number }) {
  const { store } = useAppServices();
  const stats = useGoalStats();
  const today = stats?.today ?? null;
  const due = useDueFollowUps(today ?? '0000-01-01');
  const counts = today === null ? null : (stats?.counts.get(today) ?? emptyCounts());
  const overdue = due?.filter((contact) => (contact.next_follow_up_on ?? '') < (today ?? '')).length ?? 0;
  const summary =
    today === null || counts === null || due === undefined
      ? null
      : { ...counts, follow_ups_due: Math.min(30_000, due.length - overdue), follow_ups_overdue: Math.min(30_000, overdue) };
  const key = summary === null ? null : JSON.stringify(summary);

  useEffect(() => {
    if (today === null || key === null) return undefined;
    const timer = setTimeout(() => void store.saveDailySummary(today, JSON.parse(key) as Parameters<typeof store.saveDailySummary>[1]), delayMs);
    return () => clearTimeout(timer);
  }, [store, today, key, delayMs]);
  return null;
}
