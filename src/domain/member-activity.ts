import { z } from 'zod';
import { daySchema, syncColumnsShape, timestampSchema } from './sync-columns';

export const ACTIVITY_TYPES = [
  'contact_added',
  'contact_updated',
  'contact_deleted',
  'stage_changed',
  'call',
  'text',
  'whatsapp',
  'email_sent',
  'follow_up_set',
  'note',
  'test',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const OUTCOMES = ['connected', 'no_answer', 'left_message', 'booked', 'not_now'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Readonly<Record<Outcome, string>> = {
  connected: 'connected',
  no_answer: 'no answer',
  left_message: 'left message',
  booked: 'booked',
  not_now: 'not now',
};

/**
 * What an activity remembers about its subject, so its description survives the contact being renamed
 * or deleted. Unknown keys from newer clients pass through untouched.
 */
export const activityMetadataSchema = z.looseObject({
  contact_name: z.string().max(201).optional(),
  template_name: z.string().max(80).optional(),
  subject: z.string().max(200).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  stage: z.string().max(40).optional(),
  follow_up_on: daySchema.optional(),
  note: z.string().max(500).optional(),
});
export type ActivityMetadata = z.infer<typeof activityMetadataSchema>;

export const memberActivitySchema = z.object({
  ...syncColumnsShape,
  contact_id: z.uuid().nullable(),
  activity_type: z.enum(ACTIVITY_TYPES),
  metadata: activityMetadataSchema,
  occurred_at: timestampSchema,
});
export type MemberActivity = z.infer<typeof memberActivitySchema>;

/** Activity types that count as reaching out (they reset a contact's "gone quiet" clock). */
export const OUTREACH_TYPES: ReadonlySet<ActivityType> = new Set(['call', 'text', 'whatsapp', 'email_sent']);
