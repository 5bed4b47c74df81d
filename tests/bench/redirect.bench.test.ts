// Part of `npm run bench`: the tracked-link redirect (supabase/functions/r, in Deno) through the local
// stack on loopback: latency p50/p95 one hit at a time (target p95 ≤ 20 ms), and 200 hits/s for 30 s
// (BENCH_REDIRECT_SECONDS to shorten) with every click stored exactly once. The rate limits are raised
// for the bench through LINK_RATE_LIMIT_PER_MINUTE. Prints figures; asserts only that the work was done.
import 'fake-indexeddb/auto';
import { liveQuery } from 'dexie';
import { afterAll, describe, expect, it } from 'vitest';
import { makeLinkCode, newLinkKey, type LinkKeyMaterial } from '../../src/domain/link-code';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { signedInClient } from '../support/local-stack';
import { connectSyncDevice } from '../support/sync-client';

const figures: string[] = [];
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] ?? NaN;
const SECONDS = Math.max(1, Number(process.env['BENCH_REDIRECT_SECONDS'] ?? 30) || 30);
const RATE = 200;
const CHROME = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

let stack: LocalStack;
let key: LinkKeyMaterial;
let member: { readonly email: string; readonly userId: string };

async function setup() {
  stack ??= await startLocalStack({ port: 0, seed: false, functions: { env: { LINK_RATE_LIMIT_PER_MINUTE: '10000000' } } });
  if (!key) {
    const jane = await signedInClient(stack, 'bench-links');
    member = jane;
    key = await newLinkKey((n) => crypto.getRandomValues(new Uint8Array(n)));
    const { error } = await jane.client.from('link_keys').insert({ key_id: key.key_id, secret: key.secret });
    if (error) throw new Error(error.message);
    await stack.functions.warm('r');
  }
}

const codes = async (count: number) => {
  const links = Array.from({ length: count }, () => crypto.randomUUID());
  return { links, codes: await Promise.all(links.map((id, i) => makeLinkCode(key, id, `https://example.com/kit/${i}?ref=bench`))) };
};

const hit = async (code: string, address: string) => {
  const started = performance.now();
  const answer = await fetch(`${stack.url}/functions/v1/r/${code}`, { redirect: 'manual', headers: { 'user-agent': CHROME, 'x-forwarded-for': address } });
  await answer.arrayBuffer();
  return { status: answer.status, ms: performance.now() - started };
};

const storedOn = async (links: string[]) =>
  (await stack.db.query<{ n: number; ids: number }>(`select count(*)::int as n, count(distinct id)::int as ids from public.email_clicks where link_id = any($1::uuid[])`, [links])).rows[0]!;

afterAll(async () => {
  console.log(`\nTracked-link redirect through the local stack (Deno function, loopback)\n${figures.join('\n')}\n`);
  await stack?.close();
});

describe('redirect benchmark', () => {
  it('latency, one hit at a time', async () => {
    await setup();
    const { links, codes: all } = await codes(50);
    for (let i = 0; i < 50; i += 1) await hit(all[i % all.length]!, `192.0.2.${i % 200}`); // warm-up
    const latencies: number[] = [];
    const total = 1_000;
    for (let i = 0; i < total; i += 1) {
      const { status, ms } = await hit(all[i % all.length]!, `198.51.100.${i % 200}`);
      expect(status).toBe(302);
      latencies.push(ms);
    }
    await expect.poll(async () => (await storedOn(links)).n, { timeout: 60_000 }).toBe(total + 50);
    const p95 = percentile(latencies, 95);
    figures.push(
      `latency (${total} sequential hits): p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms  p95/target(20 ms) ${(p95 / 20).toFixed(2)}`,
    );
  }, 300_000);

  it(`${RATE} hits/s for ${SECONDS} s, every click stored exactly once`, async () => {
    await setup();
    const { links, codes: all } = await codes(500);
    const total = RATE * SECONDS;
    const answers: Promise<{ status: number; ms: number }>[] = [];
    const started = performance.now();
    let late = 0;
    for (let i = 0; i < total; i += 1) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (wait < -50) late += 1;
      answers.push(hit(all[i % all.length]!, `203.0.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`));
    }
    const results = await Promise.all(answers);
    const sent = (performance.now() - started) / 1000;
    const redirected = results.filter((r) => r.status === 302).length;
    expect(redirected).toBe(total);
    await expect.poll(async () => (await storedOn(links)).n, { timeout: 120_000, interval: 500 }).toBe(total);
    const drained = (performance.now() - started) / 1000;
    const stored = await storedOn(links);
    expect(stored).toEqual({ n: total, ids: total });
    const latencies = results.map((r) => r.ms);
    figures.push(
      `${RATE}/s for ${SECONDS} s: ${redirected}/${total} redirected (${(total / sent).toFixed(0)}/s offered, ${late} sends >50 ms late), ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms; ${stored.n} clicks stored, ${stored.ids} distinct, ` +
        `all stored ${(drained - sent).toFixed(1)} s after the last hit`,
    );
  }, 600_000);

  it('a person’s click reaches the sender’s other device (click → the row in its database, where the toast comes from)', async () => {
    await setup();
    const device = await connectSyncDevice(stack, member);
    device.engine.start();
    await expect.poll(() => device.engine.getSnapshot().realtime, { timeout: 10_000 }).toBe('subscribed');
    await device.engine.idle();
    const rounds = Number(process.env['BENCH_CLICK_ROUNDS'] ?? 40);
    const { links, codes: all } = await codes(rounds);
    const latencies: number[] = [];
    for (let i = 0; i < rounds; i += 1) {
      const started = performance.now();
      const arrived = new Promise<number>((resolve) => {
        const subscription = liveQuery(() => device.db.email_clicks.where('link_id').equals(links[i]!).first()).subscribe((row) => {
          if (!row) return;
          subscription.unsubscribe();
          resolve(performance.now());
        });
      });
      expect((await hit(all[i]!, `203.0.113.${i % 200}`)).status).toBe(302);
      latencies.push((await arrived) - started);
    }
    await device.dispose();
    const p95 = percentile(latencies, 95);
    figures.push(`person click → row on the sender's other device (${rounds} clicks): p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms  p95/target(1,000 ms) ${(p95 / 1000).toFixed(2)}`);
  }, 300_000);
});
