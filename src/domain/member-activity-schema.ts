import { z } from 'zod';
import { ACTIVITY_TYPES, OUTCOMES } from './member-activity';
import { LIMITS } from './limits';
import { daySchema, syncColumnsShape, timestampSchema } from './sync-columns';

/**
 * What an activity remembers about its subject, so its description survives the contact being renamed
 * or deleted. Unknown keys from newer clients pass through untouched.
 */
export const activityMetadataSchema = z.looseObject({
  contact_name: z.string().max(LIMITS.activity.contact_name).optional(),
  template_name: z.string().max(LIMITS.activity.template_name).optional(),
  subject: z.string().max(LIMITS.activity.subject).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  stage: z.string().max(LIMITS.activity.stage).optional(),
  /** A touch: the contact's stage when it happened (a touch past "new" is a follow-up, see goals.ts). */
  from_stage: z.string().max(LIMITS.activity.stage).optional(),
  follow_up_on: daySchema.optional(),
  note: z.string().max(LIMITS.activity.note).optional(),
  /** An import or merge: how many contacts, and (an import) where they came from. */
  count: z.number().int().min(0).max(1_000_000).optional(),
  source: z.string().max(LIMITS.contactImport.source).optional(),
  /** A link opened: its target. */
  url: z.string().max(500).optional(),
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

