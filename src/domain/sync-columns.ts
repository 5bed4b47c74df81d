import { z } from 'zod';
import { MESSAGES } from './limit-messages';
import { withinYears } from './limits';

/** ISO timestamps as Postgres `timestamptz` renders them through PostgREST, or as the client writes them. */
export const timestampSchema = z.iso.datetime({ offset: true }).refine(withinYears, MESSAGES.year);

/** A local calendar day, `YYYY-MM-DD`. */
export const daySchema = z.iso.date().refine(withinYears, MESSAGES.year);

/** Per-field HLC stamps: the field name to the stamp of its last write. */
export const fieldStampsSchema = z.record(z.string(), z.string());

/**
 * The columns every synced table has, with the names the Supabase tables use, so a row is stored
 * locally exactly as the server sends it: client-generated uuid, owner, times, tombstone, stamps.
 */
export const syncColumnsShape = {
  id: z.uuid(),
  member_id: z.uuid(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
  deleted_at: timestampSchema.nullable(),
  field_stamps: fieldStampsSchema,
} as const;

/** Trims and collapses an optional text input to '' so forms and rows agree. */
export const optionalText = (max: number, label: string) =>
  z.string().trim().max(max, MESSAGES.tooLong(label, max)).default('');
