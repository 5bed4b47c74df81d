import { z } from 'zod';
import { SYNCED_TABLES } from './synced-table';

/*
 * What the sync RPCs and realtime send (supabase/migrations/*_sync_protocol.sql), checked on arrival:
 * malformed network data is logged and ignored, never written to IndexedDB.
 */

const row = z.looseObject({ id: z.string(), field_stamps: z.record(z.string(), z.string()).optional() });
const remoteRow = z.object({ table: z.enum(SYNCED_TABLES), row });

export const pushResponseSchema = z.object({
  results: z.array(
    z.union([
      z.object({ mutation_id: z.string(), status: z.enum(['applied', 'duplicate']) }),
      z.object({ mutation_id: z.string(), status: z.literal('rejected'), reason: z.string() }),
    ]),
  ),
  rows: z.array(remoteRow),
  server_time: z.number(),
});

export const pullPageSchema = z.object({
  rows: z.array(remoteRow),
  has_more: z.boolean(),
  next_cursor: z.record(z.string(), z.unknown()).nullable(),
  server_time: z.number(),
});

export const digestSchema = z.partialRecord(z.enum(SYNCED_TABLES), z.object({ count: z.number(), hash: z.string() }));

/** A realtime INSERT/UPDATE record: a row of a synced table. */
export const realtimeRowSchema = row;
