import { z } from 'zod';
import { LIMITS } from './limits';
import { syncColumnsShape, timestampSchema } from './sync-columns';

export const CLICK_KINDS = ['person', 'preview', 'scanner'] as const;
export type ClickKind = (typeof CLICK_KINDS)[number];

/**
 * A hit on a tracked link, recorded by the redirect: a person, a link preview (the message was
 * written or delivered) or a security scanner. Only people count as opens. `sent_email_id` is null
 * until the link's row reaches the server (a message sent offline and clicked before it synced).
 */
export const emailClickSchema = z.object({
  ...syncColumnsShape,
  sent_email_id: z.uuid().nullable(),
  link_id: z.uuid().nullable(),
  url: z.string().max(LIMITS.click.url),
  clicked_at: timestampSchema,
  kind: z.enum(CLICK_KINDS),
  reason: z.string().max(100),
  network: z.string().max(64),
});
export type EmailClick = z.infer<typeof emailClickSchema>;
