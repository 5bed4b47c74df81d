import { useLiveQuery } from 'dexie-react-hooks';
import { useAppServices } from './app-services';

/** The device-settings row holding the group keys the member marked "Not duplicates". */
export const DUPLICATE_DISMISSALS_KEY = 'duplicate_dismissals';

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Groups the member dismissed on the Possible duplicates screen (groupKey of their ids); undefined
 * while loading. They are a device setting: they never sync, so another device may still list the
 * group. useDismissDuplicates adds one.
 */
export function useDuplicateDismissals(): ReadonlySet<string> | undefined {
  const { db } = useAppServices();
  return useLiveQuery(async () => {
    const keys: unknown = (await db.settings.get(DUPLICATE_DISMISSALS_KEY))?.value;
    return Array.isArray(keys) ? new Set(keys.filter((key): key is string => typeof key === 'string')) : EMPTY;
  }, [db]);
}
