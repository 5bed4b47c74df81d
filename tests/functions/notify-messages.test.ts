import { describe, expect, it } from 'vitest';
import { clip, composePush, isServiceRole, jobRequest, namesSentence, outcomeOf, runNotify, type ClaimedPush, type NotifyStore, type PushReport } from '../../supabase/functions/_shared/notifications';
import { activityLines, composeDigest, escapeHtml } from '../../supabase/functions/_shared/digest';

/* What the pushes and the digest say, and one run of the sender over a stub store (no database, no network). */

describe('push wording', () => {
  it('names at most two, then how many more', () => {
    expect(namesSentence(['Jane'], 1)).toBe('Jane');
    expect(namesSentence(['Jane', 'Marcus'], 2)).toBe('Jane and Marcus');
    expect(namesSentence(['Jane', 'Marcus'], 3)).toBe('Jane, Marcus and 1 more');
    expect(namesSentence(['Jane', 'Marcus'], 12)).toBe('Jane, Marcus and 10 more');
    expect(namesSentence(['', ''], 2)).toBe('2 contacts');
  });

  it('follow-ups, hot leads (one person, one person twice, several), team (comment, join, deeper, several), sync', () => {
    expect(composePush({ kind: 'follow_ups', data: { count: 1, names: ['Jane'] } })).toEqual({ title: '1 follow-up today', body: 'Jane', tag: 'follow-ups', url: '/today', badge: 1 });
    const jane = { contact_id: 'c-1', name: 'Jane Doe' };
    expect(composePush({ kind: 'hot_lead', data: { items: [jane] } })).toMatchObject({ title: 'Jane Doe opened your link', url: '/contacts/c-1', tag: 'hot-leads' });
    expect(composePush({ kind: 'hot_lead', data: { items: [jane, jane] } })).toMatchObject({ title: 'Jane Doe opened your link', body: "2 opens. Follow up while it's fresh" });
    expect(composePush({ kind: 'hot_lead', data: { items: [{}] } })).toMatchObject({ title: 'Someone opened your link', url: '/today' });
    expect(composePush({ kind: 'hot_lead', data: { items: [jane, { contact_id: 'c-2', name: 'Sam Lee' }, { contact_id: 'c-3', name: 'Bo' }] } })).toEqual({
      title: '3 people opened your links', body: 'Jane Doe, Sam Lee and 1 more', tag: 'hot-leads', url: '/today',
    });
    expect(composePush({ kind: 'team', data: { items: [{ type: 'comment', name: 'Sam', text: 'x'.repeat(100) }] } })).toEqual({ title: 'Sam commented on your win', body: `${'x'.repeat(80)}…`, tag: 'team', url: '/team' });
    expect(composePush({ kind: 'team', data: { items: [{ type: 'join', name: 'Bea', depth: 3 }] } }).title).toBe('Bea joined your team (level 3)');
    expect(composePush({ kind: 'team', data: { items: [{ type: 'join', name: 'Bea', depth: 1 }, { type: 'comment', name: '', text: 'Hi' }, { type: 'join', name: 'Cy', depth: 2 }] } })).toEqual({
      title: '3 updates from your team', body: 'Bea joined your team; Someone commented on your win and 1 more', tag: 'team', url: '/team',
    });
    expect(composePush({ kind: 'sync', data: {} })).toMatchObject({ title: 'Some changes need your review', url: '/sync/review', tag: 'sync' });
  });

  it('clips at characters, not inside an emoji', () => {
    expect(clip('😀'.repeat(81), 80)).toBe(`${'😀'.repeat(80)}…`);
    expect(clip('short', 80)).toBe('short');
  });

  it('what a push service answer means', () => {
    expect(outcomeOf({ status: 201, gone: false })).toBe('sent');
    expect(outcomeOf({ status: 410, gone: true })).toBe('gone');
    expect(outcomeOf({ status: 429, gone: false, retryAfter: 30 })).toBe('retry');
    expect(outcomeOf({ status: 503, gone: false })).toBe('retry');
    expect(outcomeOf({ status: 0, gone: false })).toBe('retry');
    expect(outcomeOf({ status: 403, gone: false })).toBe('failed');
  });
});

describe('the job request', () => {
  const request = (key: string | null, body = '{}') => new Request('http://x/notify', { method: 'POST', headers: key ? { Authorization: `Bearer ${key}` } : {}, body });
  it('only the service-role key; `now` must be a date', async () => {
    expect(isServiceRole(request('secret'), 'secret')).toBe(true);
    expect(isServiceRole(request('secreT'), 'secret')).toBe(false);
    expect(isServiceRole(request('secret'), '')).toBe(false);
    expect(isServiceRole(request(null), 'secret')).toBe(false);
    expect(await jobRequest(request('secret', '{"now":"2026-12-01T08:00:00Z"}'), 'secret')).toEqual({ now: new Date('2026-12-01T08:00:00Z') });
    expect(((await jobRequest(request('secret', '{"now":"tomorrow-ish"}'), 'secret')) as Response).status).toBe(400);
    expect(((await jobRequest(request('wrong', '{"now":"2026-12-01T08:00:00Z"}'), 'secret')) as Response).status).toBe(401);
    expect(((await jobRequest(new Request('http://x/notify'), 'secret')) as Response).status).toBe(405);
  });
});

describe('one run', () => {
  it('sends each claimed push, reports every outcome, and one throwing send does not stop the others', async () => {
    const claimed: ClaimedPush[] = ['ok', 'boom', 'gone', 'busy'].map((name) => ({
      subscription_id: name, endpoint: `https://push.example/${name}`, p256dh: 'k', auth: 'a', kind: 'hot_lead', keys: [`event:${name}`], data: { items: [{ name: 'Jane' }] },
    }));
    let reported: readonly PushReport[] = [];
    const store: NotifyStore = { claim: () => Promise.resolve(claimed), report: (_at, results) => Promise.resolve(void (reported = results)) };
    const summary = await runNotify({
      store,
      vapid: { publicKey: 'p', privateKey: 'q', subject: 'mailto:x@example.com' },
      now: new Date(),
      send: (subscription) => {
        const name = subscription.endpoint.split('/').pop();
        if (name === 'boom') return Promise.reject(new Error('bad key'));
        if (name === 'gone') return Promise.resolve({ status: 410, gone: true });
        if (name === 'busy') return Promise.resolve({ status: 429, gone: false, retryAfter: 90 });
        return Promise.resolve({ status: 201, gone: false });
      },
    });
    expect(summary).toEqual({ claimed: 4, sent: 1, failed: 1, gone: 1, retry: 1 });
    expect([...reported].sort((a, b) => a.subscription_id.localeCompare(b.subscription_id))).toEqual([
      { subscription_id: 'boom', keys: ['event:boom'], outcome: 'failed', status: null },
      { subscription_id: 'busy', keys: ['event:busy'], outcome: 'retry', status: 429, retry_after: 90 },
      { subscription_id: 'gone', keys: ['event:gone'], outcome: 'gone', status: 410 },
      { subscription_id: 'ok', keys: ['event:ok'], outcome: 'sent', status: 201 },
    ]);
  });
});

describe('digest wording', () => {
  it('escapes every piece of user text in the HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const email = composeDigest(
      { member_id: 'm', email: 'd@example.com', name: '"><img src=x onerror=alert(1)>', day: '2026-12-04', previous_day_on: null, activities: { call: 1, weird_kind: 2 }, emails_sent: 0, follow_ups: [{ name: '<i>Jo</i>', due: '2026-12-04' }], follow_up_count: 1 },
      'from@example.com',
      'https://app.example/"x',
    );
    expect(email.html).not.toMatch(/<img|<i>|"x"/);
    expect(email.html).toContain('&lt;i&gt;Jo&lt;/i&gt;');
    expect(email.subject).toBe('Your Fieldbook day: 1 follow-up today');
    expect(activityLines({ call: 1, weird_kind: 2, test: 5 })).toEqual(['1 call', '2 × weird kind']);
  });
});
