import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contactInput, createTestClock, createTestStore, type TestStore } from '../../tests/support/test-store';
import type { DailyGoalInput } from '../domain/daily-goal-schema';
import type { GoalStats } from '../domain/goal-stats';
import { GOAL_KINDS, type GoalCounts, type GoalKind } from '../domain/goals';
import { shiftDay } from '../domain/zone-days';
import { createGoalLedger, LEDGER_DAYS, type GoalLedger } from './goal-ledger';

/*
 * The goal ledger against a real database (fake-indexeddb) and real store writes: what the rings and
 * charts show must follow every kind of write — one row, a retraction, a bulk write, a template or
 * profile change — without a reload. The device zone is UTC here unless a test says otherwise.
 */

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-24T09:00:00.000Z'); // a Tuesday, 09:00 UTC
const TODAY = '2026-11-24';

type Running = { tab: TestStore; ledger: GoalLedger; stop: () => void; seen: (GoalStats | null)[] };
const running: Running[] = [];
const others: TestStore[] = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const { tab, stop } of running.splice(0)) {
    stop();
    await tab.db.delete();
  }
  for (const other of others.splice(0)) other.db.close();
});

async function openStore(): Promise<TestStore> {
  return createTestStore({ clock: createTestClock(NOW) });
}

/** Starts a ledger on the store's database and waits for its first figures. */
async function startLedger(tab: TestStore): Promise<Running> {
  const ledger = createGoalLedger(tab.db, tab.clock.now);
  const seen: (GoalStats | null)[] = [];
  const stop = ledger.subscribe(() => seen.push(ledger.getSnapshot().stats));
  const run = { tab, ledger, stop, seen };
  running.push(run);
  await expect.poll(() => ledger.getSnapshot().stats, { timeout: 20_000 }).not.toBeNull();
  return run;
}

const stats = (ledger: GoalLedger) => ledger.getSnapshot().stats;
const countOn = (ledger: GoalLedger, day: string, kind: GoalKind) => stats(ledger)?.counts.get(day)?.[kind] ?? 0;
const totalOf = (counts: ReadonlyMap<string, GoalCounts> | undefined) => {
  let sum = 0;
  for (const day of counts?.values() ?? []) for (const kind of GOAL_KINDS) sum += day[kind];
  return sum;
};

let sentinelDay = 300;
/**
 * Waits until the ledger has taken in every write made so far: writes a connected call on a day of its
 * own (far back) and waits for it to be counted (the ledger handles changes in order). Returns that day.
 */
async function settle(tab: TestStore, ledger: GoalLedger): Promise<string> {
  sentinelDay += 1;
  await tab.db.member_activities.add(activityRow(tab, NOW - sentinelDay * DAY));
  const day = shiftDay(TODAY, -sentinelDay);
  await expect.poll(() => countOn(ledger, day, 'conversations')).toBe(1);
  return day;
}

async function addContact(tab: TestStore, stage: 'new' | 'contacted' | 'presented' = 'new', name = 'Jane'): Promise<string> {
  const added = await tab.store.addContact(contactInput({ first_name: name, stage }));
  if (!added.ok) throw new Error(added.error.message);
  return added.value;
}

/** A member_activities row as a pull or an import would store it. */
function activityRow(tab: TestStore, occurredAt: number, overrides: Record<string, unknown> = {}) {
  const iso = new Date(occurredAt).toISOString();
  return {
    id: crypto.randomUUID(),
    member_id: tab.ctx.memberId,
    created_at: iso,
    updated_at: iso,
    deleted_at: null as string | null,
    field_stamps: {},
    contact_id: crypto.randomUUID(),
    activity_type: 'call' as const,
    metadata: { contact_name: 'Pulled', outcome: 'connected' as const, from_stage: 'new' },
    occurred_at: iso,
    ...overrides,
  };
}

const goals = (overrides: Partial<DailyGoalInput> = {}): DailyGoalInput => ({
  preset: 'custom',
  conversations: 2,
  invitations: 1,
  follow_ups: 1,
  presentations: 0,
  new_customers: 0,
  new_team_members: 0,
  work_days: [1, 2, 3, 4, 5],
  week_min_days: 3,
  review_day: 1,
  ...overrides,
});

describe('goal ledger: first load', () => {
  it('starts empty, in the device zone without a profile, covering LEDGER_DAYS days', async () => {
    const tab = await openStore();
    const { ledger } = await startLedger(tab);
    const first = stats(ledger);
    expect(first?.zone).toBe('UTC');
    expect(first?.today).toBe(TODAY);
    expect(first?.oldest).toBe(shiftDay(TODAY, -(LEDGER_DAYS - 1)));
    expect(first?.plans).toEqual([]);
    expect(totalOf(first?.counts)).toBe(0);
  });

  it('reads what was already stored, on its days, and ignores rows older than the window', async () => {
    const tab = await openStore();
    await tab.db.member_activities.bulkAdd([
      activityRow(tab, NOW - 2 * 3_600_000),
      activityRow(tab, NOW - 10 * DAY),
      activityRow(tab, NOW - 200 * DAY),
      activityRow(tab, NOW - (LEDGER_DAYS - 5) * DAY),
      activityRow(tab, NOW - (LEDGER_DAYS + 30) * DAY),
      activityRow(tab, NOW - 900 * DAY),
      activityRow(tab, NOW - 5 * DAY, { deleted_at: new Date(NOW).toISOString() }),
    ]);
    const { ledger } = await startLedger(tab);
    const counts = stats(ledger)!.counts;
    expect(totalOf(counts)).toBe(4);
    expect(counts.get(TODAY)?.conversations).toBe(1);
    expect(counts.get(shiftDay(TODAY, -10))?.conversations).toBe(1);
    expect(counts.get(shiftDay(TODAY, -200))?.conversations).toBe(1);
    expect(counts.get(shiftDay(TODAY, -(LEDGER_DAYS - 5)))?.conversations).toBe(1);
    expect(counts.has(shiftDay(TODAY, -(LEDGER_DAYS + 30)))).toBe(false);
    expect(counts.has(shiftDay(TODAY, -900))).toBe(false);
    expect(counts.has(shiftDay(TODAY, -5))).toBe(false);
  });

  it('counts rows stamped in the future (a phone with its clock ahead) on their day', async () => {
    const tab = await openStore();
    await tab.db.member_activities.bulkAdd([activityRow(tab, NOW + 3 * DAY), activityRow(tab, NOW + DAY + 3_600_000)]);
    const { ledger } = await startLedger(tab);
    expect(countOn(ledger, shiftDay(TODAY, 3), 'conversations')).toBe(1);
    expect(countOn(ledger, shiftDay(TODAY, 1), 'conversations')).toBe(1);
  });

  it('reads the profile’s zone, the plans and the invitation templates on first load', async () => {
    const tab = await openStore();
    await tab.store.saveProfile({ full_name: 'Mo', company: '', phone: '', timezone: 'Asia/Kathmandu' });
    await tab.store.saveGoals(goals({ conversations: 4 }), '2026-11-01');
    const { ledger } = await startLedger(tab);
    expect(stats(ledger)?.zone).toBe('Asia/Kathmandu');
    // 09:00Z is 14:45 in Kathmandu, still the 24th.
    expect(stats(ledger)?.today).toBe(TODAY);
    expect(stats(ledger)?.plans.map((plan) => [plan.starts_on, plan.conversations])).toEqual([['2026-11-01', 4]]);
  });
});

describe('goal ledger: following writes', () => {
  it('logOutreach with outcome connected adds a conversation today', async () => {
    const tab = await openStore();
    const contact = await addContact(tab);
    const { ledger } = await startLedger(tab);
    expect(countOn(ledger, TODAY, 'conversations')).toBe(0);
    const logged = await tab.store.logOutreach(contact, 'call', 'connected', null);
    expect(logged.ok).toBe(true);
    await expect.poll(() => countOn(ledger, TODAY, 'conversations')).toBe(1);
    // The contact was new: not a follow-up. The next touch (now "contacted") is one.
    expect(countOn(ledger, TODAY, 'follow_ups')).toBe(0);
    tab.clock.advance(60_000);
    await tab.store.logOutreach(contact, 'text', 'no_answer', null);
    await expect.poll(() => countOn(ledger, TODAY, 'follow_ups')).toBe(1);
    expect(countOn(ledger, TODAY, 'conversations')).toBe(1);
  });

  it('the activity chart’s categories follow a write too (calls, messages)', async () => {
    const tab = await openStore();
    const contact = await addContact(tab);
    const { ledger } = await startLedger(tab);
    await tab.store.logOutreach(contact, 'call', 'connected', null);
    await tab.store.logOutreach(contact, 'whatsapp', 'replied', null);
    await expect.poll(() => countOn(ledger, TODAY, 'conversations')).toBe(2);
    expect(stats(ledger)?.categories.get(TODAY)).toMatchObject({ calls: 1, messages: 1 });
  });

  it('a retracted activity (soft delete: deleted_at) stops counting', async () => {
    const tab = await openStore();
    const contact = await addContact(tab);
    const { ledger } = await startLedger(tab);
    await tab.store.logOutreach(contact, 'call', 'connected', null);
    await expect.poll(() => countOn(ledger, TODAY, 'conversations')).toBe(1);
    const call = (await tab.db.member_activities.toArray()).find((row) => row.activity_type === 'call')!;
    const retracted = await tab.store.restoreValues('member_activities', call.id, { deleted_at: new Date(NOW).toISOString() });
    expect(retracted.ok).toBe(true);
    await expect.poll(() => countOn(ledger, TODAY, 'conversations')).toBe(0);
  });

  it('a row removed from the database (hard delete) stops counting', async () => {
    const tab = await openStore();
    const { ledger } = await startLedger(tab);
    const row = activityRow(tab, NOW - 3_600_000);
    await tab.db.member_activities.add(row);
    await expect.poll(() => countOn(ledger, TODAY, 'conversations')).toBe(1);
    await tab.db.member_activities.delete(row.id);
    await expect.poll(() => countOn(ledger, TODAY, 'conversations')).toBe(0);
  });

  it('a row written after the first load but older than the window is ignored; one moved out of the window is dropped', async () => {
    const tab = await openStore();
    const { ledger } = await startLedger(tab);
    const old = activityRow(tab, NOW - (LEDGER_DAYS + 10) * DAY);
    const recent = activityRow(tab, NOW - 3 * DAY);
    await tab.db.member_activities.bulkAdd([old, recent]);
    await expect.poll(() => countOn(ledger, shiftDay(TODAY, -3), 'conversations')).toBe(1);
    expect(totalOf(stats(ledger)?.counts)).toBe(1);
    // The same row re-dated (a correction from another device) to before the window.
    await tab.db.member_activities.update(recent.id, { occurred_at: new Date(NOW - (LEDGER_DAYS + 10) * DAY).toISOString() });
    await expect.poll(() => totalOf(stats(ledger)?.counts)).toBe(0);
  });

  it('a bulk write of more than 2000 rows (a pull or an import) is read again and counted', async () => {
    const tab = await openStore();
    const contact = await addContact(tab);
    const { ledger } = await startLedger(tab);
    await tab.store.logOutreach(contact, 'call', 'connected', null);
    await expect.poll(() => countOn(ledger, TODAY, 'conversations')).toBe(1);
    // 2,500 connected calls over the last 50 days, 50 a day (today included).
    const rows = Array.from({ length: 2500 }, (_, i) => activityRow(tab, NOW - 60_000 - (i % 50) * DAY));
    await tab.db.member_activities.bulkPut(rows);
    await expect.poll(() => countOn(ledger, shiftDay(TODAY, -49), 'conversations'), { timeout: 20_000 }).toBe(50);
    expect(countOn(ledger, TODAY, 'conversations')).toBe(51);
    expect(totalOf(stats(ledger)?.counts)).toBe(2501);
    // …and a bulk retraction of them all.
    const deletedAt = new Date(NOW).toISOString();
    await tab.db.member_activities.bulkPut(rows.map((row) => ({ ...row, deleted_at: deletedAt })));
    await expect.poll(() => totalOf(stats(ledger)?.counts), { timeout: 20_000 }).toBe(1);
  });

  it('2,000 changed rows (read by key) and 2,001 (read again whole) are both counted exactly', async () => {
    const tab = await openStore();
    const { ledger } = await startLedger(tab);
    const keyed = Array.from({ length: 2000 }, (_, i) => activityRow(tab, NOW - 60_000 - (i % 20) * DAY));
    await tab.db.member_activities.bulkPut(keyed);
    await expect.poll(() => totalOf(stats(ledger)?.counts), { timeout: 20_000 }).toBe(2000);
    const whole = Array.from({ length: 2001 }, (_, i) => activityRow(tab, NOW - 60_000 - (i % 20) * DAY, { activity_type: 'text', metadata: { outcome: 'replied', from_stage: 'new' } }));
    await tab.db.member_activities.bulkPut(whole);
    await expect.poll(() => totalOf(stats(ledger)?.counts), { timeout: 20_000 }).toBe(4001);
    expect(countOn(ledger, TODAY, 'conversations')).toBe(100 + 101);
  });

  it('one write to several tables (a pull page) updates activities, sends and clicks together', async () => {
    const tab = await openStore();
    const saved = await tab.store.saveTemplate(null, { name: 'Invite', channel: 'sms', subject: '', body: 'Come https://example.com/kit', track_links: true, is_invitation: true });
    if (!saved.ok) throw new Error(saved.error.message);
    const { ledger } = await startLedger(tab);
    const at = new Date(NOW - 3_600_000).toISOString();
    const base = { member_id: tab.ctx.memberId, created_at: at, updated_at: at, deleted_at: null, field_stamps: {} };
    const otherSend = crypto.randomUUID();
    await tab.db.transaction('rw', [tab.db.member_activities, tab.db.sent_emails, tab.db.email_clicks], async () => {
      await tab.db.member_activities.add(activityRow(tab, NOW - 3_600_000));
      await tab.db.sent_emails.bulkAdd([
        { ...base, id: crypto.randomUUID(), contact_id: crypto.randomUUID(), template_id: saved.value, to_email: '', subject: '', body: '', status: 'handed_off', channel: 'sms', sent_at: at },
        { ...base, id: otherSend, contact_id: crypto.randomUUID(), template_id: null, to_email: '', subject: '', body: '', status: 'handed_off', channel: 'sms', sent_at: at },
      ]);
      await tab.db.email_clicks.add({ ...base, id: crypto.randomUUID(), sent_email_id: otherSend, link_id: null, url: 'https://example.com/kit', clicked_at: at, kind: 'person', reason: '', network: '' });
    });
    await expect.poll(() => [countOn(ledger, TODAY, 'conversations'), countOn(ledger, TODAY, 'invitations')]).toEqual([1, 2]);
  });

  it('writes to another member’s database (a shared phone), even one whose name starts the same, change nothing', async () => {
    const tab = await openStore();
    const { ledger } = await startLedger(tab);
    for (const name of [`${tab.name}-2`, `x${tab.name}`]) {
      const other = await createTestStore({ name, clock: createTestClock(NOW) });
      others.push(other);
      await other.db.member_activities.bulkAdd([activityRow(other, NOW - 3_600_000), activityRow(other, NOW - 3_600_000)]);
      await other.db.member_activities.clear();
      await other.db.member_activities.add(activityRow(other, NOW - 3_600_000));
    }
    await settle(tab, ledger);
    expect(countOn(ledger, TODAY, 'conversations')).toBe(0);
    for (const other of others) await other.db.delete();
  });

  it('a clear() of a table (a range, not keys) is read again', async () => {
    const tab = await openStore();
    await tab.db.member_activities.bulkAdd([activityRow(tab, NOW - DAY), activityRow(tab, NOW - 2 * DAY)]);
    const { ledger } = await startLedger(tab);
    expect(totalOf(stats(ledger)?.counts)).toBe(2);
    await tab.db.member_activities.clear();
    await expect.poll(() => totalOf(stats(ledger)?.counts)).toBe(0);
  });

  it('sees writes made by another tab (a second Dexie instance on the same database)', async () => {
    const tab = await openStore();
    const { ledger } = await startLedger(tab);
    const other = await createTestStore({ name: tab.name, clock: createTestClock(NOW) });
    others.push(other);
    const contact = await addContact(other, 'contacted');
    await other.store.logOutreach(contact, 'call', 'booked', null);
    await expect.poll(() => countOn(ledger, TODAY, 'conversations')).toBe(1);
    expect(countOn(ledger, TODAY, 'follow_ups')).toBe(1);
  });

  it('a stage move is counted once per contact per day', async () => {
    const tab = await openStore();
    const contact = await addContact(tab, 'contacted');
    const { ledger } = await startLedger(tab);
    await tab.store.updateContact(contact, { stage: 'presented' });
    await tab.store.updateContact(contact, { stage: 'contacted' });
    await tab.store.updateContact(contact, { stage: 'presented' });
    await settle(tab, ledger);
    expect(countOn(ledger, TODAY, 'presentations')).toBe(1);
    expect((await tab.db.member_activities.filter((row) => row.activity_type === 'stage_changed').count())).toBe(3);
  });
});

describe('goal ledger: invitations', () => {
  const template = { name: 'Starter kit', channel: 'whatsapp' as const, subject: '', body: 'Have a look https://example.com/kit', track_links: true };

  it('a template later marked as an invitation counts its past sends; a send from it now counts at once', async () => {
    const tab = await openStore();
    const contact = await addContact(tab);
    const saved = await tab.store.saveTemplate(null, { ...template, is_invitation: false });
    if (!saved.ok) throw new Error(saved.error.message);
    const { ledger } = await startLedger(tab);
    // Sent two days ago.
    tab.clock.set(NOW - 2 * DAY);
    const sent = await tab.store.recordSent({ contactId: contact, template: { id: saved.value, name: template.name }, channel: 'whatsapp', to: '+15550100199', subject: '', body: template.body, links: [] });
    expect(sent.ok).toBe(true);
    tab.clock.set(NOW);
    await settle(tab, ledger);
    expect(countOn(ledger, shiftDay(TODAY, -2), 'invitations')).toBe(0);

    await tab.store.saveTemplate(saved.value, { ...template, is_invitation: true });
    await expect.poll(() => countOn(ledger, shiftDay(TODAY, -2), 'invitations')).toBe(1);

    await tab.store.recordSent({ contactId: contact, template: { id: saved.value, name: template.name }, channel: 'whatsapp', to: '+15550100199', subject: '', body: template.body, links: [] });
    await expect.poll(() => countOn(ledger, TODAY, 'invitations')).toBe(1);
  });

  it('deleting an invitation template does not take back the invitations already sent from it', async () => {
    const tab = await openStore();
    const contact = await addContact(tab);
    const saved = await tab.store.saveTemplate(null, { ...template, is_invitation: true });
    if (!saved.ok) throw new Error(saved.error.message);
    tab.clock.set(NOW - DAY);
    await tab.store.recordSent({ contactId: contact, template: { id: saved.value, name: template.name }, channel: 'whatsapp', to: '+15550100199', subject: '', body: template.body, links: [] });
    tab.clock.set(NOW);
    const { ledger } = await startLedger(tab);
    expect(countOn(ledger, shiftDay(TODAY, -1), 'invitations')).toBe(1);
    await tab.store.deleteTemplate(saved.value);
    await settle(tab, ledger);
    expect(countOn(ledger, shiftDay(TODAY, -1), 'invitations')).toBe(1);
  });

  it('a person’s click on a tracked link found through its link id (sent_email_id null) counts once; previews do not', async () => {
    const tab = await openStore();
    const contact = await addContact(tab);
    const { ledger } = await startLedger(tab);
    const linkId = crypto.randomUUID();
    const sent = await tab.store.recordSent({ contactId: contact, template: null, channel: 'sms', to: '+15550100199', subject: '', body: 'See https://r.example/x', links: [{ id: linkId, url: 'https://example.com/kit' }] });
    if (!sent.ok) throw new Error(sent.error.message);
    const clickRow = (kind: 'person' | 'preview', at: number, sendId: string | null) => ({
      id: crypto.randomUUID(),
      member_id: tab.ctx.memberId,
      created_at: new Date(at).toISOString(),
      updated_at: new Date(at).toISOString(),
      deleted_at: null,
      field_stamps: {},
      sent_email_id: sendId,
      link_id: linkId,
      url: 'https://example.com/kit',
      clicked_at: new Date(at).toISOString(),
      kind,
      reason: '',
      network: '',
    });
    await tab.db.email_clicks.add(clickRow('preview', NOW + 1000, null));
    await tab.db.email_clicks.add(clickRow('person', NOW + 60_000, null));
    await expect.poll(() => countOn(ledger, TODAY, 'invitations')).toBe(1);
    // The same send clicked again, now with its send id: still one.
    await tab.db.email_clicks.add(clickRow('person', NOW + 120_000, sent.value));
    await settle(tab, ledger);
    expect(countOn(ledger, TODAY, 'invitations')).toBe(1);
  });
});

describe('goal ledger: clicks and links arriving in any order', () => {
  const clickRow = (tab: TestStore, linkId: string, at: number, sendId: string | null) => ({
    id: crypto.randomUUID(),
    member_id: tab.ctx.memberId,
    created_at: new Date(at).toISOString(),
    updated_at: new Date(at).toISOString(),
    deleted_at: null,
    field_stamps: {},
    sent_email_id: sendId,
    link_id: linkId,
    url: 'https://example.com/kit',
    clicked_at: new Date(at).toISOString(),
    kind: 'person' as const,
    reason: '',
    network: '',
  });
  const baseRow = (tab: TestStore, at: number) => ({ member_id: tab.ctx.memberId, created_at: new Date(at).toISOString(), updated_at: new Date(at).toISOString(), deleted_at: null, field_stamps: {} });

  it('a click that arrives before its tracked link counts once the link arrives', async () => {
    const tab = await openStore();
    const { ledger } = await startLedger(tab);
    const sendId = crypto.randomUUID();
    const linkId = crypto.randomUUID();
    await tab.db.sent_emails.add({ ...baseRow(tab, NOW - DAY), id: sendId, contact_id: crypto.randomUUID(), template_id: null, to_email: '', subject: '', body: '', status: 'handed_off', channel: 'sms', sent_at: new Date(NOW - DAY).toISOString() });
    await tab.db.email_clicks.add(clickRow(tab, linkId, NOW - 3_600_000, null));
    await settle(tab, ledger);
    expect(countOn(ledger, TODAY, 'invitations')).toBe(0);
    await tab.db.tracked_links.add({ ...baseRow(tab, NOW - DAY), id: linkId, sent_email_id: sendId, url: 'https://example.com/kit' });
    await expect.poll(() => countOn(ledger, TODAY, 'invitations')).toBe(1);
  });

  it('a click today on an invitation send older than the window is not an invitation (clicks on invitation sends never count)', async () => {
    const tab = await openStore();
    const saved = await tab.store.saveTemplate(null, { name: 'Invite', channel: 'sms', subject: '', body: 'Come https://example.com/kit', track_links: true, is_invitation: true });
    if (!saved.ok) throw new Error(saved.error.message);
    const sentAt = NOW - (LEDGER_DAYS + 20) * DAY;
    const sendId = crypto.randomUUID();
    await tab.db.sent_emails.add({ ...baseRow(tab, sentAt), id: sendId, contact_id: crypto.randomUUID(), template_id: saved.value, to_email: '', subject: '', body: '', status: 'handed_off', channel: 'sms', sent_at: new Date(sentAt).toISOString() });
    await tab.db.email_clicks.add(clickRow(tab, crypto.randomUUID(), NOW - 3_600_000, sendId));
    const { ledger } = await startLedger(tab);
    expect(countOn(ledger, TODAY, 'invitations')).toBe(0);
  });
});

describe('goal ledger: plans and the profile', () => {
  it('a deleted plan is left out', async () => {
    const tab = await openStore();
    const { ledger } = await startLedger(tab);
    const first = await tab.store.saveGoals(goals({ conversations: 3 }), '2026-11-01');
    await tab.store.saveGoals(goals({ conversations: 4 }), TODAY);
    await expect.poll(() => stats(ledger)?.plans.map((plan) => plan.conversations)).toEqual([3, 4]);
    if (!first.ok) throw new Error(first.error.message);
    await tab.store.restoreValues('daily_goals', first.value, { deleted_at: new Date(NOW).toISOString() });
    await expect.poll(() => stats(ledger)?.plans.map((plan) => plan.conversations)).toEqual([4]);
  });

  it('a profile zone the device does not know falls back to the device zone', async () => {
    const tab = await openStore();
    await tab.store.saveProfile({ full_name: 'Mo', company: '', phone: '', timezone: 'Mars/Olympus_Mons' });
    const { ledger } = await startLedger(tab);
    expect(stats(ledger)?.zone).toBe('UTC');
    expect(stats(ledger)?.today).toBe(TODAY);
  });

  it('a new member day moves "today" with nothing written (at midnight in the profile’s zone)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const tab = await openStore();
    await tab.store.saveProfile({ full_name: 'Mo', company: '', phone: '', timezone: 'Asia/Tokyo' });
    // 14:50Z = 23:50 in Tokyo.
    tab.clock.set(Date.parse('2026-11-24T14:50:00.000Z'));
    const { ledger } = await startLedger(tab);
    expect(stats(ledger)?.today).toBe('2026-11-24');
    tab.clock.set(Date.parse('2026-11-24T15:00:30.000Z'));
    vi.advanceTimersByTime(60_000);
    await expect.poll(() => stats(ledger)?.today).toBe('2026-11-25');
    expect(stats(ledger)?.oldest).toBe(shiftDay('2026-11-25', -(LEDGER_DAYS - 1)));
  });

  it('follows saveGoals: a new plan, and a same-day edit that replaces it', async () => {
    const tab = await openStore();
    const { ledger } = await startLedger(tab);
    await tab.store.saveGoals(goals({ conversations: 3 }), TODAY);
    await expect.poll(() => stats(ledger)?.plans.map((plan) => plan.conversations)).toEqual([3]);
    tab.clock.advance(60_000);
    await tab.store.saveGoals(goals({ conversations: 5, work_days: [1, 2, 3, 4, 5, 6] }), TODAY);
    await expect.poll(() => stats(ledger)?.plans.map((plan) => [plan.starts_on, plan.conversations, plan.work_days.length])).toEqual([[TODAY, 5, 6]]);
  });

  it('a change of the profile’s time zone re-buckets every day', async () => {
    const tab = await openStore();
    // A connected call at 23:30 UTC on the 24th: the 24th in UTC, the 25th in Tokyo (+9), the 24th in New York.
    tab.clock.set(Date.parse('2026-11-24T23:30:00.000Z'));
    const contact = await addContact(tab);
    await tab.store.logOutreach(contact, 'call', 'connected', null);
    const { ledger } = await startLedger(tab);
    expect(stats(ledger)?.zone).toBe('UTC');
    expect(countOn(ledger, '2026-11-24', 'conversations')).toBe(1);

    await tab.store.saveProfile({ full_name: 'Mo', company: '', phone: '', timezone: 'Asia/Tokyo' });
    await expect.poll(() => stats(ledger)?.zone).toBe('Asia/Tokyo');
    expect(countOn(ledger, '2026-11-25', 'conversations')).toBe(1);
    expect(countOn(ledger, '2026-11-24', 'conversations')).toBe(0);
    expect(stats(ledger)?.today).toBe('2026-11-25');

    await tab.store.saveProfile({ full_name: 'Mo', company: '', phone: '', timezone: 'America/New_York' });
    await expect.poll(() => stats(ledger)?.zone).toBe('America/New_York');
    expect(countOn(ledger, '2026-11-24', 'conversations')).toBe(1);
    expect(countOn(ledger, '2026-11-25', 'conversations')).toBe(0);
    expect(stats(ledger)?.today).toBe('2026-11-24');

    // Clearing the zone goes back to the device's.
    await tab.store.saveProfile({ full_name: 'Mo', company: '', phone: '', timezone: '' });
    await expect.poll(() => stats(ledger)?.zone).toBe('UTC');
    expect(countOn(ledger, '2026-11-24', 'conversations')).toBe(1);
  });
});

describe('goal ledger: large tables', () => {
  it('loads with 150,000 tracked links stored (years of messages: more rows than fit in one call’s arguments)', { timeout: 120_000 }, async () => {
    const tab = await openStore();
    const base = { member_id: tab.ctx.memberId, created_at: new Date(NOW).toISOString(), updated_at: new Date(NOW).toISOString(), deleted_at: null, field_stamps: {} };
    for (let chunk = 0; chunk < 150_000; chunk += 25_000) {
      await tab.db.tracked_links.bulkAdd(Array.from({ length: 25_000 }, () => ({ ...base, id: crypto.randomUUID(), sent_email_id: null, url: 'https://example.com/kit' })));
    }
    await tab.db.member_activities.add(activityRow(tab, NOW - 3_600_000));
    const ledger = createGoalLedger(tab.db, tab.clock.now);
    const stop = ledger.subscribe(() => undefined);
    running.push({ tab, ledger, stop, seen: [] });
    await expect.poll(() => ledger.getSnapshot().stats, { timeout: 40_000 }).not.toBeNull();
    expect(countOn(ledger, TODAY, 'conversations')).toBe(1);
  });
});

describe('goal ledger: consistency while it reads again', () => {
  it('never shows fewer counts while re-reading a table after bulk writes that only add rows', async () => {
    const tab = await openStore();
    // 30,000 connected calls over the whole window, already stored.
    const stored = Array.from({ length: 30_000 }, (_, i) => activityRow(tab, NOW - 60_000 - (i % (LEDGER_DAYS - 1)) * DAY));
    await tab.db.member_activities.bulkAdd(stored);
    const { ledger, seen } = await startLedger(tab);
    const initial = totalOf(stats(ledger)?.counts);
    expect(initial).toBe(30_000);
    seen.length = 0;
    // Two bulk writes of new rows, each over 2000 (two pull pages, or an import): each makes the
    // ledger read the table again; every snapshot in between must still hold every earlier row.
    const pageA = Array.from({ length: 2100 }, (_, i) => activityRow(tab, NOW - 120_000 - (i % 100) * DAY));
    const pageB = Array.from({ length: 2100 }, (_, i) => activityRow(tab, NOW - 120_000 - (i % 100) * DAY));
    await tab.db.member_activities.bulkAdd(pageA);
    await tab.db.member_activities.bulkAdd(pageB);
    await expect.poll(() => totalOf(stats(ledger)?.counts), { timeout: 60_000 }).toBe(34_200);
    const totals = seen.map((snapshot) => totalOf(snapshot?.counts));
    expect(Math.min(...totals)).toBeGreaterThanOrEqual(initial);
  });
});

describe("this tab's own writes", () => {
  it('are counted from the commit itself, without reading the row back', async () => {
    const tab = await openStore();
    const listeners = new Set<Parameters<TestStore['store']['onCommit']>[0]>();
    const ledger = createGoalLedger(tab.db, tab.clock.now, (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    });
    const stop = ledger.subscribe(() => undefined);
    running.push({ tab, ledger, stop, seen: [] });
    await expect.poll(() => ledger.getSnapshot().stats, { timeout: 20_000 }).not.toBeNull();
    // A commit event whose row is not in the database: only the event can have counted it.
    const id = crypto.randomUUID();
    const fields = { contact_id: crypto.randomUUID(), activity_type: 'call', metadata: { outcome: 'connected', from_stage: 'contacted' }, occurred_at: new Date(NOW).toISOString() };
    for (const listener of listeners) listener({ tables: ['member_activities'], rowIds: [id], changes: [{ table: 'member_activities', op: 'insert', id, fields }] });
    await expect.poll(() => countOn(ledger, TODAY, 'conversations')).toBe(1);
    expect(countOn(ledger, TODAY, 'follow_ups')).toBe(1);
    // Retracted in a later commit: no longer counted.
    for (const listener of listeners) listener({ tables: ['member_activities'], rowIds: [id], changes: [{ table: 'member_activities', op: 'update', id, fields: { deleted_at: new Date(NOW).toISOString() } }] });
    await expect.poll(() => countOn(ledger, TODAY, 'conversations')).toBe(0);
  });
});
