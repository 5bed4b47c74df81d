import { z } from 'zod';
import { daySchema, optionalText, syncColumnsShape, timestampSchema } from './sync-columns';

export const CONTACT_STAGES = ['new', 'contacted', 'presented', 'follow_up', 'customer', 'team_member', 'not_interested'] as const;
export type ContactStage = (typeof CONTACT_STAGES)[number];

export const STAGE_LABELS: Readonly<Record<ContactStage, string>> = {
  new: 'New',
  contacted: 'Contacted',
  presented: 'Presented',
  follow_up: 'Follow-up',
  customer: 'Customer',
  team_member: 'Team member',
  not_interested: 'Not interested',
};

export const CONTACT_TYPES = ['customer', 'business'] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];

export const CONTACT_TYPE_LABELS: Readonly<Record<ContactType, string>> = {
  customer: 'Customer path',
  business: 'Business path',
};

export const CONTACT_LIMITS = {
  name: 100,
  phone: 32,
  email: 254,
  lead_source: 100,
  tag: 40,
  tags: 20,
  notes: 5000,
} as const;

const PHONE_CHARS = /^[0-9+()\-.\s/]*$/;

export const phoneFieldSchema = z
  .string()
  .trim()
  .max(CONTACT_LIMITS.phone, `Phone can be at most ${CONTACT_LIMITS.phone} characters`)
  .refine((value) => PHONE_CHARS.test(value), 'Phone can contain digits, spaces, +, -, ( and ) only')
  .refine((value) => value === '' || value.replace(/\D/g, '').length >= 5, 'Phone needs at least 5 digits');

export const emailFieldSchema = z
  .string()
  .trim()
  .max(CONTACT_LIMITS.email, `Email can be at most ${CONTACT_LIMITS.email} characters`)
  .refine((value) => value === '' || z.email().safeParse(value).success, 'Enter an email like name@example.com');

export const tagsFieldSchema = z
  .array(z.string().trim().min(1).max(CONTACT_LIMITS.tag, `Each tag can be at most ${CONTACT_LIMITS.tag} characters`))
  .max(CONTACT_LIMITS.tags, `At most ${CONTACT_LIMITS.tags} tags`);

/** What a person can type into the contact form; the same rules the database's CHECK constraints enforce. */
export const contactInputSchema = z.object({
  first_name: z
    .string()
    .trim()
    .min(1, 'First name is required')
    .max(CONTACT_LIMITS.name, `First name can be at most ${CONTACT_LIMITS.name} characters`),
  last_name: optionalText(CONTACT_LIMITS.name, 'Last name'),
  phone: phoneFieldSchema.default(''),
  email: emailFieldSchema.default(''),
  stage: z.enum(CONTACT_STAGES, { message: 'Choose a stage from the list' }).default('new'),
  contact_type: z.enum(CONTACT_TYPES, { message: 'Choose customer path or business path' }).default('customer'),
  lead_source: optionalText(CONTACT_LIMITS.lead_source, 'Lead source'),
  tags: tagsFieldSchema.default([]),
  notes: optionalText(CONTACT_LIMITS.notes, 'Notes'),
  next_follow_up_on: daySchema.nullable().default(null),
});
export type ContactInput = z.infer<typeof contactInputSchema>;
export type ContactInputDraft = z.input<typeof contactInputSchema>;

export const contactSchema = contactInputSchema.extend({
  ...syncColumnsShape,
  last_touched_at: timestampSchema,
});
export type Contact = z.infer<typeof contactSchema>;

export function contactFullName(contact: Pick<Contact, 'first_name' | 'last_name'>): string {
  return [contact.first_name, contact.last_name].filter((part) => part.trim() !== '').join(' ');
}

/** Quick add takes one name field: the first word is the first name, the rest the last name. */
export function splitFullName(fullName: string): { first_name: string; last_name: string } {
  const trimmed = fullName.trim().replace(/\s+/g, ' ');
  const space = trimmed.indexOf(' ');
  if (space === -1) return { first_name: trimmed, last_name: '' };
  return { first_name: trimmed.slice(0, space), last_name: trimmed.slice(space + 1) };
}

/** Comma-separated tags as typed into a form, de-duplicated case-insensitively. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim();
    if (tag === '' || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  return tags;
}

/** Quick add: a name and (optionally) a phone; everything else takes its default. */
export const quickAddSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name').max(CONTACT_LIMITS.name * 2, 'That name is too long'),
  phone: phoneFieldSchema,
});
export type QuickAddInput = z.infer<typeof quickAddSchema>;
