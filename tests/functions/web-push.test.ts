import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_TTL_SECONDS,
  encryptPayload,
  fromBase64Url,
  generateVapidKeys,
  importEcdhKeyPair,
  MAX_PLAINTEXT_BYTES,
  PayloadTooLargeError,
  sendPush,
  toBase64Url,
  vapidAuthorization,
  type VapidDetails,
} from '../../supabase/functions/_shared/web-push';
import { findDeno } from '../../supabase/local/functions';
import { startFakePushService, type FakePushService } from '../support/fake-push-service';

/*
 * Web Push sending (supabase/functions/_shared/web-push.ts): RFC 8291 encryption against the RFC's own
 * example, RFC 8292 VAPID verified with Web Crypto, and sendPush end to end through a fake push service
 * that decrypts and verifies on its own (tests/support/fake-push-service.ts). The last block runs the
 * same module in Deno, as the Edge Runtime will.
 */

// RFC 8291 Appendix A, line breaks removed.
const RFC = {
  plaintext: 'When I grow up, I want to be a watermelon',
  asPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  auth: 'BTBZMqHH6r4Tts7J_aSIgg',
  body: 'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};
const SUBJECT = 'mailto:ops@fieldbook.test';
const HOUR = 3600;
const utf8 = (text: string) => new TextEncoder().encode(text);
const nowSeconds = () => Math.floor(Date.now() / 1000);

let fake: FakePushService;
let vapid: VapidDetails;

beforeAll(async () => {
  fake = await startFakePushService();
  vapid = { subject: SUBJECT, ...(await generateVapidKeys()) };
});
afterAll(() => fake?.close());

describe('encryptPayload (RFC 8291, aes128gcm)', () => {
  it("reproduces RFC 8291 Appendix A's body byte for byte", async () => {
    const asKeyPair = await importEcdhKeyPair({ publicKey: RFC.asPublic, privateKey: RFC.asPrivate });
    const body = await encryptPayload({ p256dh: RFC.uaPublic, auth: RFC.auth }, utf8(RFC.plaintext), { salt: fromBase64Url(RFC.salt), asKeyPair });
    expect(toBase64Url(body)).toBe(RFC.body);
  });

  it('writes the header (salt, rs 4096, idlen 65, the sender key) and a fresh salt and key per message', async () => {
    const keys = { p256dh: RFC.uaPublic, auth: RFC.auth };
    const [a, b] = await Promise.all([encryptPayload(keys, utf8('hello')), encryptPayload(keys, utf8('hello'))]);
    for (const body of [a, b]) {
      expect(new DataView(body.buffer).getUint32(16)).toBe(4096);
      expect(body[20]).toBe(65);
      expect(body[21]).toBe(0x04);
      // header 86 + plaintext 5 + delimiter 1 + tag 16
      expect(body.length).toBe(86 + 5 + 1 + 16);
    }
    expect(toBase64Url(a.subarray(0, 16))).not.toBe(toBase64Url(b.subarray(0, 16)));
    expect(toBase64Url(a.subarray(21, 86))).not.toBe(toBase64Url(b.subarray(21, 86)));
  });

  it('refuses a plaintext that would not fit in a 4096-byte body, and takes the largest that does', async () => {
    const keys = { p256dh: RFC.uaPublic, auth: RFC.auth };
    expect(MAX_PLAINTEXT_BYTES).toBe(3993);
    expect((await encryptPayload(keys, new Uint8Array(MAX_PLAINTEXT_BYTES))).length).toBe(4096);
    await expect(encryptPayload(keys, new Uint8Array(MAX_PLAINTEXT_BYTES + 1))).rejects.toThrow(PayloadTooLargeError);
  });

  it('refuses keys of the wrong shape', async () => {
    await expect(encryptPayload({ p256dh: RFC.uaPublic.slice(0, 40), auth: RFC.auth }, utf8('x'))).rejects.toThrow(/p256dh must be an uncompressed P-256 point/);
    await expect(encryptPayload({ p256dh: RFC.uaPublic, auth: 'AAAA' }, utf8('x'))).rejects.toThrow(/auth must be 16 bytes/);
    await expect(encryptPayload({ p256dh: 'not base64!', auth: RFC.auth }, utf8('x'))).rejects.toThrow(/p256dh is not base64url/);
  });
});

/** The token's parts, and a Web Crypto check of its signature against the k= key. */
function readVapid(header: string) {
  const match = /^vapid t=([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(header);
  if (!match) throw new Error(`not a vapid header: ${header}`);
  const [, head, body, signature, k] = match as unknown as [string, string, string, string, string];
  const json = (part: string) => JSON.parse(new TextDecoder().decode(fromBase64Url(part))) as Record<string, unknown>;
  const verifies = async (signed: string, sig: string, publicKey = k) => {
    const key = await crypto.subtle.importKey('raw', fromBase64Url(publicKey), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromBase64Url(sig), utf8(signed));
  };
  return { head, body, signature, k, header: json(head), claims: json(body), verifies };
}

describe('VAPID (RFC 8292)', () => {
  it('generates key pairs: a 65-byte uncompressed public key and a 32-byte private key, base64url', async () => {
    const keys = await generateVapidKeys();
    expect(keys.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(keys.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fromBase64Url(keys.publicKey)[0]).toBe(0x04);
    expect((await generateVapidKeys()).privateKey).not.toBe(keys.privateKey);
  });

  it('signs an ES256 JWT for the audience that verifies with k=, claims aud, exp (12 h) and sub', async () => {
    const before = nowSeconds();
    const token = readVapid(await vapidAuthorization({ audience: 'https://fcm.googleapis.com', ...vapid }));
    expect(token.k).toBe(vapid.publicKey);
    expect(token.header).toEqual({ typ: 'JWT', alg: 'ES256' });
    expect(token.claims).toEqual({ aud: 'https://fcm.googleapis.com', exp: expect.any(Number) as number, sub: SUBJECT });
    const exp = token.claims['exp'] as number;
    expect(exp).toBeGreaterThanOrEqual(before + 12 * HOUR);
    expect(exp).toBeLessThanOrEqual(nowSeconds() + 12 * HOUR);
    expect(exp - nowSeconds()).toBeLessThanOrEqual(24 * HOUR);
    // r||s, 64 bytes, as JOSE wants (Web Crypto's verify takes exactly that form, never DER).
    expect(fromBase64Url(token.signature)).toHaveLength(64);
    expect(await token.verifies(`${token.head}.${token.body}`, token.signature)).toBe(true);
  });

  it('a tampered token does not verify: other claims, another signature, another key', async () => {
    const token = readVapid(await vapidAuthorization({ audience: 'https://push.example.net', ...vapid }));
    const forged = toBase64Url(utf8(JSON.stringify({ ...token.claims, aud: 'https://other.example.net' })));
    expect(await token.verifies(`${token.head}.${forged}`, token.signature)).toBe(false);
    const flipped = fromBase64Url(token.signature);
    flipped[10]! ^= 0x01;
    expect(await token.verifies(`${token.head}.${token.body}`, toBase64Url(flipped))).toBe(false);
    expect(await token.verifies(`${token.head}.${token.body}`, token.signature, (await generateVapidKeys()).publicKey)).toBe(false);
  });

  it('takes an expiry up to 24 h ahead and refuses a later or past one', async () => {
    const exp = nowSeconds() + 24 * HOUR - 5;
    expect(readVapid(await vapidAuthorization({ audience: 'https://a.example', ...vapid, expiresAt: exp })).claims['exp']).toBe(exp);
    await expect(vapidAuthorization({ audience: 'https://a.example', ...vapid, expiresAt: nowSeconds() + 24 * HOUR + 60 })).rejects.toThrow(/next 24 hours/);
    await expect(vapidAuthorization({ audience: 'https://a.example', ...vapid, expiresAt: nowSeconds() - 1 })).rejects.toThrow(/next 24 hours/);
  });

  it('refuses an audience that is not an origin, a subject that is not mailto: or https:, and bad keys', async () => {
    await expect(vapidAuthorization({ audience: 'https://fcm.googleapis.com/fcm/send/abc', ...vapid })).rejects.toThrow(/must be an origin/);
    await expect(vapidAuthorization({ audience: 'fcm.googleapis.com', ...vapid })).rejects.toThrow(/not a URL/);
    await expect(vapidAuthorization({ audience: 'https://a.example', ...vapid, subject: 'ops@fieldbook.test' })).rejects.toThrow(/mailto: address or an https: URL/);
    await expect(vapidAuthorization({ audience: 'https://a.example', ...vapid, subject: 'http://fieldbook.test' })).rejects.toThrow(/mailto: address or an https: URL/);
    await expect(vapidAuthorization({ audience: 'https://a.example', ...vapid, privateKey: 'AAAA' })).rejects.toThrow(/private key must be 32 bytes/);
  });
});

describe('sendPush through a push service', () => {
  it('delivers: the push service decrypts the same JSON and verifies the VAPID token for its origin', async () => {
    const subscription = fake.subscribe();
    const payload = { title: 'Jane Doe opened ‘Starter kit video’', url: '/contacts/42', at: 1764460800000 };
    expect(await sendPush(subscription, payload, vapid)).toEqual({ status: 201, gone: false });
    const record = fake.received.at(-1)!;
    expect(record.id).toBe(subscription.id);
    expect(record.decryptError).toBeUndefined();
    expect(record.payload).toEqual(payload);
    expect(record.vapid).toMatchObject({ verified: true, publicKey: vapid.publicKey, claims: { aud: fake.url, sub: SUBJECT } });
  });

  it('sends text as it is', async () => {
    const subscription = fake.subscribe();
    await sendPush(subscription, 'Plain text, ünïcödé 🍉', vapid);
    expect(fake.received.at(-1)!.text).toBe('Plain text, ünïcödé 🍉');
  });

  it('sends Content-Encoding, Content-Type, TTL (a day) and Urgency (normal) by default, and no Topic', async () => {
    const subscription = fake.subscribe();
    await sendPush(subscription, { n: 1 }, vapid);
    const { headers } = fake.received.at(-1)!;
    expect(headers).toMatchObject({ 'content-encoding': 'aes128gcm', 'content-type': 'application/octet-stream', ttl: String(DEFAULT_TTL_SECONDS), urgency: 'normal' });
    expect(headers['ttl']).toBe('86400');
    expect(headers['topic']).toBeUndefined();
    expect(headers['authorization']).toMatch(/^vapid t=[^,]+, k=/);
  });

  it('sends the TTL, Urgency and Topic asked for', async () => {
    const subscription = fake.subscribe();
    await sendPush(subscription, { n: 2 }, vapid, { ttl: 60, urgency: 'high', topic: 'lead-42_opened' });
    expect(fake.received.at(-1)!.headers).toMatchObject({ ttl: '60', urgency: 'high', topic: 'lead-42_opened' });
    await sendPush(subscription, { n: 3 }, vapid, { ttl: 0, urgency: 'very-low' });
    expect(fake.received.at(-1)!.headers).toMatchObject({ ttl: '0', urgency: 'very-low' });
  });

  it('refuses a bad topic, urgency or TTL before sending', async () => {
    const subscription = fake.subscribe();
    const fetch = vi.fn<typeof globalThis.fetch>();
    await expect(sendPush(subscription, {}, vapid, { topic: 'x'.repeat(33), fetch })).rejects.toThrow(/topic must be 1 to 32/);
    await expect(sendPush(subscription, {}, vapid, { topic: 'lead 42', fetch })).rejects.toThrow(/topic must be 1 to 32/);
    await expect(sendPush(subscription, {}, vapid, { urgency: 'urgent' as 'high', fetch })).rejects.toThrow(/urgency must be one of/);
    await expect(sendPush(subscription, {}, vapid, { ttl: -1, fetch })).rejects.toThrow(/ttl must be/);
    await expect(sendPush({ ...subscription, endpoint: 'http://push.example.net/x' }, {}, vapid, { fetch })).rejects.toThrow(/must be https/);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('refuses an oversized payload with a clear error and sends nothing; the largest that fits is a 4096-byte body', async () => {
    const subscription = fake.subscribe();
    const count = fake.received.length;
    const fetch = vi.fn<typeof globalThis.fetch>();
    await expect(sendPush(subscription, 'x'.repeat(MAX_PLAINTEXT_BYTES + 1), vapid, { fetch })).rejects.toThrow(
      /Web Push payload too large: 3994 bytes of plaintext, at most 3993 fit/,
    );
    // Counted in UTF-8 bytes, not characters: 1997 two-byte characters are 3994 bytes.
    await expect(sendPush(subscription, 'é'.repeat(1997), vapid, { fetch })).rejects.toThrow(PayloadTooLargeError);
    expect(fetch).not.toHaveBeenCalled();
    expect(fake.received.length).toBe(count);

    expect(await sendPush(subscription, 'x'.repeat(MAX_PLAINTEXT_BYTES), vapid)).toEqual({ status: 201, gone: false });
    expect(fake.received.at(-1)).toMatchObject({ bodyBytes: 4096, status: 201 });
    expect(fake.received.at(-1)!.text).toHaveLength(MAX_PLAINTEXT_BYTES);
  });

  it.each([404, 410])('a %i means the subscription is gone', async (status) => {
    const subscription = fake.subscribe();
    fake.respondWith(subscription.id, status);
    expect(await sendPush(subscription, { n: 1 }, vapid)).toEqual({ status, gone: true });
  });

  it('a 429 or 503 is not gone and passes Retry-After on, in seconds or as a date', async () => {
    const subscription = fake.subscribe();
    fake.respondWith(subscription.id, 429, { 'Retry-After': '30' });
    expect(await sendPush(subscription, { n: 1 }, vapid)).toEqual({ status: 429, gone: false, retryAfter: 30 });
    fake.respondWith(subscription.id, 503, { 'Retry-After': new Date(Date.now() + 120_000).toUTCString() });
    const result = await sendPush(subscription, { n: 1 }, vapid);
    expect(result).toMatchObject({ status: 503, gone: false });
    expect(result.retryAfter).toBeGreaterThanOrEqual(118);
    expect(result.retryAfter).toBeLessThanOrEqual(120);
    fake.respondWith(subscription.id, 400);
    expect(await sendPush(subscription, { n: 1 }, vapid)).toEqual({ status: 400, gone: false });
  });

  it('an unknown subscription at the push service is gone (404)', async () => {
    const subscription = fake.subscribe();
    expect(await sendPush({ ...subscription, endpoint: `${fake.url}/push/forgotten` }, { n: 1 }, vapid)).toEqual({ status: 404, gone: true });
  });

  it('a push service that cannot be reached, fails or does not answer in time is status 0, not gone', async () => {
    const subscription = fake.subscribe();
    // A port nobody listens on: taken, then let go.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    expect(await sendPush({ ...subscription, endpoint: `http://127.0.0.1:${port}/push/x` }, { n: 1 }, vapid)).toEqual({ status: 0, gone: false });
    const failing = vi.fn<typeof globalThis.fetch>(() => Promise.reject(new TypeError('fetch failed')));
    expect(await sendPush(subscription, { n: 1 }, vapid, { fetch: failing })).toEqual({ status: 0, gone: false });
    const hanging = vi.fn<typeof globalThis.fetch>(
      (_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error))),
    );
    expect(await sendPush(subscription, { n: 1 }, vapid, { fetch: hanging, timeoutMs: 50 })).toEqual({ status: 0, gone: false });
  });

  it('a private key that does not belong to the public key is refused before sending', async () => {
    const subscription = fake.subscribe();
    const count = fake.received.length;
    const other = await generateVapidKeys();
    await expect(sendPush(subscription, { n: 1 }, { ...vapid, privateKey: other.privateKey })).rejects.toThrow(/VAPID private key does not belong to the VAPID public key/);
    expect(fake.received.length).toBe(count);
  });
});

describe('in Deno (the Edge Runtime)', () => {
  const ROOT = join(import.meta.dirname, '..', '..');
  const MODULE = join(ROOT, 'supabase', 'functions', '_shared', 'web-push.ts');
  const CONFIG = join(ROOT, 'supabase', 'functions', 'deno.json');
  const env = { PATH: process.env['PATH'] ?? '', DENO_DIR: join(ROOT, 'node_modules', '.cache', 'deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };

  it('type-checks with deno check, offline', async () => {
    const stderr = await new Promise<string>((resolve, reject) => {
      execFile(findDeno(), ['check', '--cached-only', '--quiet', '--config', CONFIG, MODULE], { env, encoding: 'utf8' }, (error, _stdout, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(err),
      );
    });
    expect(stderr).toBe('');
  });

  it("reproduces RFC 8291's example and delivers to the push service, which decrypts and verifies", async () => {
    const subscription = fake.subscribe();
    const script = `
      import * as webPush from ${JSON.stringify(pathToFileURL(MODULE).href)};
      const rfc = ${JSON.stringify(RFC)};
      const asKeyPair = await webPush.importEcdhKeyPair({ publicKey: rfc.asPublic, privateKey: rfc.asPrivate });
      const body = await webPush.encryptPayload({ p256dh: rfc.uaPublic, auth: rfc.auth }, new TextEncoder().encode(rfc.plaintext), { salt: webPush.fromBase64Url(rfc.salt), asKeyPair });
      const vapid = { subject: ${JSON.stringify(SUBJECT)}, ...(await webPush.generateVapidKeys()) };
      const sent = await webPush.sendPush(${JSON.stringify(subscription)}, { from: 'deno', deno: Deno.version.deno }, vapid, { topic: 'from-deno' });
      const other = await webPush.generateVapidKeys();
      const mismatch = await webPush.vapidAuthorization({ ...vapid, privateKey: other.privateKey, audience: 'https://a.example' }).then(() => 'signed', (error) => error.message);
      console.log(JSON.stringify({ body: webPush.toBase64Url(body), sent, publicKey: vapid.publicKey, mismatch }));
    `;
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(findDeno(), ['run', '--cached-only', '--no-prompt', `--allow-net=${new URL(fake.url).host}`, '--config', CONFIG, '-'], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`deno exited ${code}\n${stderr}`))));
      child.stdin.end(script);
    });
    const result = JSON.parse(output) as { body: string; sent: unknown; publicKey: string; mismatch: string };
    expect(result.body).toBe(RFC.body);
    expect(result.sent).toEqual({ status: 201, gone: false });
    const record = fake.received.find((entry) => entry.id === subscription.id)!;
    expect(record.payload).toEqual({ from: 'deno', deno: expect.stringMatching(/^2\./) as string });
    expect(record.vapid).toMatchObject({ verified: true, publicKey: result.publicKey, claims: { aud: fake.url } });
    expect(record.headers['topic']).toBe('from-deno');
    expect(result.mismatch).toMatch(/VAPID private key does not belong to the VAPID public key/);
  });
});
