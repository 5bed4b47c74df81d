import { useSyncExternalStore } from 'react';
import { createGoalLedger, type GoalLedger } from '../db/goal-ledger';
import type { FieldbookDb } from '../db/fieldbook-db';
import type { GoalStats } from '../domain/goal-stats';
import { useAppServices } from './app-services';

const ledgers = new WeakMap<FieldbookDb, GoalLedger>();

/**
 * Lead measures per day, the goal plans and activity per category, live (see goal-ledger.ts). One
 * ledger per database, made on first use: only the screens that show goals load its code.
 * Null until the first read finishes.
 */
export function useGoalStats(): GoalStats | null {
  const { db, platform, store } = useAppServices();
  let ledger = ledgers.get(db);
  if (!ledger) ledgers.set(db, (ledger = createGoalLedger(db, () => platform.now(), (listener) => store.onCommit(listener))));
  return useSyncExternalStore(ledger.subscribe, ledger.getSnapshot, ledger.getSnapshot).stats;
}
