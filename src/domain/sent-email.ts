import { z } from 'zod';
import { syncColumnsShape, timestampSchema } from './sync-columns';
import { LIMITS } from './limits';

export const SENT_EMAIL_STATUSES = ['handed_off', 'sent', 'delivered', 'bounced'] as const;

/** A message (email, text or WhatsApp) handed to the user's app (status `handed_off`); delivery tracking may refine it later. */
export const sentEmailSchema = z.object({
  ...syncColumnsShape,
  contact_id: z.uuid().nullable(),
  template_id: z.uuid().nullable(),
  to_email: z.string().max(LIMITS.sentEmail.to_email),
  subject: z.string().max(LIMITS.sentEmail.subject),
  body: z.string().max(LIMITS.sentEmail.body),
  status: z.enum(SENT_EMAIL_STATUSES),
  /** How it went out: the mail app, the SMS app or WhatsApp. */
  channel: z.enum(['email', 'sms', 'whatsapp']),
  sent_at: timestampSchema,
});
export type SentEmail = z.infer<typeof sentEmailSchema>;
