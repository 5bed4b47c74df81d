import { useCallback } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { withReopen } from '../db/commit-changes';
import { useAppServices } from './app-services';

/** The device-settings row holding the group keys the member marked "Not duplicates". */
export const DUPLICATE_DISMISSALS_KEY = 'duplicate_dismissals';

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Groups the member dismissed on the Possible duplicates screen (groupKey of their ids), and a way to
 * add one. They are a device setting: they never sync, so another device may still list the group.
 */
export function useDuplicateDismissals(): { dismissed: ReadonlySet<string> | undefined; dismiss: (key: string) => Promise<void> } {
  const { db } = useAppServices();
  const dismissed = useLiveQuery(async () => {
    const row = await db.settings.get(DUPLICATE_DISMISSALS_KEY);
    const keys: unknown = row?.value;
    return Array.isArray(keys) ? new Set(keys.filter((key): key is string => typeof key === 'string')) : EMPTY;
  }, [db]);
  const dismiss = useCallback(
    (key: string) =>
      withReopen(db, () =>
        db.transaction('rw', db.settings, async () => {
          const row = await db.settings.get(DUPLICATE_DISMISSALS_KEY);
          const keys: unknown[] = Array.isArray(row?.value) ? (row.value as unknown[]) : [];
          if (!keys.includes(key)) await db.settings.put({ key: DUPLICATE_DISMISSALS_KEY, value: [...keys, key] });
        }),
      ),
    [db],
  );
  return { dismissed, dismiss };
}
