import { useCallback, useEffect, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { MemberActivity } from '../domain/member-activity';
import { listRecentActivities } from '../db/queries';
import { useAppServices } from './app-services';
import { useBatchedValue } from './use-batched-value';
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

const NONE: readonly MemberActivity[] = [];

type Seen = { readonly size: number; readonly ids: ReadonlySet<string> };

/**
 * The seed's `useActivityFeedRealtime()`. Updates arrive in batches (the batching delay in settings),
 * so a burst of changes renders once. "New" is decided by arrival, not by timestamps: whatever was in
 * the feed when it loaded (or when its size changed), or was written by this tab, is already seen. So
 * an activity made offline on another device an hour ago still counts as new when it arrives.
 */
export function useActivityFeedRealtime(limit?: number): ActivityFeedRealtime {
  const { db, store } = useAppServices();
  const settings = useDeviceSettings();
  const size = limit ?? settings.feed_size;
  const live = useLiveQuery(() => listRecentActivities(db, size), [db, size]);
  const activities = useBatchedValue(live, settings.batching_delay_ms);
  const mine = useRef(new Set<string>());
  const [seen, setSeen] = useState<Seen | null>(null);

  useEffect(
    () =>
      store.onCommit(({ tables, rowIds }) => {
        if (tables.includes('member_activities')) for (const id of rowIds) mine.current.add(id);
      }),
    [store],
  );

  // The baseline is taken from the first list, and again when the feed size changes.
  if (activities !== undefined && (seen === null || seen.size !== size)) setSeen({ size, ids: new Set(activities.map((activity) => activity.id)) });

  const newActivityCount =
    activities && seen ? activities.filter((activity) => !seen.ids.has(activity.id) && !mine.current.has(activity.id)).length : 0;

  const markActivityAsSeen = useCallback(() => {
    setSeen((current) => ({ size, ids: new Set([...(current?.ids ?? []), ...(activities ?? []).map((activity) => activity.id)]) }));
  }, [activities, size]);

  return { activities: activities ?? NONE, newActivityCount, markActivityAsSeen, isLoading: activities === undefined };
}
