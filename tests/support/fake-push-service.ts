/*
 * A push service for tests (RFC 8030's receiving end) on node:http, checking what a real one checks
 * and what only the browser could: it DECRYPTS each message with the subscription's private key (RFC
 * 8291 / RFC 8188 aes128gcm) and VERIFIES the VAPID token (RFC 8292) against the k= key and its own
 * origin. Written apart from supabase/functions/_shared/web-push.ts, on node:crypto (ECDH, HMAC for
 * HKDF step by step, AES-GCM, ECDSA with r||s signatures), so the two do not share a mistake.
 *
 * Failures are recorded in `received`, never thrown: a message that does not decrypt gets 400, a token
 * that does not verify 403 (what FCM answers), an unknown subscription 404, otherwise 201 Created
 * (or what `respondWith` asked for, after checking and recording the message as usual).
 */
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, randomUUID, verify, type ECDH } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeSubscription = {
  readonly id: string;
  readonly endpoint: string;
  readonly keys: { readonly p256dh: string; readonly auth: string };
};

export type VapidCheck = {
  readonly verified: boolean;
  /** The JWT's claims when they could be read (also when the signature is wrong). */
  readonly claims: Record<string, unknown> | null;
  /** The k= key. */
  readonly publicKey: string | null;
  /** Why it did not verify. */
  readonly error?: string;
};

export type ReceivedPush = {
  readonly id: string;
  /** What the fake answered. */
  readonly status: number;
  /** The decrypted message, parsed as JSON when it is JSON, else the text; null when it did not decrypt. */
  readonly payload: unknown;
  readonly text: string | null;
  readonly decryptError?: string;
  /** Request headers, names in lower case. */
  readonly headers: Record<string, string>;
  /** The body as sent (encrypted). */
  readonly bodyBytes: number;
  readonly vapid: VapidCheck;
};

export type FakePushService = {
  /** http://127.0.0.1:<port>, also the audience a VAPID token must name. */
  readonly url: string;
  /** A new subscription with its own P-256 key pair and 16-byte auth secret; fixed keys when given (base64url d and auth). */
  readonly subscribe: (fixed?: { readonly privateKey: string; readonly auth: string }) => FakeSubscription;
  readonly received: ReceivedPush[];
  /** Makes an endpoint answer `status` (404, 410, 429, …) with optional headers (Retry-After); null goes back to normal. */
  readonly respondWith: (id: string, status: number | null, headers?: Record<string, string>) => void;
  readonly close: () => Promise<void>;
};

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const fromB64u = (text: string) => Buffer.from(text, 'base64url');

/** RFC 5869 with SHA-256, for at most 32 bytes of output (one HMAC block), as RFC 8291 §3.3 writes it. */
function hkdf(salt: Buffer, ikm: Buffer, info: Buffer, length: number): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk).update(info).update(Buffer.of(0x01)).digest().subarray(0, length);
}

/** RFC 8291 §3.3–3.4: the content encryption key and nonce of one message. */
export function messageKeys(ecdhSecret: Buffer, authSecret: Buffer, uaPublic: Buffer, asPublic: Buffer, salt: Buffer): { cek: Buffer; nonce: Buffer } {
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info', 'latin1'), Buffer.of(0), uaPublic, asPublic]);
  const ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.concat([Buffer.from('Content-Encoding: aes128gcm', 'latin1'), Buffer.of(0)]), 16);
  const nonce = hkdf(salt, ikm, Buffer.concat([Buffer.from('Content-Encoding: nonce', 'latin1'), Buffer.of(0)]), 12);
  return { cek, nonce };
}

/** RFC 8291 decryption of an aes128gcm body with one record; throws with the reason. */
export function decryptPushBody(body: Buffer, ecdh: ECDH, authSecret: Buffer): Buffer {
  if (body.length < 21) throw new Error(`body of ${body.length} bytes is shorter than the aes128gcm header`);
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  if (idlen !== 65) throw new Error(`keyid is ${idlen} bytes, the sender's uncompressed P-256 key has 65`);
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (rs < 18) throw new Error(`record size ${rs} is below the minimum 18`);
  if (record.length > rs) throw new Error(`the record is ${record.length} bytes, more than the record size ${rs} (one record expected)`);
  if (record.length < 17) throw new Error('the record is shorter than the AES-GCM tag and a delimiter');

  const { cek, nonce } = messageKeys(ecdh.computeSecret(asPublic), authSecret, ecdh.getPublicKey(), asPublic, salt);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  let padded: Buffer;
  try {
    padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  } catch {
    throw new Error('AES-GCM authentication failed (wrong keys, key derivation or nonce)');
  }
  // RFC 8188 §2: the data, a delimiter (0x02 in the last record, 0x01 before), then zero or more 0x00.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (end < 0) throw new Error('no padding delimiter in the record');
  if (padded[end] !== 0x02) throw new Error(`the padding delimiter is 0x${padded[end]!.toString(16).padStart(2, '0')}, the last (only) record needs 0x02`);
  return padded.subarray(0, end);
}

/** RFC 8292: `vapid t=<JWT>, k=<key>`, the JWT ES256 over the k= key, for `origin`, expiring within a day. */
export function checkVapid(authorization: string | undefined, origin: string, nowSeconds = Math.floor(Date.now() / 1000)): VapidCheck {
  let claims: Record<string, unknown> | null = null;
  let publicKey: string | null = null;
  const fail = (error: string): VapidCheck => ({ verified: false, claims, publicKey, error });
  if (!authorization) return fail('no Authorization header');
  const scheme = /^vapid\s+(.+)$/i.exec(authorization.trim());
  if (!scheme) return fail(`the Authorization scheme is not vapid: "${authorization.slice(0, 20)}"`);
  const params = new Map<string, string>();
  for (const part of scheme[1]!.split(',')) {
    const pair = /^\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(part);
    if (pair) params.set(pair[1]!.toLowerCase(), pair[2]!);
  }
  const token = params.get('t');
  publicKey = params.get('k') ?? null;
  if (!token || !publicKey) return fail('t= or k= is missing');
  const pieces = token.split('.');
  if (pieces.length !== 3) return fail('the token is not a JWS in compact form');
  const [headerPart, claimsPart, signaturePart] = pieces as [string, string, string];
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(fromB64u(headerPart).toString('utf8')) as Record<string, unknown>;
    claims = JSON.parse(fromB64u(claimsPart).toString('utf8')) as Record<string, unknown>;
  } catch {
    return fail('the token header or claims are not base64url JSON');
  }
  if (header['alg'] !== 'ES256') return fail(`alg is ${JSON.stringify(header['alg'])}, not ES256`);
  if (header['typ'] !== undefined && header['typ'] !== 'JWT') return fail(`typ is ${JSON.stringify(header['typ'])}, not JWT`);

  const point = fromB64u(publicKey);
  if (point.length !== 65 || point[0] !== 0x04) return fail('k= is not an uncompressed P-256 point');
  let valid: boolean;
  try {
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: 'jwk' });
    const signature = fromB64u(signaturePart);
    if (signature.length !== 64) return fail(`the signature is ${signature.length} bytes, ES256 (r||s) has 64`);
    valid = verify('sha256', Buffer.from(`${headerPart}.${claimsPart}`, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch (error) {
    return fail(`verification failed: ${(error as Error).message}`);
  }
  if (!valid) return fail('the signature does not verify with the k= key');
  if (claims['aud'] !== origin) return fail(`aud is ${JSON.stringify(claims['aud'])}, this push service is ${origin}`);
  const exp = claims['exp'];
  if (typeof exp !== 'number' || !Number.isInteger(exp)) return fail('exp is not whole seconds');
  if (exp <= nowSeconds) return fail('the token has expired');
  if (exp > nowSeconds + 24 * 60 * 60 + 60) return fail('exp is more than 24 hours ahead');
  const sub = claims['sub'];
  if (typeof sub !== 'string' || !/^(mailto:|https:)/.test(sub)) return fail(`sub is ${JSON.stringify(sub)}, not mailto: or https:`);
  return { verified: true, claims, publicKey };
}

type Entry = { readonly ecdh: ECDH; readonly auth: Buffer };

export async function startFakePushService(): Promise<FakePushService> {
  const subscriptions = new Map<string, Entry>();
  const overrides = new Map<string, { status: number; headers: Record<string, string> }>();
  const received: ReceivedPush[] = [];
  let url = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/push\/([A-Za-z0-9-]+)$/.exec(req.url ?? '');
    if (!match) return void res.writeHead(404).end();
    if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST' }).end();
    const id = match[1]!;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;

    const vapid = checkVapid(headers['authorization'], url);
    const entry = subscriptions.get(id);
    let text: string | null = null;
    let payload: unknown = null;
    let decryptError: string | undefined;
    if (!entry) decryptError = 'no such subscription';
    else if (headers['content-encoding'] !== 'aes128gcm') decryptError = `Content-Encoding is ${headers['content-encoding'] ?? 'missing'}, not aes128gcm`;
    else {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(decryptPushBody(body, entry.ecdh, entry.auth));
        try {
          payload = JSON.parse(text) as unknown;
        } catch {
          payload = text;
        }
      } catch (error) {
        decryptError = (error as Error).message;
      }
    }
    const override = overrides.get(id);
    const status = override?.status ?? (!entry ? 404 : !vapid.verified ? 403 : decryptError || !/^\d+$/.test(headers['ttl'] ?? '') ? 400 : 201);
    received.push({ id, status, payload, text, ...(decryptError !== undefined ? { decryptError } : {}), headers, bodyBytes: body.length, vapid });
    const extra = override?.headers ?? {};
    if (status === 201) res.writeHead(201, { Location: `${url}/message/${randomUUID()}`, ...extra }).end();
    else res.writeHead(status, { 'Content-Type': 'text/plain', ...extra }).end(vapid.error ?? decryptError ?? '');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    received,
    subscribe(fixed) {
      const ecdh = createECDH('prime256v1');
      if (fixed) ecdh.setPrivateKey(fromB64u(fixed.privateKey));
      else ecdh.generateKeys();
      const auth = fixed ? fromB64u(fixed.auth) : randomBytes(16);
      const id = randomUUID();
      subscriptions.set(id, { ecdh, auth });
      return { id, endpoint: `${url}/push/${id}`, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) } };
    },
    respondWith(id, status, headers = {}) {
      if (status === null) overrides.delete(id);
      else overrides.set(id, { status, headers });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
