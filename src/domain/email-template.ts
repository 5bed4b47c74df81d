export const TEMPLATE_CHANNELS = ['email', 'sms', 'whatsapp'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

export const CHANNEL_LABELS: Readonly<Record<TemplateChannel, string>> = {
  email: 'Email',
  sms: 'Text message',
  whatsapp: 'WhatsApp',
};

export const TEMPLATE_LIMITS = { name: 80, subject: 200, body: 5000 } as const;

export type { EmailTemplate, EmailTemplateInput } from './email-template-schema';
