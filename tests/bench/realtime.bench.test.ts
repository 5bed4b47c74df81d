// Part of `npm run bench`: realtime latency from commit to the supabase-js callback (p50/p95/p99)
// with 1 and with 50 subscribed clients (50 members, each filtered to their own rows) at 100 changes/s,
// and the sustained rate without loss. Prints figures; asserts only that nothing was lost.
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../../supabase/local/server';
import { signedInClient, type Client } from '../support/local-stack';

const figures: string[] = [];
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] ?? NaN;

async function run(subscribers: number, ratePerSecond: number, seconds: number) {
  const stack = await startLocalStack({ port: 0, seed: false });
  const members: { client: Client; userId: string }[] = [];
  for (let i = 0; i < subscribers; i += 1) members.push(await signedInClient(stack, `bench${i}`));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  await Promise.all(
    members.map(
      ({ client, userId }, index) =>
        new Promise<void>((resolve) => {
          client
            .channel(`bench-${index}`)
            .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'contacts', filter: `member_id=eq.${userId}` }, (payload) => {
              const at = sentAt.get((payload.new as { id: string }).id);
              if (at !== undefined) latencies.push(performance.now() - at);
              received += 1;
            })
            .subscribe((status) => String(status) === 'SUBSCRIBED' && resolve());
        }),
    ),
  );
  const total = ratePerSecond * seconds;
  const started = performance.now();
  for (let i = 0; i < total; i += 1) {
    const target = started + (i * 1000) / ratePerSecond;
    const wait = target - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const id = crypto.randomUUID();
    const owner = members[i % members.length]!.userId;
    await stack.db.query(`insert into public.contacts (id, member_id, first_name) values ($1, $2, 'Bench')`, [id, owner]);
    sentAt.set(id, performance.now());
  }
  const elapsed = (performance.now() - started) / 1000;
  await expect.poll(() => received, { timeout: 30_000 }).toBe(total);
  const drained = (performance.now() - started) / 1000;
  figures.push(
    `${String(subscribers).padStart(3)} client(s), ${ratePerSecond}/s for ${seconds}s: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; ` +
      `${received}/${total} delivered (${(total / drained).toFixed(0)} changes/s sustained; writer ${(total / elapsed).toFixed(0)}/s)  p95/target(50 ms) ${(percentile(latencies, 95) / 50).toFixed(2)}`,
  );
  for (const { client } of members) await client.removeAllChannels();
  await stack.close();
}

afterAll(() => console.log(`\nRealtime: commit to supabase-js callback on loopback\n${figures.join('\n')}\n`));

describe('realtime benchmark', () => {
  it('1 client at 100 changes/s', () => run(1, 100, 5), 120_000);
  it('50 clients at 100 changes/s', () => run(50, 100, 5), 180_000);
  it('50 clients at 400 changes/s (headroom)', () => run(50, 400, 5), 180_000);
});
