import { z } from 'zod';

/** Per-device preferences as typed into the settings form. */
export const deviceSettingsSchema = z.object({
  feed_size: z.coerce.number().int().min(3, 'Show at least 3 activities').max(50, 'Show at most 50 activities'),
  batching_delay_ms: z.coerce.number().int().min(0, 'The delay cannot be negative').max(2000, 'Keep the delay under 2,000 ms'),
  quiet_days: z.coerce.number().int().min(1, 'At least 1 day').max(365, 'At most 365 days'),
  country_code: z
    .string()
    .trim()
    .regex(/^\+?\d{0,4}$/, 'Enter a calling code like 1 or 44')
    .transform((value) => value.replace('+', '')),
});
