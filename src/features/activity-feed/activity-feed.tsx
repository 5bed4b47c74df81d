import { useId, useLayoutEffect, useRef, useState } from 'react';
import { describeActivity } from '../../domain/activity-description';
import { formatRelative } from '../../domain/dates';
import type { MemberActivity } from '../../domain/member-activity';
import { useAppServices } from '../../hooks/app-services';
import { useActivityFeedRealtime } from '../../hooks/use-activity-feed-realtime';
import { useLinkTo } from '../../hooks/use-link-to';
import { EmptyState } from '../../ui/empty-state';

type ActivityFeedProps = { readonly limit?: number; readonly title?: string; readonly moreHref?: string };

/**
 * The recent activity feed. New rows slide in; while a finger or mouse button is down on the list
 * (including while the finger scrolls it), the rows on screen are held still and arrivals wait until it
 * lifts, so nothing moves under a tap.
 */
export function ActivityFeed({ limit, title = 'Recent activity', moreHref }: ActivityFeedProps) {
  const { platform } = useAppServices();
  const linkTo = useLinkTo();
  const titleId = useId();
  const { activities, newActivityCount, markActivityAsSeen, isLoading } = useActivityFeedRealtime(limit);
  const [held, setHeld] = useState<readonly MemberActivity[] | null>(null);
  const shown = held ?? activities;
  const known = useRef<ReadonlySet<string> | null>(null);
  const [entering, setEntering] = useState<ReadonlySet<string>>(new Set());

  // Before paint, mark rows that were not on screen last time so they animate in.
  useLayoutEffect(() => {
    const ids = shown.map((activity) => activity.id);
    const previous = known.current;
    known.current = new Set(ids);
    if (previous === null) return;
    const fresh = ids.filter((id) => !previous.has(id));
    setEntering((current) => (fresh.length === 0 && current.size === 0 ? current : new Set(fresh)));
  }, [shown]);

  const hold = () => setHeld(activities);
  const release = () => setHeld(null);

  return (
    <section className="feed" aria-labelledby={titleId}>
      <div className="feed__header">
        <h2 id={titleId}>{title}</h2>
        {newActivityCount > 0 ? (
          <button type="button" className="pill" onClick={markActivityAsSeen}>
            {newActivityCount} new {newActivityCount === 1 ? 'activity' : 'activities'}
          </button>
        ) : moreHref ? (
          <a className="feed__more" {...linkTo(moreHref)}>
            See all
          </a>
        ) : null}
      </div>
      {isLoading ? (
        <p className="loading">Loading…</p>
      ) : shown.length === 0 ? (
        <EmptyState title="No activity yet">Add a contact or log a call and it shows up here.</EmptyState>
      ) : (
        <ol className="feed__list" aria-label={title} onTouchStart={hold} onTouchEnd={release} onTouchCancel={release} onMouseDown={hold} onMouseUp={release} onMouseLeave={release}>
          {shown.map((activity) => (
            <li key={activity.id} className={entering.has(activity.id) ? 'feed__item feed__item--enter' : 'feed__item'}>
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
