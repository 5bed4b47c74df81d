import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON, member, SERVICE, type Who } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * Notifications in the database (migration 20261129001100_notifications.sql), on PGlite and on
 * PostgreSQL 15: devices (push_subscriptions) and who may touch what, push_subscribe / push_unsubscribe,
 * the digest settings, the triggers that queue events, and the sender's claim and report
 * (notify_claim, notify_report): local hours in several zones, quiet hours, once per key even when two
 * claims run at once, a retry undoing its claim, a gone device deleted. And the cron schedule.
 */

const P256DH = 'B' + 'A'.repeat(86);
const AUTH = 'Q'.repeat(22);
let counter = 0;
const endpoint = () => `https://push.example.com/send/${++counter}-${crypto.randomUUID()}`;

type Claimed = { subscription_id: string; kind: string; keys: string[]; data: Record<string, unknown> };

for (const backend of sqlBackends()) {
  describe(`notifications on ${backend.name}`, () => {
    let db: SqlBackend;
    const as = <T = Record<string, unknown>,>(who: Who, sql: string, params: unknown[] = []) => db.as(who, (query) => query<T>(sql, params));
    const subscribe = async (who: string, ep = endpoint(), zone = 'UTC') =>
      (await as<{ id: string }>(member(who), `select public.push_subscribe($1, $2, $3, 'test agent', $4) as id`, [ep, P256DH, AUTH, zone]))[0]!.id;
    const claim = async (at: string) => (await as<{ r: Claimed[] }>(SERVICE, 'select public.notify_claim($1) as r', [at]))[0]!.r;
    const claimFor = async (at: string, device: string) => (await claim(at)).filter((c) => c.subscription_id === device);

    beforeAll(async () => {
      db = await backend.open();
    }, 120_000);
    afterAll(async () => db?.close());

    it('push_subscribe: inserts, refreshes keys keeping preferences, moves an endpoint to the new account; push_unsubscribe removes only the caller’s', async () => {
      const ann = await db.createUser();
      const bob = await db.createUser();
      const ep = endpoint();
      const id = await subscribe(ann, ep, 'Europe/Paris');
      await as(member(ann), 'update public.push_subscriptions set reminder_hour = 6, team = false where id = $1', [id]);
      const newAuth = 'R'.repeat(22);
      const again = (await as<{ id: string }>(member(ann), `select public.push_subscribe($1, $2, $3, 'agent 2', 'Asia/Tokyo') as id`, [ep, P256DH, newAuth]))[0]!.id;
      expect(again).toBe(id);
      expect(await db.query('select auth, user_agent, time_zone, reminder_hour, team from public.push_subscriptions where id = $1', [id])).toEqual([
        { auth: newAuth, user_agent: 'agent 2', time_zone: 'Asia/Tokyo', reminder_hour: 6, team: false },
      ]);
      const moved = await subscribe(bob, ep);
      expect(moved).not.toBe(id);
      expect(await db.query('select member_id, reminder_hour, team from public.push_subscriptions where endpoint = $1', [ep])).toEqual([{ member_id: bob, reminder_hour: 8, team: true }]);
      await as(member(ann), 'select public.push_unsubscribe($1)', [ep]);
      expect(await db.query('select count(*)::int as n from public.push_subscriptions where endpoint = $1', [ep])).toEqual([{ n: 1 }]);
      await as(member(bob), 'select public.push_unsubscribe($1)', [ep]);
      expect(await db.query('select count(*)::int as n from public.push_subscriptions where endpoint = $1', [ep])).toEqual([{ n: 0 }]);
      // A user agent longer than 300 characters is cut, not refused.
      const long = await as<{ id: string }>(member(ann), `select public.push_subscribe($1, $2, $3, repeat('x', 400)) as id`, [endpoint(), P256DH, AUTH]);
      expect(await db.query('select char_length(user_agent) as n, time_zone from public.push_subscriptions where id = $1', [long[0]!.id])).toEqual([{ n: 300, time_zone: 'UTC' }]);
    });

    it('refuses endpoints that are not https (but loopback http), keys of the wrong shape and hours out of range', async () => {
      const who = await db.createUser();
      const sub = (ep: string, p256dh = P256DH, auth = AUTH) => as(member(who), 'select public.push_subscribe($1, $2, $3)', [ep, p256dh, auth]);
      await expect(sub('http://push.example.com/x')).rejects.toThrow(/push_subscriptions_endpoint_valid/);
      await expect(sub('ftp://push.example.com/x')).rejects.toThrow(/push_subscriptions_endpoint_valid/);
      await expect(sub(`https://push.example.com/${'a'.repeat(2048)}`)).rejects.toThrow(/push_subscriptions_endpoint_valid/);
      await expect(sub(endpoint(), 'not a key')).rejects.toThrow(/push_subscriptions_p256dh_valid/);
      await expect(sub(endpoint(), P256DH, 'short')).rejects.toThrow(/push_subscriptions_auth_valid/);
      await sub('http://127.0.0.1:8123/push/1');
      await sub('http://localhost/push/2');
      const id = await subscribe(who);
      for (const [column, value] of [['reminder_hour', 24], ['quiet_start', -1], ['quiet_end', 99]] as const) {
        await expect(as(member(who), `update public.push_subscriptions set ${column} = $2 where id = $1`, [id, value])).rejects.toThrow(/range/);
      }
      await expect(as(member(who), `update public.push_subscriptions set time_zone = 'not a zone!' where id = $1`, [id])).rejects.toThrow(/time_zone_valid/);
    });

    it('row-level security and column privileges: own rows only, preferences only, no direct insert, anon nothing', async () => {
      const owner = await db.createUser();
      const other = await db.createUser();
      const id = await subscribe(owner);
      expect(await as(member(other), 'select id from public.push_subscriptions where id = $1', [id])).toEqual([]);
      expect(await as(member(other), 'update public.push_subscriptions set follow_ups = false where id = $1 returning id', [id])).toEqual([]);
      expect(await as(member(other), 'delete from public.push_subscriptions where id = $1 returning id', [id])).toEqual([]);
      for (const assignment of [`endpoint = 'https://evil.example/x'`, `p256dh = '${P256DH}'`, `auth = '${AUTH}'`, `member_id = '${other}'`, `last_reminder_on = current_date`, `sync_notified_for = now()`, `retry_after = now()`, `created_at = now()`]) {
        await expect(as(member(owner), `update public.push_subscriptions set ${assignment} where id = $1`, [id])).rejects.toThrow(/permission denied/);
      }
      await expect(as(member(owner), 'insert into public.push_subscriptions (endpoint, p256dh, auth) values ($1, $2, $3)', [endpoint(), P256DH, AUTH])).rejects.toThrow(/permission denied/);
      const updated = await as(member(owner), `update public.push_subscriptions set follow_ups = false, hot_leads = false, team = false, sync_problems = false, reminder_hour = 9,
        quiet_start = 22, quiet_end = 6, time_zone = 'America/Chicago', review_pending_since = now() where id = $1 returning id`, [id]);
      expect(updated).toEqual([{ id }]);
      await expect(as(ANON, 'select * from public.push_subscriptions')).rejects.toThrow(/permission denied/);
      await expect(as(ANON, 'select public.push_subscribe($1, $2, $3)', [endpoint(), P256DH, AUTH])).rejects.toThrow(/permission denied/);
      await expect(as(member(owner), `select public.notify_claim(now())`)).rejects.toThrow(/permission denied/);
      await expect(as(member(owner), `select public.digest_claim(now())`)).rejects.toThrow(/permission denied/);
      await expect(as(member(owner), 'select * from notify_private.events')).rejects.toThrow(/permission denied/);
      await expect(as(member(owner), 'delete from notify_private.deliveries')).rejects.toThrow(/permission denied/);
    });

    it('notification_settings: a member writes their own row (not last_digest_on) and reads only it', async () => {
      const me = await db.createUser();
      const other = await db.createUser();
      await as(member(me), `insert into public.notification_settings (digest_enabled, digest_hour, time_zone) values (true, 6, 'Europe/Rome')`);
      await as(member(me), 'update public.notification_settings set digest_hour = 7');
      expect(await as(member(me), 'select member_id, digest_enabled, digest_hour, time_zone, last_digest_on from public.notification_settings')).toEqual([
        { member_id: me, digest_enabled: true, digest_hour: 7, time_zone: 'Europe/Rome', last_digest_on: null },
      ]);
      expect(await as(member(other), 'select * from public.notification_settings')).toEqual([]);
      await expect(as(member(other), 'insert into public.notification_settings (member_id, digest_enabled) values ($1, true)', [me])).rejects.toThrow(/row-level security|duplicate/);
      await expect(as(member(me), 'update public.notification_settings set last_digest_on = current_date')).rejects.toThrow(/permission denied/);
      await expect(as(member(me), 'update public.notification_settings set digest_hour = 24')).rejects.toThrow(/digest_hour_range/);
      await expect(as(ANON, 'select * from public.notification_settings')).rejects.toThrow(/permission denied/);
    });

    it('the follow-up reminder: at the local reminder hour in each zone, moved to quiet_end, once a day; an unknown zone is UTC', async () => {
      const who = await db.createUser();
      await db.query(`insert into public.contacts (member_id, first_name, next_follow_up_on) values ($1, 'Jane', '2026-11-28'), ($1, 'Marcus', '2026-11-29'), ($1, 'Zoe', '2026-11-30'), ($1, 'Later', '2026-12-09')`, [who]);
      await db.query(`insert into public.contacts (member_id, first_name, next_follow_up_on, deleted_at) values ($1, 'Gone', '2026-11-28', now())`, [who]);
      const auckland = await subscribe(who, endpoint(), 'Pacific/Auckland');
      const newYork = await subscribe(who, endpoint(), 'America/New_York');
      const unknown = await subscribe(who, endpoint(), 'Mars/Olympus_Mons');
      const owl = await subscribe(who, endpoint(), 'UTC');
      await db.query(`update public.push_subscriptions set reminder_hour = 23, quiet_start = 22, quiet_end = 6 where id = $1`, [owl]);

      expect(await claimFor('2026-11-30T18:59:59Z', auckland)).toEqual([]);
      const [sent] = await claimFor('2026-11-30T19:00:00Z', auckland);
      expect(sent).toMatchObject({ kind: 'follow_ups', keys: ['follow-ups:2026-12-01'], data: { count: 3, names: ['Jane', 'Marcus'], day: '2026-12-01' } });
      expect(await claimFor('2026-11-30T19:59:00Z', auckland)).toEqual([]);
      expect(await claimFor('2026-11-30T19:00:00Z', newYork)).toEqual([]);
      expect((await claimFor('2026-12-01T13:00:00Z', newYork)).map((c) => c.keys)).toEqual([['follow-ups:2026-12-01']]);
      expect((await claimFor('2026-12-01T08:30:00Z', unknown)).map((c) => c.keys)).toEqual([['follow-ups:2026-12-01']]);
      expect(await claimFor('2026-12-01T23:00:00Z', owl)).toEqual([]);
      expect((await claimFor('2026-12-02T06:00:00Z', owl)).map((c) => c.keys)).toEqual([['follow-ups:2026-12-02']]);
      // Follow-ups off: none.
      await db.query('update public.push_subscriptions set follow_ups = false where id = $1', [auckland]);
      expect(await claimFor('2026-12-02T19:00:00Z', auckland)).toEqual([]);
    });

    it('two claims at once take each thing once; a retry report gives it back after Retry-After; gone deletes the device', async () => {
      const who = await db.createUser();
      await db.query(`insert into public.contacts (member_id, first_name, next_follow_up_on) values ($1, 'Kim', '2026-01-01')`, [who]);
      const device = await subscribe(who, endpoint(), 'UTC');
      const at = '2026-12-10T08:00:00Z';
      const [a, b] = await Promise.all([claimFor(at, device), claimFor(at, device)]);
      expect([...a, ...b].map((c) => c.keys)).toEqual([['follow-ups:2026-12-10']]);
      const report = (outcome: string, extra: Record<string, unknown> = {}, when = at) =>
        as(SERVICE, 'select public.notify_report($1, $2::jsonb)', [when, JSON.stringify([{ subscription_id: device, keys: ['follow-ups:2026-12-10'], outcome, status: 429, ...extra }])]);
      await report('retry', { retry_after: 120 });
      expect(await claimFor('2026-12-10T08:01:00Z', device)).toEqual([]);
      expect((await claimFor('2026-12-10T08:02:30Z', device)).map((c) => c.keys)).toEqual([['follow-ups:2026-12-10']]);
      await report('sent', {}, '2026-12-10T08:02:30Z');
      expect(await claimFor('2026-12-10T08:30:00Z', device)).toEqual([]);
      await report('gone');
      expect(await db.query('select id from public.push_subscriptions where id = $1', [device])).toEqual([]);
      // A malformed report changes nothing and does not fail.
      await as(SERVICE, `select public.notify_report(now(), '[{"subscription_id": "not-a-uuid", "outcome": "gone"}, 42]'::jsonb)`);
      await as(SERVICE, `select public.notify_report(now(), '{"not": "an array"}'::jsonb)`);
    });

    it('events: a person’s click, never a preview or scanner; a comment by someone else; a new member in the downline; bundled per kind; quiet hours hold them; 24 hours drop them', async () => {
      const leader = await db.createUser({ full_name: 'Lea Boss' });
      const sam = await db.createUser({ full_name: 'Sam Rivera' });
      const device = await subscribe(leader, endpoint(), 'UTC');
      await db.query('update public.push_subscriptions set quiet_start = 0, quiet_end = 0 where id = $1', [device]);
      const contact = crypto.randomUUID();
      const sent = crypto.randomUUID();
      const link = crypto.randomUUID();
      await db.query(`insert into public.contacts (id, member_id, first_name, last_name) values ($1, $2, 'Pat', 'Lead')`, [contact, leader]);
      await db.query(`insert into public.sent_emails (id, member_id, contact_id, to_email) values ($1, $2, $3, 'p@example.com')`, [sent, leader, contact]);
      await db.query(`insert into public.tracked_links (id, member_id, sent_email_id, url) values ($1, $2, $3, 'https://example.com')`, [link, leader, sent]);
      for (const kind of ['preview', 'scanner', 'person', 'person']) {
        await db.query(`insert into public.email_clicks (member_id, link_id, url, kind) values ($1, $2, 'https://example.com', $3)`, [leader, link, kind]);
      }
      await db.query(`update public.member_profiles set share_wins = '{new_customer}' where id = $1`, [leader]);
      const win = crypto.randomUUID();
      await db.query(`insert into public.team_wins (id, member_id, kind) values ($1, $2, 'new_customer')`, [win, leader]);
      await db.query('insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)', [sam, leader]);
      await db.query(`insert into public.team_comments (member_id, win_id, body) values ($1, $2, 'Great!'), ($3, $2, 'Thanks')`, [sam, win, leader]);

      const now = new Date();
      const claimed = await claimFor(now.toISOString(), device);
      const hot = claimed.find((c) => c.kind === 'hot_lead')!;
      expect(hot.keys).toHaveLength(2);
      expect((hot.data['items'] as { name: string; contact_id: string }[]).map((i) => [i.name, i.contact_id])).toEqual([['Pat Lead', contact], ['Pat Lead', contact]]);
      const team = claimed.find((c) => c.kind === 'team')!;
      expect((team.data['items'] as Record<string, unknown>[]).map(({ type, name, text, depth }) => ({ type, name, text, depth }))).toEqual([
        { type: 'join', name: 'Sam', text: undefined, depth: 1 },
        { type: 'comment', name: 'Sam', text: 'Great!', depth: undefined },
      ]);
      expect(await claimFor(now.toISOString(), device)).toEqual([]);

      // Quiet now: held; after quiet ends: sent; a day later: dropped.
      const hour = now.getUTCHours();
      await db.query('update public.push_subscriptions set quiet_start = $2, quiet_end = $3 where id = $1', [device, hour, (hour + 1) % 24]);
      await db.query(`insert into public.email_clicks (member_id, link_id, url, kind) values ($1, $2, 'https://example.com', 'person')`, [leader, link]);
      expect(await claimFor(now.toISOString(), device)).toEqual([]);
      expect(await claimFor(new Date(now.getTime() + 25 * 3_600_000).toISOString(), device)).toEqual([]);
      const afterQuiet = new Date(now);
      afterQuiet.setUTCHours(hour + 1, 0, 0, 0);
      expect((await claimFor(afterQuiet.toISOString(), device)).map((c) => c.kind)).toEqual(['hot_lead']);
    });

    it('the sync reminder: 24 hours after review_pending_since, once per value', async () => {
      const who = await db.createUser();
      const device = await subscribe(who);
      await db.query('update public.push_subscriptions set quiet_start = 0, quiet_end = 0, review_pending_since = $2 where id = $1', [device, '2026-12-01T10:00:00Z']);
      expect(await claimFor('2026-12-02T09:59:00Z', device)).toEqual([]);
      expect((await claimFor('2026-12-02T10:00:00Z', device)).map((c) => c.kind)).toEqual(['sync']);
      expect(await claimFor('2026-12-03T10:00:00Z', device)).toEqual([]);
      await as(member(who), 'update public.push_subscriptions set review_pending_since = $2 where id = $1', [device, '2026-12-02T12:00:00Z']);
      expect((await claimFor('2026-12-03T12:30:00Z', device)).map((c) => c.kind)).toEqual(['sync']);
    });

    it('the digest: due at the member’s digest hour in their zone, once a day, opted-in only, with yesterday and today', async () => {
      const who = await db.createUser({ full_name: 'Dana Digest' });
      const off = await db.createUser();
      await db.query(`insert into public.notification_settings (member_id, digest_enabled, digest_hour, time_zone) values ($1, true, 7, 'America/New_York'), ($2, false, 7, 'America/New_York')`, [who, off]);
      await db.query(`insert into public.contacts (member_id, first_name, last_name, next_follow_up_on) values ($1, 'Jane', 'Doe', '2026-12-04'), ($1, 'Abe', 'Old', '2026-12-01')`, [who]);
      await db.query(`insert into public.member_activities (member_id, activity_type, occurred_at) values ($1, 'call', '2026-12-03T15:00:00Z'), ($1, 'call', '2026-12-04T04:00:00Z'), ($1, 'note', '2026-12-03T12:00:00Z'), ($1, 'call', '2026-12-04T06:00:00Z')`, [who]);
      await db.query(`insert into public.sent_emails (member_id, to_email, sent_at) values ($1, 'a@example.com', '2026-12-03T14:00:00Z')`, [who]);
      const digest = async (at: string) => ((await as<{ r: Record<string, unknown>[] }>(SERVICE, 'select public.digest_claim($1) as r', [at]))[0]!.r).filter((d) => d['member_id'] === who || d['member_id'] === off);
      expect(await digest('2026-12-04T11:05:00Z')).toEqual([]);
      const [due] = await digest('2026-12-04T12:05:00Z');
      expect(due).toMatchObject({
        member_id: who,
        email: `user-${who}@example.com`,
        name: 'Dana Digest',
        day: '2026-12-04',
        activities: { call: 2, note: 1 },
        emails_sent: 1,
        follow_ups: [{ name: 'Abe Old', due: '2026-12-01' }, { name: 'Jane Doe', due: '2026-12-04' }],
        follow_up_count: 2,
      });
      expect(await digest('2026-12-04T12:35:00Z')).toEqual([]);
      await as(SERVICE, 'select public.digest_unclaim($1, $2, $3)', [who, '2026-12-04', null]);
      expect(await digest('2026-12-04T12:40:00Z')).toHaveLength(1);
    });

    it('the schedule: notify every minute and digest at :05, calling the functions with the URL and key from Vault', async () => {
      const jobs = await db.query<{ jobname: string; schedule: string; command: string }>(`select jobname, schedule, command from cron.job where jobname like 'fieldbook-%' order by jobname`);
      expect(jobs.map((j) => [j.jobname, j.schedule])).toEqual([['fieldbook-digest', '5 * * * *'], ['fieldbook-notify', '* * * * *']]);
      expect(jobs[1]!.command).toContain(`where name = 'fieldbook_functions_url') || '/notify'`);
      expect(jobs[1]!.command).toContain(`'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'fieldbook_cron_key')`);
      expect(jobs[0]!.command).toContain(`|| '/digest'`);
    });
  });
}
