/*
 * What a member chooses about notifications: per device (push_subscriptions) which kinds arrive and
 * when, and per member the daily email (notification_settings).
 */

export type PushPreferences = {
  readonly follow_ups: boolean;
  readonly hot_leads: boolean;
  readonly team: boolean;
  readonly sync_problems: boolean;
  /** Local hour (0–23) of the daily follow-up reminder. */
  readonly reminder_hour: number;
  /** Quiet from quiet_start until quiet_end (local hours, wrapping midnight; equal: never quiet). */
  readonly quiet_start: number;
  readonly quiet_end: number;
};

export type DigestSettings = { readonly digest_enabled: boolean; readonly digest_hour: number };
