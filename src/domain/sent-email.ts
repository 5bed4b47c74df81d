import { z } from 'zod';
import { syncColumnsShape, timestampSchema } from './sync-columns';
import { TEMPLATE_LIMITS } from './email-template';

export const SENT_EMAIL_STATUSES = ['handed_off', 'sent', 'delivered', 'bounced'] as const;

/** An email handed to the user's mail app (status `handed_off`); delivery tracking may refine it later. */
export const sentEmailSchema = z.object({
  ...syncColumnsShape,
  contact_id: z.uuid().nullable(),
  template_id: z.uuid().nullable(),
  to_email: z.string().max(254),
  subject: z.string().max(TEMPLATE_LIMITS.subject),
  body: z.string().max(TEMPLATE_LIMITS.body * 2),
  status: z.enum(SENT_EMAIL_STATUSES),
  sent_at: timestampSchema,
});
export type SentEmail = z.infer<typeof sentEmailSchema>;
