import { useLiveQuery } from 'dexie-react-hooks';
import { startOfLocalDay } from '../domain/dates';
import { getDashboardCounts, type DashboardCounts } from '../db/queries';
import { useAppServices } from './app-services';

export type DashboardRealtime = DashboardCounts & { readonly isLoading: boolean };

const EMPTY: DashboardCounts = { contactCount: 0, emailCount: 0, activityCount: 0, activityTodayCount: 0, pendingCount: 0 };

/**
 * The seed's `useDashboardRealtime()` → `{contactCount, emailCount, activityCount}`, plus today's
 * activities and the number of local changes waiting to sync. Counts come from indexes and change the
 * instant anything is written, in this tab or another.
 */
export function useDashboardRealtime(): DashboardRealtime {
  const { db, platform } = useAppServices();
  const startOfToday = startOfLocalDay(new Date(platform.now())).toISOString();
  const counts = useLiveQuery(() => getDashboardCounts(db, startOfToday), [db, startOfToday]);
  return { ...(counts ?? EMPTY), isLoading: counts === undefined };
}
