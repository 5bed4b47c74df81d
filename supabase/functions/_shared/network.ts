/*
 * The clicker's address, only as far as classifying a click needs it (the redirect, supabase/functions/r):
 * - clientAddress: the first x-forwarded-for entry (hosted Supabase's gateway and the local stack set it),
 *   else the connection's address;
 * - parseAddress / inRange: whether it is in a security gateway's published ranges;
 * - networkHash: a keyed hash of its network (/24 for IPv4, /48 for IPv6), the only trace of it that is
 *   stored, so "another network" can be told without keeping an address. The key changes every UTC day,
 *   so a hash cannot follow a network from one day to the next.
 *
 * Plain TypeScript on web-standard APIs: Deno runs it in the function, vitest imports it in the tests.
 */

/** The client's address: the first x-forwarded-for entry, else `remote`; '' when neither is an address. */
export function clientAddress(forwardedFor: string | null, remote: string): string {
  const first = forwardedFor?.split(',')[0]?.trim() ?? '';
  for (const candidate of [first, remote.trim()]) {
    const bytes = parseAddress(candidate);
    if (bytes) return formatAddress(bytes);
  }
  return '';
}

function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i += 1) {
    const part = parts[i]!;
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    bytes[i] = Number(part);
  }
  return bytes;
}

function parseIPv6(text: string): Uint8Array | null {
  let rest = text;
  // An embedded IPv4 address in the last 32 bits (::ffff:192.0.2.1) becomes two groups (::ffff:c000:201).
  const lastColon = rest.lastIndexOf(':');
  if (rest.includes('.', lastColon)) {
    const tail = parseIPv4(rest.slice(lastColon + 1));
    if (!tail) return null;
    rest = `${rest.slice(0, lastColon + 1)}${((tail[0]! << 8) | tail[1]!).toString(16)}:${((tail[2]! << 8) | tail[3]!).toString(16)}`;
  }
  const halves = rest.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const back = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - back.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...back];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i += 1) {
    const group = all[i]!;
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  }
  return bytes;
}

const isMappedIPv4 = (bytes: Uint8Array) => bytes.length === 16 && bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;

/**
 * The bytes of an IPv4 (4) or IPv6 (16) address, or null. Accepts what proxies write: a port
 * (`192.0.2.1:5678`, `[2001:db8::1]:443`), a zone (`fe80::1%eth0`); an IPv4-mapped IPv6 address is IPv4.
 */
export function parseAddress(text: string): Uint8Array | null {
  let value = text.trim();
  if (value === '' || value.length > 64) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  value = value.replace(/%[\w.-]+$/, '');
  if (!value.includes(':')) return parseIPv4(value);
  const bytes = parseIPv6(value);
  return bytes && isMappedIPv4(bytes) ? bytes.slice(12) : bytes;
}

/** The canonical text of an address (dotted IPv4, full lowercase IPv6 groups). */
export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

/** Whether an address (bytes) is inside `cidr` ('40.107.0.0/16', '2a01:111:f400::/48'). */
export function inRange(address: Uint8Array, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const network = parseAddress(base);
  const bits = Number(bitsText);
  if (!network || network.length !== address.length || !Number.isInteger(bits) || bits < 0 || bits > network.length * 8) return false;
  for (let i = 0; i < bits; i += 1) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((address[byte]! & mask) !== (network[byte]! & mask)) return false;
  }
  return true;
}

/** The network an address belongs to, as text: '192.0.2.0/24', '2001:db8:1::/48'; null for no address. */
export function networkPrefix(address: string): string | null {
  const bytes = parseAddress(address);
  if (!bytes) return null;
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.0/24`;
  const group = (i: number) => ((bytes[i]! << 8) | bytes[i + 1]!).toString(16);
  return `${group(0)}:${group(2)}:${group(4)}::/48`;
}

const DAY_MS = 86_400_000;
/** Characters of the stored hash: 16 base64url characters, 96 bits. */
export const NETWORK_HASH_LENGTH = 16;

const base64Url = (bytes: Uint8Array) => {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

/** An HMAC key for network hashes, from a server secret (never stored with the hashes). */
export function networkKey(secret: string): Promise<CryptoKey> {
  if (secret === '') throw new Error('networkKey: the secret is empty');
  return crypto.subtle.importKey('raw', new TextEncoder().encode(`fieldbook-network|${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/**
 * The stored trace of a clicker's network: HMAC-SHA-256 of the UTC day of `atMs` and the /24 or /48
 * prefix, truncated; '' when there is no address. Two hits of one day from one network get the same
 * value; nothing in it gives back the address or the network.
 */
export async function networkHash(key: CryptoKey, address: string, atMs: number): Promise<string> {
  const prefix = networkPrefix(address);
  if (prefix === null) return '';
  const day = Math.floor(atMs / DAY_MS);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${day}|${prefix}`));
  return base64Url(new Uint8Array(mac)).slice(0, NETWORK_HASH_LENGTH);
}
