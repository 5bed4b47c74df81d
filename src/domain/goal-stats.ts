import type { ActivityType } from './member-activity';
import { countsByDay, goalEvents, type CountSources, type GoalCounts, type GoalPlan } from './goals';
import type { DayClock } from './zone-days';

/** What the activity chart groups the feed into (the rest, such as edits and imports, is bookkeeping). */
export const ACTIVITY_CATEGORIES = ['calls', 'messages', 'emails', 'stage_moves', 'link_opens', 'notes'] as const;
export type ActivityCategory = (typeof ACTIVITY_CATEGORIES)[number];
export type CategoryCounts = Record<ActivityCategory, number>;

export const ACTIVITY_CATEGORY_LABELS: Readonly<Record<ActivityCategory, string>> = {
  calls: 'Calls',
  messages: 'Texts & WhatsApp',
  emails: 'Emails',
  stage_moves: 'Stage moves',
  link_opens: 'Links opened',
  notes: 'Notes',
};

const CATEGORY_OF: Partial<Record<ActivityType, ActivityCategory>> = {
  call: 'calls',
  text: 'messages',
  whatsapp: 'messages',
  email_sent: 'emails',
  stage_changed: 'stage_moves',
  link_opened: 'link_opens',
  note: 'notes',
};

export const categoryOf = (type: ActivityType): ActivityCategory | null => CATEGORY_OF[type] ?? null;

export const emptyCategoryCounts = (): CategoryCounts => ({ calls: 0, messages: 0, emails: 0, stage_moves: 0, link_opens: 0, notes: 0 });

/** Everything goals and the dashboard read, computed from the mirrored rows in one pass each. */
export type GoalStats = {
  readonly zone: string;
  readonly today: string;
  /** The first day the rows cover (older days are not loaded). */
  readonly oldest: string;
  readonly plans: readonly GoalPlan[];
  /** Lead measures per member day. */
  readonly counts: ReadonlyMap<string, GoalCounts>;
  /** Activities per member day and category. */
  readonly categories: ReadonlyMap<string, CategoryCounts>;
};

export function computeGoalStats(sources: CountSources, plans: readonly GoalPlan[], clock: DayClock, now: number, oldest: string): GoalStats {
  // Read twice below: one-shot iterators (a Map's values()) are taken once.
  const activities = [...sources.activities];
  const counts = countsByDay(goalEvents({ ...sources, activities }), clock);
  const categories = new Map<string, CategoryCounts>();
  for (const activity of activities) {
    if (activity.deleted_at !== null) continue;
    const category = categoryOf(activity.activity_type);
    if (category === null) continue;
    const at = Date.parse(activity.occurred_at);
    if (Number.isNaN(at)) continue;
    const day = clock.dayOf(at);
    let row = categories.get(day);
    if (!row) categories.set(day, (row = emptyCategoryCounts()));
    row[category] += 1;
  }
  return { zone: clock.zone, today: clock.dayOf(now), oldest, plans, counts, categories };
}
