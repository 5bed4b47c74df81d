import { useEffect, useId, useRef, type ReactNode } from 'react';
import { dailyGoalInputSchema, type DailyGoalInput } from '../../domain/daily-goal-schema';
import { validate, type FieldErrors } from '../../domain/form-errors';
import { GOAL_KINDS, GOAL_LABELS, GOAL_PRESET_LABELS, GOAL_PRESETS, MAX_DAILY_TARGET, planOn, PRESET_TARGETS, type GoalKind, type GoalPlan, type GoalPreset } from '../../domain/goals';
import type { GoalStats } from '../../domain/goal-stats';
import { WEEKDAY_NAMES, WEEKDAY_SHORT } from '../../domain/zone-days';
import { useAppServices } from '../../hooks/app-services';
import { useForm } from '../../hooks/use-form';
import { useGoalStats } from '../../hooks/use-goal-stats';
import { useLinkTo } from '../../hooks/use-link-to';
import { useNotify } from '../../hooks/use-notify';
import { useNavigate } from '../../hooks/use-route';
import { err } from '../../shared/result';
import { SelectField } from '../../ui/field';
import { FormError } from '../../ui/form-error';
import { dayLabel, GoalRules, PRESET_SCHEDULE } from './goal-parts';
import './goals.css';

type Draft = Record<GoalKind, string> & {
  readonly preset: GoalPreset;
  readonly work_days: readonly number[];
  readonly week_min_days: string;
  readonly review_day: string;
};

const asNumber = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

function targetsAsText(targets: Record<GoalKind, number>): Record<GoalKind, string> {
  return Object.fromEntries(GOAL_KINDS.map((kind) => [kind, String(targets[kind])])) as Record<GoalKind, string>;
}

function draftFrom(plan: GoalPlan | null): Draft {
  if (plan === null)
    return { preset: 'part_time', ...targetsAsText(PRESET_TARGETS.part_time), work_days: [...PRESET_SCHEDULE.work_days], week_min_days: String(PRESET_SCHEDULE.week_min_days), review_day: String(PRESET_SCHEDULE.review_day) };
  return { preset: plan.preset, ...targetsAsText(plan), work_days: [...plan.work_days], week_min_days: String(plan.week_min_days), review_day: String(plan.review_day) };
}

function toInput(draft: Draft) {
  return {
    preset: draft.preset,
    ...(Object.fromEntries(GOAL_KINDS.map((kind) => [kind, asNumber(draft[kind])])) as Record<GoalKind, number>),
    work_days: [...draft.work_days],
    week_min_days: asNumber(draft.week_min_days),
    review_day: Number(draft.review_day),
  };
}

/** The schema's messages, all at once: zod skips the cross-field rule while a number is invalid, so it is also run on its own. */
function validateGoals(draft: Draft) {
  const input = toInput(draft);
  const result = validate(dailyGoalInputSchema, input);
  if (result.ok || result.error['week_min_days'] !== undefined) return result;
  const zeros = Object.fromEntries(GOAL_KINDS.map((kind) => [kind, 0]));
  const alone = validate(dailyGoalInputSchema, { ...input, ...zeros });
  const message = alone.ok ? undefined : alone.error['week_min_days'];
  return message === undefined ? result : err<FieldErrors>({ ...result.error, week_min_days: message });
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

type StepperProps = {
  readonly label: string;
  readonly name: string;
  readonly value: string;
  readonly min: number;
  readonly max: number;
  readonly onChange: (value: string) => void;
  readonly error: string | undefined;
  readonly hint?: ReactNode;
  readonly className: string;
};

/** A number field with − and + buttons (44 px each); typing stays possible and is never cleared. */
function Stepper({ label, name, value, min, max, onChange, error, hint, className }: StepperProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const current = asNumber(value);
  const base = Number.isFinite(current) ? Math.round(current) : min;
  const describedBy = [error ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`${className}${error ? ` ${className}--invalid` : ''}`}>
      <label htmlFor={id}>{label}</label>
      <span className="stepper">
        <button type="button" className="stepper__button" aria-label={`Fewer: ${label}`} disabled={base <= min} onClick={() => onChange(String(clamp(base - 1, min, max)))}>
          −
        </button>
        <input
          id={id}
          name={name}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          step={1}
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
        />
        <button type="button" className="stepper__button" aria-label={`More: ${label}`} disabled={base >= max} onClick={() => onChange(String(clamp(base + 1, min, max)))}>
          +
        </button>
      </span>
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function GoalsForm({ stats }: { readonly stats: GoalStats }) {
  const { store } = useAppServices();
  const notify = useNotify();
  const navigate = useNavigate();
  const current = planOn(stats.plans, stats.today) ?? stats.plans[stats.plans.length - 1] ?? null;
  const { draft, setDraft, errors, saving, submit } = useForm({
    initial: draftFrom(current),
    validate: validateGoals,
    save: async (input: DailyGoalInput) => {
      const result = await store.saveGoals(input, stats.today);
      if (!result.ok) return result.error.message;
      notify('Goals saved — they count from today');
      navigate('/today');
      return null;
    },
  });

  // After a refused save, the first field with a message takes focus (on a phone it may be off screen).
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (Object.keys(errors).length > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const choosePreset = (preset: GoalPreset) =>
    setDraft((value) => ({ ...value, preset, ...(preset === 'custom' ? {} : targetsAsText(PRESET_TARGETS[preset])) }));
  const setTarget = (kind: GoalKind) => (text: string) => setDraft((value) => ({ ...value, [kind]: text, preset: 'custom' }));
  const toggleDay = (day: number) =>
    setDraft((value) => ({ ...value, work_days: value.work_days.includes(day) ? value.work_days.filter((d) => d !== day) : [...value.work_days, day].sort((a, b) => a - b) }));
  const workCount = draft.work_days.length;

  return (
    <form ref={formRef} className="form goals-form" onSubmit={submit} noValidate aria-label="Daily goals">
      <FormError message={errors['form']} />
      <section className="card form" aria-labelledby="goals-targets-title">
        <h2 id="goals-targets-title">Every working day</h2>
        <fieldset className="choice-group">
          <legend>Start from</legend>
          {GOAL_PRESETS.map((preset) => (
            <button key={preset} type="button" className="chip" aria-pressed={draft.preset === preset} onClick={() => choosePreset(preset)}>
              {GOAL_PRESET_LABELS[preset]}
            </button>
          ))}
        </fieldset>
        <p className="hint">A preset fills in the numbers; changing a number makes your goals Custom. 0 means no goal for that activity.</p>
        <div className="goal-targets">
          {GOAL_KINDS.map((kind) => (
            <Stepper key={kind} className="goal-target" label={GOAL_LABELS[kind]} name={kind} value={draft[kind]} min={0} max={MAX_DAILY_TARGET} onChange={setTarget(kind)} error={errors[kind]} />
          ))}
        </div>
      </section>

      <section className="card form" aria-labelledby="goals-week-title">
        <h2 id="goals-week-title">Your week</h2>
        <fieldset aria-describedby={errors['work_days'] ? 'goals-work-days-error' : undefined}>
          <legend>Working days</legend>
          <div className="weekday-chips">
            {WEEKDAY_SHORT.map((short, index) => (
              <button key={short} type="button" className="chip" aria-pressed={draft.work_days.includes(index + 1)} aria-label={WEEKDAY_NAMES[index]} onClick={() => toggleDay(index + 1)}>
                {short}
              </button>
            ))}
          </div>
          {errors['work_days'] ? (
            <p className="field__error" id="goals-work-days-error">
              {errors['work_days']}
            </p>
          ) : (
            <p className="field__hint">Days off neither count nor break a streak.</p>
          )}
        </fieldset>
        <Stepper
          className="goals-week"
          label="A good week = at least"
          name="week_min_days"
          value={draft.week_min_days}
          min={1}
          max={Math.max(1, Math.min(7, workCount))}
          onChange={(text) => setDraft((value) => ({ ...value, week_min_days: text }))}
          error={errors['week_min_days']}
          hint={`working days that meet every goal (you work ${workCount} ${workCount === 1 ? 'day' : 'days'} a week)`}
        />
        <SelectField
          label="Weekly review on"
          name="review_day"
          value={draft.review_day}
          onChange={(text) => setDraft((value) => ({ ...value, review_day: text }))}
          error={errors['review_day']}
          options={WEEKDAY_NAMES.map((name, index) => ({ value: String(index + 1), label: name }))}
        />
      </section>

      <p className="goals-note">
        New goals count from today ({dayLabel(stats.today)}). Past days keep the goals they had, so no streak or past review changes.
      </p>
      <div className="form__actions form__actions--start">
        <button type="submit" className="button button--primary" disabled={saving}>
          Save goals
        </button>
        <button type="button" className="button button--ghost" onClick={() => navigate('/today')}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The goals editor: presets, a target per activity, the working week and the review day, and what counts. */
export function GoalsScreen() {
  const stats = useGoalStats();
  const linkTo = useLinkTo();
  const current = stats ? planOn(stats.plans, stats.today) : null;
  return (
    <section className="screen" aria-labelledby="goals-title">
      <div className="screen__header">
        <h1 id="goals-title">Daily goals</h1>
        <a className="goals-link" {...linkTo('/review')}>
          Weekly review
        </a>
      </div>
      <p className="subtle">
        A few income-producing activities every working day. {current ? `Your current goals have counted since ${dayLabel(current.starts_on)}.` : 'Pick a preset or set your own.'}
      </p>
      {/* The form mounts once the goals have loaded, and is not remounted by later saves (which would drop typing). */}
      {stats === null ? <p className="loading">Loading…</p> : <GoalsForm stats={stats} />}
      <section className="card" id="what-counts" aria-labelledby="what-counts-title">
        <GoalRules headingLevel="h2" />
      </section>
    </section>
  );
}
