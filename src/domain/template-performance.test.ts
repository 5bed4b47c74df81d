import { describe, expect, it } from 'vitest';
import type { EngagementClick, EngagementLink, EngagementSend } from './engagement';
import { formatDelay, median, templatePerformance } from './template-performance';

const NOW = Date.parse('2026-11-29T12:00:00.000Z');
const D = 24 * 60 * 60 * 1000;
const M = 60 * 1000;
const iso = (at: number) => new Date(at).toISOString();

const send = (id: string, templateId: string | null, sentAt: number, over: Partial<EngagementSend> = {}): EngagementSend => ({
  id,
  contact_id: `contact-${id}`,
  template_id: templateId,
  sent_at: iso(sentAt),
  deleted_at: null,
  ...over,
});
const VIDEO = 'https://v.example.com/kit';
const SHOP = 'https://shop.example.com/?ref=jane';
const link = (id: string, sendId: string, url: string): EngagementLink => ({ id, sent_email_id: sendId, url });
const click = (id: string, linkId: string, at: number, over: Partial<EngagementClick> = {}): EngagementClick => ({
  id,
  sent_email_id: null,
  link_id: linkId,
  url: '',
  clicked_at: iso(at),
  kind: 'person',
  deleted_at: null,
  ...over,
});

// Template t1 sent four times: s1 (2 days ago) clicked after 10 min (video) and 40 min (shop); s2 (3 days
// ago, to a contact deleted since) clicked after 30 min (video); s3 (20 days ago) clicked after 2 h; s4
// (1 day ago) only previewed and scanned. Template t2 sent once, never clicked.
const s1 = NOW - 2 * D;
const s2 = NOW - 3 * D;
const s3 = NOW - 20 * D;
const s4 = NOW - 1 * D;
const input = {
  templates: [
    { id: 't1', name: 'Starter kit video' },
    { id: 't2', name: 'Check-in' },
  ],
  sends: [send('s1', 't1', s1), send('s2', 't1', s2), send('s3', 't1', s3), send('s4', 't1', s4), send('s5', 't2', NOW - D), send('s6', null, NOW - D), send('s7', 't1', NOW - D, { deleted_at: iso(NOW) })],
  links: [link('l1', 's1', VIDEO), link('l2', 's1', SHOP), link('l3', 's2', VIDEO), link('l4', 's3', VIDEO), link('l5', 's4', VIDEO), link('l6', 's4', SHOP)],
  clicks: [
    click('c1', 'l1', s1 + 10 * M),
    click('c1b', 'l1', s1 + 90 * M),
    click('c2', 'l2', s1 + 40 * M),
    // Arrived with its send filled in and the link row not on the device (another device sent it).
    click('c3', 'lx', s2 + 30 * M, { sent_email_id: 's2', url: VIDEO }),
    click('c4', 'l4', s3 + 120 * M),
    click('c5', 'l5', s4 + 1000, { kind: 'preview' }),
    click('c6', 'l6', s4 + 2000, { kind: 'scanner' }),
  ],
  now: NOW,
};

describe('template performance', () => {
  it('counts sends, sends a person clicked, the rate and the median time to the first click, over 7 days', () => {
    const [kit, checkIn] = templatePerformance({ ...input, days: 7 });
    expect(kit).toMatchObject({ templateId: 't1', sends: 3, clicked: 2, rate: 2 / 3, medianMsToFirstClick: 20 * M });
    expect(checkIn).toMatchObject({ templateId: 't2', sends: 1, clicked: 0, rate: 0, medianMsToFirstClick: null });
  });

  it('breaks a template down per link', () => {
    const [kit] = templatePerformance({ ...input, days: 7 });
    expect(kit?.links).toEqual([
      { url: VIDEO, sends: 3, clicked: 2, rate: 2 / 3, medianMsToFirstClick: 20 * M },
      { url: SHOP, sends: 2, clicked: 1, rate: 1 / 2, medianMsToFirstClick: 40 * M },
    ]);
  });

  it('takes in older sends over 30 days', () => {
    const [kit] = templatePerformance({ ...input, days: 30 });
    expect(kit).toMatchObject({ sends: 4, clicked: 3, rate: 3 / 4, medianMsToFirstClick: 30 * M });
  });

  it('still counts a click on a send whose contact was deleted since (contacts are never read)', () => {
    const [kit] = templatePerformance({ ...input, sends: input.sends.filter((row) => row.id === 's2'), days: 7 });
    expect(kit).toMatchObject({ sends: 1, clicked: 1 });
  });

  it('gives one bar per day, oldest first, with sends and clicked sends', () => {
    const [kit] = templatePerformance({ ...input, days: 7 });
    expect(kit?.daily).toHaveLength(7);
    expect(kit?.daily.map((day) => [day.sends, day.clicked])).toEqual([[0, 0], [0, 0], [0, 0], [1, 1], [1, 1], [1, 0], [0, 0]]);
  });

  it('has a median of the middle value or the mean of the two middle ones, and short delays', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(formatDelay(30_000)).toBe('< 1 min');
    expect(formatDelay(125 * M)).toBe('2 h 5 min');
    expect(formatDelay(3 * D)).toBe('3 d');
  });
});
