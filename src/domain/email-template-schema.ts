import { z } from 'zod';
import { TEMPLATE_CHANNELS, TEMPLATE_LIMITS } from './email-template';
import { optionalText, syncColumnsShape } from './sync-columns';

export const emailTemplateInputSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the template a name')
    .max(TEMPLATE_LIMITS.name, `Name can be at most ${TEMPLATE_LIMITS.name} characters`),
  channel: z.enum(TEMPLATE_CHANNELS, { message: 'Choose email, text message or WhatsApp' }).default('email'),
  subject: optionalText(TEMPLATE_LIMITS.subject, 'Subject'),
  body: z
    .string()
    .trim()
    .min(1, 'Write the message')
    .max(TEMPLATE_LIMITS.body, `Message can be at most ${TEMPLATE_LIMITS.body} characters`),
});
export type EmailTemplateInput = z.infer<typeof emailTemplateInputSchema>;

export const emailTemplateSchema = emailTemplateInputSchema.extend(syncColumnsShape);
export type EmailTemplate = z.infer<typeof emailTemplateSchema>;
