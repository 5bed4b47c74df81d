import type { MemberActivity } from './member-activity';
import { isoWeekday, shiftDay, weekStart } from './zone-days';

/*
 * The daily method of operation: a few income-producing activities every day, counted from what the
 * member already logs (never typed twice). The goals, their history, streaks and the weekly review live
 * here; the counting rules (what is a conversation, an invitation, …) in goal-stats.ts, described for
 * members in GOAL_RULES below.
 */

export const GOAL_KINDS = ['conversations', 'invitations', 'follow_ups', 'presentations', 'new_customers', 'new_team_members'] as const;
export type GoalKind = (typeof GOAL_KINDS)[number];
export type GoalCounts = Record<GoalKind, number>;

export const GOAL_LABELS: Readonly<Record<GoalKind, string>> = {
  conversations: 'Conversations',
  invitations: 'Invitations',
  follow_ups: 'Follow-ups',
  presentations: 'Presentations',
  new_customers: 'New customers',
  new_team_members: 'New team members',
};

/** "What counts", shown beside the goals: the rules below in words. */
export const GOAL_RULES: Readonly<Record<GoalKind, string>> = {
  conversations: 'A call, text or WhatsApp you logged as connected, booked or replied.',
  invitations: 'A message sent from a template marked as an invitation, or a tracked link a person opened from any other message you sent (once per message).',
  follow_ups: 'A call, text, WhatsApp or email to someone past "New" (anyone you had already reached out to).',
  presentations: 'A contact moved to "Presented".',
  new_customers: 'A contact moved to "Customer".',
  new_team_members: 'A contact moved to "Team member".',
};

export const GOAL_PRESETS = ['part_time', 'full_time', 'custom'] as const;
export type GoalPreset = (typeof GOAL_PRESETS)[number];

export const GOAL_PRESET_LABELS: Readonly<Record<GoalPreset, string>> = { part_time: 'Part-time', full_time: 'Full-time', custom: 'Custom' };

export const PRESET_TARGETS: Readonly<Record<Exclude<GoalPreset, 'custom'>, GoalCounts>> = {
  part_time: { conversations: 2, invitations: 1, follow_ups: 2, presentations: 0, new_customers: 0, new_team_members: 0 },
  full_time: { conversations: 5, invitations: 2, follow_ups: 3, presentations: 1, new_customers: 0, new_team_members: 0 },
};

export const MAX_DAILY_TARGET = 50;

/** The goals in effect from `starts_on` until the next plan starts (one row of daily_goals). */
export type GoalPlan = GoalCounts & {
  readonly id: string;
  readonly starts_on: string;
  readonly preset: GoalPreset;
  /** ISO weekdays that count (1 = Monday … 7 = Sunday). */
  readonly work_days: readonly number[];
  /** A week meets its goal when at least this many working days met theirs. */
  readonly week_min_days: number;
  /** ISO weekday of the weekly review. */
  readonly review_day: number;
  readonly updated_at: string;
  readonly deleted_at: string | null;
  /** Per-field HLC stamps: the newest says when the plan was last edited, on whichever device. */
  readonly field_stamps: Readonly<Record<string, string>>;
};

export const emptyCounts = (): GoalCounts => ({ conversations: 0, invitations: 0, follow_ups: 0, presentations: 0, new_customers: 0, new_team_members: 0 });

export const targetsOf = (plan: GoalCounts): GoalCounts => ({
  conversations: plan.conversations,
  invitations: plan.invitations,
  follow_ups: plan.follow_ups,
  presentations: plan.presentations,
  new_customers: plan.new_customers,
  new_team_members: plan.new_team_members,
});

// ---------------------------------------------------------------------------------------------------
// What counts

/** The rows the counts are computed from, reduced to the fields the rules read. */
export type CountedActivity = Pick<MemberActivity, 'id' | 'contact_id' | 'activity_type' | 'occurred_at' | 'deleted_at'> & {
  readonly metadata: { readonly outcome?: string | undefined; readonly stage?: string | undefined; readonly from_stage?: string | undefined };
};
export type CountedSend = { readonly id: string; readonly template_id: string | null; readonly sent_at: string; readonly deleted_at: string | null };
export type CountedClick = {
  readonly sent_email_id: string | null;
  readonly link_id: string | null;
  readonly clicked_at: string;
  readonly kind: string;
  readonly deleted_at: string | null;
};

export type CountSources = {
  readonly activities: Iterable<CountedActivity>;
  /** Every send, not only recent ones: a click today may open a message sent long ago. */
  readonly sends: Iterable<CountedSend>;
  readonly clicks: Iterable<CountedClick>;
  /** tracked link id → its sent message (for a click recorded before its link reached the server). */
  readonly linkSends: ReadonlyMap<string, string | null>;
  /** Templates marked as invitations (deleted ones too: their sends were invitations when sent). */
  readonly invitationTemplates: ReadonlySet<string>;
};


// ---------------------------------------------------------------------------------------------------
// Plans over time

const isWeekday = (value: unknown) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 7;

/**
 * Whether a stored plan has the shape the rules need. The server's checks make any other shape
 * impossible, but a row that arrives malformed anyway (a faulty server, an old export) is left out
 * rather than breaking Today and the dashboard on every load.
 */
function isUsablePlan(row: GoalPlan): boolean {
  return (
    typeof row.starts_on === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(row.starts_on) &&
    Array.isArray(row.work_days) &&
    row.work_days.length > 0 &&
    row.work_days.every(isWeekday) &&
    isWeekday(row.week_min_days) &&
    isWeekday(row.review_day) &&
    typeof row.field_stamps === 'object' &&
    row.field_stamps !== null &&
    GOAL_KINDS.every((kind) => Number.isInteger(row[kind]) && row[kind] >= 0 && row[kind] <= MAX_DAILY_TARGET)
  );
}

const editedAt = (plan: GoalPlan): string => {
  let newest = '';
  for (const stamp of Object.values(plan.field_stamps)) if (stamp > newest) newest = stamp;
  return newest;
};

/**
 * Live plans, oldest first. Of two plans for the same day (set on two devices offline) the one edited
 * last wins: by its newest field stamp (hybrid logical clocks, so the order the edits were made, not
 * the order they reached the server), then by id, so every device picks the same one.
 */
export function planHistory(rows: Iterable<GoalPlan>): GoalPlan[] {
  const byDay = new Map<string, GoalPlan>();
  for (const row of rows) {
    if (row.deleted_at !== null || !isUsablePlan(row)) continue;
    const current = byDay.get(row.starts_on);
    const order = current ? editedAt(row).localeCompare(editedAt(current)) || row.id.localeCompare(current.id) : 1;
    if (order > 0) byDay.set(row.starts_on, row);
  }
  return [...byDay.values()].sort((a, b) => (a.starts_on < b.starts_on ? -1 : 1));
}

/** The plan in effect on `day` (plans sorted oldest first), or null before the first. */
export function planOn(plans: readonly GoalPlan[], day: string): GoalPlan | null {
  let low = 0;
  let high = plans.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((plans[mid] as GoalPlan).starts_on <= day) low = mid + 1;
    else high = mid;
  }
  return low === 0 ? null : (plans[low - 1] as GoalPlan);
}

/**
 * Working days before the first plan: Monday to Friday. Fixed, not taken from the first plan, so that
 * editing that plan (adding Saturday the day goals were first set) never rewrites the days before it.
 */
export const DEFAULT_WORK_DAYS: readonly number[] = [1, 2, 3, 4, 5];

/** Working days on `day`: the plan then in effect; before any plan, Monday to Friday. */
function workDaysOn(plans: readonly GoalPlan[], day: string): readonly number[] {
  return planOn(plans, day)?.work_days ?? DEFAULT_WORK_DAYS;
}

export const isWorkDay = (plans: readonly GoalPlan[], day: string): boolean => workDaysOn(plans, day).includes(isoWeekday(day));

const total = (counts: GoalCounts) => GOAL_KINDS.reduce((sum, kind) => sum + counts[kind], 0);

/** A day with at least one income-producing activity. */
export const isActiveDay = (counts: GoalCounts | undefined): boolean => counts !== undefined && total(counts) > 0;

/** Whether a working day met every goal of the plan in effect that day (a plan with no targets is never met). */
export function dayMetGoal(plans: readonly GoalPlan[], day: string, counts: GoalCounts | undefined): boolean {
  const plan = planOn(plans, day);
  if (!plan || !plan.work_days.includes(isoWeekday(day))) return false;
  const targets = GOAL_KINDS.filter((kind) => plan[kind] > 0);
  return targets.length > 0 && targets.every((kind) => (counts?.[kind] ?? 0) >= plan[kind]);
}

/** Progress of one day against its plan's targets (only the kinds with a target). */
export function dayProgress(plans: readonly GoalPlan[], day: string, counts: GoalCounts | undefined): { kind: GoalKind; done: number; target: number }[] {
  const plan = planOn(plans, day);
  if (!plan) return [];
  return GOAL_KINDS.filter((kind) => plan[kind] > 0).map((kind) => ({ kind, done: counts?.[kind] ?? 0, target: plan[kind] }));
}

// ---------------------------------------------------------------------------------------------------
// Streaks

export type Streaks = {
  /** Working days in a row with at least one income-producing activity (today counts once done). */
  readonly days: number;
  readonly todayDone: boolean;
  /** Weeks in a row that met the goal on at least `week_min_days` working days (this week once it has). */
  readonly weeks: number;
  readonly thisWeekMetDays: number;
  readonly thisWeekNeeded: number | null;
};

/**
 * Streaks that forgive: days off (not working days under the plan then in effect) neither count nor
 * break, and today and this week break nothing until they are over. Each past day and week is judged by
 * the plan in effect at the time, so changing the goals never breaks a streak retroactively.
 * `oldest` bounds the walk back (the days the counts cover).
 */
export function streaks(plans: readonly GoalPlan[], counts: ReadonlyMap<string, GoalCounts>, today: string, oldest: string): Streaks {
  let days = 0;
  const todayDone = isActiveDay(counts.get(today));
  for (let day = today; day >= oldest; day = shiftDay(day, -1)) {
    if (!isWorkDay(plans, day)) continue;
    if (isActiveDay(counts.get(day))) days += 1;
    else if (day !== today) break;
  }

  const metDaysInWeek = (monday: string, last: string) => {
    let met = 0;
    for (let day = monday; day <= last; day = shiftDay(day, 1)) if (dayMetGoal(plans, day, counts.get(day))) met += 1;
    return met;
  };
  const neededFor = (day: string) => {
    const plan = planOn(plans, day);
    return plan ? Math.min(plan.week_min_days, plan.work_days.length) : null;
  };

  const thisMonday = weekStart(today);
  const thisWeekMetDays = metDaysInWeek(thisMonday, today);
  const thisWeekNeeded = neededFor(today);
  let weeks = thisWeekNeeded !== null && thisWeekMetDays >= thisWeekNeeded ? 1 : 0;
  for (let monday = shiftDay(thisMonday, -7); monday >= oldest; monday = shiftDay(monday, -7)) {
    const sunday = shiftDay(monday, 6);
    const needed = neededFor(sunday);
    if (needed === null || metDaysInWeek(monday, sunday) < needed) break;
    weeks += 1;
  }
  return { days, todayDone, weeks, thisWeekMetDays, thisWeekNeeded };
}

// ---------------------------------------------------------------------------------------------------
// The weekly review

export type WeeklyReview = {
  /** The seven days reviewed: the week before the review day. */
  readonly from: string;
  readonly to: string;
  readonly totals: GoalCounts;
  /** Sum of the daily targets over the working days of those seven days. */
  readonly targets: GoalCounts;
  readonly workDays: number;
  readonly metDays: number;
};

/** The most recent review day on or before `today` (a plan's review weekday), or null without a plan. */
export function lastReviewDay(plans: readonly GoalPlan[], today: string): string | null {
  const plan = planOn(plans, today);
  if (!plan) return null;
  const back = (isoWeekday(today) - plan.review_day + 7) % 7;
  return shiftDay(today, -back);
}

/** Last week's lead measures against the goals of each day, for the review on `reviewDay`. */
export function weeklyReview(plans: readonly GoalPlan[], counts: ReadonlyMap<string, GoalCounts>, reviewDay: string): WeeklyReview {
  const from = shiftDay(reviewDay, -7);
  const to = shiftDay(reviewDay, -1);
  const totals = emptyCounts();
  const targets = emptyCounts();
  let workDays = 0;
  let metDays = 0;
  for (let day = from; day <= to; day = shiftDay(day, 1)) {
    const dayCounts = counts.get(day);
    if (dayCounts) for (const kind of GOAL_KINDS) totals[kind] += dayCounts[kind];
    const plan = planOn(plans, day);
    if (!plan || !plan.work_days.includes(isoWeekday(day))) continue;
    workDays += 1;
    for (const kind of GOAL_KINDS) targets[kind] += plan[kind];
    if (dayMetGoal(plans, day, dayCounts)) metDays += 1;
  }
  return { from, to, totals, targets, workDays, metDays };
}
