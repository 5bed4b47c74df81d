import { useState } from 'react';
import { contactFullName, STAGE_LABELS, type Contact } from '../../domain/contact';
import { addDays, dayToDate, daysBetween, formatDay, startOfLocalDay, toDay } from '../../domain/dates';
import { GOAL_LABELS, lastReviewDay, planOn, weeklyReview, type GoalKind, type WeeklyReview } from '../../domain/goals';
import type { GoalStats } from '../../domain/goal-stats';
import { shiftDay } from '../../domain/zone-days';
import { useAppServices } from '../../hooks/app-services';
import { useHotLeads } from '../../hooks/use-engagement';
import { useGoalStats } from '../../hooks/use-goal-stats';
import { useDeviceSettings, useDueFollowUps, useQuietContacts } from '../../hooks/use-local-data';
import { useLinkTo } from '../../hooks/use-link-to';
import { EmptyState } from '../../ui/empty-state';
import { CheckIcon, dayLabel, weekdayName } from './goal-parts';
import './goals.css';

const LEAD_MEASURES: readonly GoalKind[] = ['conversations', 'invitations', 'follow_ups', 'presentations'];
const RESULTS: readonly GoalKind[] = ['new_customers', 'new_team_members'];
const QUIET_LIMIT = 10;

function MeasureRow({ kind, review }: { readonly kind: GoalKind; readonly review: WeeklyReview }) {
  const done = review.totals[kind];
  const target = review.targets[kind];
  const share = target > 0 ? Math.min(1, done / target) : 0;
  return (
    <tr data-kind={kind}>
      <th scope="row">
        {GOAL_LABELS[kind]}
        {target > 0 ? (
          <span className="review-bar" aria-hidden="true">
            <span style={{ width: `${Math.round(share * 100)}%` }} />
          </span>
        ) : null}
      </th>
      <td>{done}</td>
      <td>{target > 0 ? target : '—'}</td>
      <td className="review-table__status">
        {target === 0 ? (
          <span className="subtle">No goal</span>
        ) : done >= target ? (
          <span className="review-status review-status--met">
            <CheckIcon size={14} /> Met
          </span>
        ) : (
          <span className="review-status review-status--short">{target - done} short</span>
        )}
      </td>
    </tr>
  );
}

function MeasuresTable({ kinds, review, caption }: { readonly kinds: readonly GoalKind[]; readonly review: WeeklyReview; readonly caption: string }) {
  return (
    <div className="table-scroll">
      <table className="review-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Activity</th>
            <th scope="col">Done</th>
            <th scope="col">Goal</th>
            <th scope="col" className="review-table__status">
              <span className="visually-hidden">Status</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {kinds.map((kind) => (
            <MeasureRow key={kind} kind={kind} review={review} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WeekReview({ stats }: { readonly stats: GoalStats }) {
  const latest = lastReviewDay(stats.plans, stats.today);
  const [weeksBack, setWeeksBack] = useState(0);
  if (latest === null) return null;
  const reviewDay = shiftDay(latest, -7 * weeksBack);
  const review = weeklyReview(stats.plans, stats.counts, reviewDay);
  const first = stats.plans[0]?.starts_on ?? stats.today;
  // An earlier week is worth showing while it ends on or after the first goals and is still in the counts.
  const canGoBack = shiftDay(review.to, -7) >= first && shiftDay(review.from, -7) >= stats.oldest;
  const plan = planOn(stats.plans, review.to) ?? planOn(stats.plans, stats.today);
  // The same bar as the week streak (goals.ts): the plan's good-week days, at most its working days.
  const needed = plan ? Math.min(plan.week_min_days, plan.work_days.length) : null;
  const goodWeek = needed !== null && review.workDays > 0 && review.metDays >= needed;
  const range = `${dayLabel(review.from, { day: 'numeric', month: 'short' })} – ${dayLabel(review.to, { day: 'numeric', month: 'short', year: 'numeric' })}`;

  return (
    <>
      <nav className="review-nav" aria-label="Weeks">
        <button type="button" className="button review-nav__prev" disabled={!canGoBack} onClick={() => setWeeksBack((n) => n + 1)}>
          ← Earlier week
        </button>
        <p className="review-nav__range" aria-live="polite">
          <span className="visually-hidden">Week of </span>
          {range}
        </p>
        <button type="button" className="button review-nav__next" disabled={weeksBack === 0} onClick={() => setWeeksBack((n) => Math.max(0, n - 1))}>
          Later week →
        </button>
      </nav>

      <section className="card" aria-labelledby="review-days-title">
        <h2 id="review-days-title">How the week went</h2>
        <dl className="review-summary">
          <div>
            <dt>Days that met every goal</dt>
            <dd>
              {review.metDays} / {review.workDays}
              <span className="review-summary__detail">working days</span>
            </dd>
          </div>
          <div>
            <dt>New customers</dt>
            <dd>{review.totals.new_customers}</dd>
          </div>
          <div>
            <dt>New team members</dt>
            <dd>{review.totals.new_team_members}</dd>
          </div>
        </dl>
        <p className="review-verdict">
          {review.workDays === 0
            ? 'No working days with goals this week.'
            : goodWeek
              ? `A good week: ${review.metDays} of the ${needed} days you aimed for.`
              : `${review.metDays} of the ${needed ?? review.workDays} days you aimed for. Every day is a fresh start.`}
        </p>
      </section>

      <section className="card" aria-labelledby="review-measures-title">
        <h2 id="review-measures-title">Lead measures</h2>
        <p className="subtle">What you did, against the goals of each working day.</p>
        <MeasuresTable kinds={LEAD_MEASURES} review={review} caption="Lead measures against goals" />
      </section>

      <section className="card" aria-labelledby="review-results-title">
        <h2 id="review-results-title">Results</h2>
        <MeasuresTable kinds={RESULTS} review={review} caption="Results against goals" />
      </section>
    </>
  );
}

function PersonLine({ id, name, detail, stage }: { readonly id: string; readonly name: string; readonly detail: string; readonly stage?: Contact['stage'] }) {
  const linkTo = useLinkTo();
  return (
    <li>
      <a className="today-row" {...linkTo(`/contacts/${id}`)}>
        <span className="today-row__name">{name}</span>
        <span className="today-row__detail">{detail}</span>
        {stage ? <span className={`badge badge--${stage}`}>{STAGE_LABELS[stage]}</span> : null}
      </a>
    </li>
  );
}

function PeopleNextWeek() {
  const { platform } = useAppServices();
  const settings = useDeviceSettings();
  const today = toDay(new Date(platform.now()));
  const weekAhead = addDays(today, 7);
  const cutoff = startOfLocalDay(dayToDate(addDays(today, -settings.quiet_days))).toISOString();
  const due = useDueFollowUps(weekAhead);
  const quiet = useQuietContacts(cutoff, QUIET_LIMIT);
  const hot = useHotLeads();
  const dueDetail = (day: string) => {
    const days = daysBetween(today, day);
    return days < 0 ? `Overdue ${-days} ${days === -1 ? 'day' : 'days'}` : days === 0 ? 'Due today' : `Due ${formatDay(day)}`;
  };
  return (
    <section className="card" aria-labelledby="review-people-title">
      <h2 id="review-people-title">People to contact next week</h2>
      <div className="review-people">
        <section aria-labelledby="review-due-title">
          <h3 id="review-due-title">
            Follow-ups due <span className="count">{due?.length ?? 0}</span>
          </h3>
          {due === undefined ? (
            <p className="loading">Loading…</p>
          ) : due.length === 0 ? (
            <p className="review-people__empty">No follow-ups in the next 7 days.</p>
          ) : (
            <ul className="today-list">
              {[...due]
                .sort((a, b) => ((a.next_follow_up_on ?? '') < (b.next_follow_up_on ?? '') ? -1 : 1))
                .map((contact) => (
                  <PersonLine key={contact.id} id={contact.id} name={contactFullName(contact)} detail={dueDetail(contact.next_follow_up_on ?? today)} stage={contact.stage} />
                ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="review-quiet-title">
          <h3 id="review-quiet-title">
            Gone quiet <span className="count">{quiet?.length ?? 0}</span>
          </h3>
          {quiet === undefined ? (
            <p className="loading">Loading…</p>
          ) : quiet.length === 0 ? (
            <p className="review-people__empty">Everyone has heard from you in the last {settings.quiet_days} days.</p>
          ) : (
            <ul className="today-list">
              {quiet.map((contact) => (
                <PersonLine key={contact.id} id={contact.id} name={contactFullName(contact)} detail={`No contact for ${daysBetween(toDay(new Date(contact.last_touched_at)), today)} days`} stage={contact.stage} />
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="review-hot-title">
          <h3 id="review-hot-title">
            Hot leads <span className="count">{hot?.length ?? 0}</span>
          </h3>
          {hot === undefined ? (
            <p className="loading">Loading…</p>
          ) : hot.length === 0 ? (
            <p className="review-people__empty">Nobody opened a link in the last 24 hours.</p>
          ) : (
            <ul className="today-list">
              {hot.map((lead) => (
                <PersonLine key={lead.contactId} id={lead.contactId} name={lead.name} detail={lead.opens > 1 ? `Opened a link ${lead.opens} times` : 'Opened a link'} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </section>
  );
}

/** The weekly review: last week's lead measures and results against the goals, then who to contact next. */
export function ReviewScreen() {
  const stats = useGoalStats();
  const linkTo = useLinkTo();
  const plan = stats ? planOn(stats.plans, stats.today) : null;
  return (
    <section className="screen" aria-labelledby="review-title">
      <div className="screen__header">
        <h1 id="review-title">Weekly review</h1>
        <a className="goals-link" {...linkTo('/goals')}>
          Edit goals
        </a>
      </div>
      {stats === null ? (
        <p className="loading">Loading…</p>
      ) : plan === null ? (
        <EmptyState title="No goals yet">
          Set daily goals first, then look back each week. <a {...linkTo('/goals')}>Set daily goals</a>
        </EmptyState>
      ) : (
        <>
          <p className="subtle">The seven days before your review day ({weekdayName(plan.review_day)}), each judged by the goals it had.</p>
          <WeekReview stats={stats} />
        </>
      )}
      <PeopleNextWeek />
    </section>
  );
}
