import { z } from 'zod';
import { LIMITS } from './limits';
import { syncColumnsShape, timestampSchema } from './sync-columns';

/**
 * A recorded link click. Security gateways prefetch links and privacy proxies preload pixels, so a
 * single click is never treated as a hot-lead signal.
 */
export const emailClickSchema = z.object({
  ...syncColumnsShape,
  sent_email_id: z.uuid(),
  url: z.string().max(LIMITS.click.url),
  clicked_at: timestampSchema,
});
export type EmailClick = z.infer<typeof emailClickSchema>;
