import { z } from 'zod';
import { optionalText, syncColumnsShape } from './sync-columns';
import { phoneFieldSchema } from './contact-schema';

export const memberProfileInputSchema = z.object({
  full_name: optionalText(100, 'Name'),
  company: optionalText(100, 'Company'),
  phone: phoneFieldSchema.default(''),
  timezone: z
    .string()
    .trim()
    .max(64)
    .refine((value) => value === '' || /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(value), 'Choose a time zone like Europe/London')
    .default(''),
});
export type MemberProfileInput = z.infer<typeof memberProfileInputSchema>;

/** One profile per member; its id is the member id. */
export const memberProfileSchema = memberProfileInputSchema.extend(syncColumnsShape);
export type MemberProfile = z.infer<typeof memberProfileSchema>;
