import { useDashboardRealtime } from '../../hooks/use-dashboard-realtime';
import { ActivityFeed } from '../activity-feed/activity-feed';

function Stat({ label, value, detail }: { readonly label: string; readonly value: number; readonly detail?: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>
        <span className="stat__value">{value.toLocaleString('en')}</span>
        {detail ? <span className="stat__detail">{detail}</span> : null}
      </dd>
    </div>
  );
}

/** Live counts and the activity feed; both re-read IndexedDB the moment anything is written. */
export function DashboardScreen() {
  const { contactCount, emailCount, activityCount, activityTodayCount, pendingCount } = useDashboardRealtime();
  return (
    <section className="screen" aria-labelledby="dashboard-title">
      <div className="screen__header">
        <h1 id="dashboard-title">Dashboard</h1>
      </div>
      <dl className="stats" aria-label="Statistics">
        <Stat label="Contacts" value={contactCount} />
        <Stat label="Emails sent" value={emailCount} />
        <Stat label="Activities today" value={activityTodayCount} detail={`${activityCount.toLocaleString('en')} in total`} />
        <Stat label="Waiting to sync" value={pendingCount} detail={pendingCount === 0 ? 'All saved' : 'Saved on this device'} />
      </dl>
      <ActivityFeed moreHref="/activity" />
    </section>
  );
}
