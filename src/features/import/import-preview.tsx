import { useState, type ReactNode } from 'react';
import type { ImportMatch, ImportPreview, MatchChoice } from './import-protocol';

/** Matches listed at first, and how many more each "Show more" adds (a select per row: keep the page light). */
const MATCHES_SHOWN = 25;
const MATCHES_MORE = 200;
const PROBLEMS_SHOWN = 20;

const CHOICE_LABELS: Readonly<Record<MatchChoice, string>> = {
  merge: 'Merge',
  skip: 'Skip',
  new: 'Import as new',
};
const CHOICES = ['merge', 'skip', 'new'] as const;

const n = (value: number) => value.toLocaleString('en-US');

/** What the file holds, before anything is written: counts, rows that cannot be imported, and people already in the list. */
export function ImportPreviewView(props: {
  readonly preview: ImportPreview;
  readonly choice: MatchChoice;
  readonly onChoice: (choice: MatchChoice) => void;
  readonly overrides: ReadonlyMap<number, MatchChoice>;
  readonly onOverride: (row: number, choice: MatchChoice) => void;
  /** Shown between the counts and the details (the column mapper of a sheet nobody recognised). */
  readonly afterSummary?: ReactNode;
}) {
  const { preview } = props;
  const problemCount = preview.problems.length + preview.moreProblems;
  return (
    <>
      <div className="card import__summary">
        <h2>
          {preview.fileName}
          {preview.format !== preview.fileName ? <span className="subtle"> · {preview.format}</span> : null}
        </h2>
        <dl className="import__stats">
          <Stat label="Found" value={preview.found} />
          <Stat label="New" value={preview.newCount} />
          <Stat label="Already in your list" value={preview.matchCount} />
          <Stat label="Repeated in the file" value={preview.repeatCount} />
          <Stat label="Cannot be imported" value={problemCount} warn />
        </dl>
        {preview.repeatCount > 0 ? <p className="hint">Rows that repeat a person earlier in the file are merged into that first row.</p> : null}
        {preview.samples.length > 0 ? (
          <ul className="import__samples" aria-label="First contacts in the file">
            {preview.samples.map((sample, index) => (
              <li key={index}>
                <strong>{sample.name}</strong>
                {sample.detail ? <span className="subtle"> {sample.detail}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
        {preview.importable === 0 ? (
          <p className="form__error" role="alert">
            No contact in this file can be imported{problemCount > 0 ? ': see the problems below' : ''}.
          </p>
        ) : null}
      </div>
      {props.afterSummary}
      {problemCount > 0 ? <Problems preview={preview} /> : null}
      {preview.matches.length > 0 ? <Matches {...props} /> : null}
    </>
  );
}

function Stat({ label, value, warn = false }: { readonly label: string; readonly value: number; readonly warn?: boolean }) {
  return (
    <div className={`import__stat${warn && value > 0 ? ' import__stat--warn' : ''}`}>
      <dt>{label}</dt>
      <dd className="import__stat-value">{n(value)}</dd>
    </div>
  );
}

function Problems({ preview }: { readonly preview: ImportPreview }) {
  const [all, setAll] = useState(false);
  const total = preview.problems.length + preview.moreProblems;
  const shown = all ? preview.problems : preview.problems.slice(0, PROBLEMS_SHOWN);
  return (
    <div className="card import__problems" role="region" aria-labelledby="import-problems-title">
      <h2 id="import-problems-title">
        {n(total)} row{total === 1 ? '' : 's'} cannot be imported
      </h2>
      <p className="hint">They will be skipped. Fix them in the file and import it again to add them later.</p>
      <ul>
        {shown.map((problem, index) => (
          <li key={`${problem.line}-${index}`}>
            <strong>Line {n(problem.line)}:</strong> {problem.message}
          </li>
        ))}
      </ul>
      {!all && preview.problems.length > shown.length ? (
        <button type="button" className="button button--ghost" onClick={() => setAll(true)}>
          Show all {n(preview.problems.length)}
        </button>
      ) : null}
      {all && preview.moreProblems > 0 ? <p className="hint">…and {n(preview.moreProblems)} more.</p> : null}
    </div>
  );
}

function Matches(props: {
  readonly preview: ImportPreview;
  readonly choice: MatchChoice;
  readonly onChoice: (choice: MatchChoice) => void;
  readonly overrides: ReadonlyMap<number, MatchChoice>;
  readonly onOverride: (row: number, choice: MatchChoice) => void;
}) {
  const [limit, setLimit] = useState(MATCHES_SHOWN);
  const { matches } = props.preview;
  const shown = matches.slice(0, limit);
  return (
    <div className="card import__matches" role="region" aria-labelledby="import-matches-title">
      <h2 id="import-matches-title">
        {n(matches.length)} already in your list
      </h2>
      <div className="field">
        <label htmlFor="import-match-all">For all of them</label>
        <select id="import-match-all" value={props.choice} onChange={(event) => props.onChoice(event.target.value as MatchChoice)}>
          {CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {CHOICE_LABELS[choice]}
              {choice === 'merge' ? ' (recommended)' : ''}
            </option>
          ))}
        </select>
        <p className="field__hint">Merge adds what the file knows (phone numbers, emails, tags, notes) to the contact you have; nothing already there is overwritten.</p>
      </div>
      <ul className="import__match-list">
        {shown.map((match) => (
          <MatchRow key={match.row} match={match} value={props.overrides.get(match.row) ?? props.choice} onChange={(choice) => props.onOverride(match.row, choice)} />
        ))}
      </ul>
      {matches.length > shown.length ? (
        <button type="button" className="button button--ghost" onClick={() => setLimit((current) => current + MATCHES_MORE)}>
          Show {n(Math.min(MATCHES_MORE, matches.length - shown.length))} more of {n(matches.length - shown.length)}
        </button>
      ) : null}
    </div>
  );
}

function MatchRow({ match, value, onChange }: { readonly match: ImportMatch; readonly value: MatchChoice; readonly onChange: (choice: MatchChoice) => void }) {
  const id = `import-match-${match.row}`;
  const by = match.by.map((reason) => (reason === 'phone' ? 'phone number' : 'email')).join(' and ');
  return (
    <li className="import__match">
      <div>
        <label htmlFor={id} className="import__match-name">
          {match.name || 'Unnamed'}
        </label>
        <p className="hint">
          Line {n(match.line)} · same {by} as {match.existingName || 'a contact'}
          {match.repeats > 0 ? ` · ${n(match.repeats)} more row${match.repeats === 1 ? '' : 's'} in the file` : ''}
        </p>
      </div>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as MatchChoice)}>
        {CHOICES.map((choice) => (
          <option key={choice} value={choice}>
            {CHOICE_LABELS[choice]}
          </option>
        ))}
      </select>
    </li>
  );
}
