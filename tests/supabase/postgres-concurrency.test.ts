import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { beginAs, postgresAvailability, startPostgres, type PostgresServer } from '../support/postgres-server';

const available = postgresAvailability();

type PullPage = { rows: { table: string; row: { id: string; first_name?: string; updated_at: string } }[]; has_more: boolean; next_cursor: unknown };

describe.skipIf(!available)('on a real PostgreSQL 15 server', () => {
  let server: PostgresServer;
  let clients: pg.Client[] = [];
  let member: string;

  beforeAll(async () => {
    server = await startPostgres();
    const admin = await server.connect();
    member = crypto.randomUUID();
    await admin.query(`insert into auth.users (id, email) values ($1, 'pg@example.com')`, [member]);
    await admin.end();
    clients = await Promise.all([server.connect(), server.connect(), server.connect()]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
    await server?.stop();
  });

  async function pull(client: pg.Client, cursor: unknown): Promise<PullPage> {
    await beginAs(client, member);
    const { rows } = await client.query<{ r: PullPage }>('select public.sync_pull($1::jsonb, 1000) as r', [cursor === null ? null : JSON.stringify(cursor)]);
    await client.query('commit');
    return rows[0]!.r;
  }

  it('the bootstrap and migrations apply unchanged', async () => {
    const { rows } = await clients[0]!.query<{ v: string }>(`select current_setting('server_version_num') as v`);
    expect(Number(rows[0]!.v)).toBeGreaterThanOrEqual(150000);
    const tables = await clients[0]!.query(`select 1 from pg_publication_tables where pubname = 'supabase_realtime'`);
    expect(tables.rowCount).toBe(7); // six synced tables and the tombstones
  });

  it('[G6] a client that pulled between two out-of-order commits sees both; an updated_at cursor misses one', async () => {
    const [slow, fast, reader] = clients as [pg.Client, pg.Client, pg.Client];
    const start = await pull(reader, null);
    let cursor = start.next_cursor;
    const seen = new Map<string, string>();

    // T1 starts first and writes, but stays open.
    await beginAs(slow, member);
    const late = crypto.randomUUID();
    await slow.query(`insert into public.contacts (id, first_name) values ($1, 'Late committer')`, [late]);
    // T2 starts later, writes and commits first.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await beginAs(fast, member);
    const early = crypto.randomUUID();
    await fast.query(`insert into public.contacts (id, first_name) values ($1, 'Early committer')`, [early]);
    await fast.query('commit');

    // The client pulls between the commits: it sees T2's row only.
    const between = await pull(reader, cursor);
    for (const { row } of between.rows) seen.set(row.id, row.updated_at);
    expect([...seen.keys()]).toEqual([early]);
    cursor = between.next_cursor;
    const naiveCursor = between.rows.map(({ row }) => row.updated_at).sort().at(-1)!;

    await slow.query('commit');

    // Our cursor catches T1's row on the next pull.
    const after = await pull(reader, cursor);
    expect(after.rows.map(({ row }) => row.id)).toContain(late);

    // An `updated_at > cursor` catch-up would not: T1 stamped now() at its start, before T2.
    await beginAs(reader, member);
    const naive = await reader.query<{ id: string }>('select id from public.contacts where updated_at > $1', [naiveCursor]);
    await reader.query('commit');
    expect(naive.rows.map((row) => row.id)).not.toContain(late);
  });
});
