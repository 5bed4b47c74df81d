import { GOAL_KINDS, GOAL_LABELS, GOAL_RULES, type GoalKind } from '../../domain/goals';
import { WEEKDAY_NAMES } from '../../domain/zone-days';

/*
 * Small pieces shared by Today's goals, the goals editor and the weekly review. No data access here.
 */

/** The defaults a one-tap preset saves: Monday to Friday, a good week is 4 of them, the review on Sunday. */
export const PRESET_SCHEDULE = { work_days: [1, 2, 3, 4, 5], week_min_days: 4, review_day: 7 } as const;

const RADIUS = 30;
const STROKE = 8;
const SIZE = (RADIUS + STROKE) * 2;
export const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/** How much of the circle a ring fills (0 … CIRCUMFERENCE), capped at full. */
export const ringLength = (done: number, target: number): number => (target <= 0 ? 0 : Math.min(1, done / target) * CIRCUMFERENCE);

type RingProps = {
  readonly kind: GoalKind;
  readonly done: number;
  readonly target: number;
  /** Plays the short "reached" animation (only on the transition to done while the screen is open). */
  readonly celebrate: boolean;
};

/**
 * One goal as a progress ring: plain SVG circles (stroke-dasharray), the count in text in the middle
 * and the goal's name below, so colour is never the only signal. A reached goal gets a check mark.
 */
export function GoalRing({ kind, done, target, celebrate }: RingProps) {
  const reached = done >= target;
  const length = ringLength(done, target);
  return (
    <li className={`goal-ring${reached ? ' goal-ring--done' : ''}${celebrate ? ' goal-ring--celebrate' : ''}`} data-kind={kind}>
      <span className="visually-hidden">
        {GOAL_LABELS[kind]}: {done} of {target}
        {reached ? ', goal reached' : ''}
      </span>
      <span className="goal-ring__dial" aria-hidden="true">
        <svg viewBox={`0 0 ${SIZE} ${SIZE}`} width={SIZE} height={SIZE} focusable="false">
          <circle className="goal-ring__track" cx={SIZE / 2} cy={SIZE / 2} r={RADIUS} strokeWidth={STROKE} fill="none" />
          <circle
            className="goal-ring__bar"
            cx={SIZE / 2}
            cy={SIZE / 2}
            r={RADIUS}
            strokeWidth={STROKE}
            fill="none"
            // A round cap on an empty ring would draw a dot: nothing done shows nothing.
            strokeLinecap={length > 0 ? 'round' : 'butt'}
            strokeDasharray={`${length} ${CIRCUMFERENCE}`}
            transform={`rotate(-90 ${SIZE / 2} ${SIZE / 2})`}
            data-length={length.toFixed(1)}
          />
        </svg>
        <span className="goal-ring__count">
          {reached ? <CheckIcon /> : null}
          <span>
            {done} / {target}
          </span>
        </span>
      </span>
      <span className="goal-ring__label" aria-hidden="true">
        {GOAL_LABELS[kind]}
      </span>
    </li>
  );
}

export function CheckIcon({ size = 16 }: { readonly size?: number }) {
  return (
    <svg className="goal-check" width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M3 8.5l3.2 3L13 4.5" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** A calendar with a tick (day streak) or stacked weeks (week streak): small line icons, no emoji. */
export function StreakIcon({ kind }: { readonly kind: 'days' | 'weeks' }) {
  return (
    <svg className="streak__icon" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {kind === 'days' ? <path d="M4 6h16v14H4zM4 10h16M8 3v4M16 3v4M9 15l2 2 4-4" /> : <path d="M4 5h16v4H4zM4 11h16v4H4zM4 17h10v3H4z" />}
    </svg>
  );
}

/** "What counts": the counting rules of goals.ts in words, one entry per goal. */
export function GoalRules({ headingLevel = 'h3' }: { readonly headingLevel?: 'h2' | 'h3' | 'none' }) {
  return (
    <>
      {headingLevel === 'h2' ? <h2 id="what-counts-title">What counts</h2> : headingLevel === 'h3' ? <h3 id="what-counts-title">What counts</h3> : null}
      <dl className="goal-rules">
        {GOAL_KINDS.map((kind) => (
          <div key={kind} className="goal-rules__item">
            <dt>{GOAL_LABELS[kind]}</dt>
            <dd>{GOAL_RULES[kind]}</dd>
          </div>
        ))}
      </dl>
      <p className="hint">You never type anything twice: goals count what you already log. A stage move counts once per person a day.</p>
    </>
  );
}

/** The forgiving streak rules, in words. */
export function StreakRules({ weekMinDays }: { readonly weekMinDays: number | null }) {
  return (
    <ul className="goal-help__list">
      <li>A day counts toward your day streak when you log at least one income-producing activity (see What counts).</li>
      <li>
        A week counts when at least {weekMinDays ?? 'the set number of'} working {weekMinDays === 1 ? 'day meets' : 'days meet'} every daily goal.
      </li>
      <li>Days off never count and never break a streak.</li>
      <li>Today and this week break nothing until they are over: there is still time.</li>
      <li>Changing your goals never breaks a past streak: each day is judged by the goals it had.</li>
    </ul>
  );
}

/** "Mon 2 Dec"-style label of a `YYYY-MM-DD` day, read as a calendar date (no time zone shift). */
export function dayLabel(day: string, options: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' }): string {
  const date = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return date.toLocaleDateString('en-GB', { ...options, timeZone: 'UTC' });
}

export const weekdayName = (isoDay: number): string => WEEKDAY_NAMES[isoDay - 1] ?? '';
