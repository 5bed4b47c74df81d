import { createCipheriv, createECDH, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptPayload, fromBase64Url, generateVapidKeys, vapidAuthorization, type VapidKeys } from '../../supabase/functions/_shared/web-push';
import { checkVapid, messageKeys, startFakePushService, type FakePushService, type FakeSubscription } from '../support/fake-push-service';

/*
 * The fake push service (tests/support/fake-push-service.ts) is the judge of the Web Push tests, so it
 * is tested on its own: it decrypts RFC 8291's own example, and it turns away what a real push service
 * (or the browser) would: a token signed by another key, for another audience, expired or too long-lived,
 * a message that does not decrypt, an unknown subscription.
 */

// RFC 8291 Appendix A: the user agent's keys and the body the example ends with.
const RFC = {
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  auth: 'BTBZMqHH6r4Tts7J_aSIgg',
  body: 'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};
const SUBJECT = 'mailto:ops@fieldbook.test';

let fake: FakePushService;
let keys: VapidKeys;
let other: VapidKeys;

beforeAll(async () => {
  fake = await startFakePushService();
  [keys, other] = await Promise.all([generateVapidKeys(), generateVapidKeys()]);
});
afterAll(() => fake?.close());

const authFor = (audience = fake.url, vapid: VapidKeys = keys) => vapidAuthorization({ audience, subject: SUBJECT, ...vapid });

async function post(endpoint: string, body: Uint8Array, authorization: string | null, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { 'Content-Encoding': 'aes128gcm', 'Content-Type': 'application/octet-stream', TTL: '60', ...extra };
  if (authorization !== null) headers['Authorization'] = authorization;
  const response = await fetch(endpoint, { method: 'POST', headers, body: new Uint8Array(body) });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), record: fake.received.at(-1)! };
}

/** A body sealed here on node:crypto with a record of our choosing (padding, delimiter), for the fake's padding rules. */
function sealRecord(subscription: FakeSubscription, record: Buffer): Buffer {
  const sender = createECDH('prime256v1');
  const asPublic = sender.generateKeys();
  const uaPublic = Buffer.from(subscription.keys.p256dh, 'base64url');
  const salt = randomBytes(16);
  const { cek, nonce } = messageKeys(sender.computeSecret(uaPublic), Buffer.from(subscription.keys.auth, 'base64url'), uaPublic, asPublic, salt);
  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  const sealed = Buffer.concat([cipher.update(record), cipher.final(), cipher.getAuthTag()]);
  const header = Buffer.alloc(21);
  salt.copy(header);
  header.writeUInt32BE(4096, 16);
  header[20] = 65;
  return Buffer.concat([header, asPublic, sealed]);
}

describe('decryption', () => {
  it("decrypts RFC 8291's example with the user agent's private key", async () => {
    const subscription = fake.subscribe({ privateKey: RFC.uaPrivate, auth: RFC.auth });
    expect(subscription.keys).toEqual({ p256dh: RFC.uaPublic, auth: RFC.auth });
    const { status, record } = await post(subscription.endpoint, fromBase64Url(RFC.body), await authFor());
    expect(record.decryptError).toBeUndefined();
    expect(record.text).toBe('When I grow up, I want to be a watermelon');
    expect(record).toMatchObject({ id: subscription.id, status: 201, bodyBytes: 144 });
    expect(status).toBe(201);
  });

  it('decrypts a fresh message and parses JSON', async () => {
    const subscription = fake.subscribe();
    const body = await encryptPayload(subscription.keys, new TextEncoder().encode(JSON.stringify({ title: 'Jane opened “Kit”', n: 1 })));
    const { status, record } = await post(subscription.endpoint, body, await authFor());
    expect(record.payload).toEqual({ title: 'Jane opened “Kit”', n: 1 });
    expect(status).toBe(201);
  });

  it('answers 400 and records why for a tampered body, a body for another subscription, or another encoding', async () => {
    const subscription = fake.subscribe({ privateKey: RFC.uaPrivate, auth: RFC.auth });
    const tampered = fromBase64Url(RFC.body);
    tampered[100]! ^= 0x01;
    let result = await post(subscription.endpoint, tampered, await authFor());
    expect(result.status).toBe(400);
    expect(result.record.decryptError).toMatch(/AES-GCM authentication failed/);
    expect(result.record.text).toBeNull();

    // Right format, wrong recipient: encrypted for one subscription, posted to another.
    const first = fake.subscribe();
    const second = fake.subscribe();
    result = await post(second.endpoint, await encryptPayload(first.keys, new TextEncoder().encode('hi')), await authFor());
    expect(result.status).toBe(400);
    expect(result.record.decryptError).toMatch(/AES-GCM authentication failed/);

    result = await post(subscription.endpoint, fromBase64Url(RFC.body), await authFor(), { 'Content-Encoding': 'aesgcm' });
    expect(result.status).toBe(400);
    expect(result.record.decryptError).toMatch(/not aes128gcm/);
  });

  it('strips padding after the 0x02 delimiter, and refuses a record whose delimiter is 0x01 (not last) or missing', async () => {
    const subscription = fake.subscribe();
    const text = Buffer.from('padded');
    let result = await post(subscription.endpoint, sealRecord(subscription, Buffer.concat([text, Buffer.of(0x02, 0, 0, 0)])), await authFor());
    expect(result).toMatchObject({ status: 201, record: { text: 'padded' } });
    result = await post(subscription.endpoint, sealRecord(subscription, Buffer.concat([text, Buffer.of(0x01)])), await authFor());
    expect(result.status).toBe(400);
    expect(result.record.decryptError).toBe('the padding delimiter is 0x01, the last (only) record needs 0x02');
    result = await post(subscription.endpoint, sealRecord(subscription, Buffer.alloc(8)), await authFor());
    expect(result.record.decryptError).toBe('no padding delimiter in the record');
  });

  it('answers 404 for an unknown subscription', async () => {
    const { status } = await post(`${fake.url}/push/no-such-subscription`, fromBase64Url(RFC.body), await authFor());
    expect(status).toBe(404);
  });
});

describe('VAPID', () => {
  it('verifies a good token and records its claims', async () => {
    const subscription = fake.subscribe({ privateKey: RFC.uaPrivate, auth: RFC.auth });
    const { record } = await post(subscription.endpoint, fromBase64Url(RFC.body), await authFor());
    expect(record.vapid).toMatchObject({ verified: true, publicKey: keys.publicKey, claims: { aud: fake.url, sub: SUBJECT } });
  });

  it('rejects a token signed by another key than k= (403, recorded)', async () => {
    const subscription = fake.subscribe({ privateKey: RFC.uaPrivate, auth: RFC.auth });
    const signedByOther = (await authFor(fake.url, other)).replace(/k=\S+$/, `k=${keys.publicKey}`);
    const { status, record } = await post(subscription.endpoint, fromBase64Url(RFC.body), signedByOther);
    expect(status).toBe(403);
    expect(record.vapid.verified).toBe(false);
    expect(record.vapid.error).toMatch(/signature does not verify/);
    // The message itself still decrypted: the two checks are apart.
    expect(record.text).toBe('When I grow up, I want to be a watermelon');
  });

  it('rejects a token with changed claims and the old signature', async () => {
    const subscription = fake.subscribe({ privateKey: RFC.uaPrivate, auth: RFC.auth });
    const good = await authFor();
    const [, head, claims, signature] = /t=([^.]+)\.([^.]+)\.([^,]+)/.exec(good)!;
    const forged = Buffer.from(JSON.stringify({ ...(JSON.parse(Buffer.from(claims!, 'base64url').toString()) as object), sub: 'mailto:someone@else.test' })).toString('base64url');
    const { status, record } = await post(subscription.endpoint, fromBase64Url(RFC.body), good.replace(`${head}.${claims}.${signature}`, `${head}.${forged}.${signature}`));
    expect(status).toBe(403);
    expect(record.vapid.error).toMatch(/signature does not verify/);
  });

  it('rejects a token for another audience', async () => {
    const subscription = fake.subscribe({ privateKey: RFC.uaPrivate, auth: RFC.auth });
    const { status, record } = await post(subscription.endpoint, fromBase64Url(RFC.body), await authFor('https://fcm.googleapis.com'));
    expect(status).toBe(403);
    expect(record.vapid).toMatchObject({ verified: false, claims: { aud: 'https://fcm.googleapis.com' } });
    expect(record.vapid.error).toMatch(/^aud is "https:\/\/fcm.googleapis.com", this push service is http:\/\/127.0.0.1:\d+$/);
  });

  it('rejects a missing header, another scheme, an expired token and one valid for more than a day', async () => {
    const subscription = fake.subscribe({ privateKey: RFC.uaPrivate, auth: RFC.auth });
    const body = fromBase64Url(RFC.body);
    expect((await post(subscription.endpoint, body, null)).record.vapid.error).toBe('no Authorization header');
    expect((await post(subscription.endpoint, body, 'WebPush abc')).status).toBe(403);

    const header = await authFor();
    const now = Math.floor(Date.now() / 1000);
    expect(checkVapid(header, fake.url, now).verified).toBe(true);
    expect(checkVapid(header, fake.url, now + 13 * 3600).error).toBe('the token has expired');
    expect(checkVapid(header, fake.url, now - 13 * 3600).error).toBe('exp is more than 24 hours ahead');
  });
});

describe('scripted answers', () => {
  it('answers what respondWith asks for, with its headers, and records the message as usual', async () => {
    const subscription = fake.subscribe({ privateKey: RFC.uaPrivate, auth: RFC.auth });
    fake.respondWith(subscription.id, 429, { 'Retry-After': '30' });
    const limited = await post(subscription.endpoint, fromBase64Url(RFC.body), await authFor());
    expect(limited).toMatchObject({ status: 429, retryAfter: '30', record: { status: 429, text: 'When I grow up, I want to be a watermelon' } });
    fake.respondWith(subscription.id, null);
    expect((await post(subscription.endpoint, fromBase64Url(RFC.body), await authFor())).status).toBe(201);
  });
});
