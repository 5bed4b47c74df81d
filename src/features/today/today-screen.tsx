import { lazy, Suspense } from 'react';
import { contactFullName, STAGE_LABELS, type Contact } from '../../domain/contact';
import { addDays, dayToDate, daysBetween, startOfLocalDay, toDay } from '../../domain/dates';
import { useAppServices } from '../../hooks/app-services';
import { useDeviceSettings, useDueFollowUps, useQuietContacts } from '../../hooks/use-local-data';
import { useNavigate } from '../../hooks/use-route';
import { useLinkTo } from '../../hooks/use-link-to';
import { EmptyState } from '../../ui/empty-state';

const QUIET_LIMIT = 20;

// Hot now reads tracked-link clicks; its code is not part of the first load, which has a size budget.
const HotNow = lazy(() => import('./hot-now').then((module) => ({ default: module.HotNow })));
// Today's goals (rings, streaks, presets) read the goal ledger; loaded on demand like Hot now.
const GoalsToday = lazy(() => import('../goals/goals-today').then((module) => ({ default: module.GoalsToday })));

function ContactLine({ contact, detail, tone }: { readonly contact: Contact; readonly detail: string; readonly tone?: 'overdue' }) {
  const linkTo = useLinkTo();
  return (
    <li>
      <a
        className="today-row"
        {...linkTo(`/contacts/${contact.id}`)}
      >
        <span className="today-row__name">{contactFullName(contact)}</span>
        <span className={tone === 'overdue' ? 'today-row__detail overdue' : 'today-row__detail'}>{detail}</span>
        <span className={`badge badge--${contact.stage}`}>{STAGE_LABELS[contact.stage]}</span>
      </a>
    </li>
  );
}

/** The start screen: who to follow up with today (overdue first), and who has gone quiet. */
export function TodayScreen() {
  const { platform } = useAppServices();
  const navigate = useNavigate();
  const settings = useDeviceSettings();
  const today = toDay(new Date(platform.now()));
  // Derived from the day, not the millisecond, so the query stays the same between renders.
  const cutoff = startOfLocalDay(dayToDate(addDays(today, -settings.quiet_days))).toISOString();
  const due = useDueFollowUps(today);
  const quiet = useQuietContacts(cutoff, QUIET_LIMIT);
  const overdue = due?.filter((contact) => (contact.next_follow_up_on ?? today) < today) ?? [];
  const dueToday = due?.filter((contact) => contact.next_follow_up_on === today) ?? [];

  return (
    <section className="screen" aria-labelledby="today-title">
      <div className="screen__header">
        <h1 id="today-title">Today</h1>
        <button type="button" className="button button--primary" onClick={() => navigate('/contacts/new')}>
          + Quick add
        </button>
      </div>
      <Suspense fallback={null}>
        <GoalsToday />
      </Suspense>
      <Suspense fallback={null}>
        <HotNow />
      </Suspense>
      <section aria-labelledby="due-title" className="card">
        <h2 id="due-title">
          Follow-ups due <span className="count">{due?.length ?? 0}</span>
        </h2>
        {due === undefined ? (
          <p className="loading">Loading…</p>
        ) : due.length === 0 ? (
          <EmptyState title="You're all caught up">No follow-ups due today.</EmptyState>
        ) : (
          <ul className="today-list">
            {overdue.map((contact) => {
              const days = daysBetween(contact.next_follow_up_on ?? today, today);
              return <ContactLine key={contact.id} contact={contact} tone="overdue" detail={`Overdue ${days} ${days === 1 ? 'day' : 'days'}`} />;
            })}
            {dueToday.map((contact) => (
              <ContactLine key={contact.id} contact={contact} detail="Due today" />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="quiet-title" className="card">
        <h2 id="quiet-title">
          Gone quiet <span className="subtle">(no contact for {settings.quiet_days}+ days)</span>
        </h2>
        {quiet === undefined ? (
          <p className="loading">Loading…</p>
        ) : quiet.length === 0 ? (
          <EmptyState title="Nobody has gone quiet">Everyone has heard from you recently.</EmptyState>
        ) : (
          <ul className="today-list">
            {quiet.map((contact) => {
              const days = daysBetween(toDay(new Date(contact.last_touched_at)), today);
              return <ContactLine key={contact.id} contact={contact} detail={`${days} days`} />;
            })}
          </ul>
        )}
      </section>
    </section>
  );
}
