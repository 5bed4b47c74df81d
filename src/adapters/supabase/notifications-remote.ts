import type { SupabaseClient } from '@supabase/supabase-js';
import type { DigestSettings, PushPreferences } from '../../domain/notification-preferences';
import { err, ok, type Result } from '../../shared/result';
import { readableMessages, readableRunner } from './readable-answers';
import type { Database } from './database.types';

/*
 * Notifications over supabase-js (migration 20261129001100_notifications.sql): this device's push
 * subscription and its preferences (push_subscriptions, one row per device), the member's digest
 * email (notification_settings), and the VAPID public key (the push-key function). Every failure
 * answers with a sentence a member can read.
 */

export type { DigestSettings, PushPreferences };

export type DeviceKeys = { readonly endpoint: string; readonly p256dh: string; readonly auth: string };

const MESSAGES = readableMessages('Sign in again to change notifications.');
const run = readableRunner(MESSAGES);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const hour = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 23 ? value : null);

export function parsePreferences(value: unknown): PushPreferences | null {
  if (!isRecord(value)) return null;
  const [reminder, start, end] = [hour(value['reminder_hour']), hour(value['quiet_start']), hour(value['quiet_end'])];
  const flags = ['follow_ups', 'hot_leads', 'team', 'sync_problems'] as const;
  if (reminder === null || start === null || end === null || flags.some((flag) => typeof value[flag] !== 'boolean')) return null;
  return {
    follow_ups: value['follow_ups'] === true,
    hot_leads: value['hot_leads'] === true,
    team: value['team'] === true,
    sync_problems: value['sync_problems'] === true,
    reminder_hour: reminder,
    quiet_start: start,
    quiet_end: end,
  };
}

const PREFERENCE_COLUMNS = 'follow_ups, hot_leads, team, sync_problems, reminder_hour, quiet_start, quiet_end';

export function createNotificationsRemote(client: SupabaseClient<Database>, functionsUrl: string, fetcher: typeof fetch = (...args) => fetch(...args)) {
  return {
    /** The VAPID public key push subscriptions are made with. */
    async publicKey(): Promise<Result<string, string>> {
      try {
        const response = await fetcher(`${functionsUrl.replace(/\/+$/, '')}/push-key`);
        const body = (await response.json().catch(() => null)) as unknown;
        if (response.ok && isRecord(body) && typeof body['publicKey'] === 'string' && body['publicKey'] !== '') return ok(body['publicKey']);
        return err('Notifications are not set up on this server yet.');
      } catch {
        return err(MESSAGES.offline);
      }
    },
    /** Registers (again: on every launch) this device's subscription; its preferences are kept. */
    subscribe: (device: DeviceKeys, userAgent: string, timeZone: string) =>
      run(
        () => client.rpc('push_subscribe', { endpoint: device.endpoint, p256dh: device.p256dh, auth: device.auth, user_agent: userAgent.slice(0, 300), time_zone: timeZone }),
        (data) => (typeof data === 'string' ? data : null),
      ),
    unsubscribe: (endpoint: string) => run(() => client.rpc('push_unsubscribe', { endpoint }), () => true as const),
    preferences: (endpoint: string) =>
      run(
        () => client.from('push_subscriptions').select(PREFERENCE_COLUMNS).eq('endpoint', endpoint).maybeSingle(),
        (data) => (data === null ? null : parsePreferences(data)),
      ),
    savePreferences: (endpoint: string, preferences: PushPreferences) =>
      run(
        () => client.from('push_subscriptions').update(preferences).eq('endpoint', endpoint).select(PREFERENCE_COLUMNS).single(),
        parsePreferences,
      ),
    /** The device's oldest change the server refused and nobody reviewed yet (null: none). */
    reportReviewPending: (endpoint: string, since: string | null) =>
      run(() => client.from('push_subscriptions').update({ review_pending_since: since }).eq('endpoint', endpoint), () => true as const),
    digest: () =>
      run(
        () => client.from('notification_settings').select('digest_enabled, digest_hour').maybeSingle(),
        (data): DigestSettings | null =>
          data === null ? { digest_enabled: false, digest_hour: 7 } : isRecord(data) && typeof data['digest_enabled'] === 'boolean' && hour(data['digest_hour']) !== null ? { digest_enabled: data['digest_enabled'], digest_hour: data['digest_hour'] as number } : null,
      ),
    saveDigest: (settings: DigestSettings, timeZone: string) =>
      run(() => client.from('notification_settings').upsert({ ...settings, time_zone: timeZone }), () => true as const),
  };
}

export type NotificationsRemote = ReturnType<typeof createNotificationsRemote>;
