import { z } from 'zod';
import { MESSAGES } from './limit-messages';
import { LIMITS, TIMEZONE_PATTERN } from './limits';
import { optionalText, syncColumnsShape, timestampSchema } from './sync-columns';
import { WIN_KINDS } from './team-feed-schema';
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

/**
 * One profile per member; its id is the member id. Which wins the member shares with their team is
 * set on its own (never by the profile form), so it is not part of the form's input.
 */
export const memberProfileSchema = memberProfileInputSchema.extend({
  ...syncColumnsShape,
  share_wins: z.array(z.enum(WIN_KINDS)).max(WIN_KINDS.length).default([]),
  share_wins_asked_at: timestampSchema.nullable().default(null),
  /** The member's secret for the ids of their wins and reactions (made by the server, read by nobody else). */
  win_salt: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .nullable()
    .default(null),
});
export type MemberProfile = z.infer<typeof memberProfileSchema>;
