/*
 * The code of a tracked link, shared by the app (which makes links, offline too) and the redirect
 * function (supabase/functions/r, which imports this file): web-standard APIs only, no imports, so it
 * runs in browsers, Node and Deno alike.
 *
 * A link must redirect before the server has heard of it (a message sent offline and clicked before the
 * phone synced), so its code carries the target; and the redirect must never send anyone where no member
 * pointed, so the target is signed with the member's link key:
 *
 *   code = key_id (11) + link id (22) + signature (16) + target (rest), all base64url without padding
 *
 * - key_id: names the member's link key (not the member): the first 8 bytes of SHA-256 of its secret;
 * - link id: the tracked_links row's uuid, 16 bytes (122 random bits), so clicks are counted against it;
 * - signature: HMAC-SHA-256 with the key's 32-byte secret over "fb1|<link id>|<target>", first 12 bytes;
 * - target: the UTF-8 bytes of the http(s) URL.
 */

export const KEY_ID_LENGTH = 11;
const LINK_ID_LENGTH = 22;
const SIGNATURE_LENGTH = 16;
const SIGNATURE_BYTES = 12;
const PREFIX_LENGTH = KEY_ID_LENGTH + LINK_ID_LENGTH + SIGNATURE_LENGTH;
/** Targets longer than this are not tracked (the column and most SMS apps stop well before). */
export const MAX_TARGET_LENGTH = 2048;
const MAX_CODE_LENGTH = PREFIX_LENGTH + Math.ceil((MAX_TARGET_LENGTH * 4) / 3);
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type LinkKeyMaterial = { readonly key_id: string; readonly secret: string };
export type ParsedLinkCode = { readonly keyId: string; readonly linkId: string; readonly signature: string; readonly url: string };

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

const uuidToBytes = (uuid: string): Uint8Array | null => {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) return null;
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
};

const bytesToUuid = (bytes: Uint8Array): string => {
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** Whether a URL may be tracked: http(s), no credentials, at most MAX_TARGET_LENGTH characters. */
export function isTrackableUrl(url: string): boolean {
  if (url.length > MAX_TARGET_LENGTH || !/^https?:\/\//i.test(url)) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.username === '' && parsed.password === '' && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * A key's id: the first 8 bytes of the SHA-256 of its secret. Anyone can read a key id in a link, but
 * only the holder of the secret can register it (the database checks the same derivation), so nobody
 * can take over another member's key id. Null for a malformed secret.
 */
export async function linkKeyId(secret: string): Promise<string | null> {
  const raw = fromBase64Url(secret);
  if (raw === null || raw.length !== 32) return null;
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', raw)).slice(0, 8));
}

/** A new link key from `random(n)` (n cryptographically random bytes). */
export async function newLinkKey(random: (length: number) => Uint8Array): Promise<LinkKeyMaterial> {
  const secret = toBase64Url(random(32));
  return { key_id: (await linkKeyId(secret)) ?? '', secret };
}

async function signature(secret: string, linkId: string, url: string): Promise<string | null> {
  const raw = fromBase64Url(secret);
  if (raw === null || raw.length !== 32) return null;
  const key = await crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`fb1|${linkId}|${url}`)));
  return toBase64Url(mac.slice(0, SIGNATURE_BYTES));
}

/** The code of a link to `url` with id `linkId` (a uuid), signed with `key`. Throws on a bad key or URL (a bug). */
export async function makeLinkCode(key: LinkKeyMaterial, linkId: string, url: string): Promise<string> {
  const id = uuidToBytes(linkId);
  const signed = await signature(key.secret, linkId.toLowerCase(), url);
  if (id === null || signed === null || key.key_id.length !== KEY_ID_LENGTH || !isTrackableUrl(url)) throw new Error('makeLinkCode: bad key, link id or URL');
  return key.key_id + toBase64Url(id) + signed + toBase64Url(new TextEncoder().encode(url));
}

/** The parts of a code, or null when it cannot be one (checked before any database is asked). */
export function parseLinkCode(code: string): ParsedLinkCode | null {
  if (code.length <= PREFIX_LENGTH || code.length > MAX_CODE_LENGTH || !BASE64URL.test(code)) return null;
  const id = fromBase64Url(code.slice(KEY_ID_LENGTH, KEY_ID_LENGTH + LINK_ID_LENGTH));
  const target = fromBase64Url(code.slice(PREFIX_LENGTH));
  if (id === null || id.length !== 16 || target === null) return null;
  let url: string;
  try {
    url = new TextDecoder('utf-8', { fatal: true }).decode(target);
  } catch {
    return null;
  }
  if (!isTrackableUrl(url)) return null;
  // One spelling per code: base64url leaves spare bits in a last character, and a variant must not
  // count as another link (rate limits, click counts).
  if (toBase64Url(id) !== code.slice(KEY_ID_LENGTH, KEY_ID_LENGTH + LINK_ID_LENGTH) || toBase64Url(target) !== code.slice(PREFIX_LENGTH)) return null;
  return { keyId: code.slice(0, KEY_ID_LENGTH), linkId: bytesToUuid(id), signature: code.slice(KEY_ID_LENGTH + LINK_ID_LENGTH, PREFIX_LENGTH), url };
}

/** Whether the code was signed with this secret (compared in constant time). */
export async function verifyLinkCode(parsed: ParsedLinkCode, secret: string): Promise<boolean> {
  const expected = await signature(secret, parsed.linkId, parsed.url);
  if (expected === null || expected.length !== parsed.signature.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i += 1) difference |= expected.charCodeAt(i) ^ parsed.signature.charCodeAt(i);
  return difference === 0;
}
