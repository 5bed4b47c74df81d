import { LIMITS } from './limits';

export const TEMPLATE_CHANNELS = ['email', 'sms', 'whatsapp'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

export const CHANNEL_LABELS: Readonly<Record<TemplateChannel, string>> = {
  email: 'Email',
  sms: 'Text message',
  whatsapp: 'WhatsApp',
};

/** Field limits of a template (the one source is limits.ts). */
export const TEMPLATE_LIMITS = LIMITS.template;

export type { EmailTemplate, EmailTemplateInput } from './email-template-schema';
