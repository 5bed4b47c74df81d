import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { startFakeEmailProvider, type FakeEmailProvider } from '../support/fake-email-provider';
import { signedInClient } from '../support/local-stack';

/*
 * The daily digest (supabase/functions/digest) in Deno through the local stack, against a fake email
 * provider that records what it receives. Members opt in through supabase-js (notification_settings);
 * the clock is the run's `now`.
 */

let stack: LocalStack;
let provider: FakeEmailProvider;
const FROM = 'Fieldbook <digest@fieldbook.test>';

type Member = { client: SupabaseClient; userId: string; email: string };
const check = <T,>({ data, error }: { data: T; error: { message: string } | null }): T => {
  if (error) throw new Error(error.message);
  return data;
};

async function newMember(prefix: string, fullName: string): Promise<Member> {
  const { client, userId, email } = await signedInClient(stack, prefix);
  await stack.db.query('update public.member_profiles set full_name = $2 where id = $1', [userId, fullName]);
  return { client: client as unknown as SupabaseClient, userId, email };
}

const run = async (now: Date, key: string | null = stack.serviceRoleKey) => {
  const response = await fetch(`${stack.url}/functions/v1/digest`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ job: 'digest', now: now.toISOString() }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const to = (member: Member) => provider.received.filter((email) => email.to === member.email);

beforeAll(async () => {
  provider = await startFakeEmailProvider();
  stack = await startLocalStack({
    port: 0,
    seed: false,
    functions: { env: { EMAIL_API_URL: provider.url, EMAIL_API_KEY: provider.key, EMAIL_FROM: FROM, APP_URL: 'https://app.fieldbook.test' } },
  });
  await stack.functions.warm('digest');
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await provider?.close();
});

describe('the daily digest', () => {
  it('refuses anything but the service-role key', async () => {
    const member = await newMember('who', 'Who');
    const token = (await member.client.auth.getSession()).data.session?.access_token ?? '';
    expect((await run(new Date(), null)).status).toBe(401);
    expect((await run(new Date(), stack.anonKey)).status).toBe(401);
    expect((await run(new Date(), token)).status).toBe(401);
  });

  it("goes at the member's hour in their zone, once a day, to opted-in members only, with yesterday's activity and today's follow-ups, escaped", async () => {
    const dana = await newMember('dana', '<b>Dana</b> & Co');
    const quiet = await newMember('quiet', 'Quinn Quiet');
    check(await dana.client.from('notification_settings').upsert({ digest_enabled: true, digest_hour: 7, time_zone: 'Asia/Tokyo' }));
    check(await quiet.client.from('notification_settings').upsert({ digest_enabled: false, digest_hour: 7, time_zone: 'Asia/Tokyo' }));
    const contact = crypto.randomUUID();
    check(await dana.client.from('contacts').insert([
      { id: contact, first_name: '<script>alert(1)</script>', last_name: 'Doe', next_follow_up_on: '2026-12-04' },
      { id: crypto.randomUUID(), first_name: 'Marcus', last_name: 'Lee', next_follow_up_on: '2026-12-02' },
      { id: crypto.randomUUID(), first_name: 'Not', last_name: 'Yet', next_follow_up_on: '2026-12-20' },
    ]));
    // Tokyo is UTC+9: 3 December there runs from 2 December 15:00 UTC to 3 December 15:00 UTC.
    check(await dana.client.from('member_activities').insert([
      { id: crypto.randomUUID(), activity_type: 'call', occurred_at: '2026-12-02T16:00:00Z' },
      { id: crypto.randomUUID(), activity_type: 'call', occurred_at: '2026-12-03T14:00:00Z' },
      { id: crypto.randomUUID(), activity_type: 'text', occurred_at: '2026-12-03T01:00:00Z' },
      { id: crypto.randomUUID(), activity_type: 'call', occurred_at: '2026-12-02T14:00:00Z' },
    ]));
    check(await dana.client.from('sent_emails').insert({ id: crypto.randomUUID(), contact_id: contact, to_email: 'p@example.com', sent_at: '2026-12-03T03:00:00Z' }));

    // 21:05 UTC on 3 December is 06:05 on 4 December in Tokyo: not yet.
    expect((await run(new Date('2026-12-03T21:05:00Z'))).status).toBe(200);
    expect(to(dana)).toHaveLength(0);
    const answer = await run(new Date('2026-12-03T22:05:00Z'));
    expect(answer).toEqual({ status: 200, body: expect.objectContaining({ sent: expect.any(Number) as unknown }) as unknown });
    expect(to(dana)).toHaveLength(1);
    const [email] = to(dana);
    expect(email!.from).toBe(FROM);
    expect(email!.subject).toBe('Your Fieldbook day: 2 follow-ups today');
    expect(email!.text).toContain('Good morning, <b>Dana</b>.');
    expect(email!.text).toContain('Yesterday (1 email sent):\n- 2 calls\n- 1 text');
    expect(email!.text).toContain("Today's follow-ups (2):\n- Marcus Lee (overdue)\n- <script>alert(1)</script> Doe");
    expect(email!.text).toContain('https://app.fieldbook.test/today');
    expect(email!.text).not.toContain('Not Yet');
    // User text is never HTML: the name and the contact arrive escaped.
    expect(email!.html).toContain('Good morning, &lt;b&gt;Dana&lt;/b&gt;.');
    expect(email!.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Doe');
    expect(email!.html).not.toContain('<script>');
    expect(email!.html).not.toContain('<b>Dana');
    // Once that day; nothing for the member who did not opt in.
    await run(new Date('2026-12-03T22:35:00Z'));
    await run(new Date('2026-12-03T23:05:00Z'));
    expect(to(dana)).toHaveLength(1);
    expect(to(quiet)).toHaveLength(0);
    // The next morning again.
    await run(new Date('2026-12-04T22:05:00Z'));
    expect(to(dana)).toHaveLength(2);
  });

  it('a provider that refuses gives the digest back: a run later that hour sends it', async () => {
    const eve = await newMember('eve', 'Eve Retry');
    check(await eve.client.from('notification_settings').upsert({ digest_enabled: true, digest_hour: 9, time_zone: 'UTC' }));
    provider.failNext(503);
    const first = await run(new Date('2026-12-06T09:05:00Z'));
    expect(first.body).toMatchObject({ failed: 1 });
    expect(to(eve)).toHaveLength(0);
    await run(new Date('2026-12-06T09:20:00Z'));
    expect(to(eve)).toHaveLength(1);
    expect(to(eve)[0]!.subject).toBe('Your Fieldbook day');
    expect(to(eve)[0]!.text).toContain('- Nothing logged.');
  });
});

describe('a stack without VAPID keys', () => {
  it('push-key answers 503 with a reason, and notify refuses to run (503) rather than send unsigned', async () => {
    const keyAnswer = await fetch(`${stack.url}/functions/v1/push-key`);
    expect(keyAnswer.status).toBe(503);
    expect(((await keyAnswer.json()) as { error: string }).error).toMatch(/VAPID_PUBLIC_KEY/);
    const notify = await fetch(`${stack.url}/functions/v1/notify`, { method: 'POST', headers: { Authorization: `Bearer ${stack.serviceRoleKey}` }, body: '{}' });
    expect(notify.status).toBe(503);
    expect(((await notify.json()) as { error: string }).error).toMatch(/VAPID/);
  });
});
