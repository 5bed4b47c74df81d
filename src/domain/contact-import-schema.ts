import { z } from 'zod';
import { LIMITS } from './limits';
import { syncColumnsShape, timestampSchema } from './sync-columns';

/**
 * One import of contacts from a file or the phone (a synced row): where they came from and how many
 * were created and merged. The contacts it created carry its id (contacts.import_id); the contacts it
 * added to have a contact_merges row with it. `undone_at` is set when the import was undone.
 */
export const contactImportSchema = z.object({
  ...syncColumnsShape,
  source: z.string().max(LIMITS.contactImport.source),
  file_name: z.string().max(LIMITS.contactImport.file_name),
  created_count: z.number().int().min(0),
  merged_count: z.number().int().min(0),
  undone_at: timestampSchema.nullable(),
});
export type ContactImport = z.infer<typeof contactImportSchema>;
