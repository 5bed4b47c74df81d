import { Dexie, RangeSet, type ObservabilitySet } from 'dexie';
import { classifyActivity, goalStatsOf, tallyGoals, type ClassifiedActivity, type GoalStats } from '../domain/goal-stats';
import { planHistory, type CountedActivity, type CountedClick, type CountedSend, type GoalPlan } from '../domain/goals';
import { createDayClock, shiftDay, type DayClock } from '../domain/zone-days';
import type { Subscribable } from '../shared/subscribable';
import type { FieldbookDb } from './fieldbook-db';
import type { CommitListener, LocalStore } from './local-store';

/** How far back goals, streaks and the dashboard look (a streak longer than this shows as this long). */
export const LEDGER_DAYS = 400;
/** Changes that arrive together (a pull page, an import) are counted once, this long after the first. */
const RECOUNT_DELAY_MS = 16;
const SLICE_DAYS = 30;
const DAY_MS = 86_400_000;
const MAX_KEYED_CHANGES = 2000;

export type GoalLedgerSnapshot = { readonly stats: GoalStats | null };
export type GoalLedger = Subscribable<GoalLedgerSnapshot>;

type Mirrored = 'member_activities' | 'sent_emails' | 'email_clicks' | 'tracked_links';
type Reread = 'daily_goals' | 'email_templates' | 'member_profiles';

/**
 * The rows goals and the dashboard count, mirrored in memory: the last LEDGER_DAYS days of activities,
 * sends and clicks, every tracked link's send, the goal plans, invitation templates and the profile's
 * time zone. Like the contact index, it reads each table once (in 30-day slices, so no single read
 * holds the main thread) and then follows Dexie's `storagemutated` event, which names the rows written
 * by this tab and by other tabs and devices' syncs, reading only those. Each activity is kept as its
 * classification (its member day and the measures it may be, see goal-stats.ts), so the recount after
 * a change only adds numbers up, and a new activity reaches the rings and charts without re-reading
 * the database. A change of the profile's time zone re-reads the activities (their days change).
 */
export function createGoalLedger(db: FieldbookDb, now: () => number, onCommit?: LocalStore['onCommit']): GoalLedger {
  const listeners = new Set<() => void>();
  let snapshot: GoalLedgerSnapshot = { stats: null };
  const activities = new Map<string, ClassifiedActivity>();
  const sends = new Map<string, CountedSend>();
  const clicks = new Map<string, CountedClick & { id: string }>();
  const linkSends = new Map<string, string | null>();
  let plans: GoalPlan[] = [];
  let invitationTemplates = new Set<string>();
  let zone = '';
  let clock: DayClock = createDayClock('');
  let fromMs = 0;
  let loaded = false;
  let started = false;
  let queue: Promise<void> = Promise.resolve();
  /** Bumped on stop, so reads still queued from before it change nothing. */
  let generation = 0;
  let recountTimer: ReturnType<typeof setTimeout> | null = null;

  const recount = () => {
    recountTimer = null;
    if (!loaded) return;
    const at = now();
    const oldest = shiftDay(clock.dayOf(at), -(LEDGER_DAYS - 1));
    const tally = tallyGoals(activities.values(), { sends: sends.values(), clicks: clicks.values(), linkSends, invitationTemplates }, clock);
    snapshot = { stats: goalStatsOf(tally, plans, clock, at, oldest) };
    for (const listener of [...listeners]) listener();
  };
  const scheduleRecount = () => {
    recountTimer ??= setTimeout(recount, RECOUNT_DELAY_MS);
  };

  const inWindow = (iso: string) => Date.parse(iso) >= fromMs;

  /** Sets (or, with null, removes) one compact row; says whether that changed anything. */
  const keep = <V extends object>(map: Map<string, V>, id: string, value: V | null): boolean => {
    const current = map.get(id);
    if (value === null) return map.delete(id);
    if (current !== undefined && (Object.keys(value) as (keyof V)[]).every((key) => current[key] === value[key])) return false;
    map.set(id, value);
    return true;
  };
  const put: { [T in Mirrored]: (row: Record<string, unknown>) => boolean } = {
    member_activities: (row) => {
      const activity = row as unknown as CountedActivity;
      return keep(activities, activity.id, inWindow(activity.occurred_at) ? classifyActivity(activity, clock) : null);
    },
    // Every send is kept (compact): a click today may open a message sent before the window.
    sent_emails: (row) => {
      const send = row as unknown as CountedSend;
      return keep(sends, send.id, { id: send.id, template_id: send.template_id, sent_at: send.sent_at, deleted_at: send.deleted_at });
    },
    email_clicks: (row) => {
      const click = row as unknown as CountedClick & { id: string };
      const compact = { id: click.id, sent_email_id: click.sent_email_id, link_id: click.link_id, clicked_at: click.clicked_at, kind: click.kind, deleted_at: click.deleted_at };
      return keep(clicks, click.id, inWindow(click.clicked_at) ? compact : null);
    },
    tracked_links: (row) => {
      const id = row['id'] as string;
      const sendId = (row['sent_email_id'] as string | null) ?? null;
      if (linkSends.has(id) && linkSends.get(id) === sendId) return false;
      linkSends.set(id, sendId);
      return true;
    },
  };
  const forget: { [T in Mirrored]: (id: string) => boolean } = {
    member_activities: (id) => activities.delete(id),
    sent_emails: (id) => sends.delete(id),
    email_clicks: (id) => clicks.delete(id),
    tracked_links: (id) => linkSends.delete(id),
  };
  const clear: { [T in Mirrored]: () => void } = {
    member_activities: () => activities.clear(),
    sent_emails: () => sends.clear(),
    email_clicks: () => clicks.clear(),
    tracked_links: () => linkSends.clear(),
  };
  const timeIndex: { [T in Mirrored]: string | null } = { member_activities: 'occurred_at', sent_emails: null, email_clicks: 'clicked_at', tracked_links: null };

  /**
   * Reads a table (its window) and then swaps it in at once: a recount while the slices are still
   * being read must see the old rows, never half of the new ones.
   */
  const readTable = async (table: Mirrored) => {
    const index = timeIndex[table];
    const source = db.table<Record<string, unknown>, string>(table);
    const pages: Record<string, unknown>[][] = [];
    if (index === null) pages.push(await source.toArray());
    else {
      const end = now() + DAY_MS;
      for (let upper = end; upper > fromMs; upper -= SLICE_DAYS * DAY_MS) {
        const lower = Math.max(fromMs, upper - SLICE_DAYS * DAY_MS);
        pages.push(await source.where(index).between(new Date(lower).toISOString(), new Date(upper).toISOString(), true, upper === end).toArray());
      }
      // Rows stamped in the future (a phone with its clock ahead) are still counted, on their day.
      pages.push(await source.where(index).above(new Date(end).toISOString()).toArray());
    }
    clear[table]();
    for (const page of pages) for (const row of page) put[table](row);
  };

  const reread: { [T in Reread]: () => Promise<void> } = {
    daily_goals: async () => {
      plans = planHistory(await db.daily_goals.toArray());
    },
    email_templates: async () => {
      // Deleted templates too: what was sent from an invitation template stays an invitation.
      invitationTemplates = new Set((await db.email_templates.toArray()).filter((row) => row.is_invitation === true).map((row) => row.id));
    },
    member_profiles: async () => {
      const profile = (await db.member_profiles.toArray()).find((row) => row.deleted_at === null);
      const next = typeof profile?.timezone === 'string' ? profile.timezone : '';
      if (next !== zone || !loaded) {
        zone = next;
        clock = createDayClock(zone);
        // Activities are kept with their member day: another zone, other days.
        if (loaded) await readTable('member_activities');
      }
    },
  };

  const loadAll = async () => {
    const at = generation;
    fromMs = now() - (LEDGER_DAYS + 1) * DAY_MS;
    await reread.member_profiles();
    await reread.daily_goals();
    await reread.email_templates();
    await readTable('tracked_links');
    await readTable('member_activities');
    await readTable('sent_emails');
    await readTable('email_clicks');
    if (at !== generation) return;
    loaded = true;
    recount();
  };

  const enqueue = (work: () => Promise<void>) => {
    const at = generation;
    queue = queue
      .then(() => (at === generation ? work() : undefined))
      .catch((error: unknown) => {
        console.warn('Goal counts could not be read; reading again', error);
        setTimeout(() => {
          if (at === generation && started) enqueue(loadAll);
        }, 1000);
      });
  };

  const onMutated = (parts: ObservabilitySet) => {
    const prefix = `idb://${db.name}/`;
    for (const table of ['daily_goals', 'email_templates', 'member_profiles'] as const) {
      if (parts[`${prefix}${table}/`]) enqueue(async () => {
        await reread[table]();
        scheduleRecount();
      });
    }
    for (const table of ['member_activities', 'sent_emails', 'email_clicks', 'tracked_links'] as const) {
      const tree = parts[`${prefix}${table}/`];
      if (!tree) continue;
      const keys: string[] = [];
      let whole = false;
      for (const node of RangeSet(tree)) {
        if (node.from !== node.to || typeof node.from !== 'string' || keys.length >= MAX_KEYED_CHANGES) {
          whole = true;
          break;
        }
        keys.push(node.from);
      }
      enqueue(async () => {
        if (whole) await readTable(table);
        else {
          const rows = await db.table(table).bulkGet(keys);
          let changed = false;
          rows.forEach((row, i) => {
            if (row ? put[table](row as Record<string, unknown>) : forget[table](keys[i] as string)) changed = true;
          });
          // A row this tab wrote was counted from its commit already: reading it back changes nothing.
          if (!changed) return;
        }
        scheduleRecount();
      });
    }
  };

  /*
   * This tab's own writes, taken from the commit itself: a new row's fields are all the counts need,
   * and reading it back would wait behind every other query of the database (the dashboard's counts
   * over 100,000 activities keep IndexedDB busy for a few hundred ms). storagemutated brings the
   * stored row a moment later; putting it again changes nothing.
   */
  const onOwnCommit: CommitListener = ({ changes }) => {
    if (!loaded) return;
    let changed = false;
    for (const change of changes) {
      if (!(change.table in put)) continue;
      const table = change.table as Mirrored;
      if (change.op === 'insert') changed = put[table]({ deleted_at: null, ...change.fields, id: change.id }) || changed;
      else if (typeof change.fields['deleted_at'] === 'string') changed = forget[table](change.id) || changed;
    }
    if (changed) scheduleRecount();
  };
  let stopCommits: (() => void) | null = null;

  // A new day moves "today" even when nothing is written.
  let dayTimer: ReturnType<typeof setInterval> | null = null;
  const start = () => {
    if (started) return;
    started = true;
    Dexie.on('storagemutated', onMutated);
    stopCommits = onCommit?.(onOwnCommit) ?? null;
    enqueue(loadAll);
    dayTimer = setInterval(() => {
      if (snapshot.stats && clock.dayOf(now()) !== snapshot.stats.today) scheduleRecount();
    }, 60_000);
  };
  const stop = () => {
    if (!started || listeners.size > 0) return;
    started = false;
    loaded = false;
    generation += 1;
    Dexie.on('storagemutated').unsubscribe(onMutated);
    stopCommits?.();
    stopCommits = null;
    if (dayTimer !== null) clearInterval(dayTimer);
    if (recountTimer !== null) clearTimeout(recountTimer);
    recountTimer = null;
    snapshot = { stats: null };
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      start();
      return () => {
        listeners.delete(listener);
        // Kept while any screen reads it; a screen that comes back soon finds it warm.
        setTimeout(stop, 30_000);
      };
    },
    getSnapshot: () => snapshot,
  };
}
