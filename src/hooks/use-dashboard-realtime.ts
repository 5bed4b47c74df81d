import { useLiveQuery } from 'dexie-react-hooks';
import { startOfLocalDay } from '../domain/dates';
import { getActivityCounts } from '../db/queries';
import { useAppServices } from './app-services';
import { useContactsRealtime } from './use-contacts-realtime';
import { usePendingCount } from './use-pending-count';

export type DashboardRealtime = {
  readonly contactCount: number;
  readonly emailCount: number;
  readonly activityCount: number;
  readonly activityTodayCount: number;
  readonly pendingCount: number;
  readonly isLoading: boolean;
};

/**
 * The seed's `useDashboardRealtime()` → `{contactCount, emailCount, activityCount}`, plus today's
 * activities and the number of local changes waiting to sync. The contact count comes from the contact
 * index (updated row by row), the others from index counts; each updates on its own, the instant
 * anything is written in this tab or another.
 */
export function useDashboardRealtime(): DashboardRealtime {
  const { db, platform } = useAppServices();
  const startOfToday = startOfLocalDay(new Date(platform.now())).toISOString();
  const { contacts } = useContactsRealtime();
  const counts = useLiveQuery(() => getActivityCounts(db, startOfToday), [db, startOfToday]);
  const pendingCount = usePendingCount();
  return {
    contactCount: contacts?.length ?? 0,
    emailCount: counts?.emailCount ?? 0,
    activityCount: counts?.activityCount ?? 0,
    activityTodayCount: counts?.activityTodayCount ?? 0,
    pendingCount: pendingCount ?? 0,
    isLoading: contacts === undefined || counts === undefined || pendingCount === undefined,
  };
}
