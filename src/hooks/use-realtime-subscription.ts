import { useEffect, useRef } from 'react';
import type { SyncedTable } from '../domain/synced-table';
import { useAppServices } from './app-services';

export type RealtimeSubscription = { readonly table: SyncedTable; readonly onChange: (table: SyncedTable) => void };

/**
 * The seed's `useMultipleRealtimeSubscriptions`: calls each callback when remote changes to its table
 * have been applied to this device (in any tab). All components share the engine's one channel; a
 * component adds one listener however often it renders, and removes it on unmount.
 */
export function useMultipleRealtimeSubscriptions(subscriptions: readonly RealtimeSubscription[]): void {
  const { sync } = useAppServices();
  const latest = useRef(subscriptions);
  useEffect(() => {
    latest.current = subscriptions;
  });
  useEffect(
    () =>
      sync.onRemoteChange((tables) => {
        for (const subscription of latest.current) if (tables.includes(subscription.table)) subscription.onChange(subscription.table);
      }),
    [sync],
  );
}

/** The seed's `useRealtimeSubscription`: one table, one callback. */
export function useRealtimeSubscription(table: SyncedTable, onChange: (table: SyncedTable) => void): void {
  useMultipleRealtimeSubscriptions([{ table, onChange }]);
}
