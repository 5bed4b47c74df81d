import { describe, expect, it } from 'vitest';
import { makeLinkCode, newLinkKey } from '../../src/domain/link-code';
import type { ClickRow, ClickStore, LinkKey, PreviousHit } from '../../supabase/functions/_shared/click-store';
import { codeOf, createRedirect, positiveNumber, type RedirectOptions } from '../../supabase/functions/_shared/redirect';

/*
 * The redirect's logic (supabase/functions/_shared/redirect.ts) in Node with an in-memory store; the
 * same code runs in Deno behind /functions/v1/r (tests/functions/redirect.test.ts goes through the stack).
 */

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const MEMBER = '11111111-1111-4111-8111-111111111111';
const TARGET = 'https://example.com/starter-kit?ref=jane';
const CHROME = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

function fakeStore(keys: Map<string, LinkKey>) {
  const clicks: ClickRow[] = [];
  const calls = { linkKey: 0, previousHit: 0 };
  let failInserts = 0;
  let failKeys = false;
  const store: ClickStore = {
    linkKey: (keyId) => {
      calls.linkKey += 1;
      return failKeys ? Promise.reject(new Error('database down')) : Promise.resolve(keys.get(keyId) ?? null);
    },
    previousHit: (memberId, linkId): Promise<PreviousHit | null> => {
      calls.previousHit += 1;
      const last = clicks.filter((c) => c.member_id === memberId && c.link_id === linkId && c.kind === 'person').at(-1);
      return Promise.resolve(last ? { clickedAtMs: Date.parse(last.clicked_at), network: last.network } : null);
    },
    insertClick: async (row) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (failInserts > 0) {
        failInserts -= 1;
        throw new Error('insert failed');
      }
      clicks.push(row);
    },
  };
  return { store, clicks, calls, failNextInserts: (n: number) => (failInserts = n), failKeys: (on: boolean) => (failKeys = on) };
}

async function setup(options: Partial<RedirectOptions> = {}) {
  const key = await newLinkKey(random);
  const fake = fakeStore(new Map([[key.key_id, { memberId: MEMBER, secret: key.secret }]]));
  const logs: string[] = [];
  let clock = Date.UTC(2026, 10, 29, 12);
  const redirect = createRedirect({ store: fake.store, networkSecret: 'test secret', now: () => clock, log: (line) => logs.push(line), ...options });
  const linkId = crypto.randomUUID();
  const code = await makeLinkCode(key, linkId, TARGET);
  const get = (path: string, init: RequestInit & { address?: string } = {}) =>
    redirect.handle(new Request(`http://function.local${path}`, { method: 'GET', ...init, headers: { 'user-agent': CHROME, ...(init.headers as Record<string, string>) } }), init.address ?? '198.51.100.1');
  return { key, linkId, code, redirect, get, logs, ...fake, advance: (ms: number) => (clock += ms) };
}

describe('the redirect', () => {
  it('302 to the signed target with no-store and no-referrer, no body; then one person click', async () => {
    const t = await setup();
    for (const path of [`/r/${t.code}`, `/functions/v1/r/${t.code}`, `/r/${t.code}/`]) {
      const answer = await t.get(path);
      expect(answer.status).toBe(302);
      expect(answer.headers.get('location')).toBe(TARGET);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('content-type')).toBeNull();
      expect(await answer.text()).toBe('');
    }
    await t.redirect.idle();
    expect(t.clicks).toHaveLength(3);
    expect(t.clicks[0]).toMatchObject({ member_id: MEMBER, link_id: t.linkId, url: TARGET, kind: 'person', reason: '' });
    expect(t.clicks[0]!.network).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(JSON.stringify(t.clicks)).not.toContain('198.51.100');
    expect(new Set(t.clicks.map((c) => c.id)).size).toBe(3);
    // The key was read once and then cached.
    expect(t.calls.linkKey).toBe(1);
  });

  it('HEAD gets the same headers and is a scanner; a WhatsApp preview is a preview', async () => {
    const t = await setup();
    const head = await t.get(`/r/${t.code}`, { method: 'HEAD' });
    expect(head.status).toBe(302);
    expect(head.headers.get('location')).toBe(TARGET);
    await t.get(`/r/${t.code}`, { headers: { 'user-agent': 'WhatsApp/2.23.20.0 A' } });
    await t.redirect.idle();
    expect(t.clicks.map((c) => [c.kind, c.reason])).toEqual([['scanner', 'HEAD request'], ['preview', 'WhatsApp preview']]);
    // Neither needed the previous hit: no query for it.
    expect(t.calls.previousHit).toBe(0);
  });

  it('punctuation a linkifier took along after the code is dropped', async () => {
    const t = await setup();
    for (const tail of ['.', ')', '),', '!', '%E2%80%9D', '%22.', '%']) {
      const answer = await t.get(`/r/${t.code}${tail}`);
      expect(answer.status, tail).toBe(302);
      expect(answer.headers.get('location')).toBe(TARGET);
    }
    expect(codeOf('/r/abc-_')).toBe('abc-_');
    expect(codeOf('/functions/v1/r/abc.')).toBe('abc');
    expect(codeOf('/q/abc')).toBeNull();
  });

  it('anything but GET and HEAD: 405', async () => {
    const t = await setup();
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const answer = await t.get(`/r/${t.code}`, { method });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('GET, HEAD');
    }
    await t.redirect.idle();
    expect(t.clicks).toEqual([]);
  });

  it('a malformed code or path: 404 without asking the store', async () => {
    const t = await setup();
    for (const path of ['/r/', '/r/abc', `/r/${t.code.slice(0, 60)}*${t.code.slice(60)}`, `/r/${t.code.slice(0, 40)}`, '/other', `/x/${t.code}`, `/r/${t.code}/more`]) {
      expect((await t.get(path)).status).toBe(404);
    }
    expect(t.calls).toEqual({ linkKey: 0, previousHit: 0 });
  });

  it('an unknown key and a bad signature get the same 404, and nothing is stored', async () => {
    const t = await setup();
    const stranger = await newLinkKey(random);
    const unknown = await makeLinkCode(stranger, t.linkId, TARGET);
    // Someone else's URL behind a valid key id: the signature of the real key does not match.
    const forged = t.key.key_id + (await makeLinkCode(stranger, t.linkId, 'https://evil.example/')).slice(11);
    // The real link's signature with another target.
    const swapped = t.code.slice(0, 49) + Buffer.from('https://evil.example/').toString('base64url');
    const answers = await Promise.all([unknown, forged, swapped].map(async (code) => t.get(`/r/${code}`)));
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.headers.get('location')).toBeNull();
    }
    await t.redirect.idle();
    expect(t.clicks).toEqual([]);
  });

  it('a second hit seconds later from another network is a scanner; from the same network a person', async () => {
    const t = await setup();
    await t.get(`/r/${t.code}`, { address: '198.51.100.1' });
    t.advance(3_000);
    await t.get(`/r/${t.code}`, { address: '198.51.100.200' });
    t.advance(3_000);
    await t.get(`/r/${t.code}`, { address: '40.100.1.1' });
    t.advance(20_000);
    await t.get(`/r/${t.code}`, { address: '203.0.113.5' });
    await t.redirect.idle();
    expect(t.clicks.map((c) => c.kind)).toEqual(['person', 'person', 'scanner', 'person']);
    expect(t.clicks[2]!.reason).toBe('second hit from another network within 10 s');
  });

  it("a person right after a scanner (Outlook's Safe Links checks the link, then the browser follows it) is a person", async () => {
    const t = await setup();
    await t.get(`/r/${t.code}`, { address: '40.107.9.9' });
    t.advance(1_500);
    await t.get(`/r/${t.code}`, { address: '198.51.100.1' });
    t.advance(2_000);
    // A fleet of scanners from other networks after that person: each compared with the person.
    await t.get(`/r/${t.code}`, { address: '203.0.113.1' });
    t.advance(2_000);
    await t.get(`/r/${t.code}`, { address: '192.0.2.1' });
    await t.redirect.idle();
    expect(t.clicks.map((c) => c.kind)).toEqual(['scanner', 'person', 'scanner', 'scanner']);
  });

  it('hits on one link are stored in order, so a burst still sees the hit before it', async () => {
    const t = await setup();
    await Promise.all([t.get(`/r/${t.code}`, { address: '198.51.100.1' }), t.get(`/r/${t.code}`, { address: '203.0.113.1' })]);
    await t.redirect.idle();
    expect(t.clicks.map((c) => c.kind)).toEqual(['person', 'scanner']);
  });

  it('past the per-link limit hits still redirect but are not recorded; past the per-address limit, 429', async () => {
    const t = await setup({ perCodePerMinute: 3, perAddressPerMinute: 5 });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await t.get(`/r/${t.code}`, { address: `198.51.100.${i}` })).status);
    // A link shared to a busy group: everyone gets to the page; three hits are recorded.
    expect(statuses).toEqual([302, 302, 302, 302, 302]);
    await t.redirect.idle();
    expect(t.clicks).toHaveLength(3);
    // Per address: five codes from one address, the sixth refused.
    const codes = await Promise.all(Array.from({ length: 6 }, () => makeLinkCode(t.key, crypto.randomUUID(), TARGET)));
    const byAddress = [];
    for (const code of codes) byAddress.push((await t.get(`/r/${code}`, { address: '203.0.113.9' })).status);
    expect(byAddress).toEqual([302, 302, 302, 302, 302, 429]);
    const limited = await t.get(`/r/${codes[0]!}`, { address: '203.0.113.9' });
    expect(limited.headers.get('retry-after')).toBe('12');
    await t.redirect.idle();
    expect(t.clicks).toHaveLength(8);
  });

  it('another spelling of a code (spare bits of base64url) is refused, so it cannot dodge the per-link limit', async () => {
    const t = await setup();
    const last = t.code.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const variants = [...alphabet].filter((ch) => ch !== last).map((ch) => t.code.slice(0, -1) + ch);
    const answers = await Promise.all(variants.map(async (code) => (await t.get(`/r/${code}`, { address: '198.51.100.77' })).status));
    expect(answers.filter((status) => status === 302)).toEqual([]);
  });

  it('a failed insert never stops the redirect, and is logged', async () => {
    const t = await setup();
    t.failNextInserts(1);
    const answer = await t.get(`/r/${t.code}`);
    expect(answer.status).toBe(302);
    await t.redirect.idle();
    expect(t.clicks).toEqual([]);
    expect(t.logs.join('\n')).toMatch(/was not stored: insert failed/);
    // The next hit is stored as usual.
    await t.get(`/r/${t.code}`);
    await t.redirect.idle();
    expect(t.clicks).toHaveLength(1);
  });

  it('when the key cannot be read, 503 (never an unchecked redirect), and the failure is not cached', async () => {
    const t = await setup();
    t.failKeys(true);
    const answer = await t.get(`/r/${t.code}`);
    expect(answer.status).toBe(503);
    expect(answer.headers.get('location')).toBeNull();
    t.failKeys(false);
    expect((await t.get(`/r/${t.code}`)).status).toBe(302);
  });

  it('an unknown key is asked again after a few seconds (it may have been syncing)', async () => {
    const t = await setup();
    const later = await newLinkKey(random);
    const code = await makeLinkCode(later, t.linkId, TARGET);
    expect((await t.get(`/r/${code}`)).status).toBe(404);
    expect((await t.get(`/r/${code}`)).status).toBe(404);
    expect(t.calls.linkKey).toBe(1);
    t.advance(6_000);
    expect((await t.get(`/r/${code}`)).status).toBe(404);
    expect(t.calls.linkKey).toBe(2);
  });

  it('a non-ASCII target is sent percent-encoded and stored as signed', async () => {
    const t = await setup();
    const target = 'https://example.com/café?q=ü#ä';
    const code = await makeLinkCode(t.key, crypto.randomUUID(), target);
    const answer = await t.get(`/r/${code}`);
    expect(answer.headers.get('location')).toBe('https://example.com/caf%C3%A9?q=%C3%BC#%C3%A4');
    await t.redirect.idle();
    expect(t.clicks[0]!.url).toBe(target);
  });

  it('reads its limits from the environment text', () => {
    expect(positiveNumber('100000', 30)).toBe(100000);
    for (const text of [undefined, '', ' ', '0', '-5', 'abc', 'Infinity']) expect(positiveNumber(text, 30)).toBe(30);
  });
});
