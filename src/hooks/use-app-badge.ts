import { useEffect, useState } from 'react';
import { toDay } from '../domain/dates';
import { useAppServices } from './app-services';
import { useDueFollowUps } from './use-local-data';

/** How often the day is looked at again, so the badge follows midnight while the app stays open. */
export const BADGE_DAY_CHECK_MS = 60_000;

/**
 * Keeps the app badge equal to the follow-ups due today, overdue included (what Today lists), whenever
 * the app runs: on start, on every change to the contacts, and when the day turns. `setBadge` is the
 * browser's badge (adapters/browser/app-badge.ts), passed in by the app.
 */
export function useAppBadge(setBadge: (count: number) => unknown, dayCheckMs = BADGE_DAY_CHECK_MS): void {
  const { platform } = useAppServices();
  const [today, setToday] = useState(() => toDay(new Date(platform.now())));
  useEffect(() => {
    const timer = setInterval(() => setToday(toDay(new Date(platform.now()))), dayCheckMs);
    return () => clearInterval(timer);
  }, [platform, dayCheckMs]);
  const count = useDueFollowUps(today)?.length;
  useEffect(() => {
    if (count !== undefined) void setBadge(count);
  }, [count, setBadge]);
}

/** The hook as a component that renders nothing, so a change in the count re-renders only it. */
export function AppBadge({ setBadge, dayCheckMs = BADGE_DAY_CHECK_MS }: { readonly setBadge: (count: number) => unknown; readonly dayCheckMs?: number }): null {
  useAppBadge(setBadge, dayCheckMs);
  return null;
}
