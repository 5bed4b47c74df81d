import { z } from 'zod';
import { MESSAGES } from './limit-messages';
import { LIMITS, TIMEZONE_PATTERN } from './limits';
import { optionalText, syncColumnsShape } from './sync-columns';
import { phoneFieldSchema } from './contact-schema';

export const memberProfileInputSchema = z.object({
  full_name: optionalText(LIMITS.profile.full_name, 'Name'),
  company: optionalText(LIMITS.profile.company, 'Company'),
  phone: phoneFieldSchema.default(''),
  timezone: z
    .string()
    .trim()
    .max(LIMITS.profile.timezone, MESSAGES.timezone)
    .refine((value) => value === '' || TIMEZONE_PATTERN.test(value), MESSAGES.timezone)
    .default(''),
});
export type MemberProfileInput = z.infer<typeof memberProfileInputSchema>;

/** One profile per member; its id is the member id. */
export const memberProfileSchema = memberProfileInputSchema.extend(syncColumnsShape);
export type MemberProfile = z.infer<typeof memberProfileSchema>;
