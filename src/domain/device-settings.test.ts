import { describe, expect, it } from 'vitest';
import { DEFAULT_DEVICE_SETTINGS, withDefaultSettings } from './device-settings';
import { deviceSettingsSchema } from './device-settings-schema';

describe('device settings', () => {
  it('falls back to defaults for missing or mistyped stored values', () => {
    expect(withDefaultSettings({ feed_size: 25, quiet_days: 'soon' })).toEqual({ ...DEFAULT_DEVICE_SETTINGS, feed_size: 25 });
  });

  it('validates the form with readable messages and normalises the calling code', () => {
    const bad = deviceSettingsSchema.safeParse({ feed_size: '1', batching_delay_ms: '-5', quiet_days: '14', country_code: 'UK' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => issue.message)).toEqual(['Show at least 3 activities', 'The delay cannot be negative', 'Enter a calling code like 1 or 44']);
    expect(deviceSettingsSchema.parse({ feed_size: '12', batching_delay_ms: '50', quiet_days: '30', country_code: '+44' })).toEqual({ feed_size: 12, batching_delay_ms: 50, quiet_days: 30, country_code: '44' });
  });
});
