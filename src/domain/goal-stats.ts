import type { ActivityType } from './member-activity';
import { emptyCounts, type CountedActivity, type CountSources, type GoalCounts, type GoalKind, type GoalPlan } from './goals';
import type { DayClock } from './zone-days';

/*
 * What counts, in one place: every lead measure is worked out here from the rows the member already
 * logs, and so is the activity chart's grouping. Per row first (classifyActivity: a row's own part,
 * worked out once; the goal ledger keeps it beside the row), then added up (tallyGoals), so a recount
 * after a write is a pass of additions, not of date parsing.
 */

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

export const emptyCategoryCounts = (): CategoryCounts => ({ calls: 0, messages: 0, emails: 0, stage_moves: 0, link_opens: 0, notes: 0 });

const TOUCHES: ReadonlySet<string> = new Set(['call', 'text', 'whatsapp', 'email_sent']);
const CONVERSATION_CHANNELS: ReadonlySet<string> = new Set(['call', 'text', 'whatsapp']);
const CONVERSATION_OUTCOMES: ReadonlySet<string> = new Set(['connected', 'booked', 'replied']);
const STAGE_GOALS: Readonly<Record<string, GoalKind>> = { presented: 'presentations', customer: 'new_customers', team_member: 'new_team_members' };

/** One activity's own part in the counts (its member day, and which measures it may be). */
export type ClassifiedActivity = {
  readonly at: number;
  readonly day: string;
  readonly contactId: string | null;
  readonly touch: boolean;
  readonly conversation: boolean;
  /** A touch past "new" (from `from_stage`); null: an older touch without it, decided by the contact's first touch. */
  readonly followUp: boolean | null;
  readonly stageKind: GoalKind | null;
  readonly category: ActivityCategory | null;
};

/**
 * The rules, per activity (null for a retracted row or one without a valid time):
 * - a conversation: a call, text or WhatsApp logged with outcome connected, booked or replied;
 * - a follow-up: a touch (call, text, WhatsApp, email) of a contact whose stage was past "new" when
 *   touched (`from_stage`, written since goals exist); an older touch without it counts when the same
 *   contact had an earlier touch (see tallyGoals);
 * - a presentation, new customer, new team member: a stage move to presented, customer, team member.
 */
export function classifyActivity(activity: CountedActivity, clock: Pick<DayClock, 'dayOf'>): ClassifiedActivity | null {
  if (activity.deleted_at !== null) return null;
  const at = Date.parse(activity.occurred_at);
  if (Number.isNaN(at)) return null;
  const type = activity.activity_type;
  const { metadata } = activity;
  const touch = TOUCHES.has(type);
  return {
    at,
    day: clock.dayOf(at),
    contactId: activity.contact_id,
    touch,
    conversation: CONVERSATION_CHANNELS.has(type) && metadata.outcome !== undefined && CONVERSATION_OUTCOMES.has(metadata.outcome),
    followUp: !touch ? false : metadata.from_stage === undefined ? null : metadata.from_stage !== 'new',
    stageKind: type === 'stage_changed' && metadata.stage !== undefined ? (STAGE_GOALS[metadata.stage] ?? null) : null,
    category: CATEGORY_OF[type] ?? null,
  };
}

export type GoalTally = {
  /** Lead measures per member day. */
  readonly counts: Map<string, GoalCounts>;
  /** Activities per member day and category. */
  readonly categories: Map<string, CategoryCounts>;
};

/**
 * Adds the classified activities up, with the rules that look across rows:
 * - an older touch without `from_stage` is a follow-up when the contact had an earlier touch;
 * - a stage move counts once per contact and day (moved back and forth, it is still one);
 * - invitations: a send from an invitation template; or the first person's click on a live send that
 *   is not itself an invitation (that send counted already). Retracted sends and clicks never count.
 */
export function tallyGoals(activities: Iterable<ClassifiedActivity>, sources: Omit<CountSources, 'activities'>, clock: Pick<DayClock, 'dayOf'>): GoalTally {
  const counts = new Map<string, GoalCounts>();
  const categories = new Map<string, CategoryCounts>();
  const add = (day: string, kind: GoalKind) => {
    let row = counts.get(day);
    if (!row) counts.set(day, (row = emptyCounts()));
    row[kind] += 1;
  };
  const firstTouch = new Map<string, number>();
  const legacy: ClassifiedActivity[] = [];
  const seenMoves = new Set<string>();
  for (const activity of activities) {
    if (activity.category !== null) {
      let row = categories.get(activity.day);
      if (!row) categories.set(activity.day, (row = emptyCategoryCounts()));
      row[activity.category] += 1;
    }
    if (activity.conversation) add(activity.day, 'conversations');
    if (activity.touch) {
      if (activity.followUp === true) add(activity.day, 'follow_ups');
      else if (activity.followUp === null && activity.contactId !== null) legacy.push(activity);
      if (activity.contactId !== null) {
        const first = firstTouch.get(activity.contactId);
        if (first === undefined || activity.at < first) firstTouch.set(activity.contactId, activity.at);
      }
    }
    if (activity.stageKind !== null) {
      if (activity.contactId !== null) {
        const key = `${activity.day}|${activity.stageKind}|${activity.contactId}`;
        if (seenMoves.has(key)) continue;
        seenMoves.add(key);
      }
      add(activity.day, activity.stageKind);
    }
  }
  for (const touch of legacy) if ((firstTouch.get(touch.contactId as string) ?? touch.at) < touch.at) add(touch.day, 'follow_ups');

  const notOpenable = new Set<string>();
  for (const send of sources.sends) {
    const invitation = send.template_id !== null && sources.invitationTemplates.has(send.template_id);
    if (send.deleted_at !== null || invitation) notOpenable.add(send.id);
    if (send.deleted_at !== null || !invitation) continue;
    const at = Date.parse(send.sent_at);
    if (!Number.isNaN(at)) add(clock.dayOf(at), 'invitations');
  }
  const firstOpen = new Map<string, number>();
  for (const click of sources.clicks) {
    if (click.kind !== 'person' || click.deleted_at !== null) continue;
    const sendId = click.sent_email_id ?? (click.link_id === null ? null : (sources.linkSends.get(click.link_id) ?? null));
    if (sendId === null || notOpenable.has(sendId)) continue;
    const at = Date.parse(click.clicked_at);
    if (Number.isNaN(at)) continue;
    const first = firstOpen.get(sendId);
    if (first === undefined || at < first) firstOpen.set(sendId, at);
  }
  for (const at of firstOpen.values()) add(clock.dayOf(at), 'invitations');
  return { counts, categories };
}

function* classifyAll(activities: Iterable<CountedActivity>, clock: Pick<DayClock, 'dayOf'>): Iterable<ClassifiedActivity> {
  for (const activity of activities) {
    const classified = classifyActivity(activity, clock);
    if (classified !== null) yield classified;
  }
}

/** Lead measures per member day, from unclassified rows. */
export const countGoals = (sources: CountSources, clock: Pick<DayClock, 'dayOf'>): Map<string, GoalCounts> => tallyGoals(classifyAll(sources.activities, clock), sources, clock).counts;

/** Everything goals and the dashboard read. */
export type GoalStats = {
  readonly zone: string;
  readonly today: string;
  /** The first day the rows cover (older days are not loaded). */
  readonly oldest: string;
  readonly plans: readonly GoalPlan[];
  readonly counts: ReadonlyMap<string, GoalCounts>;
  readonly categories: ReadonlyMap<string, CategoryCounts>;
};

export const goalStatsOf = (tally: GoalTally, plans: readonly GoalPlan[], clock: DayClock, now: number, oldest: string): GoalStats => ({
  zone: clock.zone,
  today: clock.dayOf(now),
  oldest,
  plans,
  counts: tally.counts,
  categories: tally.categories,
});

export const computeGoalStats = (sources: CountSources, plans: readonly GoalPlan[], clock: DayClock, now: number, oldest: string): GoalStats =>
  goalStatsOf(tallyGoals(classifyAll(sources.activities, clock), sources, clock), plans, clock, now, oldest);
