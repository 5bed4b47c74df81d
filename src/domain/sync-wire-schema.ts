import { z } from 'zod';
import { SYNCED_TABLES } from './synced-table';

/*
 * What the sync RPCs and realtime send (supabase/migrations/*_sync_rpcs.sql), checked on arrival:
 * malformed network data is logged and ignored, never written to IndexedDB.
 */

type WireRow = Readonly<Record<string, unknown>> & { readonly id: string; readonly field_stamps?: Readonly<Record<string, string>> };

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A row of a synced table: an id, and stamps that are strings. Checked by hand: a page holds 1,000. */
function isWireRow(value: unknown): value is WireRow {
  if (!isPlainObject(value) || typeof value['id'] !== 'string') return false;
  const stamps = value['field_stamps'];
  if (stamps === undefined) return true;
  if (!isPlainObject(stamps)) return false;
  for (const key in stamps) if (typeof stamps[key] !== 'string') return false;
  return true;
}

const row = z.custom<WireRow>(isWireRow, 'A row needs an id, and its stamps must be text');
const tableName = z.enum(SYNCED_TABLES);
const remoteRow = z.object({ table: tableName, row });

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

/** Columns the server never stamps: the row's identity and its times. */
const UNSTAMPED = new Set(['id', 'member_id', 'created_at', 'updated_at', 'field_stamps']);

/**
 * sync_pull sends the stamps of a row whose fields all share one stamp as {"": stamp}; this gives
 * every stamped column that stamp again, so the row is stored exactly as the server holds it.
 */
export function expandStamps<T extends { readonly field_stamps?: Readonly<Record<string, string>> | undefined }>(row: T): T {
  const stamps = row.field_stamps;
  if (stamps === undefined || !Object.hasOwn(stamps, '')) return row;
  const { '': shared, ...own } = stamps;
  const expanded: Record<string, string> = {};
  for (const column of Object.keys(row)) if (!UNSTAMPED.has(column) && shared !== undefined) expanded[column] = shared;
  return { ...row, field_stamps: { ...expanded, ...own } };
}

export const pullPageSchema = z.object({
  rows: z.array(z.object({ table: tableName, row: row.transform(expandStamps) })),
  has_more: z.boolean(),
  next_cursor: z.record(z.string(), z.unknown()).nullable(),
  server_time: z.number(),
});

export const digestSchema = z.partialRecord(z.enum(SYNCED_TABLES), z.object({ count: z.number(), hash: z.string() }));

/** A realtime INSERT/UPDATE record: a row of a synced table. */
export const realtimeRowSchema = row;
