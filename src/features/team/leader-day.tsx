import { addDays, formatDay, formatRelative } from '../../domain/dates';
import { GOAL_KINDS, GOAL_LABELS, type GoalKind } from '../../domain/goals';
import type { LeaderDayMember } from '../../domain/team-feed';
import { CheckIcon } from '../goals/goal-parts';
import './team-feed.css';

/*
 * A leader's view of their downline's day: per member the six counts against their goals, follow-ups
 * due and overdue, and when they were last active. Counts only (team_leader_day() never answers with
 * a contact or a note). Presentational: the day, the depth and the members come in as props.
 */

export type LeaderDayDepth = 1 | 64;

export type LeaderDayProps = {
  /** undefined while loading. */
  readonly members: readonly LeaderDayMember[] | undefined;
  /** The day shown, YYYY-MM-DD. */
  readonly day: string;
  /** The member's today, YYYY-MM-DD: no later day can be chosen. */
  readonly today: string;
  /** 1: direct members (personally sponsored); 64: the whole downline. */
  readonly depth: LeaderDayDepth;
  /** When the server last answered (epoch ms), null when it never has. */
  readonly refreshedAt: number | null;
  readonly now: number;
  readonly offline: boolean;
  readonly error: string | null;
  readonly onDay: (day: string) => void;
  readonly onDepth: (depth: LeaderDayDepth) => void;
  /** Asks the server again (the counts change as the team works); absent: no button. */
  readonly onRefresh?: (() => void) | undefined;
  readonly refreshing?: boolean;
};

export const LEADER_DAY_PRIVACY = 'Counts only — never their contacts or notes.';
export const LEADER_DAY_EMPTY = 'Nobody in your downline yet. Invite someone from the Team screen.';

const nameOf = (member: LeaderDayMember) => member.full_name.trim() || 'A member without a name yet';

/** Logged at least one thing that day. */
export const wasActive = (member: LeaderDayMember): boolean => GOAL_KINDS.some((kind) => member.counts[kind] > 0);

/** A working day with goals, at least one goal above zero, and every goal reached. */
export function metEveryGoal(member: LeaderDayMember): boolean {
  const goals = member.goals;
  if (goals === null || member.works_that_day === false) return false;
  const set = GOAL_KINDS.filter((kind) => goals[kind] > 0);
  return set.length > 0 && set.every((kind) => member.counts[kind] >= goals[kind]);
}

/** "3 of 5 active today, 2 met every goal". */
export function leaderDaySummary(members: readonly LeaderDayMember[], when: string): string {
  const active = members.filter(wasActive).length;
  const met = members.filter(metEveryGoal).length;
  return `${active} of ${members.length} active ${when}, ${met} met every goal`;
}

export function LeaderDay(props: LeaderDayProps) {
  const { members, day, today, depth, refreshedAt, now, offline, error } = props;
  const isToday = day === today;
  const dayName = isToday ? 'Today' : formatDay(day);
  // Offline with no answer from the server for this day: nothing to show, and "nobody" would not be true.
  const neverLoaded = offline && refreshedAt === null && (members === undefined || members.length === 0);
  return (
    <section className="card leader-day" aria-labelledby="leader-day-title" aria-busy={members === undefined ? true : undefined}>
      <h2 id="leader-day-title">Your team’s day</h2>
      <p className="team-feed__privacy">{LEADER_DAY_PRIVACY}</p>

      <div className="leader-day__controls">
        <div className="leader-day__nav">
          <button type="button" className="button button--small" onClick={() => props.onDay(addDays(day, -1))}>
            <span aria-hidden="true">‹ </span>Previous day
          </button>
          <p className="leader-day__day" aria-live="polite">
            <time dateTime={day}>{dayName}</time>
          </p>
          <button type="button" className="button button--small" disabled={day >= today} onClick={() => props.onDay(addDays(day, 1))}>
            Next day<span aria-hidden="true"> ›</span>
          </button>
        </div>
        <div className="leader-day__depth" role="group" aria-label="Whose day">
          <button type="button" className="chip" aria-pressed={depth === 1} onClick={() => props.onDepth(1)}>
            Direct members
          </button>
          <button type="button" className="chip" aria-pressed={depth === 64} onClick={() => props.onDepth(64)}>
            Whole downline
          </button>
        </div>
      </div>

      {!offline && refreshedAt !== null ? (
        <p className="leader-day__updated subtle">
          Updated {formatRelative(new Date(refreshedAt).toISOString(), now)}
          {props.onRefresh ? (
            <button type="button" className="button button--small button--ghost" disabled={props.refreshing === true} onClick={props.onRefresh}>
              {props.refreshing === true ? 'Refreshing…' : 'Refresh'}
            </button>
          ) : null}
        </p>
      ) : null}
      {offline ? (
        <p className="team-feed__note">
          {refreshedAt === null
            ? 'You are offline. Connect to see your team’s day.'
            : `Showing what the server said ${formatRelative(new Date(refreshedAt).toISOString(), now)}.`}
        </p>
      ) : null}
      {error !== null ? <p className="team-feed__note team-feed__note--problem">{error}</p> : null}

      {neverLoaded ? null : members === undefined ? (
        <p className="subtle">Loading your team’s day…</p>
      ) : members.length === 0 ? (
        <p className="team-feed__empty">{LEADER_DAY_EMPTY}</p>
      ) : (
        <>
          <p className="leader-day__summary">{leaderDaySummary(members, isToday ? 'today' : `on ${dayName}`)}</p>
          <ul className="leader-day__members" aria-label={`Your team on ${dayName}`}>
            {members.map((member) => (
              <li key={member.member_id}>
                <MemberDay member={member} showLevel={depth > 1} now={now} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function MemberDay({ member, showLevel, now }: { readonly member: LeaderDayMember; readonly showLevel: boolean; readonly now: number }) {
  const nameId = `leader-day-${member.member_id}`;
  const dayOff = member.works_that_day === false;
  const goals = dayOff ? null : member.goals;
  const everyGoal = metEveryGoal(member);
  return (
    <article className="leader-day__member" aria-labelledby={nameId}>
      <div className="leader-day__head">
        <span className="avatar" aria-hidden="true">
          {nameOf(member).slice(0, 1).toUpperCase()}
        </span>
        <span className="leader-day__who">
          <span className="leader-day__name" id={nameId}>
            {nameOf(member)}
          </span>
          <span className="leader-day__note">
            {showLevel ? `Level ${member.depth} · ` : ''}
            {member.last_active_at === null ? 'Not active yet' : `Last active ${formatRelative(member.last_active_at, now)}`}
          </span>
        </span>
        {dayOff ? (
          <span className="leader-day__badge">Day off</span>
        ) : member.goals === null ? (
          <span className="leader-day__badge">No goals set</span>
        ) : everyGoal ? (
          <span className="leader-day__badge leader-day__badge--met">
            <CheckIcon size={14} /> Met every goal
          </span>
        ) : null}
      </div>
      <dl className="leader-day__counts">
        {GOAL_KINDS.map((kind) => (
          <Count key={kind} kind={kind} done={member.counts[kind]} goal={goals?.[kind] ?? 0} />
        ))}
      </dl>
      <p className="leader-day__follow-ups">
        Follow-ups due {member.follow_ups_due}
        {' · '}
        <span className={member.follow_ups_overdue > 0 ? 'leader-day__overdue' : undefined}>overdue {member.follow_ups_overdue}</span>
      </p>
    </article>
  );
}

/** "Conversations 2 / 3", or "… 3 / 3 ✓ met", or just the count where there is no goal. */
function Count({ kind, done, goal }: { readonly kind: GoalKind; readonly done: number; readonly goal: number }) {
  const met = goal > 0 && done >= goal;
  return (
    <div className={`leader-day__count${met ? ' leader-day__count--met' : ''}`} data-kind={kind}>
      <dt>{GOAL_LABELS[kind]}</dt>{' '}
      <dd>
        {goal > 0 ? `${done} / ${goal}` : done}
        {met ? (
          <span className="leader-day__met">
            {' '}
            <CheckIcon size={14} /> met
          </span>
        ) : null}
      </dd>
    </div>
  );
}
