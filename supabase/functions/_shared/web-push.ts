/*
 * Web Push, the sending side, on Web Crypto only (crypto.subtle, fetch, TextEncoder, atob/btoa): the
 * same file runs in Supabase's Edge Runtime (Deno) and in Node for the tests.
 *
 * - encryptPayload: RFC 8291 message encryption with RFC 8188 `aes128gcm`, one record, rs = 4096.
 * - vapidAuthorization / generateVapidKeys: RFC 8292 VAPID (an ES256 JWT for the push service's origin).
 * - sendPush: one POST to a subscription's endpoint (RFC 8030) and what its answer means.
 *
 * Checked against RFC 8291 Appendix A byte for byte, and end to end against a fake push service that
 * decrypts and verifies on its own (tests/functions/web-push.test.ts, tests/support/fake-push-service.ts).
 */

export type PushKeys = {
  /** The browser's ECDH P-256 public key, uncompressed (65 bytes), base64url: `subscription.getKey('p256dh')`. */
  readonly p256dh: string;
  /** The browser's 16-byte authentication secret, base64url: `subscription.getKey('auth')`. */
  readonly auth: string;
};

export type PushSubscriptionJSON = { readonly endpoint: string; readonly keys: PushKeys };

export type VapidKeys = {
  /** Uncompressed P-256 public key (65 bytes), base64url: also the browser's `applicationServerKey`. */
  readonly publicKey: string;
  /** The private scalar d (32 bytes), base64url. */
  readonly privateKey: string;
};

export type VapidDetails = VapidKeys & {
  /** Who runs this server: `mailto:…` or an `https:` URL (push services write to it when something is wrong). */
  readonly subject: string;
};

export type EncryptOptions = {
  /** 16 bytes; random unless given (only tests give one). */
  readonly salt?: Uint8Array;
  /** The application server's ephemeral ECDH key pair; a fresh one per message unless given (only tests give one). */
  readonly asKeyPair?: CryptoKeyPair;
};

export type Urgency = 'very-low' | 'low' | 'normal' | 'high';

export type SendOptions = {
  /** Seconds the push service keeps an undelivered message (the TTL header); 86,400 (a day) unless told. */
  readonly ttl?: number;
  /** The Urgency header; `normal` unless told. */
  readonly urgency?: Urgency;
  /** The Topic header: a newer message with the same topic replaces an undelivered older one. ≤ 32 base64url characters. */
  readonly topic?: string;
  readonly fetch?: typeof fetch;
  /** Gives up on the push service after this long (an answer of status 0); 10 s unless told. */
  readonly timeoutMs?: number;
  /** When the JWT expires, Unix seconds; 12 hours from now unless told (see vapidAuthorization). */
  readonly vapidExpiresAt?: number;
};

export type SendResult = {
  /** The push service's status (201 when accepted); 0 when it could not be reached. */
  readonly status: number;
  /** 404 or 410: the subscription is gone (unsubscribed or expired); delete it. */
  readonly gone: boolean;
  /** Seconds to wait before trying again, from a Retry-After header (429, 503). */
  readonly retryAfter?: number;
};

/** RFC 8188 record size written in the header. The single record must fit in it. */
export const RECORD_SIZE = 4096;
/** A push service must accept bodies up to 4096 bytes (RFC 8030 §7.2); larger ones may be refused. */
export const MAX_BODY_BYTES = 4096;
/** Header: salt (16) + rs (4) + idlen (1) + keyid (the 65-byte sender key). */
const HEADER_BYTES = 16 + 4 + 1 + 65;
/** AES-GCM tag. */
const TAG_BYTES = 16;
/** The most plaintext that fits: 4096 − 86 (header) − 16 (tag) − 1 (padding delimiter) = 3993 bytes (RFC 8291 §4). */
export const MAX_PLAINTEXT_BYTES = MAX_BODY_BYTES - HEADER_BYTES - TAG_BYTES - 1;
/** The VAPID JWT may be valid for at most a day (RFC 8292 §2). */
export const MAX_VAPID_LIFETIME_SECONDS = 24 * 60 * 60;
export const DEFAULT_VAPID_LIFETIME_SECONDS = 12 * 60 * 60;
export const DEFAULT_TTL_SECONDS = 86_400;
const DEFAULT_TIMEOUT_MS = 10_000;

export class PayloadTooLargeError extends Error {
  constructor(readonly plaintextBytes: number) {
    super(
      `Web Push payload too large: ${plaintextBytes} bytes of plaintext, at most ${MAX_PLAINTEXT_BYTES} fit ` +
        `(the encrypted body must stay within ${MAX_BODY_BYTES} bytes); nothing was sent`,
    );
    this.name = 'PayloadTooLargeError';
  }
}

// --- bytes ---------------------------------------------------------------------------------------

const encoder = new TextEncoder();

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (padding and the standard alphabet are tolerated: some clients send them); throws on anything else. */
export function fromBase64Url(text: string, what = 'value'): Uint8Array<ArrayBuffer> {
  const normalised = text.trim().replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  if (!/^[A-Za-z0-9_-]*$/.test(normalised) || normalised.length % 4 === 1) throw new Error(`web-push: ${what} is not base64url`);
  const binary = atob(normalised.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (normalised.length % 4)) % 4));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

const copy = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

function p256PublicKeyBytes(text: string, what: string): Uint8Array<ArrayBuffer> {
  const bytes = fromBase64Url(text, what);
  if (bytes.length !== 65 || bytes[0] !== 0x04) throw new Error(`web-push: ${what} must be an uncompressed P-256 point (65 bytes starting 0x04), got ${bytes.length} bytes`);
  return bytes;
}

/** A JWK for a P-256 private key from its d and its uncompressed public point. */
function privateJwk(d: Uint8Array, publicKey: Uint8Array): JsonWebKey {
  return { kty: 'EC', crv: 'P-256', d: toBase64Url(d), x: toBase64Url(publicKey.subarray(1, 33)), y: toBase64Url(publicKey.subarray(33, 65)), ext: true };
}

// --- RFC 8291 encryption -------------------------------------------------------------------------

async function hkdf(salt: Uint8Array<ArrayBuffer>, ikm: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  // Web Crypto's HKDF is extract-then-expand in one call, which is what RFC 8291 does at each step.
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, bytes * 8));
}

/** An ECDH P-256 key pair for one message (the sender's ephemeral key). */
export function generateEcdhKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
}

/**
 * An ECDH key pair from fixed values (for tests: RFC 8291's as_private and as_public).
 * `privateKey` is d, `publicKey` the uncompressed point, both base64url.
 */
export async function importEcdhKeyPair(keys: { readonly publicKey: string; readonly privateKey: string }): Promise<CryptoKeyPair> {
  const publicBytes = p256PublicKeyBytes(keys.publicKey, 'publicKey');
  const d = fromBase64Url(keys.privateKey, 'privateKey');
  if (d.length !== 32) throw new Error('web-push: privateKey must be 32 bytes');
  const algorithm = { name: 'ECDH', namedCurve: 'P-256' } as const;
  const [privateKey, publicKey] = await Promise.all([
    crypto.subtle.importKey('jwk', privateJwk(d, publicBytes), algorithm, true, ['deriveBits']),
    crypto.subtle.importKey('raw', publicBytes, algorithm, true, []),
  ]);
  return { privateKey, publicKey };
}

/**
 * Encrypts one push message for a subscription (RFC 8291 with RFC 8188 aes128gcm): the whole body,
 * header (salt | rs | idlen | keyid = the sender's public key) then one record (plaintext, the last-record
 * delimiter 0x02, no further padding, sealed with AES-128-GCM).
 * Throws PayloadTooLargeError past MAX_PLAINTEXT_BYTES.
 */
export async function encryptPayload(keys: PushKeys, plaintext: Uint8Array, options: EncryptOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  if (plaintext.length > MAX_PLAINTEXT_BYTES) throw new PayloadTooLargeError(plaintext.length);
  const uaPublic = p256PublicKeyBytes(keys.p256dh, 'p256dh');
  const authSecret = fromBase64Url(keys.auth, 'auth');
  if (authSecret.length !== 16) throw new Error(`web-push: auth must be 16 bytes, got ${authSecret.length}`);
  const salt = options.salt ? copy(options.salt) : crypto.getRandomValues(new Uint8Array(16));
  if (salt.length !== 16) throw new Error('web-push: salt must be 16 bytes');

  const asKeyPair = options.asKeyPair ?? (await generateEcdhKeyPair());
  const asPublic = new Uint8Array(await crypto.subtle.exportKey('raw', asKeyPair.publicKey));
  const uaKey = await crypto.subtle.importKey('raw', uaPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: uaKey }, asKeyPair.privateKey, 256));

  // key_info = "WebPush: info" || 0x00 || ua_public || as_public; IKM = HKDF(auth_secret, ecdh_secret, key_info, 32)
  const keyInfo = concat(encoder.encode('WebPush: info\0'), uaPublic, asPublic);
  const ikm = await hkdf(authSecret, ecdhSecret, keyInfo, 32);
  const cek = await hkdf(salt, ikm, encoder.encode('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, encoder.encode('Content-Encoding: nonce\0'), 12);

  const record = concat(plaintext, Uint8Array.of(0x02));
  const aesKey = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: 128 }, aesKey, record));

  const header = new Uint8Array(21);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = asPublic.length;
  return concat(header, asPublic, ciphertext);
}

// --- RFC 8292 VAPID ------------------------------------------------------------------------------

/** A new VAPID key pair (ECDSA P-256), base64url: the public key uncompressed, the private key as d. */
export async function generateVapidKeys(): Promise<VapidKeys> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  if (!jwk.d) throw new Error('web-push: the generated key has no d');
  return { publicKey: toBase64Url(publicKey), privateKey: jwk.d };
}

export type VapidAuthorizationOptions = VapidDetails & {
  /** The push service's origin (scheme://host[:port]) the token is for: `new URL(endpoint).origin`. */
  readonly audience: string;
  /** Unix seconds; at most 24 hours ahead. 12 hours from now unless told. */
  readonly expiresAt?: number;
};

function checkSubject(subject: string): void {
  if (!/^mailto:\S+@\S+$/.test(subject) && !/^https:\/\/\S+$/.test(subject)) {
    throw new Error(`web-push: the VAPID subject must be a mailto: address or an https: URL, got "${subject}"`);
  }
}

/**
 * The Authorization header for one push service (RFC 8292): `vapid t=<JWT>, k=<public key>`, the JWT
 * ES256-signed (raw r||s, as JOSE wants) with claims aud (the origin), exp and sub.
 */
export async function vapidAuthorization(options: VapidAuthorizationOptions): Promise<string> {
  let origin: string;
  try {
    origin = new URL(options.audience).origin;
  } catch {
    throw new Error(`web-push: the VAPID audience is not a URL: "${options.audience}"`);
  }
  if (origin === 'null' || origin !== options.audience.replace(/\/$/, '')) {
    throw new Error(`web-push: the VAPID audience must be an origin (scheme://host[:port]), got "${options.audience}"`);
  }
  checkSubject(options.subject);
  const now = Math.floor(Date.now() / 1000);
  const exp = options.expiresAt ?? now + DEFAULT_VAPID_LIFETIME_SECONDS;
  if (!Number.isInteger(exp) || exp <= now || exp > now + MAX_VAPID_LIFETIME_SECONDS) {
    throw new Error(`web-push: the VAPID expiry must be whole Unix seconds in the next 24 hours, got ${exp}`);
  }

  const publicBytes = p256PublicKeyBytes(options.publicKey, 'the VAPID public key');
  const d = fromBase64Url(options.privateKey, 'the VAPID private key');
  if (d.length !== 32) throw new Error(`web-push: the VAPID private key must be 32 bytes, got ${d.length}`);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const mismatch = () => new Error('web-push: the VAPID private key does not belong to the VAPID public key (check VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY)');
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('jwk', privateJwk(d, publicBytes), algorithm, false, ['sign']);
  } catch {
    throw mismatch(); // Node checks that d and the point agree when importing; Deno may not, hence the check below.
  }

  const part = (value: object) => toBase64Url(encoder.encode(JSON.stringify(value)));
  const unsigned = encoder.encode(`${part({ typ: 'JWT', alg: 'ES256' })}.${part({ aud: origin, exp, sub: options.subject })}`);
  // Web Crypto's ECDSA signature is already r||s, 64 bytes: the JOSE form, no DER to undo.
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, unsigned));
  // A token the push service would refuse (403 on every message) is a configuration mistake: say so here.
  const publicKey = await crypto.subtle.importKey('raw', publicBytes, algorithm, false, ['verify']);
  if (!(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, signature, unsigned))) throw mismatch();
  return `vapid t=${new TextDecoder().decode(unsigned)}.${toBase64Url(signature)}, k=${toBase64Url(publicBytes)}`;
}

// --- sending -------------------------------------------------------------------------------------

const URGENCIES: readonly Urgency[] = ['very-low', 'low', 'normal', 'high'];
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Retry-After as seconds: a number of seconds or an HTTP date. */
function retryAfterSeconds(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * Sends one message to one subscription. Mistakes on this side (a bad key, a payload over
 * MAX_PLAINTEXT_BYTES, a bad topic) throw before anything is sent; what the push service says comes
 * back as a status, and a push service that cannot be reached (or times out) as status 0.
 */
export async function sendPush(
  subscription: PushSubscriptionJSON,
  payload: object | string,
  vapid: VapidDetails,
  options: SendOptions = {},
): Promise<SendResult> {
  let endpoint: URL;
  try {
    endpoint = new URL(subscription.endpoint);
  } catch {
    throw new Error(`web-push: the subscription endpoint is not a URL: "${subscription.endpoint}"`);
  }
  // Real push services are https; plain http only to this machine (the tests' fake push service).
  if (endpoint.protocol !== 'https:' && !(endpoint.protocol === 'http:' && LOOPBACK_HOSTS.has(endpoint.hostname))) {
    throw new Error(`web-push: the subscription endpoint must be https, got "${endpoint.origin}"`);
  }
  const ttl = options.ttl ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 0) throw new Error(`web-push: ttl must be whole seconds ≥ 0, got ${ttl}`);
  const urgency = options.urgency ?? 'normal';
  if (!URGENCIES.includes(urgency)) throw new Error(`web-push: urgency must be one of ${URGENCIES.join(', ')}, got "${String(urgency)}"`);
  if (options.topic !== undefined && !TOPIC.test(options.topic)) {
    throw new Error(`web-push: topic must be 1 to 32 base64url characters (A-Z a-z 0-9 - _), got "${options.topic}"`);
  }

  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const body = await encryptPayload(subscription.keys, encoder.encode(text));
  const authorization = await vapidAuthorization({ ...vapid, audience: endpoint.origin, ...(options.vapidExpiresAt !== undefined ? { expiresAt: options.vapidExpiresAt } : {}) });
  const headers: Record<string, string> = {
    'Content-Encoding': 'aes128gcm',
    'Content-Type': 'application/octet-stream',
    TTL: String(ttl),
    Urgency: urgency,
    Authorization: authorization,
  };
  if (options.topic !== undefined) headers['Topic'] = options.topic;

  const fetcher = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await fetcher(endpoint.href, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
  } catch {
    return { status: 0, gone: false };
  }
  // The body (an error text at most) is not needed; let the connection go.
  await response.body?.cancel().catch(() => undefined);
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  return { status: response.status, gone: response.status === 404 || response.status === 410, ...(retryAfter !== undefined ? { retryAfter } : {}) };
}
