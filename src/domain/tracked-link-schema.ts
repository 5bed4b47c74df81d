import { z } from 'zod';
import { LIMITS } from './limits';
import { syncColumnsShape } from './sync-columns';

/** One link of one sent message, made on the device when the message is sent; its id is in the link's code. */
export const trackedLinkSchema = z.object({
  ...syncColumnsShape,
  sent_email_id: z.uuid().nullable(),
  url: z.string().max(LIMITS.click.url),
});
export type TrackedLink = z.infer<typeof trackedLinkSchema>;
