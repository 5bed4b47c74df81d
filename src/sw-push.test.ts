import { describe, expect, it } from 'vitest';
import { notificationFromPush } from './sw-push';

const ORIGIN = 'https://app.fieldbook.test';

describe('notificationFromPush', () => {
  it('shows the payload’s title and body with the icon, tag, path and badge', () => {
    const payload = { title: '3 follow-ups today', body: 'Jane, Marcus and 1 more', tag: 'follow-ups', url: '/today', badge: 3 };
    expect(notificationFromPush(JSON.stringify(payload), ORIGIN)).toEqual({
      title: '3 follow-ups today',
      options: { body: 'Jane, Marcus and 1 more', icon: '/icon-192.png', tag: 'follow-ups', data: { url: '/today' } },
      badge: 3,
    });
  });

  it('renotifies only with a tag, keeps the path safe, and clears the badge with 0', () => {
    const tagged = notificationFromPush(JSON.stringify({ title: 'Hot lead', body: 'Priya opened your link', tag: 'hot', renotify: true, url: '/contacts/c1', badge: 0 }), ORIGIN);
    expect(tagged.options).toEqual({ body: 'Priya opened your link', icon: '/icon-192.png', tag: 'hot', renotify: true, data: { url: '/contacts/c1' } });
    expect(tagged.badge).toBe(0);
    const untagged = notificationFromPush(JSON.stringify({ title: 'Hot lead', renotify: true, url: 'https://evil.example/' }), ORIGIN);
    expect(untagged.options).toEqual({ body: '', icon: '/icon-192.png', data: { url: '/today' } });
    expect(untagged.badge).toBeNull();
  });

  it('leaves the badge alone unless it is a count', () => {
    for (const badge of ['3', -1, 1.5, Number.NaN, null, true]) {
      expect(notificationFromPush(JSON.stringify({ title: 't', badge }), ORIGIN).badge, String(badge)).toBeNull();
    }
  });

  it('shows a minimal "Fieldbook" notification for a missing or malformed payload', () => {
    const generic = { title: 'Fieldbook', options: { body: '', icon: '/icon-192.png', tag: 'fieldbook', data: { url: '/today' } }, badge: null };
    for (const text of [null, '', '{not json', '[]', '"text"', '42', 'null', JSON.stringify({ body: 'no title' }), JSON.stringify({ title: '   ' }), JSON.stringify({ title: 7 })]) {
      expect(notificationFromPush(text, ORIGIN), String(text)).toEqual(generic);
    }
    // A payload without a title still updates the badge it carries.
    expect(notificationFromPush(JSON.stringify({ badge: 2 }), ORIGIN).badge).toBe(2);
  });

  it('keeps long fields within bounds', () => {
    const { title, options } = notificationFromPush(JSON.stringify({ title: 'x'.repeat(1000), body: 'y'.repeat(5000), tag: 'z'.repeat(1000) }), ORIGIN);
    expect([title.length, options.body.length, options.tag?.length]).toEqual([120, 500, 120]);
  });
});
