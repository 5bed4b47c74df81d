import { useCallback } from 'react';
import { withReopen } from '../db/commit-changes';
import { useAppServices } from './app-services';
import { DUPLICATE_DISMISSALS_KEY } from './use-duplicate-dismissals';

/** Marks a group of possible duplicates (its groupKey) as "Not duplicates" on this device. */
export function useDismissDuplicates(): (key: string) => Promise<void> {
  const { db } = useAppServices();
  return useCallback(
    (key: string) =>
      withReopen(db, () =>
        db.transaction('rw', db.settings, async () => {
          const stored: unknown = (await db.settings.get(DUPLICATE_DISMISSALS_KEY))?.value;
          const keys = Array.isArray(stored) ? (stored as unknown[]) : [];
          if (!keys.includes(key)) await db.settings.put({ key: DUPLICATE_DISMISSALS_KEY, value: [...keys, key] });
        }),
      ),
    [db],
  );
}
