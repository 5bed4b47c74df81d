import { useRef, useState } from 'react';
import { describeActivity } from '../../domain/activity-description';
import { formatRelative } from '../../domain/dates';
import type { MemberActivity } from '../../domain/member-activity';
import { useAppServices } from '../../hooks/app-services';
import { useActivityFeedRealtime } from '../../hooks/use-activity-feed-realtime';
import { useLinkTo } from '../../hooks/use-link-to';
import { EmptyState } from '../../ui/empty-state';

/**
 * The recent activity feed. New rows slide in; while a finger (or mouse button) is down on the list,
 * the rows on screen are held still and arrivals wait until it lifts, so nothing moves under a tap.
 */
export function ActivityFeed({ limit, title = 'Recent activity', moreHref }: { readonly limit?: number; readonly title?: string; readonly moreHref?: string }) {
  const linkTo = useLinkTo();
  const { platform } = useAppServices();
  const { activities, newActivityCount, markActivityAsSeen, isLoading } = useActivityFeedRealtime(limit);
  const [held, setHeld] = useState<readonly MemberActivity[] | null>(null);
  const known = useRef<Set<string> | null>(null);
  const shown = held ?? activities;

  const firstRender = known.current === null;
  const previous = known.current ?? new Set<string>();
  known.current = new Set(shown.map((activity) => activity.id));

  return (
    <section className="feed" aria-labelledby="feed-title">
      <div className="feed__header">
        <h2 id="feed-title">{title}</h2>
        {newActivityCount > 0 ? (
          <button type="button" className="pill" onClick={markActivityAsSeen}>
            {newActivityCount} new {newActivityCount === 1 ? 'activity' : 'activities'}
          </button>
        ) : moreHref ? (
          <a
            className="feed__more"
            {...linkTo(moreHref)}
          >
            See all
          </a>
        ) : null}
      </div>
      {isLoading ? (
        <p className="loading">Loading…</p>
      ) : shown.length === 0 ? (
        <EmptyState title="No activity yet">Add a contact or log a call and it shows up here.</EmptyState>
      ) : (
        <ol
          className="feed__list"
          aria-label={title}
          onPointerDown={() => setHeld(activities)}
          onPointerUp={() => setHeld(null)}
          onPointerCancel={() => setHeld(null)}
          onPointerLeave={() => setHeld(null)}
        >
          {shown.map((activity) => (
            <li key={activity.id} className={!firstRender && !previous.has(activity.id) ? 'feed__item feed__item--enter' : 'feed__item'}>
              <span className={`feed__dot feed__dot--${activity.activity_type}`} aria-hidden="true" />
              <span className="feed__text">{describeActivity(activity)}</span>
              <time dateTime={activity.occurred_at}>{formatRelative(activity.occurred_at, platform.now())}</time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
