import { useEffect, useRef, useState } from 'react';
import { dayProgress, GOAL_LABELS, GOAL_PRESET_LABELS, isWorkDay, lastReviewDay, planOn, PRESET_TARGETS, streaks, type GoalKind, type GoalPlan } from '../../domain/goals';
import type { GoalStats } from '../../domain/goal-stats';
import { useAppServices } from '../../hooks/app-services';
import { useGoalStats } from '../../hooks/use-goal-stats';
import { useLinkTo } from '../../hooks/use-link-to';
import { useNotify } from '../../hooks/use-notify';
import { GoalRing, GoalRules, PRESET_SCHEDULE, StreakIcon, StreakRules } from './goal-parts';
import './goals.css';

/**
 * Today's goals at the top of the start screen (loaded lazily, outside the first load): a progress ring
 * per goal, the streaks, the weekly review on its day, and, before any goals exist, the presets one
 * tap away.
 */
export function GoalsToday() {
  const stats = useGoalStats();
  if (stats === null) return null;
  const plan = planOn(stats.plans, stats.today);
  if (plan === null) return <SetGoalsCard stats={stats} />;
  return <TodayGoals stats={stats} plan={plan} />;
}

function SetGoalsCard({ stats }: { readonly stats: GoalStats }) {
  const { store } = useAppServices();
  const notify = useNotify();
  const linkTo = useLinkTo();
  const [saving, setSaving] = useState(false);
  const choose = async (preset: keyof typeof PRESET_TARGETS) => {
    if (saving) return;
    setSaving(true);
    const result = await store.saveGoals({ preset, ...PRESET_TARGETS[preset], ...PRESET_SCHEDULE, work_days: [...PRESET_SCHEDULE.work_days] }, stats.today);
    setSaving(false);
    notify(result.ok ? `${GOAL_PRESET_LABELS[preset]} goals set — they count from today` : result.error.message);
  };
  const summary = (preset: keyof typeof PRESET_TARGETS) => {
    const targets = PRESET_TARGETS[preset];
    return (Object.keys(targets) as GoalKind[])
      .filter((kind) => targets[kind] > 0)
      // Every label is a plural ending in s: "1 invitation", "2 invitations".
      .map((kind) => `${targets[kind]} ${(targets[kind] === 1 ? GOAL_LABELS[kind].slice(0, -1) : GOAL_LABELS[kind]).toLowerCase()}`)
      .join(' · ');
  };
  return (
    <section className="card goals-today goals-setup" aria-labelledby="goals-setup-title">
      <h2 id="goals-setup-title">Set daily goals</h2>
      <p className="subtle">A few income-producing activities every working day, counted from what you already log.</p>
      <ul className="goals-setup__presets">
        {(['part_time', 'full_time'] as const).map((preset) => (
          <li key={preset}>
            <button type="button" className="goals-preset" disabled={saving} onClick={() => void choose(preset)}>
              <span className="goals-preset__name">{GOAL_PRESET_LABELS[preset]}</span>
              <span className="goals-preset__detail">{summary(preset)} a day</span>
            </button>
          </li>
        ))}
        <li>
          <a className="goals-preset" {...linkTo('/goals')}>
            <span className="goals-preset__name">{GOAL_PRESET_LABELS.custom}</span>
            <span className="goals-preset__detail">Choose your own numbers and days</span>
          </a>
        </li>
      </ul>
      <p className="hint">Presets count Monday to Friday; a good week is 4 days that meet every goal. You can change this any time.</p>
    </section>
  );
}

/** Which goals were reached when last seen, for celebrating only a goal that becomes reached now. */
type Seen = { readonly day: string; readonly plan: string; readonly reached: ReadonlySet<GoalKind> };

function TodayGoals({ stats, plan }: { readonly stats: GoalStats; readonly plan: GoalPlan }) {
  const { announcements } = useAppServices();
  const linkTo = useLinkTo();
  const progress = dayProgress(stats.plans, stats.today, stats.counts.get(stats.today));
  const streak = streaks(stats.plans, stats.counts, stats.today, stats.oldest);
  const reviewToday = lastReviewDay(stats.plans, stats.today) === stats.today;
  const workDay = isWorkDay(stats.plans, stats.today);
  const reachedKey = progress
    .filter((goal) => goal.done >= goal.target)
    .map((goal) => goal.kind)
    .join(',');

  const goalCount = progress.length;
  const planKey = `${plan.id}|${plan.updated_at}`;
  const seen = useRef<Seen | null>(null);
  const [celebrating, setCelebrating] = useState<{ readonly day: string; readonly kinds: readonly GoalKind[] }>({ day: '', kinds: [] });

  useEffect(() => {
    const reached = new Set(reachedKey === '' ? [] : (reachedKey.split(',') as GoalKind[]));
    const previous = seen.current;
    seen.current = { day: stats.today, plan: planKey, reached };
    // The first sight of the day's goals (a load, a new day, goals changed here or on another device)
    // sets the baseline: only activity reaching a goal is celebrated, never a lowered target.
    if (previous === null || previous.day !== stats.today || previous.plan !== planKey) return;
    const fresh = [...reached].filter((kind) => !previous.reached.has(kind));
    if (fresh.length === 0) return;
    const all = goalCount > 0 && reached.size === goalCount;
    announcements.announce(`${fresh.map((kind) => `${GOAL_LABELS[kind]} goal reached`).join('. ')}${all ? ". All of today's goals reached." : ''}`);
    setCelebrating((current) => ({ day: stats.today, kinds: current.day === stats.today ? [...current.kinds, ...fresh] : fresh }));
  }, [reachedKey, goalCount, stats.today, planKey, announcements]);

  // A goal that is no longer reached (an activity undone) stops celebrating.
  const reachedNow = new Set(progress.filter((goal) => goal.done >= goal.target).map((goal) => goal.kind));
  const celebrated = new Set(celebrating.day === stats.today ? celebrating.kinds.filter((kind) => reachedNow.has(kind)) : []);
  const allReached = progress.length > 0 && progress.every((goal) => goal.done >= goal.target);

  return (
    <section className="card goals-today" aria-labelledby="goals-today-title">
      <div className="goals-today__head">
        <h2 id="goals-today-title">Today's goals</h2>
        <a className="goals-link" {...linkTo('/goals')}>
          Edit goals
        </a>
      </div>
      {progress.length === 0 ? (
        <p className="subtle">Your goals have no daily targets yet. Choose some in Edit goals.</p>
      ) : (
        <>
          {!workDay ? <p className="goals-today__off">Today is a day off: it breaks no streak, and what you log still shows in your weekly totals.</p> : null}
          <ul className="goal-rings" aria-label="Progress today">
            {progress.map((goal) => (
              <GoalRing key={goal.kind} kind={goal.kind} done={goal.done} target={goal.target} celebrate={celebrated.has(goal.kind)} />
            ))}
          </ul>
          {allReached ? (
            <p className="goals-today__all">
              <strong>All of today's goals reached.</strong> Anything more is a head start on tomorrow.
            </p>
          ) : null}
        </>
      )}
      <div className="streaks" role="group" aria-label="Streaks">
        <p className="streak">
          <StreakIcon kind="days" />
          <span>
            <strong>{streak.days === 0 ? 'No day streak yet' : `${streak.days}-day streak`}</strong>
            <span className="streak__detail">{!workDay ? 'Day off' : streak.todayDone ? 'Today counts' : 'Log one activity to keep it going'}</span>
          </span>
        </p>
        <p className="streak">
          <StreakIcon kind="weeks" />
          <span>
            <strong>{streak.weeks === 0 ? 'No week streak yet' : streak.weeks === 1 ? '1 good week' : `${streak.weeks} weeks in a row`}</strong>
            <span className="streak__detail">
              This week: {streak.thisWeekMetDays} of {streak.thisWeekNeeded ?? plan.week_min_days} days met
            </span>
          </span>
        </p>
      </div>
      <div className="goals-today__more">
        <details className="goal-help">
          <summary>How streaks work</summary>
          <StreakRules weekMinDays={Math.min(plan.week_min_days, plan.work_days.length)} />
        </details>
        <details className="goal-help">
          <summary>What counts</summary>
          <GoalRules headingLevel="none" />
        </details>
      </div>
      {reviewToday ? (
        <a className="goals-review-card" {...linkTo('/review')}>
          <span>
            <strong>Weekly review</strong>
            <span className="goals-review-card__detail">How last week went, and who to contact next week</span>
          </span>
          <span aria-hidden="true" className="goals-review-card__arrow">
            →
          </span>
        </a>
      ) : null}
    </section>
  );
}
