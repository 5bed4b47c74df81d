import { z } from 'zod';
import { LIMITS } from './limits';
import { syncColumnsShape, timestampSchema } from './sync-columns';

/**
 * One merge into a surviving contact (a synced row), enough to undo it on any device:
 * - `applied`: the fields the merge wrote on the survivor, `before`: their values before it;
 * - `merged_ids`: the contacts merged away (each deleted, with merged_into = survivor_id);
 * - `moved`: ids of the activities and sent messages re-pointed from a merged-away contact, by table.
 * An import's merge into an existing contact has `import_id` and no merged_ids.
 */
export const contactMergeSchema = z.object({
  ...syncColumnsShape,
  survivor_id: z.uuid(),
  merged_ids: z.array(z.uuid()).max(LIMITS.contactMerge.merged),
  import_id: z.uuid().nullable(),
  applied: z.record(z.string(), z.unknown()),
  before: z.record(z.string(), z.unknown()),
  moved: z.record(z.string(), z.array(z.uuid())),
  undone_at: timestampSchema.nullable(),
});
export type ContactMerge = z.infer<typeof contactMergeSchema>;
