import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { startNotifications } from '../../src/app/notifications';
import { createFieldbookDb } from '../../src/db/fieldbook-db';
import { readNotifications } from '../../src/db/notification-cache';
import type { AccountPort } from '../../src/hooks/app-services';
import { signedInClient } from '../support/local-stack';
import { startFakePushService, type FakePushService, type FakeSubscription } from '../support/fake-push-service';

/*
 * This device's notifications (src/app/notifications.ts) against the local stack with a real client:
 * a browser stand-in whose PushManager hands out subscriptions of a fake push service. Turning on
 * registers the device on the server; every start sends it again; preferences and the daily email are
 * saved to the server and cached; the device reports changes waiting for review; turning off and
 * signing out remove the device's row.
 */

const VAPID = { VAPID_PUBLIC_KEY: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', VAPID_PRIVATE_KEY: 'unused', VAPID_SUBJECT: 'mailto:test@example.com' };

/** A browser with push: the fake push service's subscription once the app subscribes. */
function browserWithPush(push: FakePushService) {
  let current: (FakeSubscription & { unsubscribed?: boolean }) | null = null;
  const asBrowser = (sub: FakeSubscription) => ({
    endpoint: sub.endpoint,
    getKey: (name: string) => Uint8Array.from(Buffer.from(name === 'p256dh' ? sub.keys.p256dh : sub.keys.auth, 'base64url')).buffer,
    unsubscribe: () => {
      current = null;
      return Promise.resolve(true);
    },
  });
  const pushManager = {
    getSubscription: () => Promise.resolve(current ? asBrowser(current) : null),
    subscribe: () => {
      current = push.subscribe();
      return Promise.resolve(asBrowser(current));
    },
  };
  const win = {
    navigator: { userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile', platform: 'Linux', maxTouchPoints: 5, serviceWorker: { getRegistration: () => Promise.resolve({ pushManager }) } },
    matchMedia: () => ({ matches: false }),
    PushManager: class {},
    Notification: { permission: 'granted', requestPermission: () => Promise.resolve('granted') },
  };
  return { win: win as unknown as Window, current: () => current };
}

describe('notifications on a device (local stack)', () => {
  let stack: LocalStack;
  let push: FakePushService;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, seed: false, functions: { env: VAPID } });
    push = await startFakePushService();
  }, 60_000);
  afterAll(async () => {
    await push?.close();
    await stack?.close();
  });

  it('on, sent again at every start, preferences and daily email saved, review reported; off and sign-out remove the row', async () => {
    const signed = await signedInClient(stack, 'device');
    const db = createFieldbookDb(`notify-${signed.userId}`);
    const browser = browserWithPush(push);
    const signedOut: string[] = [];
    const account = { signOut: () => Promise.resolve(void signedOut.push('signed out')) } as unknown as AccountPort;
    const start = () => startNotifications({ win: browser.win, client: signed.client, functionsUrl: `${stack.url}/functions/v1`, db, now: Date.now, log: { warn: () => undefined }, account });
    const rows = async () => (await signed.client.from('push_subscriptions').select('endpoint, hot_leads, reminder_hour, review_pending_since, last_seen_at')).data ?? [];

    const first = start();
    expect((await first.notifications.enable()).ok).toBe(true);
    const endpoint = browser.current()!.endpoint;
    expect((await rows()).map((row) => row.endpoint)).toEqual([endpoint]);
    expect((await readNotifications(db)).device?.endpoint).toBe(endpoint);

    expect((await first.notifications.savePreferences({ follow_ups: true, hot_leads: false, team: true, sync_problems: true, reminder_hour: 7, quiet_start: 22, quiet_end: 7 })).ok).toBe(true);
    expect((await first.notifications.saveDigest({ digest_enabled: true, digest_hour: 6 })).ok).toBe(true);
    expect((await signed.client.from('notification_settings').select('digest_enabled, digest_hour').single()).data).toEqual({ digest_enabled: true, digest_hour: 6 });

    // A change the server refused waits for review on this device: the next start says since when.
    const rejectedAt = Date.parse('2026-11-28T10:00:00Z');
    await db.rejected.put({ id: 'r1', table: 'contacts', row_id: 'c1', changes: {}, reason: 'x', entry_ids: [], created_at: rejectedAt });
    const seenBefore = (await rows())[0]!.last_seen_at;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = start();
    await expect.poll(async () => (await rows())[0]?.review_pending_since ?? null).not.toBeNull();
    const [again] = await rows();
    expect(Date.parse(again!.review_pending_since as string)).toBe(rejectedAt);
    expect(again!.hot_leads).toBe(false); // preferences kept when the device is sent again
    expect(Date.parse(again!.last_seen_at)).toBeGreaterThan(Date.parse(seenBefore));

    expect((await second.notifications.disable()).ok).toBe(true);
    expect(await rows()).toEqual([]);
    expect(browser.current()).toBeNull();

    // On again, then signing out removes the device before the session ends.
    expect((await second.notifications.enable()).ok).toBe(true);
    expect(await rows()).toHaveLength(1);
    await second.account.signOut();
    expect(signedOut).toEqual(['signed out']);
    expect(await rows()).toEqual([]);
    await db.delete();
  });
});
