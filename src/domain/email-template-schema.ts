import { z } from 'zod';
import { TEMPLATE_CHANNELS, TEMPLATE_LIMITS } from './email-template';
import { MESSAGES } from './limit-messages';
import { optionalText, syncColumnsShape } from './sync-columns';

export const emailTemplateInputSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, MESSAGES.templateName)
    .max(TEMPLATE_LIMITS.name, MESSAGES.tooLong('Name', TEMPLATE_LIMITS.name)),
  channel: z.enum(TEMPLATE_CHANNELS, { message: MESSAGES.channel }).default('email'),
  subject: optionalText(TEMPLATE_LIMITS.subject, 'Subject'),
  body: z
    .string()
    .trim()
    .min(1, MESSAGES.templateBody)
    .max(TEMPLATE_LIMITS.body, MESSAGES.tooLong('Message', TEMPLATE_LIMITS.body)),
  /** Links in the message become tracked links when sent (off: they are sent as written). */
  track_links: z.boolean().default(true),
  /** Each send of it counts as an invitation toward the daily goals. */
  is_invitation: z.boolean().default(false),
});
export type EmailTemplateInput = z.infer<typeof emailTemplateInputSchema>;

export const emailTemplateSchema = emailTemplateInputSchema.extend(syncColumnsShape);
export type EmailTemplate = z.infer<typeof emailTemplateSchema>;
