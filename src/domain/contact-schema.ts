import { z } from 'zod';
import { CONTACT_LIMITS, CONTACT_STAGES, CONTACT_TYPES } from './contact';
import { daySchema, optionalText, syncColumnsShape, timestampSchema } from './sync-columns';

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

/** Quick add: a name and (optionally) a phone; everything else takes its default. */
export const quickAddSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name').max(CONTACT_LIMITS.name * 2, 'That name is too long'),
  phone: phoneFieldSchema,
});
export type QuickAddInput = z.infer<typeof quickAddSchema>;
