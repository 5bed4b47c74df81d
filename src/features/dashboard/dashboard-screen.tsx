import { useDeferredValue, useMemo } from 'react';
import { useDashboardRealtime } from '../../hooks/use-dashboard-realtime';
import { useGoalStats } from '../../hooks/use-goal-stats';
import { useContactsRealtime } from '../../hooks/use-contacts-realtime';
import { useAppServices } from '../../hooks/app-services';
import { toDay } from '../../domain/dates';
import { createDayClock } from '../../domain/zone-days';
import { activityByKind, contactStats, goalWeek } from '../../domain/dashboard-stats';
import { ActivityFeed } from '../activity-feed/activity-feed';
import { ActivityChart, FollowUpsChart, GoalWeekChart, PipelineChart, SourcesChart } from './dashboard-charts';
import './dashboard.css';

/** `value` is undefined while IndexedDB has not answered yet: a dash, never a zero that is not true. */
function Stat({ label, value, detail }: { readonly label: string; readonly value: number | undefined; readonly detail?: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>
        <span className="stat__value">{value === undefined ? '–' : value.toLocaleString('en')}</span>
        {detail && value !== undefined ? <span className="stat__detail">{detail}</span> : null}
      </dd>
    </div>
  );
}

/**
 * Live counts, the charts and the activity feed. Everything reads memory kept in step with IndexedDB
 * (the contact index and the goal ledger), so a write anywhere redraws the charts at once; each
 * aggregate is recomputed only when its own input changes.
 */
export function DashboardScreen() {
  const { contactCount, emailCount, activityCount, activityTodayCount, pendingCount, isLoading } = useDashboardRealtime();
  const shown = (value: number) => (isLoading ? undefined : value);
  const { platform } = useAppServices();
  // The charts follow a step behind the counts: a write paints the counts first, then the charts
  // (React renders deferred values after the urgent update, and drops them if newer ones arrive).
  const stats = useDeferredValue(useGoalStats());
  const contacts = useDeferredValue(useContactsRealtime().contacts);
  // Follow-up dates are local days (as on Today); goals and the 90-day window use the member's day.
  const followUpToday = toDay(new Date(platform.now()));
  const today = stats?.today ?? followUpToday;
  const zone = stats?.zone ?? '';
  const dayOf = useMemo(() => createDayClock(zone).dayOf, [zone]);
  const week = useMemo(() => (stats ? goalWeek(stats) : null), [stats]);
  const activity = useMemo(() => (stats ? activityByKind(stats) : null), [stats]);
  // Until IndexedDB has answered there are no figures to draw: not a pipeline of zero.
  const people = useMemo(() => (contacts === undefined ? null : contactStats(contacts, { today, followUpToday, dayOf })), [contacts, today, followUpToday, dayOf]);

  return (
    <section className="screen dashboard" aria-labelledby="dashboard-title">
      <div className="screen__header">
        <h1 id="dashboard-title">Dashboard</h1>
      </div>
      <dl className="stats" aria-label="Statistics" aria-busy={isLoading}>
        <Stat label="Contacts" value={shown(contactCount)} />
        <Stat label="Emails sent" value={shown(emailCount)} />
        <Stat label="Activities today" value={shown(activityTodayCount)} detail={`${activityCount.toLocaleString('en')} in total`} />
        <Stat label="Waiting to sync" value={shown(pendingCount)} detail={pendingCount === 0 ? 'All saved' : 'Saved on this device'} />
      </dl>
      <div className="dashboard__charts">
        {week ? <GoalWeekChart week={week} today={today} /> : <p className="loading">Loading goals…</p>}
        {people ? <FollowUpsChart stats={people} /> : <p className="loading">Loading contacts…</p>}
        {activity ? <ActivityChart activity={activity} today={today} /> : null}
        {people ? (
          <>
            <PipelineChart stats={people} />
            <SourcesChart stats={people} />
          </>
        ) : null}
      </div>
      <ActivityFeed moreHref="/activity" />
    </section>
  );
}
