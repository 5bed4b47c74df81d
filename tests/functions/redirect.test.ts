import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLinkCode, newLinkKey, type LinkKeyMaterial } from '../../src/domain/link-code';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { clientFor, signedInClient, type Client } from '../support/local-stack';

/*
 * The public redirect (supabase/functions/r) in Deno through the local stack over real HTTP, with a
 * member signed up through supabase-js who made a link key and sent a message with a tracked link.
 * The redirect answers first and stores the click just after, so rows are awaited with expect.poll.
 */

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const CHROME = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const TARGET = 'https://example.com/starter-kit';

let stack: LocalStack;
const logs: string[] = [];
let jane: { client: Client; userId: string };
let key: LinkKeyMaterial;
let addresses = 0;
/** Each test clicks from its own address (the per-address limit is per test then). */
const newAddress = () => `198.51.${Math.floor(addresses / 250)}.${(addresses++ % 250) + 1}`;

const hit = (code: string, init: { method?: string; userAgent?: string; address?: string; referer?: string } = {}) =>
  fetch(`${stack.url}/functions/v1/r/${code}`, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: {
      'user-agent': init.userAgent ?? CHROME,
      'x-forwarded-for': init.address ?? '203.0.113.10',
      ...(init.referer ? { referer: init.referer } : {}),
    },
  });

type Click = { id: string; link_id: string; sent_email_id: string | null; kind: string; reason: string; network: string; url: string; member_id: string };
const clicksOf = async (linkId: string): Promise<Click[]> => {
  const { rows } = await stack.db.query<Click>(`select id, link_id, sent_email_id, kind, reason, network, url, member_id from public.email_clicks where link_id = $1 order by clicked_at`, [linkId]);
  return rows;
};

/** A contact, a template and a message to the contact with one tracked link, written by Jane's client. */
async function sentWithLink(options: { withLinkRow?: boolean; url?: string } = {}) {
  const contact = crypto.randomUUID();
  const template = crypto.randomUUID();
  const sent = crypto.randomUUID();
  const linkId = crypto.randomUUID();
  const url = options.url ?? TARGET;
  const check = ({ error }: { error: { message: string } | null }) => {
    if (error) throw new Error(error.message);
  };
  check(await jane.client.from('contacts').insert({ id: contact, first_name: 'Sam', last_name: 'Prospect' }));
  check(await jane.client.from('email_templates').insert({ id: template, name: 'Starter kit video', body: `Watch ${url}` }));
  check(await jane.client.from('sent_emails').insert({ id: sent, contact_id: contact, template_id: template, to_email: '+15550100', channel: 'sms' }));
  if (options.withLinkRow !== false) check(await jane.client.from('tracked_links').insert({ id: linkId, sent_email_id: sent, url }));
  return { contact, sent, linkId, url, code: await makeLinkCode(key, linkId, url) };
}

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, seed: false, log: (line) => logs.push(line) });
  jane = await signedInClient(stack, 'jane');
  key = await newLinkKey(random);
  const { error } = await jane.client.from('link_keys').insert({ key_id: key.key_id, secret: key.secret });
  if (error) throw new Error(error.message);
  await stack.functions.warm('r');
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('the redirect through the local stack', () => {
  it("a person's click: 302 to the target, no body, not cached; one 'person' click with the send, and a link_opened activity", async () => {
    const { code, linkId, sent } = await sentWithLink();
    const address = newAddress();
    const answer = await hit(code, { address });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe(TARGET);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('content-type')).toBeNull();
    expect(await answer.text()).toBe('');

    await expect.poll(() => clicksOf(linkId)).toHaveLength(1);
    const [click] = await clicksOf(linkId);
    expect(click).toMatchObject({ member_id: jane.userId, sent_email_id: sent, kind: 'person', reason: '', url: TARGET });
    expect(click!.network).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // No address is kept anywhere in the row.
    const { rows } = await stack.db.query<{ row: unknown }>(`select to_jsonb(c) as row from public.email_clicks c where id = $1`, [click!.id]);
    expect(JSON.stringify(rows[0])).not.toContain(address);
    // The member sees it through the real client, and the activity arrived.
    const { data } = await jane.client.from('email_clicks').select('id, kind').eq('link_id', linkId);
    expect(data).toEqual([{ id: click!.id, kind: 'person' }]);
    const { data: activity } = await jane.client.from('member_activities').select('id, activity_type').eq('id', click!.id);
    expect(activity).toEqual([{ id: click!.id, activity_type: 'link_opened' }]);
  });

  it("a WhatsApp preview: 302 and 'preview'; a HEAD request: 302 and 'scanner'; neither is an activity", async () => {
    const { code, linkId } = await sentWithLink();
    const preview = await hit(code, { userAgent: 'WhatsApp/2.23.20.0 A', address: newAddress() });
    expect(preview.status).toBe(302);
    expect(preview.headers.get('location')).toBe(TARGET);
    const head = await hit(code, { method: 'HEAD', address: newAddress() });
    expect(head.status).toBe(302);
    expect(head.headers.get('location')).toBe(TARGET);
    expect(head.headers.get('cache-control')).toBe('no-store');
    await expect.poll(async () => (await clicksOf(linkId)).map((c) => [c.kind, c.reason])).toEqual([
      ['preview', 'WhatsApp preview'],
      ['scanner', 'HEAD request'],
    ]);
    const { rows } = await stack.db.query(`select 1 from public.member_activities where id = any($1)`, [(await clicksOf(linkId)).map((c) => c.id)]);
    expect(rows).toEqual([]);
  });

  it('a second hit seconds later from another network is a scanner; a Safe Links address is a scanner', async () => {
    const { code, linkId } = await sentWithLink();
    await hit(code, { address: '192.0.2.10' });
    await expect.poll(() => clicksOf(linkId)).toHaveLength(1);
    await hit(code, { address: '198.18.7.7' });
    await hit(code, { address: '40.107.22.1' });
    await expect.poll(async () => (await clicksOf(linkId)).map((c) => c.reason)).toEqual(['', 'second hit from another network within 10 s', 'Microsoft Safe Links']);
  });

  it('open-redirect attempts: a foreign URL behind a valid key id, or a code re-signed with another key, get 404 and store nothing', async () => {
    const { code, linkId } = await sentWithLink();
    const stranger = await newLinkKey(random);
    const attempts = [
      // Jane's key id with a target and signature made with another key.
      key.key_id + (await makeLinkCode(stranger, linkId, 'https://evil.example/phish')).slice(key.key_id.length),
      // Jane's real signature with another target.
      code.slice(0, 49) + Buffer.from('https://evil.example/phish').toString('base64url'),
      // A well-formed code under a key nobody has.
      await makeLinkCode(stranger, linkId, TARGET),
    ];
    for (const attempt of attempts) {
      const answer = await hit(attempt, { address: newAddress() });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('location')).toBeNull();
    }
    // The real link still works: stored after the 404s were answered, and only it.
    expect((await hit(code, { address: newAddress() })).status).toBe(302);
    await expect.poll(() => clicksOf(linkId)).toHaveLength(1);
    const { rows } = await stack.db.query<{ n: number }>(`select count(*)::int as n from public.email_clicks where url like 'https://evil.example%'`);
    expect(rows[0]!.n).toBe(0);
  });

  it('malformed codes and other methods: 404 and 405, quickly', async () => {
    for (const code of ['', 'x', 'not-a-code', 'A'.repeat(60), '%00%00', `${'A'.repeat(49)}!!!`]) {
      const started = performance.now();
      const answer = await hit(code, { address: newAddress() });
      expect(answer.status).toBe(404);
      expect(performance.now() - started).toBeLessThan(500);
    }
    const { code } = await sentWithLink();
    const post = await fetch(`${stack.url}/functions/v1/r/${code}`, { method: 'POST', redirect: 'manual', headers: { 'x-forwarded-for': newAddress() } });
    expect(post.status).toBe(405);
  });

  it('offline send: a link whose row is not there yet still redirects; its click is counted when the row arrives', async () => {
    const { code, linkId, sent, url } = await sentWithLink({ withLinkRow: false, url: 'https://example.com/offline?x=1' });
    const answer = await hit(code, { address: newAddress() });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe(url);
    await expect.poll(() => clicksOf(linkId)).toHaveLength(1);
    const [click] = await clicksOf(linkId);
    expect(click).toMatchObject({ sent_email_id: null, kind: 'person', url });

    // The phone syncs: the link's row arrives.
    const { error } = await jane.client.from('tracked_links').insert({ id: linkId, sent_email_id: sent, url });
    expect(error).toBeNull();
    expect((await clicksOf(linkId))[0]).toMatchObject({ sent_email_id: sent });
    const { data } = await jane.client.from('member_activities').select('id, activity_type, metadata').eq('id', click!.id);
    expect(data).toEqual([{ id: click!.id, activity_type: 'link_opened', metadata: { contact_name: 'Sam Prospect', template_name: 'Starter kit video', url } }]);
  });

  it('past 30 hits on one link within a minute, people still get to the page but the hits are not recorded', async () => {
    const { code, linkId } = await sentWithLink();
    const statuses: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 35; i += 1) statuses.push((await hit(code, { address: newAddress() })).status);
    // 30 at once, then one every 2 s comes back while the loop runs.
    const refilled = Math.ceil((performance.now() - started) / 2000);
    expect(statuses.every((status) => status === 302)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const recorded = (await clicksOf(linkId)).length;
    expect(recorded).toBeGreaterThanOrEqual(30);
    expect(recorded).toBeLessThanOrEqual(30 + refilled);
  });

  it('rate limit per address: 120 a minute from one address', async () => {
    const address = newAddress();
    const codes = await Promise.all(Array.from({ length: 130 }, () => makeLinkCode(key, crypto.randomUUID(), TARGET)));
    const statuses: number[] = [];
    const started = performance.now();
    for (const code of codes) statuses.push((await hit(code, { address })).status);
    // 120 at once, then two a second come back while the loop runs.
    const refilled = Math.ceil(((performance.now() - started) / 1000) * 2);
    expect(statuses.indexOf(429)).toBeGreaterThanOrEqual(120);
    expect(statuses.filter((status) => status === 302).length).toBeLessThanOrEqual(120 + refilled);
    expect(statuses.at(-1)).toBe(429);
  });

  it("through the real client, another member and anon see none of Jane's keys, links or clicks, and cannot change them", async () => {
    const { code, linkId } = await sentWithLink();
    await hit(code, { address: newAddress() });
    await expect.poll(() => clicksOf(linkId)).toHaveLength(1);
    const other = await signedInClient(stack, 'other');
    const anon = clientFor(stack);
    for (const client of [other.client, anon]) {
      for (const table of ['link_keys', 'tracked_links', 'email_clicks'] as const) {
        const { data } = await client.from(table).select('id');
        expect(data ?? []).toEqual([]);
        await client.from(table).update({ deleted_at: new Date().toISOString() }).neq('id', crypto.randomUUID());
        await client.from(table).delete().neq('id', crypto.randomUUID());
      }
    }
    const { data: mine } = await jane.client.from('email_clicks').select('id, deleted_at').eq('link_id', linkId);
    expect(mine).toEqual([{ id: expect.any(String) as unknown, deleted_at: null }]);
    const { data: keys } = await jane.client.from('link_keys').select('key_id, deleted_at');
    expect(keys).toEqual([{ key_id: key.key_id, deleted_at: null }]);
  });

  it('the function logged no errors', () => {
    expect(logs.filter((line) => line.startsWith('functions/r') && /error|not stored/i.test(line))).toEqual([]);
  });
});
