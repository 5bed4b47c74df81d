import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { createFieldbookDb } from '../../src/db/fieldbook-db';
import { formatHlc } from '../../src/domain/hlc';
import { SYNCED_TABLES } from '../../src/domain/synced-table';
import { SYNCED_TABLE_SCHEMAS } from '../../src/domain/synced-table-schemas';
import { COLUMN_NAME } from '../../src/domain/sync-wire-schema';
import { as, createSchemaDb, createUser, member, mutation, push } from '../support/schema-db';

/*
 * The synced-table registry has two halves: SYNCED_TABLE_REGISTRY (with SYNCED_TABLE_SCHEMAS) on the
 * client and sync.tables
 * (sync.register_table) on the server. Everything else follows from them; this fails when any part
 * disagrees: the server's registry, the realtime publication, the merge and tombstone triggers, the
 * pull index, the digest, the client's zod schemas, the Dexie stores and the generated types.
 */

let db: PGlite;
beforeAll(async () => {
  db = await createSchemaDb({ seed: false });
}, 60_000);
afterAll(async () => db?.close());

const rows = async <T,>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;

describe('[SV9] the synced-table registry', () => {
  it('the server registers the client’s tables, in the same order', async () => {
    expect((await rows<{ name: string }>('select name from sync.tables order by ord')).map((row) => row.name)).toEqual([...SYNCED_TABLES]);
  });

  it('every registered table is published to Realtime with its tombstones, and has its triggers and pull index', async () => {
    const published = await rows<{ tablename: string }>(`select tablename from pg_publication_tables where pubname = 'supabase_realtime' order by tablename`);
    expect(published.map((row) => row.tablename)).toEqual([...SYNCED_TABLES, 'sync_deleted_rows'].sort());
    for (const table of SYNCED_TABLES) {
      const triggers = await rows<{ tgname: string }>(`select tgname from pg_trigger where tgrelid = format('public.%I', $1::text)::regclass and not tgisinternal order by tgname`, [table]);
      // A table may have triggers of its own too (contacts keep phone and phones in step).
      expect(triggers.map((row) => row.tgname), table).toEqual(expect.arrayContaining(['merge_fields', 'refuse_tombstoned', 'remember_delete']));
      const index = await rows<{ def: string }>(`select pg_get_indexdef(indexrelid) as def from pg_index where indexrelid = to_regclass(format('public.%I', $1 || '_sync'))`, [table]);
      expect(index[0]?.def, table).toMatch(/\(member_id, sync_xid, id\)/);
    }
  });

  it('the client’s zod schema of each table has exactly its columns (sync_xid, the server’s, aside)', async () => {
    for (const table of SYNCED_TABLES) {
      const columns = await rows<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 and column_name <> 'sync_xid' order by column_name`,
        [table],
      );
      expect(Object.keys(SYNCED_TABLE_SCHEMAS[table].shape).sort(), table).toEqual(columns.map((row) => row.column_name));
    }
  });

  it('every table’s pulled columns have names the client accepts, and fit in one row of the columns pull', async () => {
    for (const table of SYNCED_TABLES) {
      const { columns } = (await rows<{ columns: string[] }>('select columns from sync.pull_columns_of($1)', [table]))[0]!;
      for (const column of columns) expect(column, table).toMatch(COLUMN_NAME);
      // json_build_array takes at most 100 arguments: the columns and the stamps.
      expect(columns.length + 1, table).toBeLessThanOrEqual(100);
    }
  });

  it('the device database has a store per synced table, keyed by id', async () => {
    const local = createFieldbookDb(`registry-${crypto.randomUUID()}`);
    await local.open();
    for (const table of SYNCED_TABLES) expect(local.table(table).schema.primKey.name, table).toBe('id');
    local.close();
    await local.delete();
  });

  it('the generated database types have every synced table', () => {
    const types = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'adapters', 'supabase', 'database.types.ts'), 'utf8');
    for (const table of SYNCED_TABLES) expect(types, table).toContain(`      ${table}: {\n        Row: {`);
  });

  it('the digest covers exactly the registered tables', async () => {
    const sub = await createUser(db, 'registry-digest@example.com');
    const digest = await as(db, member(sub), async (tx) => (await tx.query<{ d: Record<string, unknown> }>('select public.sync_digest() as d')).rows[0]!.d);
    expect(Object.keys(digest).sort()).toEqual([...SYNCED_TABLES].sort());
  });

  it('one registration makes a new table sync: push, pull, digest, tombstones and realtime', async () => {
    await db.exec(`
      create table public.registry_probe (
        id uuid primary key default gen_random_uuid(),
        member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
        note text not null default '',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        deleted_at timestamptz,
        field_stamps jsonb not null default '{}'::jsonb,
        sync_xid xid8 not null default pg_current_xact_id()
      );
      alter table public.registry_probe enable row level security;
      create policy probe_own on public.registry_probe for all to authenticated using (member_id = auth.uid()) with check (member_id = auth.uid());
      grant select, insert, update, delete on public.registry_probe to authenticated;
      select sync.register_table('registry_probe');
    `);
    const sub = await createUser(db, 'registry-probe@example.com');
    const id = crypto.randomUUID();
    const pushed = await push(db, sub, [mutation('registry_probe', id, { note: 'hello' }, formatHlc({ physical: Date.now() - 10, counter: 0, node: 'p' }), 'insert')]);
    expect(pushed.results[0]?.status).toBe('applied');
    const pulled = await as(db, member(sub), async (tx) => (await tx.query<{ r: { rows: { table: string; row: Record<string, unknown> }[] } }>('select public.sync_pull(null, 100) as r')).rows[0]!.r);
    expect(pulled.rows.find((row) => row.table === 'registry_probe')?.row).toMatchObject({ id, note: 'hello' });
    await as(db, member(sub), (tx) => tx.query('delete from public.registry_probe where id = $1', [id]));
    expect(await rows('select 1 from public.sync_deleted_rows where table_name = $1 and id = $2', ['registry_probe', id])).toHaveLength(1);
    const digest = await as(db, member(sub), async (tx) => (await tx.query<{ d: Record<string, unknown> }>('select public.sync_digest() as d')).rows[0]!.d);
    expect(digest).toHaveProperty('registry_probe');
    expect(await rows(`select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'registry_probe'`)).toHaveLength(1);
    // A table without the sync columns or without RLS is refused with a message that says why.
    await db.exec('create table public.registry_bad (id uuid primary key)');
    await expect(db.query(`select sync.register_table('registry_bad')`)).rejects.toThrow(/cannot sync: it has no member_id column/);
  });
});
