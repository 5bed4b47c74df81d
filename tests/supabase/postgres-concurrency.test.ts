import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { formatHlc } from '../../src/domain/hlc';
import { beginAs, postgresAvailability, startPostgres, type PostgresServer } from '../support/postgres-server';
import { SYNCED_TABLES } from '../../src/domain/synced-table';

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
    expect(tables.rowCount).toBe(SYNCED_TABLES.length + 1); // the synced tables and the tombstones
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

  it('[SV2] an insert racing a hard delete of the same id never brings the row back (sync_push and REST)', async () => {
    const [deleter, retrier, reader] = clients as [pg.Client, pg.Client, pg.Client];
    const stamp = () => formatHlc({ physical: Date.now(), counter: 0, node: 'race' });
    const insert = (id: string, name: string) => [{ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: id, op: 'insert', changes: { first_name: name }, stamp: stamp() }];
    for (const via of ['sync_push', 'rest'] as const) {
      const id = crypto.randomUUID();
      await beginAs(deleter, member);
      await deleter.query('select public.sync_push($1::jsonb)', [JSON.stringify(insert(id, 'Original'))]);
      await deleter.query('commit');
      // The delete holds its transaction open while a retried insert of the same id arrives.
      await beginAs(deleter, member);
      await deleter.query('delete from public.contacts where id = $1', [id]);
      await beginAs(retrier, member);
      type Answer = { r: { results: { status: string }[]; rows: { row: Record<string, unknown> }[] } };
      const retried = (
        via === 'sync_push'
          ? retrier.query<Answer>('select public.sync_push($1::jsonb) as r', [JSON.stringify(insert(id, 'Retried'))])
          : retrier.query<Answer>(`insert into public.contacts (id, first_name) values ($1, 'Retried')`, [id])
      ).then(
        (result) => ({ answer: result.rows[0], error: null }),
        (error: unknown) => ({ answer: undefined, error }),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await deleter.query('commit');
      const { answer, error } = await retried;
      if (via === 'sync_push') {
        expect(answer?.r.results[0]?.status).toBe('applied');
        expect(answer?.r.rows[0]?.row).not.toHaveProperty('created_at'); // the tombstone
        await retrier.query('commit');
      } else {
        expect(error).toMatchObject({ code: 'P0002', message: 'This item was deleted and cannot be created again' });
        await retrier.query('rollback');
      }
      const { rows } = await reader.query('select 1 from public.contacts where id = $1', [id]);
      expect({ via, rows: rows.length }).toEqual({ via, rows: 0 });
    }
  });

  it('[SV3] a deadlock between two pushes fails the push (the device retries) instead of rejecting a change for good', async () => {
    const [one, two] = clients as [pg.Client, pg.Client];
    const stamp = (n: number) => formatHlc({ physical: Date.now(), counter: n, node: 'lock' });
    const [x, y] = [crypto.randomUUID(), crypto.randomUUID()];
    await beginAs(one, member);
    await one.query('select public.sync_push($1::jsonb)', [JSON.stringify([x, y].map((id) => ({ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: id, op: 'insert', changes: { first_name: 'Lock' }, stamp: stamp(0) })))]);
    await one.query('commit');
    const edit = (id: string, n: number) => ({ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: id, op: 'update', changes: { notes: `edit ${n}` }, stamp: stamp(n) });
    await beginAs(one, member);
    await beginAs(two, member);
    await one.query('select public.sync_push($1::jsonb)', [JSON.stringify([edit(x, 1)])]);
    await two.query('select public.sync_push($1::jsonb)', [JSON.stringify([edit(y, 2)])]);
    const outcomes = await Promise.allSettled([
      one.query<{ r: { results: { status: string }[] } }>('select public.sync_push($1::jsonb) as r', [JSON.stringify([edit(y, 3)])]),
      two.query<{ r: { results: { status: string }[] } }>('select public.sync_push($1::jsonb) as r', [JSON.stringify([edit(x, 4)])]),
    ]);
    await one.query('rollback');
    await two.query('rollback');
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({ code: '40P01' });
    const answered = outcomes.find((outcome) => outcome.status === 'fulfilled') as PromiseFulfilledResult<{ rows: { r: { results: { status: string }[] } }[] }>;
    expect(answered.value.rows[0]?.r.results.map((result) => result.status)).toEqual(['applied']);
  });
});
