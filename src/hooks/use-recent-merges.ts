import { useLiveQuery } from 'dexie-react-hooks';
import { listRecentMerges, type RecentMerge } from '../db/merge-queries';
import { useAppServices } from './app-services';

/** The latest merges of duplicates, newest first (live: an undo on another device shows at once). */
export function useRecentMerges(limit = 5): readonly RecentMerge[] | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => listRecentMerges(db, limit), [db, limit]);
}
