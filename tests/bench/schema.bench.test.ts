// Part of `npm run bench` (not of npm test): push and pull throughput of the SQL sync protocol on
// PGlite and on a real PostgreSQL 15 server. Prints figures; asserts only that the work was done.
import { afterAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc';
import { as, createSchemaDb, createUser, member } from '../support/schema-db';
import { beginAs, postgresAvailability, startPostgres } from '../support/postgres-server';

type Runner = { name: string; call: <T>(sql: string, params: unknown[]) => Promise<T> };

const figures: string[] = [];
const stamp = () => formatHlc({ physical: Date.now() - 1000, counter: 0, node: 'bench' });
const batch = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: crypto.randomUUID(), op: 'insert', changes: { first_name: `Bench ${i}`, phone: '555 010 0100', notes: 'x'.repeat(40) }, stamp: stamp() }));

async function measure(runner: Runner) {
  // Warm up, then push 1,000 mutations in one call, five times.
  await runner.call('select public.sync_push($1::jsonb) as r', [JSON.stringify(batch(100))]);
  const pushTimes: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    const started = performance.now();
    const result = await runner.call<{ results: { status: string }[] }>('select public.sync_push($1::jsonb) as r', [JSON.stringify(batch(1000))]);
    pushTimes.push(performance.now() - started);
    expect(result.results.filter((r) => r.status === 'applied')).toHaveLength(1000);
  }
  // Pull everything (10,100 contacts + the profile) in pages of 1,000.
  const pullTimes: number[] = [];
  let pulled = 0;
  for (let round = 0; round < 3; round += 1) {
    let cursor: unknown = null;
    pulled = 0;
    const started = performance.now();
    for (;;) {
      const page = await runner.call<ColumnsPage & { has_more: boolean; next_cursor: unknown }>('select public.sync_pull_columns($1::jsonb, 1000) as r', [cursor === null ? null : JSON.stringify(cursor)]);
      pulled += rowsOn(page);
      cursor = page.next_cursor;
      if (!page.has_more) break;
    }
    pullTimes.push(performance.now() - started);
  }
  expect(pulled).toBeGreaterThanOrEqual(10_000);
  const push = median(pushTimes);
  const pull = median(pullTimes);
  figures.push(
    `${runner.name.padEnd(22)} push 1,000 mutations: ${push.toFixed(0).padStart(6)} ms (${Math.round(1000 / (push / 1000)).toLocaleString('en').padStart(7)} rows/s)   pull ${pulled.toLocaleString('en')} rows: ${pull.toFixed(0).padStart(6)} ms (${Math.round(pulled / (pull / 1000)).toLocaleString('en').padStart(7)} rows/s)`,
  );

  // A replay of 1,000 applied mutations padded to a few MB (what a hostile or broken client can send
  // over and over) against the first push of the same batch.
  const padded = batch(1000).map((mutation) => ({ ...mutation, changes: { ...mutation.changes, notes: 'p'.repeat(3000) } }));
  const body = JSON.stringify(padded);
  const firstStarted = performance.now();
  await runner.call('select public.sync_push($1::jsonb) as r', [body]);
  const first = performance.now() - firstStarted;
  const replays: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const started = performance.now();
    const result = await runner.call<{ results: { status: string }[] }>('select public.sync_push($1::jsonb) as r', [body]);
    replays.push(performance.now() - started);
    expect(result.results.every((r) => r.status === 'duplicate')).toBe(true);
  }
  const replay = median(replays);
  figures.push(
    `${''.padEnd(22)} ${(body.length / 1e6).toFixed(1)} MB push of 1,000 new: ${first.toFixed(0)} ms; replayed (1,000 duplicates): ${replay.toFixed(0)} ms  ratio duplicates/new ${(replay / first).toFixed(2)} (target ≤ 1)`,
  );
}

/** A page of sync_pull_columns: its rows, table by table, and its tombstones. */
type ColumnsPage = { tables: { rows: unknown[] }[]; deleted: unknown[] };
const rowsOn = (page: ColumnsPage) => page.tables.reduce((sum, table) => sum + table.rows.length, page.deleted.length);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The cost of one pull page as the member's changed rows grow: the first page, and one from the middle. */
async function pageCost(runner: Runner, seed: (rows: number) => Promise<void>) {
  const costs: string[] = [];
  let seeded = 0;
  const perSize: number[] = [];
  for (const size of [10_000, 200_000]) {
    await seed(size - seeded);
    seeded = size;
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      const first = await runner.call<ColumnsPage>('select public.sync_pull_columns(null, 1000) as r', []);
      times.push(performance.now() - started);
      expect(rowsOn(first)).toBe(1000);
    }
    perSize.push(median(times));
    costs.push(`${size.toLocaleString('en')} changed rows: ${median(times).toFixed(1)} ms a page`);
  }
  figures.push(`${runner.name.padEnd(22)} pull page cost: ${costs.join('; ')}  ratio 200k/10k ${((perSize[1] ?? 0) / (perSize[0] ?? 1)).toFixed(2)} (target ≈ 1)`);
}

const seedContacts = (run: (sql: string, params: unknown[]) => Promise<unknown>, member: string) => async (rows: number) => {
  await run(
    `insert into public.contacts (id, member_id, first_name, phone, notes)
     select gen_random_uuid(), $1, 'Seed ' || g, '555 010 0100', 'Met at the fair' from generate_series(1, $2::int) g`,
    [member, rows],
  );
};

afterAll(() => {
  console.log(`\nSQL sync protocol throughput (median of runs)\n${figures.join('\n')}\n`);
});

describe('schema benchmark', () => {
  it('PGlite (embedded PostgreSQL 18)', async () => {
    const db = await createSchemaDb({ seed: false });
    const sub = await createUser(db, 'bench@example.com');
    await measure({
      name: 'PGlite 0.5',
      call: async <T,>(sql: string, params: unknown[]) => as(db, member(sub), async (tx) => (await tx.query<{ r: T }>(sql, params)).rows[0]!.r),
    });
    const other = await createUser(db, 'bench-pages@example.com');
    await pageCost(
      { name: 'PGlite 0.5', call: async <T,>(sql: string, params: unknown[]) => as(db, member(other), async (tx) => (await tx.query<{ r: T }>(sql, params)).rows[0]!.r) },
      seedContacts((sql, params) => db.query(sql, params), other),
    );
    await db.close();
  }, 600_000);

  it.skipIf(!postgresAvailability())('PostgreSQL 15 server', async () => {
    const server = await startPostgres();
    const client = await server.connect();
    const sub = crypto.randomUUID();
    await client.query(`insert into auth.users (id, email) values ($1, 'bench@example.com')`, [sub]);
    const runnerFor = (who: string): Runner => ({
      name: 'PostgreSQL 15',
      call: async <T,>(sql: string, params: unknown[]) => {
        await beginAs(client, who);
        const { rows } = await client.query<{ r: T }>(sql, params);
        await client.query('commit');
        return rows[0]!.r;
      },
    });
    await measure(runnerFor(sub));
    const other = crypto.randomUUID();
    await client.query(`insert into auth.users (id, email) values ($1, 'bench-pages@example.com')`, [other]);
    const admin = await server.connect();
    await pageCost(runnerFor(other), seedContacts(async (sql, params) => {
      await admin.query(sql, params);
      await admin.query('vacuum analyze public.contacts');
    }, other));
    await admin.end();
    await client.end();
    await server.stop();
  }, 600_000);
});
