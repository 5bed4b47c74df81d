import { describe, expect, it } from 'vitest';
import { classifyHit, MICROSOFT_RANGES, SECOND_HIT_WINDOW_MS, type Hit } from '../../supabase/functions/_shared/classify';

/*
 * Click classification (supabase/functions/_shared/classify.ts): link previews, scanners and people.
 */

const CHROME_ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const IMESSAGE = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0';

const hit = (changes: Partial<Hit> = {}): Hit => ({ method: 'GET', userAgent: CHROME_ANDROID, referer: '', address: '203.0.113.7', previous: null, ...changes });
const kindOf = (changes: Partial<Hit>) => classifyHit(hit(changes));

describe('link previews', () => {
  it.each([
    [IMESSAGE, 'iMessage preview'],
    ['WhatsApp/2.23.20.0 A', 'WhatsApp preview'],
    ['WhatsApp/2.2349.51 i', 'WhatsApp preview'],
    ['WhatsApp/0.3.4479 N', 'WhatsApp preview'],
    ['TelegramBot (like TwitterBot)', 'Telegram preview'],
    ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'Slack preview'],
    ['Slackbot 1.0 (+https://api.slack.com/robots)', 'Slack preview'],
    ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'Facebook preview'],
    ['Mozilla/5.0 (compatible; Facebot/1.0)', 'Facebook preview'],
    ['Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)', 'Discord preview'],
    ['Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5', 'Skype preview'],
    ['LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)', 'LinkedIn preview'],
    ['Twitterbot/1.0', 'Twitter preview'],
  ])('%s is a preview (%s)', (userAgent, reason) => {
    expect(kindOf({ userAgent })).toEqual({ kind: 'preview', reason });
  });

  it("is a preview even from a Microsoft address or seconds after a hit from elsewhere (the sender's phone fetches it)", () => {
    expect(kindOf({ userAgent: IMESSAGE, previous: { msAgo: 1000, sameNetwork: false } })).toEqual({ kind: 'preview', reason: 'iMessage preview' });
    expect(kindOf({ userAgent: 'WhatsApp/2.23.20.0 A', address: '40.107.1.1' }).kind).toBe('preview');
  });

  it("WhatsApp's in-app browser is a person: a browser agent, with or without WhatsApp in it", () => {
    expect(kindOf({ userAgent: `${CHROME_ANDROID} WhatsApp` })).toEqual({ kind: 'person', reason: '' });
    expect(kindOf({ userAgent: 'Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 WhatsApp/2.24.1.6' }).kind).toBe('person');
    expect(kindOf({ userAgent: 'WhatsApp' }).kind).toBe('person');
    expect(kindOf({ userAgent: 'WhatsAppSomething/2.1' }).kind).toBe('person');
  });
});

describe('scanners', () => {
  it('any HEAD request, whatever its agent', () => {
    for (const userAgent of [CHROME_ANDROID, IMESSAGE, 'WhatsApp/2.23.20.0 A', '']) {
      expect(kindOf({ method: 'HEAD', userAgent })).toEqual({ kind: 'scanner', reason: 'HEAD request' });
    }
    expect(kindOf({ method: 'head' }).kind).toBe('scanner');
  });

  it.each([
    ['40.107.0.1'],
    ['40.107.255.254'],
    ['40.92.3.4'],
    ['40.93.200.1'],
    ['52.100.0.1'],
    ['52.103.255.255'],
    ['104.47.0.1'],
    ['104.47.127.255'],
    ['2a01:111:f400:7e00::15'],
    ['2a01:111:f403::1'],
    ['::ffff:40.107.9.9'],
    ['40.107.3.3:52311'],
  ])('Microsoft Safe Links from %s', (address) => {
    expect(kindOf({ address, userAgent: SAFARI_IPHONE })).toEqual({ kind: 'scanner', reason: 'Microsoft Safe Links' });
  });

  it.each([['40.106.255.255'], ['40.108.0.0'], ['52.104.0.0'], ['52.99.255.255'], ['104.47.128.0'], ['2a01:111:f401::1'], ['10.0.0.1'], ['']])(
    'not Microsoft: %s is a person',
    (address) => {
      expect(kindOf({ address }).kind).toBe('person');
    },
  );

  it('the published ranges parse', () => {
    expect(MICROSOFT_RANGES.length).toBeGreaterThanOrEqual(4);
  });

  it.each([
    ['https://url.emailprotection.link/?abc', 'Proofpoint Essentials'],
    ['https://urldefense.com/v3/__https://example.com__;!!x', 'Proofpoint URL Defense'],
    ['https://urldefense.proofpoint.com/v2/url?u=https-3A__example.com', 'Proofpoint URL Defense'],
    ['https://www.urlsand.com/check', 'URL sandbox (urlsand.com)'],
    ['https://protect-eu.mimecast.com/s/abc', 'Mimecast URL Protect'],
    ['https://protect-us.mimecast.com/s/abc', 'Mimecast URL Protect'],
    ['https://url.uk.m.mimecastprotect.com/s/abc', 'Mimecast URL Protect'],
    ['https://linkprotect.cudasvc.com/url?a=https%3a%2f%2fexample.com', 'Barracuda Link Protection'],
    ['https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.com', 'Microsoft Safe Links'],
  ])('a gateway referrer %s', (referer, reason) => {
    expect(kindOf({ referer, userAgent: SAFARI_IPHONE })).toEqual({ kind: 'scanner', reason });
  });

  it('a gateway marker in the agent', () => {
    expect(kindOf({ userAgent: `${CHROME_ANDROID} linkprotect.cudasvc.com` })).toEqual({ kind: 'scanner', reason: 'Barracuda Link Protection' });
    expect(kindOf({ userAgent: 'Mozilla/5.0 (compatible; Proofpoint URL Defense)' })).toEqual({ kind: 'scanner', reason: 'Proofpoint URL Defense' });
    expect(kindOf({ userAgent: 'Mimecast-Scanner/1.0' }).reason).toBe('Mimecast URL Protect');
    expect(kindOf({ userAgent: 'Barracuda Sentinel (EE)' }).reason).toBe('Barracuda Link Protection');
  });

  it('an ordinary referrer, or one that only looks like a gateway, is a person', () => {
    expect(kindOf({ referer: 'https://mail.google.com/' }).kind).toBe('person');
    expect(kindOf({ referer: 'https://notmimecast.com.example.org/' }).kind).toBe('person');
    expect(kindOf({ referer: 'https://example.com/?next=urlsand.com' }).kind).toBe('person');
    expect(kindOf({ referer: 'not a url' }).kind).toBe('person');
  });

  it(`a second hit within ${SECOND_HIT_WINDOW_MS / 1000} s from another network`, () => {
    const reason = 'second hit from another network within 10 s';
    expect(kindOf({ previous: { msAgo: 2_000, sameNetwork: false } })).toEqual({ kind: 'scanner', reason });
    expect(kindOf({ previous: { msAgo: 0, sameNetwork: false } })).toEqual({ kind: 'scanner', reason });
    expect(kindOf({ previous: { msAgo: SECOND_HIT_WINDOW_MS, sameNetwork: false } })).toEqual({ kind: 'scanner', reason });
    expect(reason.length).toBeLessThanOrEqual(100);
  });

  it('a second hit from the same network, or later than the window, is a person', () => {
    expect(kindOf({ previous: { msAgo: 2_000, sameNetwork: true } }).kind).toBe('person');
    expect(kindOf({ previous: { msAgo: SECOND_HIT_WINDOW_MS + 1, sameNetwork: false } }).kind).toBe('person');
    // A clock step backwards is not "within a few seconds after".
    expect(kindOf({ previous: { msAgo: -500, sameNetwork: false } }).kind).toBe('person');
  });
});

describe('people', () => {
  it.each([[CHROME_ANDROID], [SAFARI_IPHONE], ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'], ['']])('%s is a person', (userAgent) => {
    expect(kindOf({ userAgent })).toEqual({ kind: 'person', reason: '' });
  });

  it('every reason fits the column (100 characters)', () => {
    const samples: Hit[] = [hit({ method: 'HEAD' }), hit({ userAgent: IMESSAGE }), hit({ address: '40.107.0.1' }), hit({ referer: 'https://urlsand.com/' }), hit({ previous: { msAgo: 1, sameNetwork: false } })];
    for (const sample of samples) expect(classifyHit(sample).reason.length).toBeLessThanOrEqual(100);
  });
});
