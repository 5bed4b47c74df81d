import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { computeGoalStats, countGoals } from './goal-stats';
import {
  dayMetGoal,
  dayProgress,
  emptyCounts,
  isActiveDay,
  isWorkDay,
  lastReviewDay,
  planHistory,
  planOn,
  streaks,
  weeklyReview,
  type CountedActivity,
  type CountedClick,
  type CountedSend,
  type CountSources,
  type GoalCounts,
  type GoalPlan,
} from './goals';
import { formatHlc } from './hlc';
import { createDayClock, shiftDay } from './zone-days';

/*
 * The counting rules, plans over time, streaks and the weekly review, tried the way a member's data
 * really looks: out of order, retracted, from two devices, in a zone the phone is not in.
 * The calendar: 2026-11-23 is a Monday, 2026-11-25 a Wednesday, 2026-11-28/29 a weekend.
 */

const UTC = createDayClock('UTC');
let sequence = 0;
const nextId = (prefix: string) => `${prefix}-${String((sequence += 1)).padStart(6, '0')}`;

type Meta = CountedActivity['metadata'];
function activity(type: CountedActivity['activity_type'], occurredAt: string, metadata: Meta = {}, options: { contact?: string | null; deleted?: boolean } = {}): CountedActivity {
  return {
    id: nextId('a'),
    contact_id: options.contact === undefined ? 'c-1' : options.contact,
    activity_type: type,
    occurred_at: occurredAt,
    deleted_at: options.deleted ? '2026-11-29T00:00:00.000Z' : null,
    metadata,
  };
}
const send = (id: string, templateId: string | null, sentAt: string, deleted = false): CountedSend => ({ id, template_id: templateId, sent_at: sentAt, deleted_at: deleted ? '2026-11-29T00:00:00.000Z' : null });
const click = (sendId: string | null, clickedAt: string, options: { kind?: string; link?: string | null; deleted?: boolean } = {}): CountedClick => ({
  sent_email_id: sendId,
  link_id: options.link ?? null,
  clicked_at: clickedAt,
  kind: options.kind ?? 'person',
  deleted_at: options.deleted ? '2026-11-29T00:00:00.000Z' : null,
});

function sources(partial: Partial<CountSources> = {}): CountSources {
  return { activities: [], sends: [], clicks: [], linkSends: new Map(), invitationTemplates: new Set(), ...partial };
}
const countsOf = (partial: Partial<CountSources>, clock = UTC) => countGoals(sources(partial), clock);
const counts = (overrides: Partial<GoalCounts>): GoalCounts => ({ ...emptyCounts(), ...overrides });
/** Every day's counts, as a plain object (days with nothing are absent). */
const byDay = (map: ReadonlyMap<string, GoalCounts>) => Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));

/** An HLC stamp of an edit made at `iso` on device `node`. */
const stampAt = (iso: string, node = 'phone1', counter = 0) => formatHlc({ physical: Date.parse(iso), counter, node });

/** A plan row; its field stamps say it was last edited at its updated_at unless given. */
function plan(startsOn: string, overrides: Partial<GoalPlan> = {}): GoalPlan {
  const updatedAt = overrides.updated_at ?? `${startsOn}T08:00:00.000Z`;
  return {
    field_stamps: { starts_on: stampAt(updatedAt), conversations: stampAt(updatedAt), work_days: stampAt(updatedAt) },
    id: `plan-${startsOn}`,
    starts_on: startsOn,
    preset: 'custom',
    conversations: 1,
    invitations: 0,
    follow_ups: 0,
    presentations: 0,
    new_customers: 0,
    new_team_members: 0,
    work_days: [1, 2, 3, 4, 5],
    week_min_days: 3,
    review_day: 1,
    updated_at: `${startsOn}T08:00:00.000Z`,
    deleted_at: null,
    ...overrides,
  };
}

/** A conversation on each of the given days (enough to be active and to meet a 1-conversation goal). */
function activeOn(days: readonly string[], perDay: Partial<GoalCounts> = { conversations: 1 }): Map<string, GoalCounts> {
  return new Map(days.map((day) => [day, counts(perDay)]));
}
/** Every day from `from` to `to` inclusive whose ISO weekday is in `weekdays`. */
function daysBetween(from: string, to: string, weekdays: readonly number[] = [1, 2, 3, 4, 5]): string[] {
  const out: string[] = [];
  for (let day = from; day <= to; day = shiftDay(day, 1)) {
    const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    if (weekdays.includes(weekday)) out.push(day);
  }
  return out;
}

const originalTz = process.env['TZ'];
afterEach(() => {
  if (originalTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = originalTz;
});

// ---------------------------------------------------------------------------------------------------

describe('conversations', () => {
  it('a call, text or WhatsApp logged as connected, booked or replied is one conversation each', () => {
    const activities: CountedActivity[] = [];
    for (const type of ['call', 'text', 'whatsapp'] as const)
      for (const outcome of ['connected', 'booked', 'replied']) activities.push(activity(type, '2026-11-25T10:00:00.000Z', { outcome, from_stage: 'new' }));
    expect(byDay(countsOf({ activities }))).toEqual({ '2026-11-25': counts({ conversations: 9 }) });
  });

  it('other outcomes, no outcome, an email or a note never count as conversations', () => {
    const activities = [
      ...(['no_answer', 'left_message', 'not_now'] as const).flatMap((outcome) => (['call', 'text', 'whatsapp'] as const).map((type) => activity(type, '2026-11-25T10:00:00.000Z', { outcome, from_stage: 'new' }))),
      activity('call', '2026-11-25T10:00:00.000Z', { from_stage: 'new' }),
      activity('email_sent', '2026-11-25T10:00:00.000Z', { outcome: 'connected', from_stage: 'new' }),
      activity('note', '2026-11-25T10:00:00.000Z', { outcome: 'connected' }),
      activity('contact_added', '2026-11-25T10:00:00.000Z', { outcome: 'booked' }),
    ];
    const result = countsOf({ activities });
    expect(result.get('2026-11-25')?.conversations ?? 0).toBe(0);
  });

  it('a retracted (deleted) conversation never counts', () => {
    const activities = [activity('call', '2026-11-25T10:00:00.000Z', { outcome: 'connected', from_stage: 'new' }, { deleted: true })];
    expect(byDay(countsOf({ activities }))).toEqual({});
  });

  it('a connected call to a contact past "new" is a conversation and a follow-up', () => {
    const activities = [activity('call', '2026-11-25T10:00:00.000Z', { outcome: 'connected', from_stage: 'contacted' })];
    expect(byDay(countsOf({ activities }))).toEqual({ '2026-11-25': counts({ conversations: 1, follow_ups: 1 }) });
  });

  it('a conversation without a contact still counts', () => {
    const activities = [activity('call', '2026-11-25T10:00:00.000Z', { outcome: 'connected' }, { contact: null })];
    expect(countsOf({ activities }).get('2026-11-25')?.conversations).toBe(1);
  });
});

describe('follow-ups', () => {
  it('a call, text, WhatsApp or email to a contact past "new" counts; one still "new" does not', () => {
    const activities = [
      ...(['call', 'text', 'whatsapp', 'email_sent'] as const).map((type) => activity(type, '2026-11-25T10:00:00.000Z', { from_stage: 'contacted' })),
      activity('call', '2026-11-25T11:00:00.000Z', { from_stage: 'presented' }),
      activity('text', '2026-11-25T11:00:00.000Z', { from_stage: 'customer' }),
      ...(['call', 'text', 'whatsapp', 'email_sent'] as const).map((type) => activity(type, '2026-11-25T12:00:00.000Z', { from_stage: 'new' }, { contact: 'c-2' })),
    ];
    expect(byDay(countsOf({ activities }))).toEqual({ '2026-11-25': counts({ follow_ups: 6 }) });
  });

  it('things that are not touches never count, whatever their from_stage', () => {
    const activities = (['note', 'contact_updated', 'follow_up_set', 'link_opened', 'contact_added'] as const).map((type) => activity(type, '2026-11-25T10:00:00.000Z', { from_stage: 'contacted' }));
    expect(byDay(countsOf({ activities }))).toEqual({});
  });

  it('a retracted touch never counts', () => {
    const activities = [activity('text', '2026-11-25T10:00:00.000Z', { from_stage: 'contacted' }, { deleted: true })];
    expect(byDay(countsOf({ activities }))).toEqual({});
  });

  it('legacy touches (no from_stage) count only after the contact’s first touch, in any order', () => {
    const touches = [
      activity('call', '2026-11-20T10:00:00.000Z', {}, { contact: 'c-1' }),
      activity('text', '2026-11-23T10:00:00.000Z', {}, { contact: 'c-1' }),
      activity('email_sent', '2026-11-24T10:00:00.000Z', {}, { contact: 'c-1' }),
      activity('whatsapp', '2026-11-24T09:00:00.000Z', {}, { contact: 'c-2' }),
    ];
    const expected = { '2026-11-23': counts({ follow_ups: 1 }), '2026-11-24': counts({ follow_ups: 1 }) };
    expect(byDay(countsOf({ activities: touches }))).toEqual(expected);
    expect(byDay(countsOf({ activities: [...touches].reverse() }))).toEqual(expected);
  });

  it('a legacy touch after a touch that recorded from_stage counts (it had an earlier touch)', () => {
    const activities = [activity('call', '2026-11-20T10:00:00.000Z', { from_stage: 'new' }), activity('call', '2026-11-21T10:00:00.000Z', {})];
    expect(byDay(countsOf({ activities }))).toEqual({ '2026-11-21': counts({ follow_ups: 1 }) });
  });

  it('a retracted first touch does not make the next touch a follow-up', () => {
    const activities = [activity('call', '2026-11-20T10:00:00.000Z', {}, { deleted: true }), activity('call', '2026-11-21T10:00:00.000Z', {})];
    expect(byDay(countsOf({ activities }))).toEqual({});
  });

  it('a legacy touch without a contact never counts', () => {
    const activities = [activity('call', '2026-11-20T10:00:00.000Z', {}, { contact: null }), activity('call', '2026-11-21T10:00:00.000Z', {}, { contact: null })];
    expect(byDay(countsOf({ activities }))).toEqual({});
  });

  it('a contact’s first-ever touch is not a follow-up even when logged twice in the same millisecond', () => {
    const activities = [activity('call', '2026-11-20T10:00:00.000Z', {}), activity('text', '2026-11-20T10:00:00.000Z', {})];
    expect(byDay(countsOf({ activities }))).toEqual({});
  });
});

describe('stage moves', () => {
  it('moves to presented, customer and team member count as presentations, new customers and new team members', () => {
    const activities = [
      activity('stage_changed', '2026-11-25T10:00:00.000Z', { stage: 'presented' }, { contact: 'c-1' }),
      activity('stage_changed', '2026-11-25T10:00:00.000Z', { stage: 'customer' }, { contact: 'c-2' }),
      activity('stage_changed', '2026-11-25T10:00:00.000Z', { stage: 'team_member' }, { contact: 'c-3' }),
      activity('stage_changed', '2026-11-25T10:00:00.000Z', { stage: 'contacted' }, { contact: 'c-4' }),
      activity('stage_changed', '2026-11-25T10:00:00.000Z', { stage: 'new' }, { contact: 'c-5' }),
      activity('stage_changed', '2026-11-25T10:00:00.000Z', {}, { contact: 'c-6' }),
    ];
    expect(byDay(countsOf({ activities }))).toEqual({ '2026-11-25': counts({ presentations: 1, new_customers: 1, new_team_members: 1 }) });
  });

  it('a contact moved back and forth the same day counts once; on another day again; another contact too', () => {
    const activities = [
      activity('stage_changed', '2026-11-25T09:00:00.000Z', { stage: 'presented' }, { contact: 'c-1' }),
      activity('stage_changed', '2026-11-25T10:00:00.000Z', { stage: 'contacted' }, { contact: 'c-1' }),
      activity('stage_changed', '2026-11-25T11:00:00.000Z', { stage: 'presented' }, { contact: 'c-1' }),
      activity('stage_changed', '2026-11-25T12:00:00.000Z', { stage: 'presented' }, { contact: 'c-2' }),
      activity('stage_changed', '2026-11-26T09:00:00.000Z', { stage: 'presented' }, { contact: 'c-1' }),
      activity('stage_changed', '2026-11-25T13:00:00.000Z', { stage: 'customer' }, { contact: 'c-1' }),
      activity('stage_changed', '2026-11-25T14:00:00.000Z', { stage: 'customer' }, { contact: 'c-1' }),
    ];
    expect(byDay(countsOf({ activities }))).toEqual({
      '2026-11-25': counts({ presentations: 2, new_customers: 1 }),
      '2026-11-26': counts({ presentations: 1 }),
    });
  });

  it('"the same day" is the member’s day: two moves 23:30 and 00:30 in Lisbon (one UTC day) count on two days', () => {
    const lisbon = createDayClock('Europe/Lisbon');
    // Summer (WEST, +1): 22:30Z = 23:30 on the 1st; 23:30Z = 00:30 on the 2nd.
    const activities = [activity('stage_changed', '2026-07-01T22:30:00.000Z', { stage: 'presented' }), activity('stage_changed', '2026-07-01T23:30:00.000Z', { stage: 'presented' })];
    expect(byDay(countsOf({ activities }, lisbon))).toEqual({ '2026-07-01': counts({ presentations: 1 }), '2026-07-02': counts({ presentations: 1 }) });
    // …and two moves on one Lisbon day that straddle UTC midnight count once.
    const sameDay = [activity('stage_changed', '2026-12-01T23:30:00.000Z', { stage: 'customer' }), activity('stage_changed', '2026-12-01T23:50:00.000Z', { stage: 'customer' })];
    expect(byDay(countsOf({ activities: sameDay }, createDayClock('Asia/Tokyo')))).toEqual({ '2026-12-02': counts({ new_customers: 1 }) });
  });

  it('a retracted stage move never counts, and does not use up the day’s one count', () => {
    const activities = [
      activity('stage_changed', '2026-11-25T09:00:00.000Z', { stage: 'presented' }, { deleted: true }),
      activity('stage_changed', '2026-11-25T10:00:00.000Z', { stage: 'presented' }),
      activity('stage_changed', '2026-11-26T10:00:00.000Z', { stage: 'customer' }, { deleted: true }),
    ];
    expect(byDay(countsOf({ activities }))).toEqual({ '2026-11-25': counts({ presentations: 1 }) });
  });
});

describe('invitations', () => {
  const INVITE = 'tpl-invite';
  const OTHER = 'tpl-other';
  const invitationTemplates = new Set([INVITE]);

  it('a send from an invitation template counts on the day it was sent; other sends alone do not', () => {
    const sends = [send('s-1', INVITE, '2026-11-25T10:00:00.000Z'), send('s-2', INVITE, '2026-11-26T10:00:00.000Z'), send('s-3', OTHER, '2026-11-25T10:00:00.000Z'), send('s-4', null, '2026-11-25T10:00:00.000Z')];
    expect(byDay(countsOf({ sends, invitationTemplates }))).toEqual({ '2026-11-25': counts({ invitations: 1 }), '2026-11-26': counts({ invitations: 1 }) });
  });

  it('a retracted invitation send does not count', () => {
    expect(byDay(countsOf({ sends: [send('s-1', INVITE, '2026-11-25T10:00:00.000Z', true)], invitationTemplates }))).toEqual({});
  });

  it('the first person’s click on any other send counts once, on the day of the first click', () => {
    const sends = [send('s-1', OTHER, '2026-11-20T10:00:00.000Z'), send('s-2', null, '2026-11-20T10:00:00.000Z')];
    const clicks = [
      click('s-1', '2026-11-24T10:00:00.000Z'),
      click('s-1', '2026-11-22T10:00:00.000Z'),
      click('s-1', '2026-11-23T10:00:00.000Z'),
      click('s-2', '2026-11-24T11:00:00.000Z'),
      click('s-2', '2026-11-24T12:00:00.000Z'),
    ];
    expect(byDay(countsOf({ sends, clicks, invitationTemplates }))).toEqual({ '2026-11-22': counts({ invitations: 1 }), '2026-11-24': counts({ invitations: 1 }) });
  });

  it('link previews and security scanners never count, not even as the first click', () => {
    const sends = [send('s-1', OTHER, '2026-11-20T10:00:00.000Z')];
    const clicks = [click('s-1', '2026-11-20T10:00:01.000Z', { kind: 'preview' }), click('s-1', '2026-11-20T10:00:02.000Z', { kind: 'scanner' }), click('s-1', '2026-11-21T10:00:00.000Z')];
    expect(byDay(countsOf({ sends, clicks, invitationTemplates }))).toEqual({ '2026-11-21': counts({ invitations: 1 }) });
    expect(byDay(countsOf({ sends, clicks: clicks.slice(0, 2), invitationTemplates }))).toEqual({});
  });

  it('clicks on an invitation send add nothing (the send already counted)', () => {
    const sends = [send('s-1', INVITE, '2026-11-20T10:00:00.000Z')];
    const clicks = [click('s-1', '2026-11-21T10:00:00.000Z'), click(null, '2026-11-22T10:00:00.000Z', { link: 'l-1' })];
    const linkSends = new Map([['l-1', 's-1']]);
    expect(byDay(countsOf({ sends, clicks, linkSends, invitationTemplates }))).toEqual({ '2026-11-20': counts({ invitations: 1 }) });
  });

  it('a click recorded before its link reached the server (sent_email_id null) is found through its link', () => {
    const sends = [send('s-1', OTHER, '2026-11-20T10:00:00.000Z')];
    const linkSends = new Map<string, string | null>([['l-1', 's-1'], ['l-2', 's-1'], ['l-3', null]]);
    // Two links of the same send, one click through each, and one click that already knows its send: still one.
    const clicks = [click(null, '2026-11-23T10:00:00.000Z', { link: 'l-1' }), click(null, '2026-11-21T10:00:00.000Z', { link: 'l-2' }), click('s-1', '2026-11-22T10:00:00.000Z', { link: 'l-1' })];
    expect(byDay(countsOf({ sends, clicks, linkSends, invitationTemplates }))).toEqual({ '2026-11-21': counts({ invitations: 1 }) });
    // A click whose link is unknown, or whose link has no send, or with neither: nothing.
    const orphans = [click(null, '2026-11-23T10:00:00.000Z', { link: 'l-unknown' }), click(null, '2026-11-23T10:00:00.000Z', { link: 'l-3' }), click(null, '2026-11-23T10:00:00.000Z')];
    expect(byDay(countsOf({ sends, clicks: orphans, linkSends, invitationTemplates }))).toEqual({});
  });

  it('a retracted click never counts; the next person’s click is then the first', () => {
    const sends = [send('s-1', OTHER, '2026-11-20T10:00:00.000Z')];
    const clicks = [click('s-1', '2026-11-21T10:00:00.000Z', { deleted: true }), click('s-1', '2026-11-22T10:00:00.000Z')];
    expect(byDay(countsOf({ sends, clicks, invitationTemplates }))).toEqual({ '2026-11-22': counts({ invitations: 1 }) });
    expect(byDay(countsOf({ sends, clicks: clicks.slice(0, 1), invitationTemplates }))).toEqual({});
  });

  it('a click on a retracted invitation send is not an invitation (deleted rows never count)', () => {
    // The send is from an invitation template, so its clicks never count; retracting it must not turn
    // its clicks into invitations.
    const sends = [send('s-1', INVITE, '2026-11-20T10:00:00.000Z', true)];
    const clicks = [click('s-1', '2026-11-21T10:00:00.000Z')];
    expect(byDay(countsOf({ sends, clicks, invitationTemplates }))).toEqual({});
  });

  it('a click on a retracted send (any template) is not an invitation (deleted rows never count)', () => {
    const sends = [send('s-1', OTHER, '2026-11-20T10:00:00.000Z', true)];
    const clicks = [click('s-1', '2026-11-21T10:00:00.000Z')];
    expect(byDay(countsOf({ sends, clicks, invitationTemplates }))).toEqual({});
  });

  it('sends and clicks combine: invitation sends plus first clicks of other sends', () => {
    const sends = [send('s-1', INVITE, '2026-11-25T08:00:00.000Z'), send('s-2', OTHER, '2026-11-25T08:00:00.000Z'), send('s-3', OTHER, '2026-11-25T08:00:00.000Z')];
    const clicks = [click('s-1', '2026-11-25T09:00:00.000Z'), click('s-2', '2026-11-25T09:00:00.000Z'), click('s-2', '2026-11-25T09:30:00.000Z'), click('s-3', '2026-11-25T10:00:00.000Z', { kind: 'preview' })];
    expect(countsOf({ sends, clicks, invitationTemplates }).get('2026-11-25')?.invitations).toBe(2);
  });
});

describe('counting in the member’s zone, wherever the phone is', () => {
  it('a call at 23:30 in Lisbon counts on that Lisbon day with the phone in Tokyo', () => {
    process.env['TZ'] = 'Asia/Tokyo';
    const lisbon = createDayClock('Europe/Lisbon');
    // Winter: Lisbon is UTC; Tokyo already says the 26th.
    const activities = [activity('call', '2026-11-25T23:30:00.000Z', { outcome: 'connected', from_stage: 'new' })];
    expect(byDay(countsOf({ activities }, lisbon))).toEqual({ '2026-11-25': counts({ conversations: 1 }) });
    // And the device's own zone would have said otherwise (the test means something).
    expect(byDay(countsOf({ activities }, createDayClock('')))).toEqual({ '2026-11-26': counts({ conversations: 1 }) });
  });

  it('23:30 on New York’s fall-back day (04:30Z the next day) counts on that day', () => {
    process.env['TZ'] = 'Europe/Berlin';
    const activities = [activity('text', '2026-11-02T04:30:00.000Z', { outcome: 'replied', from_stage: 'contacted' })];
    expect(byDay(countsOf({ activities }, createDayClock('America/New_York')))).toEqual({ '2026-11-01': counts({ conversations: 1, follow_ups: 1 }) });
  });

  it('sends and clicks are bucketed in the member’s zone too', () => {
    const kathmandu = createDayClock('Asia/Kathmandu');
    // 18:14Z is 23:59 in Kathmandu; 18:15Z is 00:00 the next day.
    const sends = [send('s-1', 'tpl-invite', '2026-11-25T18:14:00.000Z'), send('s-2', 'tpl-other', '2026-11-25T10:00:00.000Z')];
    const clicks = [click('s-2', '2026-11-25T18:15:00.000Z')];
    expect(byDay(countsOf({ sends, clicks, invitationTemplates: new Set(['tpl-invite']) }, kathmandu))).toEqual({
      '2026-11-25': counts({ invitations: 1 }),
      '2026-11-26': counts({ invitations: 1 }),
    });
  });

  it('computeGoalStats: today, the activity categories and the counts are the member’s days', () => {
    process.env['TZ'] = 'America/Los_Angeles';
    const auckland = createDayClock('Pacific/Auckland');
    // Auckland is +13 in November: 10:30Z = 23:30 on the 25th, 11:30Z = 00:30 on the 26th.
    const activities = [
      activity('call', '2026-11-25T10:30:00.000Z', { outcome: 'connected', from_stage: 'new' }),
      activity('whatsapp', '2026-11-25T11:30:00.000Z', { outcome: 'booked', from_stage: 'contacted' }),
    ];
    const stats = computeGoalStats(sources({ activities }), [], auckland, Date.parse('2026-11-25T11:00:00.000Z'), '2025-10-28');
    expect(stats.zone).toBe('Pacific/Auckland');
    expect(stats.today).toBe('2026-11-26');
    expect(stats.oldest).toBe('2025-10-28');
    expect(byDay(stats.counts)).toEqual({ '2026-11-25': counts({ conversations: 1 }), '2026-11-26': counts({ conversations: 1, follow_ups: 1 }) });
    expect(stats.categories.get('2026-11-25')).toMatchObject({ calls: 1, messages: 0 });
    expect(stats.categories.get('2026-11-26')).toMatchObject({ calls: 0, messages: 1 });
  });
});

describe('computeGoalStats', () => {
  const mixed = () => [
    activity('call', '2026-11-25T10:00:00.000Z', { outcome: 'connected', from_stage: 'new' }),
    activity('text', '2026-11-25T10:00:00.000Z', { from_stage: 'contacted' }),
    activity('whatsapp', '2026-11-25T10:00:00.000Z', { from_stage: 'contacted' }),
    activity('email_sent', '2026-11-25T10:00:00.000Z', { from_stage: 'contacted' }),
    activity('stage_changed', '2026-11-25T10:00:00.000Z', { stage: 'presented' }),
    activity('link_opened', '2026-11-25T10:00:00.000Z', {}),
    activity('note', '2026-11-25T10:00:00.000Z', {}),
    activity('contact_added', '2026-11-25T10:00:00.000Z', {}),
    activity('test', '2026-11-25T10:00:00.000Z', {}),
    activity('call', '2026-11-25T10:00:00.000Z', { outcome: 'connected' }, { deleted: true }),
  ];

  it('groups activities into categories per day, leaving out bookkeeping and retracted rows', () => {
    const stats = computeGoalStats(sources({ activities: mixed() }), [], UTC, Date.parse('2026-11-25T12:00:00.000Z'), '2025-10-28');
    expect(stats.today).toBe('2026-11-25');
    expect(Object.fromEntries(stats.categories)).toEqual({ '2026-11-25': { calls: 1, messages: 2, emails: 1, stage_moves: 1, link_opens: 1, notes: 1 } });
    expect(byDay(stats.counts)).toEqual({ '2026-11-25': counts({ conversations: 1, follow_ups: 3, presentations: 1 }) });
  });

  it('gives the same answer when the sources are one-shot iterators (the goal ledger passes Map.values())', () => {
    const rows = mixed();
    const fromArrays = computeGoalStats(sources({ activities: rows }), [], UTC, Date.parse('2026-11-25T12:00:00.000Z'), '2025-10-28');
    const asMap = new Map(rows.map((row) => [row.id, row]));
    const fromIterators = computeGoalStats(
      { activities: asMap.values(), sends: new Map<string, CountedSend>().values(), clicks: new Map<string, CountedClick>().values(), linkSends: new Map(), invitationTemplates: new Set() },
      [],
      UTC,
      Date.parse('2026-11-25T12:00:00.000Z'),
      '2025-10-28',
    );
    expect(byDay(fromIterators.counts)).toEqual(byDay(fromArrays.counts));
    expect(Object.fromEntries(fromIterators.categories)).toEqual(Object.fromEntries(fromArrays.categories));
  });

  it('an unreadable timestamp is skipped, not counted on an "Invalid Date" day', () => {
    const activities = [activity('call', 'not a time', { outcome: 'connected', from_stage: 'contacted' }), activity('stage_changed', '', { stage: 'presented' })];
    const stats = computeGoalStats(sources({ activities, sends: [send('s-1', 'tpl', 'garbage')], invitationTemplates: new Set(['tpl']) }), [], UTC, Date.parse('2026-11-25T12:00:00.000Z'), '2025-10-28');
    expect(stats.counts.size).toBe(0);
    expect(stats.categories.size).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('the counting rules against a plain reading of them (property)', () => {
  /**
   * The rules of issue 11 written out the slow, obvious way (no shared code with goals.ts): every live
   * row judged on its own, an O(n²) look for a contact's earlier touch, first clicks by sorting.
   */
  function oracle(src: { activities: CountedActivity[]; sends: CountedSend[]; clicks: CountedClick[]; linkSends: Map<string, string | null>; invitationTemplates: Set<string> }, dayOf: (ms: number) => string) {
    const out = new Map<string, GoalCounts>();
    const add = (at: number, kind: keyof GoalCounts) => {
      const day = dayOf(at);
      const row = out.get(day) ?? emptyCounts();
      row[kind] += 1;
      out.set(day, row);
    };
    const live = src.activities.filter((row) => row.deleted_at === null && !Number.isNaN(Date.parse(row.occurred_at)));
    const isTouch = (row: CountedActivity) => ['call', 'text', 'whatsapp', 'email_sent'].includes(row.activity_type);
    const moved = new Set<string>();
    for (const row of live) {
      const at = Date.parse(row.occurred_at);
      if (['call', 'text', 'whatsapp'].includes(row.activity_type) && ['connected', 'booked', 'replied'].includes(row.metadata.outcome ?? '')) add(at, 'conversations');
      if (isTouch(row)) {
        if (row.metadata.from_stage !== undefined) {
          if (row.metadata.from_stage !== 'new') add(at, 'follow_ups');
        } else if (row.contact_id !== null && live.some((other) => isTouch(other) && other.contact_id === row.contact_id && Date.parse(other.occurred_at) < at)) add(at, 'follow_ups');
      }
      if (row.activity_type === 'stage_changed') {
        const kind = ({ presented: 'presentations', customer: 'new_customers', team_member: 'new_team_members' } as const)[row.metadata.stage as 'presented'];
        if (kind === undefined) continue;
        const key = `${dayOf(at)} ${kind} ${row.contact_id}`;
        if (row.contact_id !== null && moved.has(key)) continue;
        moved.add(key);
        add(at, kind);
      }
    }
    const isInvitation = (send: CountedSend) => send.template_id !== null && src.invitationTemplates.has(send.template_id);
    for (const send of src.sends) if (send.deleted_at === null && isInvitation(send)) add(Date.parse(send.sent_at), 'invitations');
    const firstClick = new Map<string, number>();
    const sorted = [...src.clicks].sort((a, b) => Date.parse(a.clicked_at) - Date.parse(b.clicked_at));
    for (const click of sorted) {
      if (click.kind !== 'person' || click.deleted_at !== null) continue;
      const sendId = click.sent_email_id ?? (click.link_id === null ? null : (src.linkSends.get(click.link_id) ?? null));
      if (sendId === null || firstClick.has(sendId)) continue;
      const sent = src.sends.find((row) => row.id === sendId);
      if (sent && (sent.deleted_at !== null || isInvitation(sent))) continue;
      firstClick.set(sendId, Date.parse(click.clicked_at));
    }
    for (const at of firstClick.values()) add(at, 'invitations');
    return out;
  }

  const START = Date.parse('2026-11-20T00:00:00.000Z');
  const instant = fc.integer({ min: 0, max: 6 * 24 * 4 }).map((quarter) => new Date(START + quarter * 15 * 60_000 + 7 * 60_000).toISOString());
  const contact = fc.constantFrom<string | null>('c-1', 'c-2', 'c-3', null);
  const deleted = fc.constantFrom<string | null>(null, null, null, null, '2026-11-29T00:00:00.000Z');
  const activityArb = fc.record({
    id: fc.uuid(),
    contact_id: contact,
    activity_type: fc.constantFrom<CountedActivity['activity_type']>('call', 'text', 'whatsapp', 'email_sent', 'stage_changed', 'note', 'contact_added'),
    occurred_at: instant,
    deleted_at: deleted,
    metadata: fc.record(
      {
        outcome: fc.constantFrom('connected', 'booked', 'replied', 'no_answer', 'left_message', 'not_now'),
        stage: fc.constantFrom('new', 'contacted', 'presented', 'customer', 'team_member', 'not_interested'),
        from_stage: fc.constantFrom('new', 'contacted', 'presented', 'customer'),
      },
      { requiredKeys: [] },
    ),
  });
  const SEND_IDS = ['s-1', 's-2', 's-3', 's-4', 's-5'];
  const sendsArb = fc.uniqueArray(fc.record({ id: fc.constantFrom(...SEND_IDS), template_id: fc.constantFrom<string | null>('tpl-invite', 'tpl-other', null), sent_at: instant, deleted_at: deleted }), { selector: (send) => send.id, maxLength: 5 });
  const clickArb = fc.record({
    sent_email_id: fc.constantFrom<string | null>(...SEND_IDS, 's-unknown', null),
    link_id: fc.constantFrom<string | null>('l-1', 'l-2', 'l-3', null),
    clicked_at: instant,
    kind: fc.constantFrom('person', 'person', 'preview', 'scanner'),
    deleted_at: deleted,
  });
  const linkSends = new Map<string, string | null>([['l-1', 's-1'], ['l-2', 's-4'], ['l-3', null]]);
  const invitationTemplates = new Set(['tpl-invite']);

  it.each(['UTC', 'Europe/Lisbon', 'Pacific/Chatham', 'America/New_York'])('countGoals agrees with the plain reading, in any order (%s)', (zone) => {
    const clock = createDayClock(zone);
    fc.assert(
      fc.property(fc.array(activityArb, { maxLength: 40 }), sendsArb, fc.array(clickArb, { maxLength: 15 }), fc.integer({ min: 0, max: 1000 }), (activities, sends, clicks, seed) => {
        const src = { activities, sends, clicks, linkSends, invitationTemplates };
        const expected = byDay(oracle(src, clock.dayOf));
        expect(byDay(countGoals(src, clock))).toEqual(expected);
        // The same rows in another order (as IndexedDB or a Map may hand them over).
        const shuffle = <T>(items: readonly T[]) => items.map((item, i) => ({ item, key: (i * 7919 + seed) % 1009 })).sort((a, b) => a.key - b.key).map(({ item }) => item);
        const reordered = { ...src, activities: shuffle(activities), sends: shuffle(sends), clicks: shuffle(clicks) };
        expect(byDay(countGoals(reordered, clock))).toEqual(expected);
      }),
      { numRuns: 400, seed: 1129 },
    );
  });
});

describe('plan history', () => {
  it('sorts live plans by their first day and ignores deleted ones', () => {
    const rows = [plan('2026-11-10'), plan('2026-10-01'), plan('2026-11-01', { deleted_at: '2026-11-02T00:00:00.000Z' }), plan('2026-11-20')];
    expect(planHistory(rows).map((row) => row.starts_on)).toEqual(['2026-10-01', '2026-11-10', '2026-11-20']);
    expect(planHistory([])).toEqual([]);
  });

  it('of two plans for the same day (two phones offline), the later edit wins, whatever order they arrive in', () => {
    const early = plan('2026-11-10', { id: 'plan-b', conversations: 2, updated_at: '2026-11-10T09:00:00.000Z' });
    const late = plan('2026-11-10', { id: 'plan-a', conversations: 7, updated_at: '2026-11-10T18:00:00.000Z' });
    expect(planHistory([early, late])).toEqual([late]);
    expect(planHistory([late, early])).toEqual([late]);
  });

  it('the edit made last by HLC stamp wins, not the row that reached the server last (updated_at)', () => {
    // Edited at 09:00 on one phone but pushed (server updated_at) at 18:00; edited at 10:00 on another, pushed at 10:01.
    const editedFirst = plan('2026-11-10', { id: 'plan-a', conversations: 2, updated_at: '2026-11-10T18:00:00.000Z', field_stamps: { conversations: stampAt('2026-11-10T09:00:00.000Z', 'phone1') } });
    const editedLast = plan('2026-11-10', { id: 'plan-b', conversations: 7, updated_at: '2026-11-10T10:01:00.000Z', field_stamps: { conversations: stampAt('2026-11-10T10:00:00.000Z', 'phone2') } });
    expect(planHistory([editedFirst, editedLast])).toEqual([editedLast]);
    expect(planHistory([editedLast, editedFirst])).toEqual([editedLast]);
    // The newest of a row's stamps is its last edit.
    const olderRowNewerField = plan('2026-11-10', { id: 'plan-c', conversations: 9, field_stamps: { starts_on: stampAt('2026-11-10T08:00:00.000Z'), work_days: stampAt('2026-11-10T11:00:00.000Z') } });
    expect(planHistory([editedLast, olderRowNewerField])).toEqual([olderRowNewerField]);
    // Same millisecond: the HLC counter, then the node, decide.
    const counter1 = plan('2026-11-10', { id: 'plan-d', field_stamps: { conversations: stampAt('2026-11-10T12:00:00.000Z', 'phone1', 1) } });
    const counter2 = plan('2026-11-10', { id: 'plan-e', field_stamps: { conversations: stampAt('2026-11-10T12:00:00.000Z', 'phone1', 2) } });
    expect(planHistory([counter2, counter1])).toEqual([counter2]);
    expect(planHistory([counter1, counter2])).toEqual([counter2]);
    const nodeA = plan('2026-11-10', { id: 'plan-f', field_stamps: { conversations: stampAt('2026-11-10T12:00:00.000Z', 'aaaa') } });
    const nodeZ = plan('2026-11-10', { id: 'plan-g', field_stamps: { conversations: stampAt('2026-11-10T12:00:00.000Z', 'zz9') } });
    expect(planHistory([nodeZ, nodeA])).toEqual([nodeZ]);
    expect(planHistory([nodeA, nodeZ])).toEqual([nodeZ]);
  });

  it('a deleted later edit does not hide the live plan of that day', () => {
    const live = plan('2026-11-10', { id: 'plan-a', updated_at: '2026-11-10T09:00:00.000Z' });
    const deleted = plan('2026-11-10', { id: 'plan-b', updated_at: '2026-11-10T18:00:00.000Z', deleted_at: '2026-11-10T18:00:00.000Z' });
    expect(planHistory([deleted, live])).toEqual([live]);
    expect(planHistory([live, deleted])).toEqual([live]);
  });

  it('a tie on updated_at is settled the same way on every device (by id), whatever the order', () => {
    const a = plan('2026-11-10', { id: 'plan-a', conversations: 1 });
    const b = plan('2026-11-10', { id: 'plan-b', conversations: 2 });
    expect(a.field_stamps).toEqual(b.field_stamps);
    expect(planHistory([a, b])).toEqual(planHistory([b, a]));
    expect(planHistory([a, b])).toHaveLength(1);
  });

  it('planOn: nothing before the first plan; each plan from its first day until the next', () => {
    const plans = planHistory([plan('2026-10-01', { conversations: 1 }), plan('2026-11-10', { conversations: 2 }), plan('2026-11-20', { conversations: 3 })]);
    expect(planOn(plans, '2026-09-30')).toBeNull();
    expect(planOn([], '2026-11-25')).toBeNull();
    expect(planOn(plans, '2026-10-01')?.conversations).toBe(1);
    expect(planOn(plans, '2026-11-09')?.conversations).toBe(1);
    expect(planOn(plans, '2026-11-10')?.conversations).toBe(2);
    expect(planOn(plans, '2026-11-19')?.conversations).toBe(2);
    expect(planOn(plans, '2026-11-20')?.conversations).toBe(3);
    expect(planOn(plans, '2027-06-01')?.conversations).toBe(3);
  });

  it('planOn agrees with a linear scan for many plans', () => {
    const starts = Array.from({ length: 37 }, (_, i) => shiftDay('2025-01-01', i * 11));
    const plans = planHistory(starts.map((day, i) => plan(day, { conversations: i % 50 })));
    for (let day = '2024-12-25'; day <= '2026-03-01'; day = shiftDay(day, 1)) {
      const linear = [...plans].reverse().find((row) => row.starts_on <= day) ?? null;
      expect(planOn(plans, day)).toBe(linear);
    }
  });
});

describe('working days and a day’s goal', () => {
  const plans = planHistory([plan('2026-11-02', { conversations: 2, invitations: 1, work_days: [1, 2, 3, 4, 5] })]);

  it('isWorkDay follows the plan in effect; before the first plan (or with none) Monday to Friday, whatever that plan says', () => {
    expect(isWorkDay(plans, '2026-11-25')).toBe(true);
    expect(isWorkDay(plans, '2026-11-28')).toBe(false);
    expect(isWorkDay(plans, '2026-10-31')).toBe(false);
    expect(isWorkDay(plans, '2026-10-30')).toBe(true);
    expect(isWorkDay([], '2026-11-28')).toBe(false);
    expect(isWorkDay([], '2026-11-27')).toBe(true);
    const sixDays = planHistory([plan('2026-11-02', { work_days: [1, 2, 3, 4, 5, 6] })]);
    expect(isWorkDay(sixDays, '2026-10-31')).toBe(false);
    expect(isWorkDay(sixDays, '2026-11-07')).toBe(true);
  });

  it('a day meets its goal when every kind with a target reached it', () => {
    expect(dayMetGoal(plans, '2026-11-25', counts({ conversations: 2, invitations: 1 }))).toBe(true);
    expect(dayMetGoal(plans, '2026-11-25', counts({ conversations: 5, invitations: 3, follow_ups: 9 }))).toBe(true);
    expect(dayMetGoal(plans, '2026-11-25', counts({ conversations: 2 }))).toBe(false);
    expect(dayMetGoal(plans, '2026-11-25', counts({ conversations: 1, invitations: 1 }))).toBe(false);
    expect(dayMetGoal(plans, '2026-11-25', undefined)).toBe(false);
  });

  it('a day off, a day before any plan, or a plan with no targets is never met', () => {
    expect(dayMetGoal(plans, '2026-11-28', counts({ conversations: 9, invitations: 9 }))).toBe(false);
    expect(dayMetGoal(plans, '2026-10-30', counts({ conversations: 9, invitations: 9 }))).toBe(false);
    const empty = planHistory([plan('2026-11-02', { conversations: 0 })]);
    expect(dayMetGoal(empty, '2026-11-25', counts({ conversations: 9 }))).toBe(false);
  });

  it('dayProgress lists only the kinds with a target', () => {
    expect(dayProgress(plans, '2026-11-25', counts({ conversations: 1, follow_ups: 4 }))).toEqual([
      { kind: 'conversations', done: 1, target: 2 },
      { kind: 'invitations', done: 0, target: 1 },
    ]);
    expect(dayProgress(plans, '2026-10-01', counts({ conversations: 1 }))).toEqual([]);
  });

  it('isActiveDay: at least one lead measure', () => {
    expect(isActiveDay(undefined)).toBe(false);
    expect(isActiveDay(emptyCounts())).toBe(false);
    expect(isActiveDay(counts({ new_team_members: 1 }))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('streaks that forgive', () => {
  const TODAY = '2026-11-25'; // Wednesday
  const OLDEST = shiftDay(TODAY, -399);
  const weekdays = daysBetween('2026-11-02', '2026-11-24');
  const monFri = plan('2026-10-01', { conversations: 1, week_min_days: 3 });

  it('counts working days in a row; the weekend neither breaks nor counts', () => {
    const result = streaks([monFri], activeOn(weekdays), TODAY, OLDEST);
    expect(result.days).toBe(17);
    expect(result.todayDone).toBe(false);
    // Activity on Saturday and Sunday does not make the streak longer.
    const withWeekend = streaks([monFri], activeOn([...weekdays, '2026-11-21', '2026-11-22']), TODAY, OLDEST);
    expect(withWeekend.days).toBe(17);
  });

  it('today not yet active breaks nothing; once active it counts', () => {
    expect(streaks([monFri], activeOn(weekdays), TODAY, OLDEST).days).toBe(17);
    const done = streaks([monFri], activeOn([...weekdays, TODAY]), TODAY, OLDEST);
    expect(done.days).toBe(18);
    expect(done.todayDone).toBe(true);
  });

  it('a missed working day breaks the streak; a missed day yesterday with today not done leaves 0', () => {
    const missed = weekdays.filter((day) => day !== '2026-11-18');
    expect(streaks([monFri], activeOn(missed), TODAY, OLDEST).days).toBe(4);
    const noYesterday = weekdays.filter((day) => day !== '2026-11-24');
    expect(streaks([monFri], activeOn(noYesterday), TODAY, OLDEST).days).toBe(0);
  });

  it('a day off today (Saturday) breaks nothing', () => {
    const result = streaks([monFri], activeOn(daysBetween('2026-11-02', '2026-11-27')), '2026-11-28', OLDEST);
    expect(result.days).toBe(20);
    expect(result.todayDone).toBe(false);
  });

  it('custom working days (Mon, Wed, Fri) forgive the days between', () => {
    const mwf = plan('2026-10-01', { work_days: [1, 3, 5], week_min_days: 2 });
    const active = daysBetween('2026-11-02', '2026-11-24', [1, 3, 5]);
    expect(streaks([mwf], activeOn(active), TODAY, OLDEST).days).toBe(active.length);
  });

  it('with no plan the working days are Monday to Friday', () => {
    expect(streaks([], activeOn(weekdays), TODAY, OLDEST).days).toBe(streaks([monFri], activeOn(weekdays), TODAY, OLDEST).days);
    expect(streaks([], activeOn(weekdays), TODAY, OLDEST).days).toBeGreaterThan(2);
  });

  it('days before the first plan are judged Monday to Friday, whatever the first plan’s days', () => {
    // The first plan (from Monday the 23rd) works Saturdays; the Saturday before it was still a day off.
    const plans = planHistory([plan('2026-11-23', { work_days: [1, 2, 3, 4, 5, 6] })]);
    expect(streaks(plans, activeOn(weekdays), TODAY, OLDEST).days).toBe(17);
    // A first plan of Mon/Wed/Fri does not forgive the Tuesday before it.
    const mwf = planHistory([plan('2026-11-23', { work_days: [1, 3, 5] })]);
    expect(streaks(mwf, activeOn(weekdays.filter((day) => day !== '2026-11-17')), TODAY, OLDEST).days).toBe(4); // the 23rd, 20th, 19th, 18th
  });

  it('the walk back stops at the oldest day covered', () => {
    expect(streaks([monFri], activeOn(weekdays), TODAY, '2026-11-16').days).toBe(7);
  });

  it('weeks: each past week that met the goal on week_min_days working days; this week once it has', () => {
    const result = streaks([monFri], activeOn(weekdays), TODAY, OLDEST);
    // This week: Mon and Tue met (needs 3); the weeks of Nov 16, 9 and 2 met; the week of Oct 26 did not.
    expect(result.thisWeekMetDays).toBe(2);
    expect(result.thisWeekNeeded).toBe(3);
    expect(result.weeks).toBe(3);
    const done = streaks([monFri], activeOn([...weekdays, TODAY]), TODAY, OLDEST);
    expect(done.thisWeekMetDays).toBe(3);
    expect(done.weeks).toBe(4);
  });

  it('weeks: a past week short of week_min_days breaks the week streak', () => {
    // The week of Nov 9 met only two days.
    const active = weekdays.filter((day) => !['2026-11-11', '2026-11-12', '2026-11-13'].includes(day));
    expect(streaks([monFri], activeOn(active), TODAY, OLDEST).weeks).toBe(1);
  });

  it('weeks: activity below the targets makes a day active but not met', () => {
    const twoCalls = plan('2026-10-01', { conversations: 2, week_min_days: 3 });
    const result = streaks([twoCalls], activeOn(weekdays), TODAY, OLDEST);
    expect(result.days).toBe(17);
    expect(result.weeks).toBe(0);
    expect(result.thisWeekMetDays).toBe(0);
  });

  it('weeks: week_min_days above the working days is capped at the working days', () => {
    const tooMany = plan('2026-10-01', { work_days: [1, 2], week_min_days: 5 });
    const result = streaks([tooMany], activeOn(daysBetween('2026-11-02', '2026-11-24', [1, 2])), TODAY, OLDEST);
    expect(result.thisWeekNeeded).toBe(2);
    expect(result.weeks).toBe(4);
  });

  describe('changing the goals today never changes a past streak', () => {
    const withoutChange = streaks([monFri], activeOn(weekdays), TODAY, OLDEST);

    it('adding Saturday as a working day today does not break the streak across last Saturday', () => {
      const plans = planHistory([monFri, plan(TODAY, { work_days: [1, 2, 3, 4, 5, 6] })]);
      const result = streaks(plans, activeOn(weekdays), TODAY, OLDEST);
      expect(result.days).toBe(withoutChange.days);
      expect(result.weeks).toBe(withoutChange.weeks);
    });

    it('raising the targets or week_min_days today does not undo past weeks', () => {
      const plans = planHistory([monFri, plan(TODAY, { conversations: 5, follow_ups: 3, week_min_days: 5 })]);
      const result = streaks(plans, activeOn(weekdays), TODAY, OLDEST);
      expect(result.days).toBe(withoutChange.days);
      // Past weeks judged by the Mon–Fri, one-conversation plan: three of them.
      expect(result.weeks).toBe(3);
    });

    it('working fewer days from today (dropping Monday) does not change the past', () => {
      const plans = planHistory([monFri, plan(TODAY, { work_days: [2, 3, 4, 5] })]);
      expect(streaks(plans, activeOn(weekdays), TODAY, OLDEST).days).toBe(withoutChange.days);
    });

    it('editing today’s first-ever plan to add Saturday does not break the streak across last Saturday', () => {
      // The member worked Mon–Fri for weeks, set goals for the first time today (Mon–Fri) and then,
      // the same day, added Saturday (saveGoals edits that day's row in place: same id, later updated_at).
      const active = activeOn(weekdays);
      const firstPlan = plan(TODAY, { id: 'goals-1', work_days: [1, 2, 3, 4, 5], updated_at: `${TODAY}T09:00:00.000Z` });
      const edited: GoalPlan = { ...firstPlan, work_days: [1, 2, 3, 4, 5, 6], updated_at: `${TODAY}T09:05:00.000Z`, field_stamps: { ...firstPlan.field_stamps, work_days: stampAt(`${TODAY}T09:05:00.000Z`) } };
      const before = streaks(planHistory([firstPlan]), active, TODAY, OLDEST);
      const after = streaks(planHistory([edited]), active, TODAY, OLDEST);
      expect(before.days).toBe(17);
      expect(after.days).toBe(before.days);
    });
  });
});

// ---------------------------------------------------------------------------------------------------

describe('the weekly review', () => {
  it('covers the seven days before the review day: totals of every day, targets and met days of working days', () => {
    const plans = planHistory([plan('2026-10-01', { conversations: 2, invitations: 1, review_day: 1 })]);
    const dayCounts = new Map<string, GoalCounts>([
      ['2026-11-15', counts({ conversations: 9 })], // the Sunday before: outside
      ['2026-11-16', counts({ conversations: 2, invitations: 1 })],
      ['2026-11-17', counts({ conversations: 2, invitations: 1, follow_ups: 4 })],
      ['2026-11-18', counts({ conversations: 1, invitations: 1 })],
      ['2026-11-19', counts({ conversations: 3 })],
      ['2026-11-21', counts({ conversations: 2, invitations: 2, presentations: 1 })], // Saturday: counts in totals only
      ['2026-11-23', counts({ conversations: 9 })], // the review day itself: outside
    ]);
    const review = weeklyReview(plans, dayCounts, '2026-11-23');
    expect(review.from).toBe('2026-11-16');
    expect(review.to).toBe('2026-11-22');
    expect(review.totals).toEqual(counts({ conversations: 10, invitations: 5, follow_ups: 4, presentations: 1 }));
    expect(review.workDays).toBe(5);
    expect(review.targets).toEqual(counts({ conversations: 10, invitations: 5 }));
    expect(review.metDays).toBe(2);
  });

  it('each day is judged by the plan in effect that day (a change mid-week)', () => {
    const plans = planHistory([plan('2026-10-01', { conversations: 1 }), plan('2026-11-19', { conversations: 3, work_days: [1, 2, 3, 4, 5, 6] })]);
    const dayCounts = activeOn(daysBetween('2026-11-16', '2026-11-22', [1, 2, 3, 4, 5, 6]), { conversations: 2 });
    const review = weeklyReview(plans, dayCounts, '2026-11-23');
    // Mon–Wed under the first plan (1 a day), Thu–Sat under the second (3 a day).
    expect(review.workDays).toBe(6);
    expect(review.targets.conversations).toBe(3 * 1 + 3 * 3);
    expect(review.metDays).toBe(3);
    expect(review.totals.conversations).toBe(12);
  });

  it('days before the first plan are not working days', () => {
    const plans = planHistory([plan('2026-11-18', { conversations: 1 })]);
    const review = weeklyReview(plans, activeOn(daysBetween('2026-11-16', '2026-11-22')), '2026-11-23');
    expect(review.workDays).toBe(3);
    expect(review.targets.conversations).toBe(3);
    expect(review.metDays).toBe(3);
    expect(review.totals.conversations).toBe(5);
  });

  it('across a month and year end', () => {
    const plans = planHistory([plan('2026-10-01', { conversations: 1, review_day: 3 })]);
    const review = weeklyReview(plans, activeOn(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-05']), '2027-01-06');
    expect(review.from).toBe('2026-12-30');
    expect(review.to).toBe('2027-01-05');
    expect(review.totals.conversations).toBe(4);
    expect(review.workDays).toBe(5);
    expect(review.metDays).toBe(4);
  });

  it('lastReviewDay: the latest review weekday on or before today, by today’s plan', () => {
    const monday = planHistory([plan('2026-10-01', { review_day: 1 })]);
    expect(lastReviewDay(monday, '2026-11-23')).toBe('2026-11-23');
    expect(lastReviewDay(monday, '2026-11-25')).toBe('2026-11-23');
    expect(lastReviewDay(monday, '2026-11-29')).toBe('2026-11-23');
    const sunday = planHistory([plan('2026-10-01', { review_day: 7 })]);
    expect(lastReviewDay(sunday, '2026-11-28')).toBe('2026-11-22');
    expect(lastReviewDay(sunday, '2026-11-29')).toBe('2026-11-29');
    expect(lastReviewDay([], '2026-11-25')).toBeNull();
    expect(lastReviewDay(monday, '2026-09-30')).toBeNull();
  });
});

describe('malformed plans from storage', () => {
  it('are left out of the history instead of breaking the rules (work_days null, a text review day, an impossible target)', () => {
    const good = plan('2026-11-02');
    const broken = [
      { ...plan('2026-11-10'), work_days: null },
      { ...plan('2026-11-11'), review_day: 'Sunday' },
      { ...plan('2026-11-12'), conversations: Number.NaN },
      { ...plan('2026-11-13'), starts_on: 'soon' },
      { ...plan('2026-11-14'), work_days: [0, 9] },
    ] as unknown as GoalPlan[];
    const history = planHistory([good, ...broken]);
    expect(history.map((row) => row.starts_on)).toEqual(['2026-11-02']);
    expect(() => streaks(history, new Map(), '2026-11-20', '2026-10-01')).not.toThrow();
  });
});
