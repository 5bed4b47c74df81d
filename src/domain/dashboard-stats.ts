import { CONTACT_STAGES, STAGE_LABELS, type Contact, type ContactStage } from './contact';
import { ACTIVITY_CATEGORIES, emptyCategoryCounts, type CategoryCounts, type GoalStats } from './goal-stats';
import { emptyCounts, GOAL_KINDS, isWorkDay, planOn, type GoalCounts, type GoalKind } from './goals';
import { isoWeekday, shiftDay, weekStart } from './zone-days';

/*
 * What the dashboard's charts show, as plain data: pure functions of the goal stats (already counted
 * per member day by the goal ledger) and the live contacts (one pass over them). No React, no dates
 * from the device: the caller passes the days.
 */

// ---------------------------------------------------------------------------------------------------
// Goal progress this week

/** A day of the week: `off` (not a working day), `no_plan` (no goals yet then), `future` or `open` (today and past working days). */
export type GoalDayStatus = 'open' | 'future' | 'off' | 'no_plan';

export type GoalWeekDay = {
  readonly day: string;
  readonly status: GoalDayStatus;
  /** Targets of the plan that day (only kinds with a target > 0), and how many of them were met. */
  readonly targets: number;
  readonly met: number;
  /** met / targets, 0 when there are none. */
  readonly share: number;
  /** The day's lead measures (all kinds), and the targets of the plan in effect (0 where none). */
  readonly counts: GoalCounts;
  readonly goals: GoalCounts;
};

export type GoalWeek = {
  readonly days: readonly GoalWeekDay[];
  /** Whether any plan covers some day of this week (false: the member has not set goals). */
  readonly hasPlan: boolean;
  readonly workDays: number;
  readonly metDays: number;
};

/**
 * Monday to Sunday of the member's current week. Per day, the share of that day's targets met (a
 * target is met when the day's count reaches it), under the plan in effect that day.
 */
export function goalWeek(stats: Pick<GoalStats, 'today' | 'plans' | 'counts'>): GoalWeek {
  const monday = weekStart(stats.today);
  const days: GoalWeekDay[] = [];
  let hasPlan = false;
  let workDays = 0;
  let metDays = 0;
  for (let i = 0; i < 7; i += 1) {
    const day = shiftDay(monday, i);
    const counts = stats.counts.get(day) ?? emptyCounts();
    const plan = planOn(stats.plans, day);
    const goals = emptyCounts();
    let targets = 0;
    let met = 0;
    let status: GoalDayStatus;
    if (plan === null) status = 'no_plan';
    else {
      hasPlan = true;
      if (!isWorkDay(stats.plans, day)) status = 'off';
      else {
        status = day > stats.today ? 'future' : 'open';
        for (const kind of GOAL_KINDS) {
          if (plan[kind] <= 0) continue;
          goals[kind] = plan[kind];
          targets += 1;
          if (counts[kind] >= plan[kind]) met += 1;
        }
        workDays += 1;
        if (targets > 0 && met === targets) metDays += 1;
      }
    }
    days.push({ day, status, targets, met, share: targets === 0 ? 0 : met / targets, counts, goals });
  }
  return { days, hasPlan, workDays, metDays };
}

export const goalKindsWithTarget = (day: GoalWeekDay): GoalKind[] => GOAL_KINDS.filter((kind) => day.goals[kind] > 0);

// ---------------------------------------------------------------------------------------------------
// Activity over the last days, by kind

export type ActivityDay = { readonly day: string; readonly counts: CategoryCounts; readonly total: number };
export type ActivityByKind = { readonly days: readonly ActivityDay[]; readonly totals: CategoryCounts; readonly total: number };

/** Activities per day and category for the `days` days up to and including the member's today, oldest first. */
export function activityByKind(stats: Pick<GoalStats, 'today' | 'categories'>, days = 30): ActivityByKind {
  const rows: ActivityDay[] = [];
  const totals = emptyCategoryCounts();
  let total = 0;
  for (let i = days - 1; i >= 0; i -= 1) {
    const day = shiftDay(stats.today, -i);
    const counts = stats.categories.get(day) ?? emptyCategoryCounts();
    let dayTotal = 0;
    for (const category of ACTIVITY_CATEGORIES) {
      dayTotal += counts[category];
      totals[category] += counts[category];
    }
    total += dayTotal;
    rows.push({ day, counts, total: dayTotal });
  }
  return { days: rows, totals, total };
}

// ---------------------------------------------------------------------------------------------------
// Contacts: the pipeline, where customers came from, follow-ups due

export const CONVERSION_DAYS = 90;
export const FOLLOW_UP_DAYS = 7;
export const TOP_SOURCES = 6;
export const NOT_RECORDED = 'Not recorded';
export const OTHER_SOURCES = 'Other';

const WON: ReadonlySet<ContactStage> = new Set(['customer', 'team_member']);

export type DashboardContact = Pick<Contact, 'stage' | 'lead_source' | 'created_at' | 'next_follow_up_on' | 'deleted_at'>;

export type StageCount = { readonly stage: ContactStage; readonly label: string; readonly count: number };

/**
 * The conversion over the last CONVERSION_DAYS days: of the contacts added (created_at) on one of the
 * last 90 member days, today included, the share whose stage is now customer or team member. A
 * contact added earlier who converted within the window does not count; one added in the window who
 * has since moved on (say to "not interested") is in `added` but not in `converted`.
 */
export type Conversion = {
  readonly days: number;
  /** The first member day of the window. */
  readonly from: string;
  readonly added: number;
  readonly converted: number;
  readonly customers: number;
  readonly teamMembers: number;
  /** converted / added, null when nobody was added. */
  readonly share: number | null;
};

/**
 * One bar of the lead sources: a source members typed, the contacts with none, or the rest together.
 * `key` is unique even when someone typed "Other" or "Not recorded" as a source.
 */
export type SourceCount = { readonly key: string; readonly kind: 'source' | 'not_recorded' | 'other'; readonly label: string; readonly count: number };
export type FollowUpDay = { readonly day: string; readonly count: number };
export type FollowUps = {
  /** Due before today. */
  readonly overdue: number;
  /** Today and the next six days. */
  readonly days: readonly FollowUpDay[];
  readonly total: number;
};

export type ContactStats = {
  readonly total: number;
  readonly stages: readonly StageCount[];
  readonly conversion: Conversion;
  /** Lead sources of customers and team members: the TOP_SOURCES most frequent, then "Other". */
  readonly sources: readonly SourceCount[];
  readonly won: number;
  readonly followUps: FollowUps;
};

/**
 * The first instant (ms) of the member day `day`, found with `dayOf` (which buckets instants into
 * member days). Days start on a quarter hour in every zone, so a binary search over the quarter hours
 * within 15 hours of UTC midnight finds it in a few calls.
 */
export function startOfMemberDay(day: string, dayOf: (ms: number) => string): number {
  const slot = 15 * 60 * 1000;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  let low = (utcMidnight - 15 * 3_600_000) / slot;
  let high = (utcMidnight + 15 * 3_600_000) / slot;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (dayOf(mid * slot) >= day) high = mid;
    else low = mid + 1;
  }
  return low * slot;
}

/**
 * Everything the contact charts need, in one pass over the contacts.
 * `today` is the member's day (the conversion window), `followUpToday` the device's local day
 * (follow-up dates are local days, as on Today); `dayOf` maps an instant to its member day.
 */
export function contactStats(contacts: readonly DashboardContact[], options: { today: string; followUpToday?: string; dayOf: (ms: number) => string }): ContactStats {
  const { today, dayOf } = options;
  const followUpToday = options.followUpToday ?? today;
  const from = shiftDay(today, -(CONVERSION_DAYS - 1));
  const windowStart = startOfMemberDay(from, dayOf);
  const lastFollowUp = shiftDay(followUpToday, FOLLOW_UP_DAYS - 1);

  const stageCounts: Record<ContactStage, number> = { new: 0, contacted: 0, presented: 0, follow_up: 0, customer: 0, team_member: 0, not_interested: 0 };
  const followUpIndex = new Map<string, number>();
  const followUpCounts: number[] = [];
  for (let i = 0; i < FOLLOW_UP_DAYS; i += 1) {
    followUpIndex.set(shiftDay(followUpToday, i), i);
    followUpCounts.push(0);
  }
  /** Lead source key (trimmed, lower case) → [count, the first spelling seen]. */
  const sources = new Map<string, { count: number; label: string; key: string }>();
  let total = 0;
  let added = 0;
  let customers = 0;
  let teamMembers = 0;
  let overdue = 0;
  let won = 0;

  for (const contact of contacts) {
    if (contact.deleted_at !== null) continue;
    total += 1;
    const stage = contact.stage;
    if (stage in stageCounts) stageCounts[stage] += 1;
    const isWon = WON.has(stage);
    const created = Date.parse(contact.created_at);
    if (created >= windowStart) {
      added += 1;
      if (stage === 'customer') customers += 1;
      else if (stage === 'team_member') teamMembers += 1;
    }
    if (isWon) {
      won += 1;
      const label = contact.lead_source.trim();
      const key = label === '' ? '' : label.toLowerCase();
      const entry = sources.get(key);
      if (entry) entry.count += 1;
      else sources.set(key, { count: 1, label: label === '' ? NOT_RECORDED : label, key });
    }
    const due = contact.next_follow_up_on;
    if (due !== null && due <= lastFollowUp) {
      if (due < followUpToday) overdue += 1;
      else {
        const index = followUpIndex.get(due);
        if (index !== undefined) followUpCounts[index] = (followUpCounts[index] ?? 0) + 1;
      }
    }
  }

  const ranked = [...sources.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  const top: SourceCount[] = ranked
    .slice(0, TOP_SOURCES)
    .map(({ label, count, key }) => (key === '' ? { key: 'not-recorded', kind: 'not_recorded', label, count } : { key: `source:${key}`, kind: 'source', label, count }));
  let other = 0;
  for (let i = TOP_SOURCES; i < ranked.length; i += 1) other += (ranked[i] as { count: number }).count;
  if (other > 0) top.push({ key: 'other', kind: 'other', label: OTHER_SOURCES, count: other });

  const converted = customers + teamMembers;
  const followUpDays = followUpCounts.map((count, i) => ({ day: shiftDay(followUpToday, i), count }));
  return {
    total,
    stages: CONTACT_STAGES.map((stage) => ({ stage, label: STAGE_LABELS[stage], count: stageCounts[stage] })),
    conversion: { days: CONVERSION_DAYS, from, added, converted, customers, teamMembers, share: added === 0 ? null : converted / added },
    sources: top,
    won,
    followUps: { overdue, days: followUpDays, total: overdue + followUpDays.reduce((sum, day) => sum + day.count, 0) },
  };
}

// ---------------------------------------------------------------------------------------------------
// Everything at once

export type DashboardStats = {
  readonly today: string;
  readonly week: GoalWeek | null;
  readonly activity: ActivityByKind | null;
  readonly contacts: ContactStats;
};

/** The dashboard's charts from the goal stats (null while loading) and the live contacts. */
export function dashboardStats(input: {
  readonly stats: GoalStats | null;
  readonly contacts: readonly DashboardContact[];
  readonly today: string;
  readonly followUpToday?: string;
  readonly dayOf: (ms: number) => string;
}): DashboardStats {
  const { stats, contacts, today, dayOf } = input;
  return {
    today,
    week: stats ? goalWeek(stats) : null,
    activity: stats ? activityByKind(stats) : null,
    contacts: contactStats(contacts, { today, dayOf, ...(input.followUpToday === undefined ? {} : { followUpToday: input.followUpToday }) }),
  };
}

export const weekdayIndex = (day: string): number => isoWeekday(day) - 1;
