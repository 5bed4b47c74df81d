import { z } from 'zod';
import { SYNCED_TABLES, type SyncedTable } from './synced-table';

/*
 * What the sync RPCs (sync_push, sync_pull_columns) and realtime send, checked on arrival:
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
 * A column name as the pull sends it; never `__proto__` or anything else a row key must not be. The
 * synced tables' columns follow it (tests/architecture/synced-tables.test.ts).
 */
export const COLUMN_NAME = /^[a-z][a-z0-9_]*$/;
/** The columns every synced table has; the stamps come last. */
const SYNC_COLUMNS = ['id', 'member_id', 'created_at', 'updated_at', 'deleted_at'];

type Cells = readonly unknown[];
/** A row as the engine applies it. */
type PulledRow = { readonly table: SyncedTable; readonly row: WireRow };
const columnsTable = z.object({
  table: tableName,
  columns: z
    .array(z.string().regex(COLUMN_NAME))
    .refine(
      (columns) => new Set(columns).size === columns.length && SYNC_COLUMNS.every((column) => columns.includes(column)) && columns.at(-1) === 'field_stamps',
      'A table’s columns must be named once each, include the sync columns, and end with its stamps',
    ),
  // Checked row by row while the rows are built: a page holds 1,000.
  rows: z.custom<Cells[]>(Array.isArray, 'rows must be a list'),
});

/**
 * The rows of one table of a columns page, as objects. The stamps cell is an object, or one string
 * when every stamped field of the row carries it: each stamped column gets it again, so the row is
 * stored exactly as the server holds it. null when a row is malformed.
 */
function rowsOf({ table, columns, rows }: z.infer<typeof columnsTable>): PulledRow[] | null {
  const last = columns.length - 1;
  const idAt = columns.indexOf('id');
  const stamped = columns.filter((column) => !UNSTAMPED.has(column));
  const out: PulledRow[] = [];
  for (const cells of rows) {
    if (!Array.isArray(cells) || cells.length !== columns.length || typeof cells[idAt] !== 'string') return null;
    const row: Record<string, unknown> = {};
    for (let i = 0; i < last; i += 1) row[columns[i] as string] = cells[i];
    const stamps: unknown = cells[last];
    if (typeof stamps === 'string') {
      const shared: Record<string, string> = {};
      for (const column of stamped) shared[column] = stamps;
      row['field_stamps'] = shared;
    } else if (isPlainObject(stamps) && Object.values(stamps).every((stamp) => typeof stamp === 'string')) row['field_stamps'] = stamps;
    else return null;
    out.push({ table, row: row as WireRow });
  }
  return out;
}

/**
 * A page of sync_pull_columns (supabase/migrations/20261130000400_pull_columns.sql): each table's
 * column names once, its rows as lists of values, and hard deletes as [table, id, member_id,
 * deleted_at, stamp]. Arrives as the rows the engine applies: {table, row} with the whole row.
 */
export const pullPageSchema = z
  .object({
    tables: z.array(columnsTable),
    deleted: z.array(z.tuple([tableName, z.string(), z.string(), z.string(), z.string()])),
    has_more: z.boolean(),
    next_cursor: z.record(z.string(), z.unknown()).nullable(),
    server_time: z.number(),
  })
  .transform(({ tables, deleted, has_more, next_cursor, server_time }, ctx) => {
    const rows: PulledRow[] = [];
    for (const part of tables) {
      const built = rowsOf(part);
      if (built === null) {
        ctx.addIssue({ code: 'custom', message: `A row of ${part.table} does not match its columns, lacks an id, or has stamps that are not text` });
        return z.NEVER;
      }
      for (const row of built) rows.push(row);
    }
    for (const [table, id, member_id, deleted_at, stamp] of deleted) rows.push({ table, row: { id, member_id, deleted_at, field_stamps: { deleted_at: stamp } } });
    return { rows, has_more, next_cursor, server_time };
  });

export const digestSchema = z.partialRecord(z.enum(SYNCED_TABLES), z.object({ count: z.number(), hash: z.string() }));

/** A realtime INSERT/UPDATE record: a row of a synced table. */
export const realtimeRowSchema = row;
