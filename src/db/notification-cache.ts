import type { DigestSettings, PushPreferences } from '../domain/notification-preferences';
import type { FieldbookDb } from './fieldbook-db';

/*
 * Notifications as the server last told this device (its push subscription's preferences, the
 * member's digest email), kept in the settings store so the Settings screen reads them from
 * IndexedDB, offline too. Never synced: the server's rows are the truth, written online.
 */

export type CachedNotifications = {
  /** This device's subscription as the server has it; null: notifications are off on this device. */
  readonly device: { readonly endpoint: string; readonly preferences: PushPreferences } | null;
  readonly digest: DigestSettings | null;
  /** When the server last answered (ms); null: never on this device. */
  readonly refreshedAt: number | null;
};

export const NOTIFICATIONS_KEY = 'notifications';

const EMPTY: CachedNotifications = { device: null, digest: null, refreshedAt: null };

export async function readNotifications(db: FieldbookDb): Promise<CachedNotifications> {
  const value = (await db.settings.get(NOTIFICATIONS_KEY))?.value;
  return typeof value === 'object' && value !== null ? { ...EMPTY, ...(value as Partial<CachedNotifications>) } : EMPTY;
}

/** Merges what the server just said into the cache. */
export async function writeNotifications(db: FieldbookDb, change: Partial<CachedNotifications>, now: number): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const current = await readNotifications(db);
    await db.settings.put({ key: NOTIFICATIONS_KEY, value: { ...current, ...change, refreshedAt: now } });
  });
}
