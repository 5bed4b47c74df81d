import { useCallback, useEffect, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { MemberActivity } from '../domain/member-activity';
import { listRecentActivities } from '../db/queries';
import { useAppServices } from './app-services';
import { useDeviceSettings } from './use-local-data';

export type ActivityFeedRealtime = {
  /** The most recent activities, newest first (feed size from settings, 10 by default). */
  readonly activities: readonly MemberActivity[];
  /** Activities that arrived from elsewhere (another tab, later another device) since the member last looked. */
  readonly newActivityCount: number;
  /** Dismisses the "N new activities" pill. */
  readonly markActivityAsSeen: () => void;
  readonly isLoading: boolean;
};

/**
 * The seed's `useActivityFeedRealtime()`. "New" is decided by arrival, not by timestamps: whatever was
 * in the feed when it first loaded, or was written by this tab, is already seen. So an activity made
 * offline on another device an hour ago still counts as new when it arrives, and clocks never matter.
 */
export function useActivityFeedRealtime(limit?: number): ActivityFeedRealtime {
  const { db, store } = useAppServices();
  const settings = useDeviceSettings();
  const size = limit ?? settings.feed_size;
  const activities = useLiveQuery(() => listRecentActivities(db, size), [db, size]);
  const seen = useRef<Set<string> | null>(null);
  const [, setSeenVersion] = useState(0);

  useEffect(
    () =>
      store.onCommit(({ tables, rowIds }) => {
        if (!tables.includes('member_activities')) return;
        for (const id of rowIds) seen.current?.add(id);
      }),
    [store],
  );

  if (seen.current === null && activities !== undefined) seen.current = new Set(activities.map((activity) => activity.id));
  const seenIds = seen.current;
  const newActivityCount = activities && seenIds ? activities.filter((activity) => !seenIds.has(activity.id)).length : 0;

  const markActivityAsSeen = useCallback(() => {
    for (const activity of activities ?? []) seen.current?.add(activity.id);
    setSeenVersion((version) => version + 1);
  }, [activities]);

  return { activities: activities ?? [], newActivityCount, markActivityAsSeen, isLoading: activities === undefined };
}
