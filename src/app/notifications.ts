import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../adapters/supabase/database.types';
import { createNotificationsRemote } from '../adapters/supabase/notifications-remote';
import { currentSubscription, pushSupport, subscribeDevice, unsubscribeDevice } from '../adapters/browser/web-push-subscription';
import type { FieldbookDb } from '../db/fieldbook-db';
import { readNotifications, writeNotifications } from '../db/notification-cache';
import type { AccountPort, NotificationsPort } from '../hooks/app-services';
import type { ScopedLogger } from '../shared/logger';
import { err, ok } from '../shared/result';

const DONE = ok(true as const);

/** The member's time zone as this device knows it (the sender's reminders and quiet hours use it). */
const timeZoneOf = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * Notifications for the signed-in member on this device. At every start, a device that has a push
 * subscription sends it again (push services may drop one quietly; Apple's answers 200 even for an
 * expired one, so the server cannot tell), reads its preferences into the cache and reports whether
 * changes the server refused are waiting for review here.
 */
export function startNotifications(options: {
  readonly win: Window;
  readonly client: SupabaseClient<Database>;
  readonly functionsUrl: string;
  readonly db: FieldbookDb;
  readonly now: () => number;
  readonly log: Pick<ScopedLogger, 'warn'>;
  /** The signed-in account: signing out also stops this device receiving the member's pushes. */
  readonly account: AccountPort;
}): { readonly notifications: NotificationsPort; readonly account: AccountPort } {
  const notifications = deviceNotifications(options);
  // Sent again at every start; offline, the next start does it.
  void notifications.refresh();
  const { account } = options;
  return {
    notifications,
    account: {
      ...account,
      async signOut() {
        await notifications.forgetDevice();
        await account.signOut();
      },
    },
  };
}

function deviceNotifications(options: Omit<Parameters<typeof startNotifications>[0], 'account'>): NotificationsPort & { readonly forgetDevice: () => Promise<void> } {
  const { win, db, now, log } = options;
  const remote = createNotificationsRemote(options.client, options.functionsUrl.replace(/\/+$/, ''));

  const oldestUnreviewed = async (): Promise<string | null> => {
    const oldest = await db.rejected.orderBy('created_at').first();
    return oldest ? new Date(oldest.created_at).toISOString() : null;
  };

  const refresh = async () => {
    const device = await currentSubscription(win).catch(() => null);
    const [digest, preferences] = await Promise.all([remote.digest(), device ? remote.subscribe(device, win.navigator.userAgent, timeZoneOf()).then(async (answer) => (answer.ok ? remote.preferences(device.endpoint) : answer)) : Promise.resolve(null)]);
    if (!digest.ok) return digest;
    if (preferences && !preferences.ok) return preferences;
    await writeNotifications(db, { device: device && preferences?.ok ? { endpoint: device.endpoint, preferences: preferences.value } : null, digest: digest.value }, now());
    if (device) {
      const reported = await remote.reportReviewPending(device.endpoint, await oldestUnreviewed());
      if (!reported.ok) log.warn('review pending not reported', { message: reported.error });
    }
    return DONE;
  };

  return {
    support: () => pushSupport(win),
    refresh,
    async enable() {
      const key = await remote.publicKey();
      if (!key.ok) return key;
      const subscribed = await subscribeDevice(win, key.value);
      if (!subscribed.ok) return subscribed;
      const saved = await remote.subscribe(subscribed.value, win.navigator.userAgent, timeZoneOf());
      if (!saved.ok) return saved;
      return refresh();
    },
    async disable() {
      const endpoint = (await readNotifications(db)).device?.endpoint ?? (await currentSubscription(win).catch(() => null))?.endpoint ?? null;
      if (endpoint) {
        const answer = await remote.unsubscribe(endpoint);
        if (!answer.ok) return answer;
      }
      await unsubscribeDevice(win).catch((error: unknown) => log.warn('browser unsubscribe failed', { error: String(error) }));
      await writeNotifications(db, { device: null }, now());
      return DONE;
    },
    async savePreferences(preferences) {
      const device = (await readNotifications(db)).device;
      if (!device) return err('Turn on notifications on this device first.');
      const answer = await remote.savePreferences(device.endpoint, preferences);
      if (!answer.ok) return answer;
      await writeNotifications(db, { device: { endpoint: device.endpoint, preferences: answer.value } }, now());
      return DONE;
    },
    async saveDigest(digest) {
      const answer = await remote.saveDigest(digest, timeZoneOf());
      if (!answer.ok) return answer;
      await writeNotifications(db, { digest }, now());
      return DONE;
    },
    /** Signing out: this device stops receiving the member's pushes (best effort when offline). */
    async forgetDevice() {
      const endpoint = (await currentSubscription(win).catch(() => null))?.endpoint;
      if (!endpoint) return;
      const answer = await remote.unsubscribe(endpoint);
      if (!answer.ok) log.warn('push subscription not removed on sign-out', { message: answer.error });
      await unsubscribeDevice(win).catch(() => null);
    },
  };
}
