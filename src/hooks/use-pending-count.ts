import { useLiveQuery } from 'dexie-react-hooks';
import { countWaiting } from '../db/outbox';
import { useAppServices } from './app-services';

/** Local changes waiting in the outbox (undefined while loading). */
export function usePendingCount(): number | undefined {
  const { db } = useAppServices();
  return useLiveQuery(() => countWaiting(db), [db]);
}
