import { describe, expect, it } from 'vitest';
import { clientAddress, formatAddress, inRange, NETWORK_HASH_LENGTH, networkHash, networkKey, networkPrefix, parseAddress } from '../../supabase/functions/_shared/network';

/*
 * The clicker's address (supabase/functions/_shared/network.ts): parsed from what proxies write, and
 * stored only as a keyed hash of its network, which keeps no address.
 */

const DAY = 86_400_000;
const noon = Date.UTC(2026, 10, 29, 12);

describe('addresses', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    [' 192.0.2.1 ', '192.0.2.1'],
    ['192.0.2.1:5678', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['[::ffff:192.0.2.1]:80', '192.0.2.1'],
    ['2001:db8::1', '2001:db8:0:0:0:0:0:1'],
    ['[2001:db8::1]:443', '2001:db8:0:0:0:0:0:1'],
    ['fe80::1%eth0', 'fe80:0:0:0:0:0:0:1'],
    ['::', '0:0:0:0:0:0:0:0'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['2001:DB8:0:0:8:800:200C:417A', '2001:db8:0:0:8:800:200c:417a'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0:0:0:c000:221'],
  ])('%s reads as %s', (text, canonical) => {
    const bytes = parseAddress(text);
    expect(bytes && formatAddress(bytes)).toBe(canonical);
  });

  it.each([[''], ['unknown'], ['256.1.1.1'], ['1.2.3'], ['1.2.3.4.5'], ['1::2::3'], ['1:2:3:4:5:6:7:8:9'], ['12345::'], ['::ffff:1.2.3.999'], ['a'.repeat(80)]])('%s is no address', (text) => {
    expect(parseAddress(text)).toBeNull();
  });

  it('the client is the first x-forwarded-for entry, else the connection', () => {
    expect(clientAddress('203.0.113.9, 10.0.0.1, 10.0.0.2', '127.0.0.1')).toBe('203.0.113.9');
    expect(clientAddress('2001:db8::5', '127.0.0.1')).toBe('2001:db8:0:0:0:0:0:5');
    expect(clientAddress(null, '198.51.100.4')).toBe('198.51.100.4');
    expect(clientAddress('garbage', '198.51.100.4')).toBe('198.51.100.4');
    expect(clientAddress('', '')).toBe('');
  });

  it('ranges', () => {
    const v4 = parseAddress('40.107.3.4')!;
    expect(inRange(v4, '40.107.0.0/16')).toBe(true);
    expect(inRange(v4, '40.106.0.0/16')).toBe(false);
    expect(inRange(v4, '0.0.0.0/0')).toBe(true);
    expect(inRange(v4, '40.107.3.4/32')).toBe(true);
    expect(inRange(v4, '2a01:111:f400::/48')).toBe(false);
    expect(inRange(v4, '40.107.0.0/33')).toBe(false);
    expect(inRange(v4, 'nonsense')).toBe(false);
    expect(inRange(parseAddress('2a01:111:f400:ffff::1')!, '2a01:111:f400::/48')).toBe(true);
    expect(inRange(parseAddress('2a01:111:f401::1')!, '2a01:111:f400::/48')).toBe(false);
  });

  it('the network is the /24 or the /48', () => {
    expect(networkPrefix('192.0.2.77')).toBe('192.0.2.0/24');
    expect(networkPrefix('2001:db8:aa:bb::1')).toBe('2001:db8:aa::/48');
    expect(networkPrefix('')).toBeNull();
  });
});

describe('network hashes', () => {
  it('one value for one network on one day, another for another network', async () => {
    const key = await networkKey('server secret');
    const a = await networkHash(key, '192.0.2.1', noon);
    expect(a).toHaveLength(NETWORK_HASH_LENGTH);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await networkHash(key, '192.0.2.254', noon + 3_600_000)).toBe(a);
    expect(await networkHash(key, '192.0.3.1', noon)).not.toBe(a);
    const v6 = await networkHash(key, '2001:db8:1:2::1', noon);
    expect(await networkHash(key, '2001:db8:1:ffff::9', noon)).toBe(v6);
    expect(await networkHash(key, '2001:db8:2::1', noon)).not.toBe(v6);
    expect(await networkHash(key, '', noon)).toBe('');
  });

  it('keeps no address: not the address, the prefix or an unkeyed hash, and another day or secret gives another value', async () => {
    const key = await networkKey('server secret');
    const hash = await networkHash(key, '192.0.2.1', noon);
    for (const part of ['192', '0.2', '192.0.2', 'wAAC']) expect(hash).not.toContain(part);
    const plain = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('192.0.2.0/24'))).toString('base64url');
    expect(plain.startsWith(hash)).toBe(false);
    expect(await networkHash(key, '192.0.2.1', noon + DAY)).not.toBe(hash);
    expect(await networkHash(await networkKey('another secret'), '192.0.2.1', noon)).not.toBe(hash);
    // Every address of a /24 maps to the same value: it cannot tell which one clicked.
    const all = new Set(await Promise.all(Array.from({ length: 256 }, (_, i) => networkHash(key, `192.0.2.${i}`, noon))));
    expect(all.size).toBe(1);
  });

  it('an empty secret is refused', async () => {
    await expect(async () => networkKey('')).rejects.toThrow(/empty/);
  });
});
