import { describe, expect, it } from 'vitest';
import { deliveryTimeline, findUrls, previewAgent, rewriteUrls, trackableUrls, trackedLinkAddress } from './tracked-message';

const urls = (text: string) => findUrls(text).map((match) => match.url);

describe('finding links in a message', () => {
  it('leaves the punctuation that ends a sentence out of the link', () => {
    expect(urls('Watch https://example.com/video. Then https://example.com/a, https://example.com/b; ok? https://x.io/c!')).toEqual([
      'https://example.com/video',
      'https://example.com/a',
      'https://example.com/b',
      'https://x.io/c',
    ]);
    expect(urls('Is it https://example.com/q?id=5&t=10s?')).toEqual(['https://example.com/q?id=5&t=10s']);
    expect(urls('Quoted "https://example.com/x" and ‘https://example.com/y’.')).toEqual(['https://example.com/x', 'https://example.com/y']);
  });

  it('drops a closing bracket that opened before the link but keeps one that opened inside it', () => {
    expect(urls('(see https://example.com/kit)')).toEqual(['https://example.com/kit']);
    expect(urls('Read https://en.wikipedia.org/wiki/Tea_(meal).')).toEqual(['https://en.wikipedia.org/wiki/Tea_(meal)']);
    expect(urls('[https://example.com/a]')).toEqual(['https://example.com/a']);
  });

  it('keeps query strings and fragments, and non-ASCII paths and hosts', () => {
    expect(urls('https://shop.example.com/p?ref=jane&utm_source=wa#buy now')).toEqual(['https://shop.example.com/p?ref=jane&utm_source=wa#buy']);
    expect(urls('Voilà : https://exemple.fr/crème-brûlée, https://例え.jp/パス。')).toEqual(['https://exemple.fr/crème-brûlée', 'https://例え.jp/パス']);
  });

  it('ignores tel:, mailto:, bare words and addresses inside other words', () => {
    expect(urls('Call tel:+15550100 or mail mailto:a@b.co; www.example.com; xhttps://nope.com')).toEqual([]);
  });
});

describe('choosing what to track', () => {
  it('tracks each distinct http(s) link once, in order, but never the app itself', () => {
    const body = 'Video: https://v.example.com/1 and again https://v.example.com/1. App: https://app.fieldbook.test/today. Shop: http://shop.example.com/?a=1';
    expect(trackableUrls(body, ['https://app.fieldbook.test'])).toEqual(['https://v.example.com/1', 'http://shop.example.com/?a=1']);
  });

  it('rewrites every occurrence, repeats included, and leaves the punctuation around', () => {
    const body = 'Watch https://v.example.com/1. Again: (https://v.example.com/1) or https://other.example.com!';
    const rewritten = rewriteUrls(body, (url) => (url === 'https://v.example.com/1' ? 'https://r.test/r/AAA' : undefined));
    expect(rewritten).toBe('Watch https://r.test/r/AAA. Again: (https://r.test/r/AAA) or https://other.example.com!');
  });

  it('builds the redirect address from its base, with or without a trailing slash', () => {
    expect(trackedLinkAddress('https://p.supabase.co/functions/v1/r/', 'CODE')).toBe('https://p.supabase.co/functions/v1/r/CODE');
    expect(trackedLinkAddress('https://p.supabase.co/functions/v1/r', 'CODE')).toBe('https://p.supabase.co/functions/v1/r/CODE');
  });
});

describe('the delivery timeline', () => {
  it('shows sent, the first preview of each app, every open by a person, and only counts scanners', () => {
    const timeline = deliveryTimeline('2026-11-29T10:00:00.000Z', [
      { id: 'c3', clicked_at: '2026-11-29T10:05:00.000Z', kind: 'person', reason: '', url: 'https://v.example.com/1' },
      { id: 'c1', clicked_at: '2026-11-29T10:00:02.000Z', kind: 'preview', reason: 'WhatsApp preview', url: 'https://v.example.com/1' },
      { id: 'c2', clicked_at: '2026-11-29T10:00:03.000Z', kind: 'preview', reason: 'WhatsApp preview', url: 'https://v.example.com/2' },
      { id: 'c4', clicked_at: '2026-11-29T10:00:04.000Z', kind: 'scanner', reason: 'HEAD request', url: 'https://v.example.com/1' },
      { id: 'c5', clicked_at: '2026-11-29T12:00:00.000Z', kind: 'person', reason: '', url: 'https://v.example.com/2' },
    ]);
    expect(timeline.events.map((event) => event.kind + (event.kind === 'preview' ? `:${event.agent}` : ''))).toEqual(['sent', 'preview:WhatsApp', 'opened', 'opened']);
    expect(timeline).toMatchObject({ scanners: 1, opens: 2 });
  });

  it('names the preview app from the reason the redirect gave', () => {
    expect(previewAgent('iMessage preview (Facebot Twitterbot)')).toBe('iMessage');
    expect(previewAgent('TelegramBot')).toBe('Telegram');
    expect(previewAgent('Slackbot-LinkExpanding')).toBe('Slack');
    expect(previewAgent('something else')).toBe('a link preview');
  });
});
