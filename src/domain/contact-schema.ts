import { z } from 'zod';
import { CONTACT_LIMITS, CONTACT_STAGES, CONTACT_TYPES } from './contact';
import { MESSAGES } from './limit-messages';
import { PHONE_CHARS } from './limits';
import { daySchema, optionalText, syncColumnsShape, timestampSchema } from './sync-columns';

export const phoneFieldSchema = z
  .string()
  .trim()
  .overwrite((value) => value.replace(/\s+/g, ' '))
  .max(CONTACT_LIMITS.phone, MESSAGES.tooLong('Phone', CONTACT_LIMITS.phone))
  .refine((value) => PHONE_CHARS.test(value), MESSAGES.phoneChars)
  .refine((value) => value === '' || value.replace(/\D/g, '').length >= CONTACT_LIMITS.phoneMinDigits, MESSAGES.phoneDigits);

export const emailFieldSchema = z
  .string()
  .trim()
  .max(CONTACT_LIMITS.email, MESSAGES.tooLong('Email', CONTACT_LIMITS.email))
  .refine((value) => value === '' || z.email().safeParse(value).success, MESSAGES.email);

export const tagsFieldSchema = z
  .array(z.string().trim().min(1, MESSAGES.tag).max(CONTACT_LIMITS.tag, MESSAGES.tag))
  .max(CONTACT_LIMITS.tags, MESSAGES.tags);

const pointLabelSchema = z
  .string()
  .trim()
  .max(CONTACT_LIMITS.pointLabel, MESSAGES.tooLong('Label', CONTACT_LIMITS.pointLabel));

/** One phone number of a contact's list: a label and a number that passes the phone rules. */
export const phonePointSchema = z.object({ label: pointLabelSchema, value: phoneFieldSchema.refine((value) => value !== '', MESSAGES.phoneRequired) });
/** One email address of a contact's list. */
export const emailPointSchema = z.object({ label: pointLabelSchema, value: emailFieldSchema.refine((value) => value !== '', MESSAGES.emailRequired) });

/** What a person can type into the contact form; the same rules the database's CHECK constraints enforce. */
export const contactInputSchema = z.object({
  first_name: z
    .string()
    .trim()
    .min(1, MESSAGES.firstNameRequired)
    .max(CONTACT_LIMITS.name, MESSAGES.tooLong('First name', CONTACT_LIMITS.name)),
  last_name: optionalText(CONTACT_LIMITS.name, 'Last name'),
  phone: phoneFieldSchema.default(''),
  email: emailFieldSchema.default(''),
  // Every number and address, primary first; `phone` and `email` mirror the first (contact-points.ts).
  phones: z.array(phonePointSchema).max(CONTACT_LIMITS.points, MESSAGES.phonesCount).default([]),
  emails: z.array(emailPointSchema).max(CONTACT_LIMITS.points, MESSAGES.emailsCount).default([]),
  stage: z.enum(CONTACT_STAGES, { message: MESSAGES.stage }).default('new'),
  contact_type: z.enum(CONTACT_TYPES, { message: MESSAGES.contactType }).default('customer'),
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
  /** The import that created this contact, so undoing the import removes exactly its contacts. */
  import_id: z.uuid().nullable().default(null),
  /** Set (with deleted_at) when this contact was merged into another: the survivor's id. */
  merged_into: z.uuid().nullable().default(null),
});
export type Contact = z.infer<typeof contactSchema>;

/** Quick add: a name and (optionally) a phone; everything else takes its default. */
export const quickAddSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name').max(CONTACT_LIMITS.name * 2, 'That name is too long'),
  phone: phoneFieldSchema,
});
export type QuickAddInput = z.infer<typeof quickAddSchema>;
