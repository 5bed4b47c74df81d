// Part of `npm run bench`: the sync engine end to end against the local stack (real supabase-js,
// fake-indexeddb): propagation from a write on device A to device B's live query (p50/p95/p99) and one
// push beside one REST insert; the push of 1,000 mutations made offline; and the initial sync of
// 10,000 rows beside the time Dexie's bulkPut needs for the same rows (the ratio is the engine's
// overhead). The stack runs in a process of its own, as `npm run dev` runs it, on PGlite and on a
// PostgreSQL 15 server; one more line each runs it, PGlite included, in the benchmark's own thread,
// where the server's work and the devices' share one CPU. Prints figures; asserts only that
// everything arrived.
import 'fake-indexeddb/auto';
import { liveQuery } from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupabaseRemote } from '../../src/adapters/supabase/supabase-remote';
import { pullPageSchema } from '../../src/domain/sync-wire-schema';
import { createFieldbookDb } from '../../src/db/fieldbook-db';
import { countWaiting } from '../../src/db/outbox';
import { formatHlc } from '../../src/domain/hlc';
import { PULL_PAGE_SIZE } from '../../src/sync/engine';
import type { PullCursor } from '../../src/sync/ports';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { signedInClient, type StackAddress } from '../support/local-stack';
import { postgresAvailability, startPostgres } from '../support/postgres-server';
import { connectSyncDevice } from '../support/sync-client';
import { startStackProcess, type StackProcess } from '../support/stack-process';
import { addedContactMutations } from '../support/sync-device';
import { contactInput } from '../support/test-store';

/** A stack the benchmark can reach, and whose database it can prepare. */
type BenchStack = StackAddress & { readonly db: Pick<StackProcess['db'], 'query'> };

const figures: string[] = [];
const INITIAL_SYNC_ROUNDS = 5;
/** Collects garbage before a measured step (the bench project runs node with --expose-gc). */
const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] ?? NaN;
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, seed: false });
});

afterAll(async () => {
  await stack?.close();
  console.log(`\nSync engine against the local stack (loopback; devices on fake-indexeddb; the stack in its own process, as npm run dev runs it, unless a line says this thread)\n${figures.join('\n')}\n`);
});

/** Propagation A → B and one push beside one REST insert, against `target` (PGlite in this process, or a PostgreSQL 15 server). */
async function propagation(label: string, target: BenchStack) {
  const who = await signedInClient(target, 'bench');
  const a = await connectSyncDevice(target, who);
  const b = await connectSyncDevice(target, who);
  a.engine.start();
  b.engine.start();
  await expect.poll(() => [a.engine.getSnapshot().realtime, b.engine.getSnapshot().realtime], { timeout: 10_000 }).toEqual(['subscribed', 'subscribed']);
  await a.engine.idle();
  await b.engine.idle();
  const latencies: number[] = [];
  const rounds = Number(process.env['BENCH_SYNC_ROUNDS'] ?? 60);
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    const result = await a.store.addContact(contactInput({ first_name: `Prop${i}` }));
    if (!result.ok) throw new Error(result.error.message);
    const arrived = await new Promise<number>((resolve) => {
      const subscription = liveQuery(() => b.db.contacts.get(result.value)).subscribe((row) => {
        if (!row) return;
        subscription.unsubscribe();
        resolve(performance.now());
      });
    });
    latencies.push(arrived - started);
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
  figures.push(
    `propagation A → B live query (${label}), ${rounds} writes: p50 ${percentile(latencies, 50).toFixed(1)} ms (target ≤ 12, ratio ${(percentile(latencies, 50) / 12).toFixed(2)}), p95 ${percentile(latencies, 95).toFixed(1)} ms (target ≤ 25, ratio ${(percentile(latencies, 95) / 25).toFixed(2)}), p99 ${percentile(latencies, 99).toFixed(1)} ms`,
  );

  // One pushed mutation against a plain REST insert of the same row, through the same client: a
  // contact as the app writes it, every column.
  const pushTimes: number[] = [];
  const insertTimes: number[] = [];
  const remote = createSupabaseRemote(a.client, who.userId);
  const template = (await addedContactMutations(who.userId)).find((mutation) => mutation.table === 'contacts')?.changes ?? {};
  for (let i = 0; i < rounds; i += 1) {
    const row = { ...template, id: crypto.randomUUID(), first_name: `Cost${i}` };
    const stamp = formatHlc({ physical: Date.now() - 10, counter: i, node: 'bench' });
    let started = performance.now();
    const pushed = await remote.push([{ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: row.id, op: 'insert', changes: row, stamp, stamps: {}, entry_ids: [] }]);
    pushTimes.push(performance.now() - started);
    if (!pushed.ok) throw new Error(pushed.error.message);
    started = performance.now();
    const { error } = await a.client.from('contacts').insert({ ...row, id: crypto.randomUUID() });
    insertTimes.push(performance.now() - started);
    if (error) throw new Error(error.message);
  }
  figures.push(
    `one pushed mutation (${label}): p50 ${percentile(pushTimes, 50).toFixed(1)} ms; a plain REST insert of the same row: p50 ${percentile(insertTimes, 50).toFixed(1)} ms  ratio ${(percentile(pushTimes, 50) / percentile(insertTimes, 50)).toFixed(2)} (target ≤ 1)`,
  );
  await a.dispose();
  await b.dispose();
}

/**
 * Runs `bench` against the local stack in a process of its own, as `npm run dev` runs it (so the
 * server's work is not done in the devices' thread): on PGlite in memory, or on a fresh PostgreSQL 15
 * server, stopped afterwards.
 */
async function inOwnProcess(database: 'PGlite' | 'PostgreSQL 15', bench: (target: BenchStack) => Promise<void>) {
  const server = database === 'PostgreSQL 15' ? await startPostgres({ schema: false }) : null;
  let child: StackProcess | null = null;
  try {
    child = await startStackProcess(server ? { databaseUrl: server.url } : {});
    await bench(child);
  } finally {
    await child?.close();
    await server?.stop();
  }
}

describe('sync benchmark', () => {
  it('propagation: a write on A visible in B’s live query (PGlite, the stack in its own process)', () => inOwnProcess('PGlite', (target) => propagation('stack on PGlite, own process', target)), 120_000);

  it.skipIf(!postgresAvailability())('propagation: a write on A visible in B’s live query (PostgreSQL 15, the stack in its own process)', () =>
    inOwnProcess('PostgreSQL 15', (target) => propagation('stack on PostgreSQL 15, own process', target)), 180_000);

  it('propagation with the stack and PGlite in the benchmark’s own thread', () => propagation('PGlite in this thread', stack), 120_000);

  it('1,000 mutations made offline, pushed after reconnect', async () => {
    const who = await signedInClient(stack, 'bench');
    const a = await connectSyncDevice(stack, who);
    a.link.offline = true;
    a.engine.start();
    a.engine.setNetwork('offline');
    const result = await a.store.seedContacts(1000);
    if (!result.ok) throw new Error(result.error.message);
    expect(await countWaiting(a.db)).toBe(1000);
    a.link.offline = false;
    const started = performance.now();
    a.engine.setNetwork('online');
    // No outbox record left means no entry left (a bulk insert's entries sit in batch records of 250).
    await expect.poll(() => a.db.outbox.count(), { timeout: 60_000, interval: 10 }).toBe(0);
    const elapsed = performance.now() - started;
    const { count } = await a.client.from('contacts').select('id', { count: 'exact', head: true });
    expect(count).toBe(1000);
    figures.push(`push of 1,000 offline mutations after reconnect: ${elapsed.toFixed(0)} ms  ratio to target(2,000 ms) ${(elapsed / 2000).toFixed(2)}`);
    await a.dispose();
  }, 120_000);

  async function initialSync(label: string, target: BenchStack) {
    const who = await signedInClient(target, 'bench');
    await target.db.query(
      `insert into public.contacts (id, member_id, first_name, last_name, phone, email, stage, contact_type, lead_source, tags, notes)
       select gen_random_uuid(), $1, 'First' || g, 'Last ' || g, '+1 555 010 ' || lpad((g % 10000)::text, 4, '0'), 'c' || g || '@example.com',
              'new', 'customer', 'Instagram', array['vip'], 'Met at the fair'
       from generate_series(1, 10000) g`,
      [who.userId],
    );
    // Steady state, as for data written long ago: the first read after a bulk insert sets hint bits on every row.
    await target.db.query('vacuum analyze public.contacts');

    // The server's share alone: every page over HTTP as the adapter asks for it, checked as it
    // checks it, nothing applied; and the bytes each page weighs on the wire. The pages are kept: the
    // device-alone rounds below are served them from memory.
    const probe = await connectSyncDevice(target, who);
    const token = (await probe.client.auth.getSession()).data.session?.access_token ?? '';
    const fetchStarted = performance.now();
    const pages: string[] = [];
    for (let cursor: PullCursor = null, more = true; more; ) {
      const response = await fetch(`${target.url}/rest/v1/rpc/sync_pull_columns`, {
        method: 'POST',
        headers: { apikey: target.anonKey, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ cursor, page_size: PULL_PAGE_SIZE }),
      });
      const text = await response.text();
      pages.push(text);
      const page = pullPageSchema.parse(JSON.parse(text));
      cursor = page.next_cursor;
      more = page.has_more;
    }
    const fetchOnly = performance.now() - fetchStarted;
    const bytes = pages.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    await probe.dispose();

    /*
     * One round: an empty device's sync, then a bulkPut of the rows it stored into an empty database.
     * With `fromMemory`, the device's pull requests are answered with the pages above at once, with no
     * server or network: what is left is the device's own work (start, parse, check, apply), the part
     * of the ratio no server could take away.
     */
    const round = async (fromMemory: boolean) => {
      let served = 0;
      const answer = (url: string) =>
        url.includes('/rpc/sync_pull_columns') ? new Response(pages[Math.min(served++, pages.length - 1)], { headers: { 'Content-Type': 'application/json' } }) : undefined;
      const a = await connectSyncDevice(target, who, fromMemory ? { answer } : {});
      collectGarbage();
      const started = performance.now();
      // Done when the first catch-up has applied its last page (the engine's status says when), not
      // by polling the table: a count every few ms would queue behind the very writes it waits for.
      const caughtUp = new Promise<void>((resolve) => {
        const stop = a.engine.subscribe(() => {
          if (a.engine.getSnapshot().lastSyncedAt === null) return;
          stop();
          resolve();
        });
      });
      a.engine.start();
      await caughtUp;
      const sync = performance.now() - started;
      expect(await a.db.contacts.count()).toBe(10_000);
      await a.engine.idle();

      const rows = await a.db.contacts.toArray();
      await a.dispose();
      const fresh = createFieldbookDb(`bench-bulkput-${Math.random().toString(36).slice(2)}`);
      collectGarbage();
      const putStarted = performance.now();
      await fresh.contacts.bulkPut(rows);
      const bulkPut = performance.now() - putStarted;
      fresh.close();
      await fresh.delete();
      return { sync, bulkPut, ratio: sync / bulkPut };
    };

    // Five rounds of each, alternating, so that a busy spell of the machine falls on both: the
    // figures are the rounds' medians (one round on a busy machine can be far off).
    const endToEnd: Awaited<ReturnType<typeof round>>[] = [];
    const deviceAlone: Awaited<ReturnType<typeof round>>[] = [];
    for (let i = 0; i < INITIAL_SYNC_ROUNDS; i += 1) {
      endToEnd.push(await round(false));
      deviceAlone.push(await round(true));
    }
    const median = (rounds: typeof endToEnd, key: 'sync' | 'bulkPut' | 'ratio') => percentile(rounds.map((r) => r[key]), 50);

    figures.push(
      `initial sync of 10,000 rows (${label}), median of ${INITIAL_SYNC_ROUNDS} rounds: ${median(endToEnd, 'sync').toFixed(0)} ms end to end; fetching the pages alone ${fetchOnly.toFixed(0)} ms; Dexie bulkPut of the same rows ${median(endToEnd, 'bulkPut').toFixed(0)} ms\n` +
        `    ratio end-to-end/bulkPut ${median(endToEnd, 'ratio').toFixed(2)} (target ≤ 1.3; rounds ${endToEnd.map((r) => r.ratio.toFixed(2)).join(', ')}); ${Math.round(bytes / 10_001)} bytes a row on the wire\n` +
        `    the device alone (the same pages from memory: no server, no network) ${median(deviceAlone, 'sync').toFixed(0)} ms, ratio to its bulkPut ${median(deviceAlone, 'ratio').toFixed(2)} (rounds ${deviceAlone.map((r) => r.ratio.toFixed(2)).join(', ')})`,
    );
  }

  it('initial sync of 10,000 rows beside a raw bulkPut of the same rows (PGlite, the stack in its own process)', () =>
    inOwnProcess('PGlite', (target) => initialSync('stack on PGlite, own process', target)), 180_000);

  it.skipIf(!postgresAvailability())('initial sync of 10,000 rows beside a raw bulkPut of the same rows (PostgreSQL 15, the stack in its own process)', () =>
    inOwnProcess('PostgreSQL 15', (target) => initialSync('stack on PostgreSQL 15, own process', target)), 180_000);

  it('initial sync with the stack and PGlite in the benchmark’s own thread', () => initialSync('PGlite in this thread', stack), 180_000);
});
