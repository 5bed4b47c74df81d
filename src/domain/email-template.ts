import { z } from 'zod';
import { optionalText, syncColumnsShape } from './sync-columns';

export const TEMPLATE_CHANNELS = ['email', 'sms', 'whatsapp'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

export const CHANNEL_LABELS: Readonly<Record<TemplateChannel, string>> = {
  email: 'Email',
  sms: 'Text message',
  whatsapp: 'WhatsApp',
};

export const TEMPLATE_LIMITS = { name: 80, subject: 200, body: 5000 } as const;

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
