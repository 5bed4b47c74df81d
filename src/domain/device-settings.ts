/** Per-device preferences; they never sync. The form validates them with deviceSettingsSchema. */
export type DeviceSettings = {
  readonly feed_size: number;
  readonly batching_delay_ms: number;
  readonly quiet_days: number;
  readonly country_code: string;
};

export const DEFAULT_DEVICE_SETTINGS: DeviceSettings = { feed_size: 10, batching_delay_ms: 50, quiet_days: 14, country_code: '1' };

/** Stored values over the defaults, ignoring any stored value of the wrong type. */
export function withDefaultSettings(stored: Readonly<Record<string, unknown>>): DeviceSettings {
  const pick = <K extends keyof DeviceSettings>(key: K): DeviceSettings[K] =>
    typeof stored[key] === typeof DEFAULT_DEVICE_SETTINGS[key] ? (stored[key] as DeviceSettings[K]) : DEFAULT_DEVICE_SETTINGS[key];
  return { feed_size: pick('feed_size'), batching_delay_ms: pick('batching_delay_ms'), quiet_days: pick('quiet_days'), country_code: pick('country_code') };
}
