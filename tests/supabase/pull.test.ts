import { createHash } from 'node:crypto';
import { digestText } from '../../src/domain/digest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { formatHlc } from '../../src/domain/hlc';
import { pullPageSchema } from '../../src/domain/sync-wire-schema';
import { as, createSchemaDb, createUser, member, mutation, push } from '../support/schema-db';

type PullPage = { rows: { table: string; row: { id: string; deleted_at?: string | null; first_name?: string } }[]; has_more: boolean; next_cursor: unknown; server_time: number };

let db: PGlite;
let a: string;
let b: string;

const pull = (sub: string, cursor: unknown, pageSize = 1000) =>
  as(db, member(sub), async (tx) => (await tx.query<{ r: PullPage }>('select public.sync_pull($1::jsonb, $2) as r', [cursor === null ? null : JSON.stringify(cursor), pageSize])).rows[0]!.r);

/** The same page in columns (sync_pull_columns), as the client receives it, and its size on the wire. */
const pullColumns = (sub: string, cursor: unknown, pageSize = 1000) =>
  as(db, member(sub), async (tx) => (await tx.query<{ r: string }>('select public.sync_pull_columns($1::jsonb, $2)::text as r', [cursor === null ? null : JSON.stringify(cursor), pageSize])).rows[0]!.r);

/** Every page in columns, decoded as the client decodes them. */
async function pullColumnsAll(sub: string) {
  const rows = [];
  for (let cursor: unknown = null; ; ) {
    const page = pullPageSchema.parse(JSON.parse(await pullColumns(sub, cursor)));
    rows.push(...page.rows);
    cursor = page.next_cursor;
    if (!page.has_more) return rows;
  }
}

/** Pulls page after page until the server says there is no more. */
async function pullAll(sub: string, cursor: unknown) {
  const rows: PullPage['rows'] = [];
  let pages = 0;
  let next = cursor;
  for (;;) {
    const page = await pull(sub, next);
    pages += 1;
    rows.push(...page.rows);
    next = page.next_cursor;
    if (!page.has_more) return { rows, pages, cursor: next };
  }
}

beforeAll(async () => {
  db = await createSchemaDb({ seed: false });
  a = await createUser(db, 'pull-a@example.com');
  b = await createUser(db, 'pull-b@example.com');
  const stamp = formatHlc({ physical: Date.now() - 5000, counter: 0, node: 'seed' });
  for (let batch = 0; batch < 3; batch += 1) {
    const size = batch < 2 ? 1000 : 500;
    const mutations = Array.from({ length: size }, (_, i) => mutation('contacts', crypto.randomUUID(), { first_name: `P${batch}-${i}` }, stamp, 'insert'));
    const result = await push(db, a, mutations);
    expect(result.results.every((r) => r.status === 'applied')).toBe(true);
  }
  await push(db, b, [mutation('contacts', crypto.randomUUID(), { first_name: 'Not for A' }, stamp, 'insert')]);
}, 120_000);
afterAll(async () => db?.close());

describe('sync_pull', () => {
  it('[G6][PL1] returns 2,500 changed rows across pages of at most 1,000, none missing or doubled', async () => {
    const { rows, pages } = await pullAll(a, null);
    const contacts = rows.filter((row) => row.table === 'contacts');
    expect(contacts).toHaveLength(2500);
    expect(new Set(contacts.map((row) => row.row.id)).size).toBe(2500);
    expect(pages).toBe(3);
    expect(rows.filter((row) => row.table === 'member_profiles')).toHaveLength(1);
    expect(rows.some((row) => row.row.first_name === 'Not for A')).toBe(false);
  });

  it('caps a page at 1,000 rows whatever the client asks for', async () => {
    const page = await pull(a, null, 5000);
    expect(page.rows).toHaveLength(1000);
    expect(page.has_more).toBe(true);
  });

  it('a caught-up cursor sees only what changed since, including tombstones', async () => {
    const { cursor } = await pullAll(a, null);
    const target = (await pull(a, null, 1)).rows[0]!;
    const stamp = formatHlc({ physical: Date.now(), counter: 0, node: 'later' });
    await push(db, a, [mutation(target.table, target.row.id, { deleted_at: new Date().toISOString() }, stamp)]);
    const { rows } = await pullAll(a, cursor);
    expect(rows.map((row) => row.row.id)).toEqual([target.row.id]);
    expect(rows[0]?.row.deleted_at).not.toBeNull();
  });

  it('[G5] reports a hard DELETE as a tombstone, so devices that were offline learn of it', async () => {
    const { cursor } = await pullAll(a, null);
    const target = (await pull(a, null, 2)).rows.find((row) => row.table === 'contacts')!;
    await as(db, member(a), (tx) => tx.query('delete from public.contacts where id = $1', [target.row.id]));
    const { rows } = await pullAll(a, cursor);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ table: 'contacts', row: { id: target.row.id } });
    expect(rows[0]?.row.deleted_at).toBeTruthy();
    const other = await pullAll(b, null);
    expect(other.rows.some((row) => row.row.id === target.row.id)).toBe(false);
  });

  it('a row written once sends its stamps as one; the client gets back exactly the stamps the server holds', async () => {
    const once = crypto.randomUUID();
    const full = { first_name: 'Once', last_name: 'Whole', phone: '555 010 0123', email: 'once@example.com', phones: [{ label: 'mobile', value: '555 010 0123' }], emails: [{ label: 'home', value: 'once@example.com' }], import_id: null, merged_into: null, stage: 'new', contact_type: 'customer', lead_source: '', tags: [], notes: '', next_follow_up_on: null, last_touched_at: new Date().toISOString(), deleted_at: null };
    await push(db, a, [mutation('contacts', once, full, formatHlc({ physical: Date.now() - 100, counter: 0, node: 'once' }), 'insert')]);
    const edited = crypto.randomUUID();
    await push(db, a, [mutation('contacts', edited, full, formatHlc({ physical: Date.now() - 100, counter: 0, node: 'once' }), 'insert')]);
    await push(db, a, [mutation('contacts', edited, { notes: 'edited' }, formatHlc({ physical: Date.now(), counter: 0, node: 'later' }))]);
    const raw = (await pullAll(a, null)).rows;
    const wire = (id: string) => raw.find((row) => row.row.id === id)!.row as unknown as { field_stamps: Record<string, string> };
    expect(Object.keys(wire(once).field_stamps)).toEqual(['']);
    expect(Object.keys(wire(edited).field_stamps).length).toBeGreaterThan(1);
    const parsed = { rows: await pullColumnsAll(a) };
    for (const id of [once, edited]) {
      const held = (await db.query<{ s: Record<string, string> }>('select field_stamps as s from public.contacts where id = $1', [id])).rows[0]?.s;
      expect(parsed.rows.find((row) => row.row.id === id)?.row.field_stamps).toEqual(held);
    }
  });

  it('refuses anon', async () => {
    await expect(as(db, { role: 'anon' }, (tx) => tx.query('select public.sync_pull(null, 10)'))).rejects.toThrow(/permission denied/);
    await expect(as(db, { role: 'anon' }, (tx) => tx.query('select public.sync_pull_columns(null, 10)'))).rejects.toThrow(/permission denied/);
  });

  it('in columns: the same rows, tombstones, pages and cursors as sync_pull, in fewer bytes (names once per page)', async () => {
    const gone = crypto.randomUUID();
    await push(db, a, [mutation('contacts', gone, { first_name: 'Hard deleted' }, formatHlc({ physical: Date.now(), counter: 0, node: 'gone' }), 'insert')]);
    await as(db, member(a), (tx) => tx.query('delete from public.contacts where id = $1', [gone]));
    const expand = ({ table, row }: { table: string; row: Record<string, unknown> }) => {
      const stamps = row['field_stamps'] as Record<string, string>;
      if (!('' in stamps)) return { table, row };
      const shared = Object.fromEntries(Object.keys(row).filter((key) => !['id', 'member_id', 'created_at', 'updated_at', 'field_stamps'].includes(key)).map((key) => [key, stamps['']!]));
      return { table, row: { ...row, field_stamps: shared } };
    };
    const key = (row: { table: string; row: { id?: unknown } }) => `${row.table}/${String(row.row.id)}`;
    let columnsBytes = 0;
    let rowsBytes = 0;
    let pages = 0;
    for (let cursor: unknown = null; ; pages += 1) {
      const text = await pullColumns(a, cursor, 400);
      const before = await as(db, member(a), async (tx) => (await tx.query<{ r: string }>('select public.sync_pull($1::jsonb, 400)::text as r', [cursor === null ? null : JSON.stringify(cursor)])).rows[0]!.r);
      columnsBytes += text.length;
      rowsBytes += before.length;
      const columns = pullPageSchema.parse(JSON.parse(text));
      const rows = JSON.parse(before) as PullPage & { rows: { table: string; row: Record<string, unknown> }[] };
      expect(columns.has_more).toBe(rows.has_more);
      expect(columns.next_cursor).toEqual(rows.next_cursor);
      expect([...columns.rows].sort((x, y) => key(x).localeCompare(key(y)))).toEqual(rows.rows.map(expand).sort((x, y) => key(x).localeCompare(key(y))));
      cursor = columns.next_cursor;
      if (!columns.has_more) break;
    }
    expect(pages).toBeGreaterThan(5);
    expect((await pullColumnsAll(a)).some((row) => row.row.id === gone && !('created_at' in row.row))).toBe(true);
    expect(columnsBytes / rowsBytes).toBeLessThan(0.85);
  });

  it('digest counts rows and hashes ids with stamps per table, and changes when a stamp changes', async () => {
    const digest = async () => as(db, member(a), async (tx) => (await tx.query<{ d: Record<string, { count: number; hash: string }> }>('select public.sync_digest() as d')).rows[0]!.d);
    const before = await digest();
    expect(before['contacts']?.count).toBe((await as(db, member(a), (tx) => tx.query<{ n: number }>('select count(*)::int as n from public.contacts'))).rows[0]?.n);
    // The client computes the same hash from the rows it holds (src/domain/digest.ts + SHA-256).
    const received = await pullColumnsAll(a);
    const contacts = received.filter((row) => row.table === 'contacts' && 'created_at' in row.row).map((row) => row.row as { id: string; field_stamps: unknown });
    expect(before['contacts']?.hash).toBe(createHash('sha256').update(digestText(contacts)).digest('hex'));
    const target = (await pull(a, null, 1)).rows.find((row) => row.table === 'contacts') ?? (await pull(a, null, 2)).rows[1]!;
    await push(db, a, [mutation('contacts', target.row.id, { notes: 'changed' }, formatHlc({ physical: Date.now(), counter: 1, node: 'digest' }))]);
    const after = await digest();
    expect(after['contacts']?.count).toBe(before['contacts']?.count);
    expect(after['contacts']?.hash).not.toBe(before['contacts']?.hash);
    expect(after['email_templates']).toEqual(before['email_templates']);
  });
});
