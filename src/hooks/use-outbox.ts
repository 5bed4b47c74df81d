import { useLiveQuery } from 'dexie-react-hooks';
import { countWaiting } from '../db/outbox';
import { listOutbox } from '../db/outbox-entries';
import type { OutboxEntry } from '../domain/synced-table';
import { useAppServices } from './app-services';

/** The oldest `limit` changes waiting in the outbox and how many wait in all (the developer panel). */
export function useOutbox(limit: number): { entries: OutboxEntry[]; count: number } | undefined {
  const { db } = useAppServices();
  return useLiveQuery(async () => ({ entries: await listOutbox(db, limit), count: await countWaiting(db) }), [db, limit]);
}
