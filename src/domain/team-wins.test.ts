import { describe, expect, it } from 'vitest';
import { emptyCounts, type GoalCounts, type GoalPlan } from './goals';
import { isStreakMilestone, reactionId, winId, winsOfDay } from './team-wins';

const plan = (overrides: Partial<GoalPlan> = {}): GoalPlan => ({
  ...emptyCounts(),
  conversations: 2,
  follow_ups: 1,
  id: 'p1',
  starts_on: '2026-01-01',
  preset: 'custom',
  work_days: [1, 2, 3, 4, 5, 6, 7],
  week_min_days: 3,
  review_day: 7,
  updated_at: '2026-01-01T00:00:00Z',
  deleted_at: null,
  field_stamps: {},
  ...overrides,
});

const day = (index: number) => new Date(Date.UTC(2026, 10, 1 + index)).toISOString().slice(0, 10);
const counts = (entries: Record<string, Partial<GoalCounts>>) => new Map(Object.entries(entries).map(([key, value]) => [key, { ...emptyCounts(), ...value }]));

describe('the wins of a day', () => {
  const today = '2026-11-24';

  it('count the day’s new customers and team members, only for the kinds the member shares', () => {
    const stats = { plans: [plan()], counts: counts({ [today]: { new_customers: 2, new_team_members: 1 } }), oldest: '2026-01-01' };
    expect([...winsOfDay(stats, today, ['new_customer', 'new_team_member'])]).toEqual([
      ['new_customer', 2],
      ['new_team_member', 1],
    ]);
    expect([...winsOfDay(stats, today, ['new_team_member'])]).toEqual([['new_team_member', 1]]);
    expect([...winsOfDay(stats, today, [])]).toEqual([]);
  });

  it('a goal reached: every goal of the day met, and only then', () => {
    const met = { plans: [plan()], counts: counts({ [today]: { conversations: 2, follow_ups: 1 } }), oldest: '2026-01-01' };
    const short = { plans: [plan()], counts: counts({ [today]: { conversations: 2 } }), oldest: '2026-01-01' };
    expect(winsOfDay(met, today, ['goal_reached']).get('goal_reached')).toBe(1);
    expect(winsOfDay(short, today, ['goal_reached']).get('goal_reached')).toBe(0);
    expect(winsOfDay({ plans: [], counts: counts({ [today]: { conversations: 9 } }), oldest: '2026-01-01' }, today, ['goal_reached']).get('goal_reached')).toBe(0);
  });

  it('a streak is shared on the day it reaches a milestone, with its length, and not on the days between', () => {
    const active = (days: number) => counts(Object.fromEntries(Array.from({ length: days }, (_, i) => [day(i), { conversations: 1 }])));
    const stats = (days: number) => ({ plans: [plan()], counts: active(days), oldest: day(-30) });
    expect(winsOfDay(stats(10), day(9), ['streak']).get('streak')).toBe(10);
    expect(winsOfDay(stats(11), day(10), ['streak']).get('streak')).toBe(0);
    expect(winsOfDay(stats(5), day(4), ['streak']).get('streak')).toBe(5);
    // Today not done yet: no win, whatever the streak was yesterday.
    expect(winsOfDay(stats(10), day(10), ['streak']).get('streak')).toBe(0);
  });

  it('milestones: 5, 10, 20, 30, 50, 75, 100, then every 50', () => {
    expect(Array.from({ length: 300 }, (_, i) => i + 1).filter(isStreakMilestone)).toEqual([5, 10, 20, 30, 50, 75, 100, 150, 200, 250, 300]);
  });
});

describe('the ids of a win and of a reaction', () => {
  it('are the same for one member’s secret, kind and day on every device, different otherwise, and valid UUIDs', async () => {
    const salt = '0123456789abcdef0123456789abcdef';
    const id = await winId(salt, 'new_customer', '2026-11-24');
    expect(await winId(salt, 'new_customer', '2026-11-24')).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const others = await Promise.all([winId(salt, 'new_team_member', '2026-11-24'), winId(salt, 'new_customer', '2026-11-25'), winId(salt.replace('01', '10'), 'new_customer', '2026-11-24')]);
    expect(new Set([id, ...others]).size).toBe(4);
    const clap = await reactionId(salt, id, 'clap');
    expect(await reactionId(salt, id, 'clap')).toBe(clap);
    expect(new Set([clap, await reactionId(salt, id, 'fire'), await reactionId(salt, others[0], 'clap'), id]).size).toBe(4);
  });
});
