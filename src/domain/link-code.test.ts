import { describe, expect, it } from 'vitest';
import { isTrackableUrl, makeLinkCode, newLinkKey, parseLinkCode, toBase64Url, verifyLinkCode } from './link-code';

const random = (length: number) => crypto.getRandomValues(new Uint8Array(length));
const key = await newLinkKey(random);
const linkId = crypto.randomUUID();

describe('tracked link codes', () => {
  it('carry the link id and the target, and verify with the key that signed them', async () => {
    const url = 'https://example.com/kit?ref=ñ&x=1#video';
    const code = await makeLinkCode(key, linkId, url);
    expect(code).toMatch(/^[A-Za-z0-9_-]+$/);
    const parsed = parseLinkCode(code);
    expect(parsed).toEqual({ keyId: key.key_id, linkId, signature: expect.any(String) as unknown, url });
    expect(await verifyLinkCode(parsed!, key.secret)).toBe(true);
    expect(await verifyLinkCode(parsed!, (await newLinkKey(random)).secret)).toBe(false);
  });

  it('a changed target, link id or signature no longer verifies (no open redirect)', async () => {
    const code = await makeLinkCode(key, linkId, 'https://example.com/kit');
    const evil = code.slice(0, 49) + toBase64Url(new TextEncoder().encode('https://evil.example/phish'));
    expect(await verifyLinkCode(parseLinkCode(evil)!, key.secret)).toBe(false);
    const otherId = code.slice(0, 11) + toBase64Url(crypto.getRandomValues(new Uint8Array(16))) + code.slice(33);
    expect(await verifyLinkCode(parseLinkCode(otherId)!, key.secret)).toBe(false);
    const flipped = code.slice(0, 40) + (code[40] === 'A' ? 'B' : 'A') + code.slice(41);
    expect(await verifyLinkCode(parseLinkCode(flipped)!, key.secret)).toBe(false);
  });

  it('malformed codes are refused before any lookup', () => {
    for (const bad of ['', 'abc', 'x'.repeat(49), '%%%'.repeat(30), 'A'.repeat(20000), `${'A'.repeat(49)}${toBase64Url(new TextEncoder().encode('javascript:alert(1)'))}`, `${'A'.repeat(49)}${toBase64Url(new Uint8Array([0xff, 0xfe]))}`])
      expect(parseLinkCode(bad), bad.slice(0, 30)).toBeNull();
  });

  it('only plain http(s) addresses are trackable', () => {
    expect(isTrackableUrl('https://example.com/a')).toBe(true);
    for (const url of ['tel:+15550100', 'mailto:a@example.com', 'javascript:alert(1)', 'https://user:pw@example.com/', 'ftp://example.com', `https://example.com/${'a'.repeat(2100)}`]) expect(isTrackableUrl(url), url).toBe(false);
  });

  it('a key is 8 and 32 random bytes', () => {
    expect(key.key_id).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(key.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
