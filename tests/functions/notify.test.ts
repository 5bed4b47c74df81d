import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVapidKeys, type VapidKeys } from '../../supabase/functions/_shared/web-push';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { startFakePushService, type FakePushService, type FakeSubscription, type ReceivedPush } from '../support/fake-push-service';
import { clientFor, signedInClient } from '../support/local-stack';

/*
 * The push sender (supabase/functions/notify) in Deno through the local stack, with members signed up
 * through supabase-js, devices subscribed with push_subscribe, and a fake push service that DECRYPTS
 * every message with the device's keys and VERIFIES its VAPID token. The clock is the run's `now`
 * (accepted with the service-role key only). Events are written as the app and the redirect write
 * them (clicks, comments, sponsors), so the triggers of migration 20261129001100 queue them.
 */

const SUBJECT = 'mailto:ops@fieldbook.test';
let stack: LocalStack;
let pushService: FakePushService;
let vapid: VapidKeys;
const logs: string[] = [];

type Db = SupabaseClient;
type Member = { client: Db; userId: string };
type Device = { sub: FakeSubscription; id: string; member: Member };

const check = <T,>({ data, error }: { data: T; error: { message: string } | null }): T => {
  if (error) throw new Error(error.message);
  return data;
};

async function newMember(prefix: string, fullName?: string): Promise<Member> {
  const { client, userId } = await signedInClient(stack, prefix);
  if (fullName) await stack.db.query('update public.member_profiles set full_name = $2 where id = $1', [userId, fullName]);
  return { client: client as unknown as Db, userId };
}

/** A device of `member` subscribed with push_subscribe, then given `preferences` through a plain update. */
async function subscribe(member: Member, timeZone = 'UTC', preferences: Record<string, unknown> = { quiet_start: 0, quiet_end: 0 }): Promise<Device> {
  const sub = pushService.subscribe();
  const id = check(await member.client.rpc('push_subscribe', { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, user_agent: 'vitest', time_zone: timeZone })) as string;
  if (Object.keys(preferences).length > 0) check(await member.client.from('push_subscriptions').update(preferences).eq('id', id));
  return { sub, id, member };
}

const run = async (now?: Date, key: string | null = stack.serviceRoleKey) => {
  const response = await fetch(`${stack.url}/functions/v1/notify`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(now ? { job: 'notify', now: now.toISOString() } : { job: 'notify' }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const runOk = async (now?: Date) => {
  const answer = await run(now);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

const to = (device: Device): ReceivedPush[] => pushService.received.filter((r) => r.id === device.sub.id);
const payloads = (device: Device) => to(device).map((r) => r.payload);

/** Every push reached the fake decrypted and with a VAPID token for its origin, signed by our key. */
function expectVerified(device: Device) {
  for (const received of to(device)) {
    expect(received.decryptError).toBeUndefined();
    expect(received.vapid.verified, received.vapid.error).toBe(true);
    expect(received.vapid.publicKey).toBe(vapid.publicKey);
    expect(received.vapid.claims).toMatchObject({ aud: pushService.url, sub: SUBJECT });
    expect(received.headers['content-encoding']).toBe('aes128gcm');
  }
}

/** A contact of `member`, a message to them with a tracked link; returns the ids. */
async function sentMessage(member: Member, firstName: string, lastName: string) {
  const contact = crypto.randomUUID();
  const sent = crypto.randomUUID();
  const link = crypto.randomUUID();
  check(await member.client.from('contacts').insert({ id: contact, first_name: firstName, last_name: lastName }));
  check(await member.client.from('sent_emails').insert({ id: sent, contact_id: contact, to_email: 'p@example.com' }));
  check(await member.client.from('tracked_links').insert({ id: link, sent_email_id: sent, url: 'https://example.com/kit' }));
  return { contact, sent, link };
}

/** A click as the redirect stores it (service role, through PostgREST). */
async function click(member: Member, link: string, kind: 'person' | 'preview' | 'scanner') {
  const service = clientFor(stack, stack.serviceRoleKey) as unknown as Db;
  check(await service.from('email_clicks').insert({ id: crypto.randomUUID(), member_id: member.userId, link_id: link, url: 'https://example.com/kit', kind, reason: kind === 'person' ? '' : kind, network: 'n' }));
}

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000);

beforeAll(async () => {
  vapid = await generateVapidKeys();
  pushService = await startFakePushService();
  stack = await startLocalStack({
    port: 0,
    seed: false,
    log: (line) => logs.push(line),
    functions: { env: { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: SUBJECT } },
  });
  await stack.functions.warm('notify');
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await pushService?.close();
});

describe('push-key', () => {
  it('answers the VAPID public key without a JWT', async () => {
    const response = await fetch(`${stack.url}/functions/v1/push-key`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ publicKey: vapid.publicKey });
  });
});

describe('notify: who may run it', () => {
  it('refuses no key, the anon key and a member token with 401; the service-role key runs', async () => {
    const member = await newMember('who');
    const token = (await member.client.auth.getSession()).data.session?.access_token ?? '';
    expect((await run(undefined, null)).status).toBe(401);
    expect((await run(undefined, stack.anonKey)).status).toBe(401);
    expect((await run(undefined, token)).status).toBe(401);
    expect((await run(new Date(), stack.serviceRoleKey)).status).toBe(200);
  });
});

describe('notify: the schedule', () => {
  it('the migration schedules notify every minute and digest at :05; the cron job reaches notify with the key from Vault', async () => {
    const { rows: jobs } = await stack.db.query<{ jobname: string; schedule: string }>(`select jobname, schedule from cron.job where jobname like 'fieldbook-%' order by jobname`);
    expect(jobs).toEqual([
      { jobname: 'fieldbook-digest', schedule: '5 * * * *' },
      { jobname: 'fieldbook-notify', schedule: '* * * * *' },
    ]);
    const member = await newMember('cron');
    const device = await subscribe(member);
    await click(member, (await sentMessage(member, 'Cora', 'Cron')).link, 'person');
    const now = new Date();
    now.setUTCSeconds(0, 0);
    // At :05 the digest is due as well, and its answer would be the last one read below: a minute
    // when only notify is due (a minute ahead still delivers the click, made just now).
    if (now.getUTCMinutes() === 5) now.setUTCMinutes(6);
    const runs = await stack.cron.runDue(now);
    expect(runs.find((r) => r.jobname === 'fieldbook-notify')?.status).toBe('succeeded');
    await stack.net.drain();
    await expect.poll(() => payloads(device)).toEqual([expect.objectContaining({ title: 'Cora Cron opened your link' })]);
    const { rows: answers } = await stack.db.query<{ status_code: number }>(`select status_code from net._http_response order by id desc limit 1`);
    expect(answers[0]?.status_code).toBe(200);
  });
});

describe('notify: subscriptions', () => {
  it('subscribing again keeps the preferences and takes the new keys; another account takes the endpoint; unsubscribing removes it', async () => {
    const ann = await newMember('ann');
    const bob = await newMember('bob');
    const device = await subscribe(ann, 'Europe/Paris', { reminder_hour: 6, hot_leads: false });
    const fresh = pushService.subscribe();
    // The same endpoint with new keys (the browser renewed them): same row, preferences kept.
    const again: unknown = check(await ann.client.rpc('push_subscribe', { endpoint: device.sub.endpoint, p256dh: fresh.keys.p256dh, auth: fresh.keys.auth, user_agent: 'vitest 2', time_zone: 'Europe/Berlin' }));
    expect(again).toBe(device.id);
    const rows = check(await ann.client.from('push_subscriptions').select('id, p256dh, auth, user_agent, time_zone, reminder_hour, hot_leads'));
    expect(rows).toEqual([{ id: device.id, p256dh: fresh.keys.p256dh, auth: fresh.keys.auth, user_agent: 'vitest 2', time_zone: 'Europe/Berlin', reminder_hour: 6, hot_leads: false }]);
    // Bob signs in on the same browser: the endpoint is his now, with default preferences.
    const moved: unknown = check(await bob.client.rpc('push_subscribe', { endpoint: device.sub.endpoint, p256dh: device.sub.keys.p256dh, auth: device.sub.keys.auth }));
    expect(moved).not.toBe(device.id);
    expect(check(await ann.client.from('push_subscriptions').select('id'))).toEqual([]);
    expect(check(await bob.client.from('push_subscriptions').select('reminder_hour, hot_leads, time_zone'))).toEqual([{ reminder_hour: 8, hot_leads: true, time_zone: 'UTC' }]);
    // Ann cannot unsubscribe Bob's device; Bob can.
    check(await ann.client.rpc('push_unsubscribe', { endpoint: device.sub.endpoint }));
    expect(check(await bob.client.from('push_subscriptions').select('id'))).toHaveLength(1);
    check(await bob.client.rpc('push_unsubscribe', { endpoint: device.sub.endpoint }));
    expect(check(await bob.client.from('push_subscriptions').select('id'))).toEqual([]);
  });

  it("another member can neither read nor change a device; nobody sets endpoint or keys by update; anon is refused", async () => {
    const owner = await newMember('owner');
    const other = await newMember('other');
    const device = await subscribe(owner);
    expect(check(await other.client.from('push_subscriptions').select('id').eq('id', device.id))).toEqual([]);
    expect(check(await other.client.from('push_subscriptions').update({ follow_ups: false }).eq('id', device.id).select('id'))).toEqual([]);
    check(await other.client.from('push_subscriptions').delete().eq('id', device.id));
    const { error: endpointError } = await owner.client.from('push_subscriptions').update({ endpoint: 'https://evil.example/push' }).eq('id', device.id);
    expect(endpointError?.message).toMatch(/permission denied/);
    const { error: keyError } = await owner.client.from('push_subscriptions').update({ p256dh: device.sub.keys.p256dh, member_id: other.userId }).eq('id', device.id);
    expect(keyError?.message).toMatch(/permission denied/);
    const { error: insertError } = await owner.client.from('push_subscriptions').insert({ endpoint: 'https://push.example/x', p256dh: device.sub.keys.p256dh, auth: device.sub.keys.auth });
    expect(insertError?.message).toMatch(/permission denied/);
    const anon = clientFor(stack) as unknown as Db;
    expect((await anon.from('push_subscriptions').select('id')).error?.message).toMatch(/permission denied/);
    expect((await anon.rpc('push_subscribe', { endpoint: 'https://push.example/y', p256dh: device.sub.keys.p256dh, auth: device.sub.keys.auth })).error).not.toBeNull();
    expect(check(await owner.client.from('push_subscriptions').select('endpoint, follow_ups'))).toEqual([{ endpoint: device.sub.endpoint, follow_ups: true }]);
  });
});

describe('notify: the daily follow-up reminder', () => {
  let member: Member;
  let auckland: Device;
  let newYork: Device;
  let lateOwl: Device;
  let optedOut: Device;

  beforeAll(async () => {
    member = await newMember('reminders');
    auckland = await subscribe(member, 'Pacific/Auckland', { reminder_hour: 8 });
    newYork = await subscribe(member, 'America/New_York', { reminder_hour: 8 });
    // 22:00 falls in the quiet hours (21–7): the reminder goes at 7:00.
    lateOwl = await subscribe(member, 'UTC', { reminder_hour: 22, quiet_start: 21, quiet_end: 7 });
    optedOut = await subscribe(member, 'UTC', { reminder_hour: 7, follow_ups: false });
    const contacts = [
      { first_name: 'Marcus', last_name: 'Lee', next_follow_up_on: '2026-11-29' },
      { first_name: 'Jane', last_name: 'Doe', next_follow_up_on: '2026-11-28' },
      { first_name: 'Zoe', last_name: 'Ng', next_follow_up_on: '2026-11-30' },
      { first_name: 'Later', last_name: 'On', next_follow_up_on: '2026-12-05' },
      { first_name: 'Deleted', last_name: 'One', next_follow_up_on: '2026-11-28', deleted_at: '2026-11-20T00:00:00Z' },
    ];
    check(await member.client.from('contacts').insert(contacts.map((c) => ({ id: crypto.randomUUID(), ...c }))));
  });

  it('goes at 8:00 in Auckland and in New York, each once, and not at other hours', async () => {
    // 2026-11-30 19:00 UTC is 08:00 on 1 December in Auckland (NZDT) and 14:00 on 30 November in New York.
    await runOk(new Date('2026-11-30T18:59:00Z'));
    expect(to(auckland)).toHaveLength(0);
    await runOk(new Date('2026-11-30T19:00:30Z'));
    expect(payloads(auckland)).toEqual([{ title: '3 follow-ups today', body: 'Jane, Marcus and 1 more', tag: 'follow-ups', url: '/today', badge: 3 }]);
    expect(to(newYork)).toHaveLength(0);
    expectVerified(auckland);
    expect(to(auckland)[0]!.headers['topic']).toBe('follow-ups');
    // The rest of that hour and the next: nothing more.
    await runOk(new Date('2026-11-30T19:30:00Z'));
    await runOk(new Date('2026-11-30T20:00:00Z'));
    expect(to(auckland)).toHaveLength(1);
    // 2026-12-01 13:00 UTC is 08:00 in New York (EST): Zoe (due 30 Nov) is still due there.
    await runOk(new Date('2026-12-01T13:05:00Z'));
    expect(payloads(newYork)).toEqual([{ title: '3 follow-ups today', body: 'Jane, Marcus and 1 more', tag: 'follow-ups', url: '/today', badge: 3 }]);
    await runOk(new Date('2026-12-01T13:45:00Z'));
    expect(to(newYork)).toHaveLength(1);
    expect(to(auckland)).toHaveLength(1);
    // The next day in Auckland: again, once.
    await runOk(new Date('2026-12-01T19:10:00Z'));
    expect(to(auckland)).toHaveLength(2);
  });

  it('a reminder hour inside the quiet hours goes when they end; a device with follow-ups off gets none', async () => {
    await runOk(new Date('2026-12-02T22:10:00Z'));
    expect(to(lateOwl)).toHaveLength(0);
    await runOk(new Date('2026-12-03T07:02:00Z'));
    expect(payloads(lateOwl)).toEqual([{ title: '3 follow-ups today', body: 'Jane, Marcus and 1 more', tag: 'follow-ups', url: '/today', badge: 3 }]);
    expect(to(optedOut)).toHaveLength(0);
  });
});

describe('notify: hot leads', () => {
  it("a person's click pushes '<name> opened your link' to the contact; previews and scanners never do", async () => {
    const member = await newMember('hot');
    const device = await subscribe(member);
    const sam = await sentMessage(member, 'Sam', 'Prospect');
    await click(member, sam.link, 'preview');
    await click(member, sam.link, 'scanner');
    await runOk();
    expect(to(device)).toHaveLength(0);
    await click(member, sam.link, 'person');
    await runOk();
    expect(payloads(device)).toEqual([{ title: 'Sam Prospect opened your link', body: "Follow up while it's fresh", tag: 'hot-leads', url: `/contacts/${sam.contact}` }]);
    expectVerified(device);
    expect(to(device)[0]!.headers['urgency']).toBe('high');
    await runOk();
    expect(to(device)).toHaveLength(1);
  });

  it('several opens before a run are one push; two overlapping runs send each once', async () => {
    const member = await newMember('bundle');
    const device = await subscribe(member);
    const names = [['Ana', 'Ruiz'], ['Ben', 'Ode'], ['Cy', 'Park'], ['Dee', 'Moss'], ['Eli', 'Fox']] as const;
    for (const [first, last] of names) await click(member, (await sentMessage(member, first, last)).link, 'person');
    const [first, second] = await Promise.all([runOk(), runOk()]);
    expect(Number(first['sent']) + Number(second['sent'])).toBeGreaterThanOrEqual(1);
    expect(payloads(device)).toEqual([{ title: '5 people opened your links', body: 'Ana Ruiz, Ben Ode and 3 more', tag: 'hot-leads', url: '/today' }]);
  });

  it('with hot leads off, nothing; a click from before the device subscribed is not pushed', async () => {
    const member = await newMember('off');
    const early = await sentMessage(member, 'Early', 'Bird');
    await click(member, early.link, 'person');
    const device = await subscribe(member, 'UTC', { quiet_start: 0, quiet_end: 0, hot_leads: false });
    await click(member, (await sentMessage(member, 'Nora', 'Quiet')).link, 'person');
    await runOk();
    expect(to(device)).toHaveLength(0);
    check(await member.client.from('push_subscriptions').update({ hot_leads: true }).eq('id', device.id));
    await runOk();
    expect(payloads(device)).toEqual([{ title: 'Nora Quiet opened your link', body: "Follow up while it's fresh", tag: 'hot-leads', url: expect.stringMatching(/^\/contacts\//) as unknown }]);
  });
});

describe('notify: quiet hours, old events, expired and busy push services', () => {
  it('holds events during quiet hours and sends them bundled when quiet ends; drops them after 24 hours', async () => {
    const hour = new Date().getUTCHours();
    const member = await newMember('quiet');
    const device = await subscribe(member, 'UTC', { quiet_start: hour, quiet_end: (hour + 2) % 24 });
    await click(member, (await sentMessage(member, 'Ida', 'Night')).link, 'person');
    await click(member, (await sentMessage(member, 'Jon', 'Late')).link, 'person');
    await runOk();
    expect(to(device)).toHaveLength(0);
    // Quiet ends two hours later (at the top of the hour): both at once.
    await runOk(new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate(), hour + 2, 1)));
    expect(payloads(device)).toEqual([{ title: '2 people opened your links', body: 'Ida Night and Jon Late', tag: 'hot-leads', url: '/today' }]);

    const sleeper = await newMember('sleeper');
    const away = await subscribe(sleeper, 'UTC', { quiet_start: hour, quiet_end: (hour + 2) % 24 });
    await click(sleeper, (await sentMessage(sleeper, 'Old', 'News')).link, 'person');
    await runOk(hoursFromNow(25));
    expect(to(away)).toHaveLength(0);
  });

  it('a 404 or 410 from the push service deletes the device', async () => {
    for (const status of [404, 410]) {
      const member = await newMember(`gone${status}`);
      const device = await subscribe(member);
      pushService.respondWith(device.sub.id, status);
      await click(member, (await sentMessage(member, 'Gil', 'Gone')).link, 'person');
      const summary = await runOk();
      expect(summary['gone']).toBeGreaterThanOrEqual(1);
      expect(to(device)).toHaveLength(1);
      expect(check(await member.client.from('push_subscriptions').select('id'))).toEqual([]);
    }
  });

  it('a 429 keeps the event: the device waits for Retry-After, then gets it once', async () => {
    const member = await newMember('busy');
    const device = await subscribe(member);
    pushService.respondWith(device.sub.id, 429, { 'Retry-After': '120' });
    await click(member, (await sentMessage(member, 'Rae', 'Retry')).link, 'person');
    await runOk();
    expect(to(device).map((r) => r.status)).toEqual([429]);
    pushService.respondWith(device.sub.id, null);
    await runOk(new Date(Date.now() + 60_000));
    expect(to(device)).toHaveLength(1);
    await runOk(new Date(Date.now() + 150_000));
    expect(to(device).map((r) => r.status)).toEqual([429, 201]);
    expect(to(device)[1]!.payload).toMatchObject({ title: 'Rae Retry opened your link' });
    await runOk(new Date(Date.now() + 300_000));
    expect(to(device)).toHaveLength(2);
    expect(check(await member.client.from('push_subscriptions').select('id'))).toHaveLength(1);
  });

  it('a device whose stored keys are broken fails alone; the run goes on', async () => {
    const member = await newMember('broken');
    const broken = await subscribe(member);
    const fine = await subscribe(member);
    // Valid in shape, not a point on the curve: encryption throws for this device only.
    await stack.db.query(`update public.push_subscriptions set p256dh = $2 where id = $1`, [broken.id, 'B' + 'A'.repeat(86)]);
    await click(member, (await sentMessage(member, 'Ola', 'Ok')).link, 'person');
    const summary = await runOk();
    expect(summary['failed']).toBeGreaterThanOrEqual(1);
    expect(to(broken)).toHaveLength(0);
    expect(payloads(fine)).toEqual([expect.objectContaining({ title: 'Ola Ok opened your link' })]);
  });
});

describe('notify: the team', () => {
  it("a comment by someone else on the member's win; a new member in the downline, at any depth", async () => {
    const leader = await newMember('leader', 'Lea Boss');
    const sam = await newMember('sam', 'Sam Rivera');
    const device = await subscribe(leader);
    await stack.db.query(`update public.member_profiles set share_wins = '{new_customer}' where id = $1`, [leader.userId]);
    const win = crypto.randomUUID();
    check(await leader.client.from('team_wins').insert({ id: win, kind: 'new_customer', amount: 1 }));
    await stack.db.query('insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)', [sam.userId, leader.userId]);
    await runOk();
    expect(payloads(device)).toEqual([{ title: 'Sam joined your team', body: 'Say welcome in the team feed', tag: 'team', url: '/team' }]);

    const long = 'Amazing work on this one! ' + 'x'.repeat(100);
    check(await sam.client.from('team_comments').insert({ id: crypto.randomUUID(), win_id: win, body: long }));
    // The member's own comment is no news to them.
    check(await leader.client.from('team_comments').insert({ id: crypto.randomUUID(), win_id: win, body: 'Thanks!' }));
    await runOk();
    expect(payloads(device)[1]).toEqual({ title: 'Sam commented on your win', body: long.slice(0, 80), tag: 'team', url: '/team' });
    expect(to(device)).toHaveLength(2);

    const bea = await newMember('bea', 'Bea Quinn');
    await stack.db.query('insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)', [bea.userId, sam.userId]);
    await runOk();
    expect(payloads(device)[2]).toEqual({ title: 'Bea joined your team (level 2)', body: 'Say welcome in the team feed', tag: 'team', url: '/team' });
    expectVerified(device);
  });
});

describe('notify: sync needs you', () => {
  it('changes unreviewed for 24 hours: one push per review_pending_since, none before, none when turned off', async () => {
    const member = await newMember('sync');
    const device = await subscribe(member);
    const quiet = await subscribe(member, 'UTC', { quiet_start: 0, quiet_end: 0, sync_problems: false });
    const since = new Date(Date.now() - 23 * 3_600_000).toISOString();
    for (const d of [device, quiet]) check(await member.client.from('push_subscriptions').update({ review_pending_since: since }).eq('id', d.id));
    await runOk();
    expect(to(device)).toHaveLength(0);
    await runOk(hoursFromNow(1.5));
    expect(payloads(device)).toEqual([{ title: 'Some changes need your review', body: expect.any(String) as unknown, tag: 'sync', url: '/sync/review' }]);
    await runOk(hoursFromNow(2));
    await runOk(hoursFromNow(30));
    expect(to(device)).toHaveLength(1);
    // A newer refused change, reviewed nowhere for another day: once more.
    const later = new Date(Date.now() - 25 * 3_600_000 + 60_000).toISOString();
    check(await member.client.from('push_subscriptions').update({ review_pending_since: later }).eq('id', device.id));
    await runOk(hoursFromNow(0.1));
    expect(to(device)).toHaveLength(2);
    expect(to(quiet)).toHaveLength(0);
  });
});

describe('notify: every push of this file', () => {
  it('decrypted with its device’s keys and carried a VAPID token for the push service’s origin, signed with our key', () => {
    expect(pushService.received.length).toBeGreaterThan(15);
    for (const received of pushService.received) {
      expect(received.decryptError, received.id).toBeUndefined();
      expect(received.vapid.verified, received.vapid.error).toBe(true);
      expect(received.vapid.publicKey).toBe(vapid.publicKey);
      expect(received.vapid.claims).toMatchObject({ aud: pushService.url, sub: SUBJECT });
      expect(received.payload).toEqual(expect.objectContaining({ title: expect.any(String) as unknown, url: expect.stringMatching(/^\//) as unknown, tag: expect.any(String) as unknown }));
    }
  });
});
