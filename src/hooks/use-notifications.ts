import { useLiveQuery } from 'dexie-react-hooks';
import { readNotifications, type CachedNotifications } from '../db/notification-cache';
import { useAppServices } from './app-services';

/** Notifications as the server last told this device (IndexedDB, live); undefined while it loads. */
export function useNotifications(): CachedNotifications | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => readNotifications(db), [db]);
}
