import { useId } from 'react';
import { CONTACT_LIMITS } from '../../domain/contact';
import { POINT_LABEL_NAMES, POINT_LABELS, type ContactPoint } from '../../domain/contact-points';
import type { FieldErrors } from '../../domain/form-errors';

/** One row of the phones or emails list as the form holds it; `key` keeps React's rows stable while they move. */
export type PointDraft = { readonly key: number; readonly label: string; readonly custom: string; readonly value: string };

const CUSTOM = 'custom';
const isStandardLabel = (label: string) => (POINT_LABELS as readonly string[]).includes(label);

/** A row for a stored point; a label that is not one of the standard ones is a custom label. */
export function pointDraft(point: ContactPoint, key: number): PointDraft {
  const standard = isStandardLabel(point.label);
  return { key, label: standard ? point.label : CUSTOM, custom: standard ? '' : point.label, value: point.value };
}

/** Rows for a stored list; keys are unique within the list. */
export const pointDrafts = (points: readonly ContactPoint[]): PointDraft[] => points.map((point, index) => pointDraft(point, index));

const nextKey = (rows: readonly PointDraft[]) => rows.reduce((max, row) => Math.max(max, row.key), -1) + 1;

/** The label a row stands for: a custom row with nothing typed reads as 'other'. */
export function pointLabelOf(row: PointDraft): string {
  if (row.label !== CUSTOM) return row.label;
  const custom = row.custom.trim();
  return custom === '' ? 'other' : custom;
}

type Kind = 'phones' | 'emails';

const NOUNS: Readonly<Record<Kind, { one: string; add: string; type: 'tel' | 'email' }>> = {
  phones: { one: 'Phone', add: 'Add phone', type: 'tel' },
  emails: { one: 'Email', add: 'Add email', type: 'email' },
};

type PointsEditorProps = {
  readonly kind: Kind;
  readonly rows: readonly PointDraft[];
  readonly onChange: (rows: PointDraft[]) => void;
  /** Form errors: `${kind}.${index}.value` / `.label` for a row, `${kind}` for the list. */
  readonly errors: FieldErrors;
  readonly defaultLabel: string;
};

/**
 * The list of a contact's phone numbers or email addresses: a label (standard or custom) and a value
 * per row, the first primary. Rows can be added (up to the limit), removed and made primary (moved to
 * the top). Each row shows its own error.
 */
export function PointsEditor({ kind, rows, onChange, errors, defaultLabel }: PointsEditorProps) {
  const baseId = useId();
  const noun = NOUNS[kind];
  const update = (index: number, change: Partial<PointDraft>) => onChange(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  const remove = (index: number) => onChange(rows.filter((_, at) => at !== index));
  const makePrimary = (index: number) => {
    const row = rows[index];
    if (row) onChange([row, ...rows.filter((_, at) => at !== index)]);
  };
  const full = rows.length >= CONTACT_LIMITS.points;
  const listError = errors[kind] !== undefined && !Object.keys(errors).some((key) => key.startsWith(`${kind}.`)) ? errors[kind] : undefined;

  return (
    <fieldset className="points">
      <legend>{kind === 'phones' ? 'Phone numbers' : 'Email addresses'}</legend>
      <ul className="points__list">
        {rows.map((row, index) => {
          const name = index === 0 ? noun.one : `${noun.one} ${index + 1}`;
          const valueId = `${baseId}-${row.key}`;
          const valueError = errors[`${kind}.${index}.value`];
          const labelError = errors[`${kind}.${index}.label`];
          const errorId = `${valueId}-error`;
          return (
            <li key={row.key} className={`points__row${valueError || labelError ? ' field--invalid' : ''}`}>
              <select
                className="points__label"
                aria-label={`${name} label`}
                value={row.label}
                onChange={(event) => update(index, { label: event.target.value })}
              >
                {POINT_LABELS.map((label) => (
                  <option key={label} value={label}>
                    {POINT_LABEL_NAMES[label]}
                  </option>
                ))}
                <option value={CUSTOM}>Custom…</option>
              </select>
              {row.label === CUSTOM ? (
                <input
                  className="points__custom"
                  aria-label={`${name} custom label`}
                  value={row.custom}
                  maxLength={CONTACT_LIMITS.pointLabel}
                  placeholder="Label"
                  onChange={(event) => update(index, { custom: event.target.value })}
                />
              ) : null}
              <input
                id={valueId}
                className="points__value"
                aria-label={name}
                type={noun.type}
                inputMode={noun.type}
                autoComplete="off"
                value={row.value}
                aria-invalid={valueError || labelError ? true : undefined}
                aria-describedby={valueError || labelError ? errorId : undefined}
                onChange={(event) => update(index, { value: event.target.value })}
              />
              <span className="points__buttons">
                {index === 0 ? (
                  rows.length > 1 ? <span className="points__primary">Primary</span> : null
                ) : (
                  <button type="button" className="button button--ghost button--small" aria-label={`Make ${name} primary`} onClick={() => makePrimary(index)}>
                    Make primary
                  </button>
                )}
                <button type="button" className="button button--ghost button--small" aria-label={`Remove ${name}`} onClick={() => remove(index)}>
                  Remove
                </button>
              </span>
              {valueError || labelError ? (
                <p className="field__error points__error" id={errorId}>
                  {valueError ?? labelError}
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
      {listError ? <p className="field__error">{listError}</p> : null}
      <button type="button" className="button button--small" disabled={full} onClick={() => onChange([...rows, pointDraft({ label: defaultLabel, value: '' }, nextKey(rows))])}>
        + {noun.add}
      </button>
      {full ? <p className="field__hint">At most {CONTACT_LIMITS.points}.</p> : null}
    </fieldset>
  );
}
