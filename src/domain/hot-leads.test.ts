import { describe, expect, it } from 'vitest';
import type { EngagementClick, EngagementLink, EngagementSend } from './engagement';
import { clickNotice, clicksToAnnounce, hotLeads } from './hot-leads';

const NOW = Date.parse('2026-11-29T12:00:00.000Z');
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const H = 60 * 60 * 1000;

const send = (id: string, contactId: string, templateId = 't1'): EngagementSend => ({ id, contact_id: contactId, template_id: templateId, sent_at: iso(30 * H), deleted_at: null });
const link = (id: string, sendId: string | null, url = 'https://v.example.com/kit'): EngagementLink => ({ id, sent_email_id: sendId, url });
const click = (id: string, linkId: string, msAgo: number, over: Partial<EngagementClick> = {}): EngagementClick => ({
  id,
  sent_email_id: null,
  link_id: linkId,
  url: 'https://v.example.com/kit',
  clicked_at: iso(msAgo),
  kind: 'person',
  deleted_at: null,
  ...over,
});
const contact = (id: string, touchedMsAgo = 30 * H, deleted = false) => ({ id, last_touched_at: iso(touchedMsAgo), deleted_at: deleted ? iso(H) : null });

describe('Hot now', () => {
  it('lists people who opened a link in the last 24 hours, latest first, with how often', () => {
    const leads = hotLeads({
      sends: [send('s1', 'jane'), send('s2', 'sam', 't2')],
      links: [link('l1', 's1'), link('l2', 's2', 'https://shop.example.com')],
      clicks: [click('c1', 'l1', 3 * H), click('c2', 'l1', 1 * H), click('c3', 'l2', 2 * H)],
      contacts: [contact('jane'), contact('sam')],
      now: NOW,
    });
    expect(leads).toEqual([
      { contactId: 'jane', lastOpenedAt: iso(H), opens: 2, templateId: 't1', url: 'https://v.example.com/kit' },
      { contactId: 'sam', lastOpenedAt: iso(2 * H), opens: 1, templateId: 't2', url: 'https://shop.example.com' },
    ]);
  });

  it('leaves out previews, scanners, old clicks, deleted contacts, and people reached since they opened', () => {
    const leads = hotLeads({
      sends: [send('s1', 'jane'), send('s2', 'sam'), send('s3', 'gone'), send('s4', 'old')],
      links: [link('l1', 's1'), link('l2', 's2'), link('l3', 's3'), link('l4', 's4')],
      clicks: [
        click('c1', 'l1', H, { kind: 'preview' }),
        click('c2', 'l1', H, { kind: 'scanner' }),
        click('c3', 'l2', 2 * H),
        click('c4', 'l3', H),
        click('c5', 'l4', 25 * H),
      ],
      contacts: [contact('jane'), contact('sam', H), contact('gone', 30 * H, true), contact('old')],
      now: NOW,
    });
    expect(leads).toEqual([]);
  });

  it('matches a click to its send through the click itself when the link row is not on the device', () => {
    const leads = hotLeads({ sends: [send('s1', 'jane')], links: [], clicks: [click('c1', 'lx', H, { sent_email_id: 's1' })], contacts: [contact('jane')], now: NOW });
    expect(leads.map((lead) => lead.contactId)).toEqual(['jane']);
  });
});

describe('the live "opened" toast', () => {
  it('is due once per recent person click: not for previews, old clicks pulled on a first sync, or clicks already announced', () => {
    const clicks = [click('new', 'l1', 30_000), click('preview', 'l1', 30_000, { kind: 'preview' }), click('old', 'l1', 2 * H), click('seen', 'l1', 10_000)];
    expect(clicksToAnnounce(clicks, new Set(['seen']), NOW).map((c) => c.id)).toEqual(['new']);
  });

  it('names the contact and the template', () => {
    expect(clickNotice('Jane Doe', 'Starter kit video')).toBe('Jane Doe opened ‘Starter kit video’');
    expect(clickNotice(null, null)).toBe('Someone opened your link');
  });
});
