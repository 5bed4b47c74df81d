import { describe, expect, it } from 'vitest';
import { activityByKind, contactStats, dashboardStats, goalWeek, startOfMemberDay, type DashboardContact } from './dashboard-stats';
import { computeGoalStats, emptyCategoryCounts, type CategoryCounts, type GoalStats } from './goal-stats';
import { emptyCounts, type CountedActivity, type GoalCounts, type GoalPlan } from './goals';
import { createDayClock, shiftDay } from './zone-days';

// 2026-11-26 is a Thursday.
const TODAY = '2026-11-26';
const UTC = createDayClock('UTC');

function plan(overrides: Partial<GoalPlan> = {}): GoalPlan {
  return {
    id: overrides.starts_on ?? 'p1',
    starts_on: '2026-11-01',
    preset: 'custom',
    conversations: 2,
    invitations: 1,
    follow_ups: 0,
    presentations: 0,
    new_customers: 0,
    new_team_members: 0,
    work_days: [1, 2, 3, 4, 5],
    week_min_days: 3,
    review_day: 7,
    updated_at: '2026-11-01T00:00:00.000Z',
    deleted_at: null,
    field_stamps: {},
    ...overrides,
  };
}

const counts = (values: Partial<GoalCounts>): GoalCounts => ({ ...emptyCounts(), ...values });
const categories = (values: Partial<CategoryCounts>): CategoryCounts => ({ ...emptyCategoryCounts(), ...values });

function stats(overrides: Partial<GoalStats> = {}): GoalStats {
  return { zone: 'UTC', today: TODAY, oldest: shiftDay(TODAY, -399), plans: [], counts: new Map(), categories: new Map(), ...overrides };
}

function contact(overrides: Partial<DashboardContact> = {}): DashboardContact {
  return { stage: 'new', lead_source: '', created_at: '2026-11-20T10:00:00.000Z', next_follow_up_on: null, deleted_at: null, ...overrides };
}

describe('goal progress this week', () => {
  it('without a plan every day is "no plan" and nothing is met', () => {
    const week = goalWeek(stats({ counts: new Map([[TODAY, counts({ conversations: 4 })]]) }));
    expect(week.hasPlan).toBe(false);
    expect(week.days.map((d) => d.day)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
    expect(week.days.every((d) => d.status === 'no_plan' && d.share === 0 && d.targets === 0)).toBe(true);
    // The counts are still there for the table.
    expect(week.days[3]?.counts.conversations).toBe(4);
  });

  it('per working day, the share of targets met; weekends off; days after today are future', () => {
    const week = goalWeek(
      stats({
        plans: [plan()],
        counts: new Map([
          ['2026-11-23', counts({ conversations: 2, invitations: 1 })],
          ['2026-11-24', counts({ conversations: 3 })],
          ['2026-11-25', counts({ invitations: 5, conversations: 1 })],
          ['2026-11-28', counts({ conversations: 9, invitations: 9 })],
        ]),
      }),
    );
    expect(week.hasPlan).toBe(true);
    expect(week.days.map((d) => [d.status, d.met, d.targets, d.share])).toEqual([
      ['open', 2, 2, 1],
      ['open', 1, 2, 0.5],
      ['open', 1, 2, 0.5],
      ['open', 0, 2, 0],
      ['future', 0, 2, 0],
      ['off', 0, 0, 0],
      ['off', 0, 0, 0],
    ]);
    expect(week.days[5]?.counts.conversations).toBe(9);
    expect(week.days[0]?.goals).toEqual(counts({ conversations: 2, invitations: 1 }));
    expect(week.workDays).toBe(5);
    expect(week.metDays).toBe(1);
  });

  it('a plan that starts mid-week: the days before it have no plan, and its own work days apply', () => {
    const week = goalWeek(stats({ plans: [plan({ starts_on: '2026-11-25', work_days: [3, 4, 6], conversations: 1, invitations: 0 })], counts: new Map([['2026-11-25', counts({ conversations: 1 })]]) }));
    expect(week.days.map((d) => d.status)).toEqual(['no_plan', 'no_plan', 'open', 'open', 'off', 'future', 'off']);
    expect(week.days[2]?.share).toBe(1);
  });

  it('a plan with no targets is never met', () => {
    const week = goalWeek(stats({ plans: [plan({ conversations: 0, invitations: 0 })], counts: new Map([[TODAY, counts({ conversations: 3 })]]) }));
    expect(week.days[3]).toMatchObject({ status: 'open', targets: 0, met: 0, share: 0 });
    expect(week.metDays).toBe(0);
  });
});

describe('activity over the last 30 days', () => {
  it('is 30 days ending today, oldest first, with totals per kind; days without activity are zero', () => {
    const result = activityByKind(
      stats({
        categories: new Map([
          [TODAY, categories({ calls: 2, notes: 1 })],
          [shiftDay(TODAY, -29), categories({ emails: 3 })],
          [shiftDay(TODAY, -30), categories({ emails: 100 })],
          [shiftDay(TODAY, 1), categories({ emails: 100 })],
        ]),
      }),
    );
    expect(result.days).toHaveLength(30);
    expect(result.days[0]).toEqual({ day: shiftDay(TODAY, -29), counts: categories({ emails: 3 }), total: 3 });
    expect(result.days[29]).toEqual({ day: TODAY, counts: categories({ calls: 2, notes: 1 }), total: 3 });
    expect(result.days[10]?.total).toBe(0);
    expect(result.totals).toEqual(categories({ calls: 2, notes: 1, emails: 3 }));
    expect(result.total).toBe(6);
  });

  it('counts from real activities, with retracted ones left out', () => {
    const at = (day: string, hour: number) => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
    const activities: CountedActivity[] = [
      { id: 'a', contact_id: 'c', activity_type: 'call', occurred_at: at(TODAY, 9), deleted_at: null, metadata: { outcome: 'connected' } },
      { id: 'b', contact_id: 'c', activity_type: 'whatsapp', occurred_at: at(TODAY, 10), deleted_at: null, metadata: {} },
      { id: 'c', contact_id: 'c', activity_type: 'stage_changed', occurred_at: at(TODAY, 11), deleted_at: null, metadata: { stage: 'customer' } },
      { id: 'd', contact_id: 'c', activity_type: 'call', occurred_at: at(TODAY, 12), deleted_at: '2026-11-26T13:00:00.000Z', metadata: {} },
      { id: 'e', contact_id: 'c', activity_type: 'contact_updated', occurred_at: at(TODAY, 12), deleted_at: null, metadata: {} },
    ];
    const computed = computeGoalStats({ activities, sends: [], clicks: [], linkSends: new Map(), invitationTemplates: new Set() }, [], UTC, Date.parse(at(TODAY, 15)), shiftDay(TODAY, -399));
    expect(activityByKind(computed).days[29]?.counts).toEqual(categories({ calls: 1, messages: 1, stage_moves: 1 }));
  });

  it('counts rows handed over as one-shot iterators, as the goal ledger does (Map#values())', () => {
    const at = (day: string, hour: number) => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
    const activities: CountedActivity[] = [
      { id: 'a', contact_id: 'c', activity_type: 'call', occurred_at: at(TODAY, 9), deleted_at: null, metadata: { outcome: 'connected' } },
      { id: 'b', contact_id: 'c', activity_type: 'whatsapp', occurred_at: at(TODAY, 10), deleted_at: null, metadata: {} },
      { id: 'c', contact_id: 'c', activity_type: 'stage_changed', occurred_at: at(TODAY, 11), deleted_at: null, metadata: { stage: 'customer' } },
    ];
    const fromLedger = computeGoalStats(
      { activities: new Map(activities.map((a) => [a.id, a])).values(), sends: [], clicks: [], linkSends: new Map(), invitationTemplates: new Set() },
      [],
      UTC,
      Date.parse(at(TODAY, 15)),
      shiftDay(TODAY, -399),
    );
    expect(activityByKind(fromLedger).days[29]?.counts, 'computeGoalStats reads sources.activities twice; an iterator is empty the second time').toEqual(categories({ calls: 1, messages: 1, stage_moves: 1 }));
  });
});

describe('contacts', () => {
  const options = { today: TODAY, dayOf: UTC.dayOf };

  it('no contacts: zeros everywhere and no conversion share', () => {
    const result = contactStats([], options);
    expect(result.total).toBe(0);
    expect(result.stages.map((s) => s.count)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(result.stages.map((s) => s.label)).toEqual(['New', 'Contacted', 'Presented', 'Follow-up', 'Customer', 'Team member', 'Not interested']);
    expect(result.conversion).toMatchObject({ added: 0, converted: 0, share: null, from: '2026-08-29' });
    expect(result.sources).toEqual([]);
    expect(result.followUps).toEqual({ overdue: 0, days: Array.from({ length: 7 }, (_, i) => ({ day: shiftDay(TODAY, i), count: 0 })), total: 0 });
  });

  it('counts each contact once, in its current stage (after stage changes), and skips deleted ones', () => {
    const result = contactStats(
      [contact({ stage: 'customer' }), contact({ stage: 'customer' }), contact({ stage: 'presented' }), contact({ stage: 'team_member' }), contact({ stage: 'customer', deleted_at: '2026-11-21T00:00:00.000Z' })],
      options,
    );
    expect(result.total).toBe(4);
    expect(Object.fromEntries(result.stages.map((s) => [s.stage, s.count]))).toEqual({ new: 0, contacted: 0, presented: 1, follow_up: 0, customer: 2, team_member: 1, not_interested: 0 });
  });

  it('conversion: of contacts added in the last 90 member days (today included), the share now customer or team member', () => {
    const from = shiftDay(TODAY, -89); // 2026-08-29
    expect(from).toBe('2026-08-29');
    const result = contactStats(
      [
        contact({ created_at: `${from}T00:00:00.000Z`, stage: 'customer' }), // first instant of the window: in
        contact({ created_at: '2026-08-28T23:59:59.999Z', stage: 'customer' }), // the last instant before: out
        contact({ created_at: '2026-10-01T12:00:00.000Z', stage: 'team_member' }),
        contact({ created_at: '2026-10-01T12:00:00.000Z', stage: 'not_interested' }),
        contact({ created_at: `${TODAY}T08:00:00.000Z`, stage: 'new' }),
      ],
      options,
    );
    expect(result.conversion).toMatchObject({ days: 90, from, added: 4, converted: 2, customers: 1, teamMembers: 1, share: 0.5 });
  });

  it('the 90-day window follows the member\'s zone, not UTC', () => {
    const tokyo = createDayClock('Asia/Tokyo'); // UTC+9: the member day 2026-08-29 starts at 2026-08-28T15:00Z
    expect(startOfMemberDay('2026-08-29', tokyo.dayOf)).toBe(Date.parse('2026-08-28T15:00:00.000Z'));
    const result = contactStats([contact({ created_at: '2026-08-28T15:00:00.000Z', stage: 'customer' }), contact({ created_at: '2026-08-28T14:59:59.000Z', stage: 'customer' })], { today: TODAY, dayOf: tokyo.dayOf });
    expect(result.conversion.added).toBe(1);
    expect(startOfMemberDay('2026-03-08', createDayClock('America/New_York').dayOf)).toBe(Date.parse('2026-03-08T05:00:00.000Z'));
    expect(startOfMemberDay('2026-01-01', createDayClock('Asia/Kolkata').dayOf)).toBe(Date.parse('2025-12-31T18:30:00.000Z'));
  });

  it('lead sources of customers and team members: trimmed, case-insensitive, empty as "Not recorded", top 6 then "Other"', () => {
    const won = (lead_source: string, stage: 'customer' | 'team_member' = 'customer') => contact({ lead_source, stage });
    const result = contactStats(
      [
        won('Instagram'),
        won(' instagram '),
        won('INSTAGRAM', 'team_member'),
        won(''),
        won('   '),
        won('Facebook'),
        won('Facebook'),
        won('Referral'),
        won('Market'),
        won('Gym'),
        won('School'),
        won('Church'),
        contact({ lead_source: 'Instagram', stage: 'presented' }),
        contact({ lead_source: 'TikTok', stage: 'not_interested' }),
      ],
      options,
    );
    expect(result.won).toBe(12);
    expect(result.sources.map(({ label, count, kind }) => [label, count, kind])).toEqual([
      ['Instagram', 3, 'source'],
      ['Facebook', 2, 'source'],
      ['Not recorded', 2, 'not_recorded'],
      ['Church', 1, 'source'],
      ['Gym', 1, 'source'],
      ['Market', 1, 'source'],
      ['Other', 2, 'other'],
    ]);
  });

  it('a source someone typed as "Other" or "Not recorded" stays a source of its own, with a key of its own', () => {
    const won = (lead_source: string) => contact({ lead_source, stage: 'customer' });
    const result = contactStats([won('Other'), won('Other'), won('Other'), won('Not recorded'), won('Not recorded'), won(''), won('A'), won('B'), won('C'), won('D')], options);
    const keys = result.sources.map((source) => source.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(result.sources.map(({ label, kind }) => `${label}/${kind}`)).toEqual(['Other/source', 'Not recorded/source', 'A/source', 'B/source', 'C/source', 'D/source', 'Other/other']);
  });

  it('follow-ups: overdue as its own count, then today and the next six days; later ones are left out', () => {
    const result = contactStats(
      [
        contact({ next_follow_up_on: '2026-01-01' }),
        contact({ next_follow_up_on: shiftDay(TODAY, -1) }),
        contact({ next_follow_up_on: TODAY }),
        contact({ next_follow_up_on: TODAY }),
        contact({ next_follow_up_on: shiftDay(TODAY, 6) }),
        contact({ next_follow_up_on: shiftDay(TODAY, 7) }),
        contact({ next_follow_up_on: shiftDay(TODAY, -3), deleted_at: '2026-11-01T00:00:00.000Z' }),
      ],
      options,
    );
    expect(result.followUps.overdue).toBe(2);
    expect(result.followUps.days.map((d) => d.count)).toEqual([2, 0, 0, 0, 0, 0, 1]);
    expect(result.followUps.total).toBe(5);
  });

  it('follow-ups use the local day they were given when it differs from the member day', () => {
    const result = contactStats([contact({ next_follow_up_on: TODAY })], { ...options, followUpToday: shiftDay(TODAY, 1) });
    expect(result.followUps.overdue).toBe(1);
    expect(result.followUps.days[0]?.day).toBe(shiftDay(TODAY, 1));
  });
});

describe('dashboardStats', () => {
  it('has contact charts while the goal stats load', () => {
    const result = dashboardStats({ stats: null, contacts: [contact()], today: TODAY, dayOf: UTC.dayOf });
    expect(result.week).toBeNull();
    expect(result.activity).toBeNull();
    expect(result.contacts.total).toBe(1);
  });

  it('10,000 contacts and the stats of 100,000 activities in well under 100 ms', () => {
    const stages = ['new', 'contacted', 'presented', 'follow_up', 'customer', 'team_member', 'not_interested'] as const;
    const sources = ['Instagram', 'Facebook', '', 'Referral', 'Market', 'Gym', 'School', 'Church', 'TikTok'];
    const start = Date.parse(`${TODAY}T12:00:00.000Z`);
    const contacts: DashboardContact[] = Array.from({ length: 10_000 }, (_, i) =>
      contact({
        stage: stages[i % stages.length] as DashboardContact['stage'],
        lead_source: sources[i % sources.length] as string,
        created_at: new Date(start - (i % 400) * 86_400_000 - i * 1000).toISOString(),
        next_follow_up_on: i % 3 === 0 ? shiftDay(TODAY, (i % 20) - 10) : null,
      }),
    );
    const types = ['call', 'text', 'whatsapp', 'email_sent', 'stage_changed', 'note', 'link_opened'] as const;
    const activities: CountedActivity[] = Array.from({ length: 100_000 }, (_, i) => ({
      id: String(i),
      contact_id: `c${i % 10_000}`,
      activity_type: types[i % types.length] as CountedActivity['activity_type'],
      occurred_at: new Date(start - (i % 400) * 86_400_000 - (i % 50) * 60_000).toISOString(),
      deleted_at: null,
      metadata: { outcome: 'connected', stage: 'customer', from_stage: 'contacted' },
    }));
    const computed = computeGoalStats({ activities, sends: [], clicks: [], linkSends: new Map(), invitationTemplates: new Set() }, [plan()], UTC, start, shiftDay(TODAY, -399));
    dashboardStats({ stats: computed, contacts, today: TODAY, dayOf: UTC.dayOf }); // warm up
    const began = performance.now();
    const result = dashboardStats({ stats: computed, contacts, today: TODAY, dayOf: UTC.dayOf });
    const elapsed = performance.now() - began;
    expect(result.contacts.total).toBe(10_000);
    expect(result.activity?.total).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(50);
  });
});
