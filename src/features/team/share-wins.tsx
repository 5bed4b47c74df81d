import { useId, useState, type FormEvent } from 'react';
import { WIN_KIND_EXAMPLES, WIN_KIND_LABELS } from '../../domain/team-feed';
import { WIN_KINDS, type WinKind } from '../../domain/team-feed-schema';
import './team-feed.css';

/*
 * Which kinds of win the member's team sees: asked once (ShareWinsQuestion, nothing checked until the
 * member says so) and changed any time in Settings (ShareWinsSettings). Presentational: the caller
 * decides when to ask and saves through onSave.
 */

export type ShareWinsProps = {
  readonly current: readonly WinKind[];
  /** Resolves an error sentence to show inline, or null once saved. */
  readonly onSave: (kinds: readonly WinKind[]) => Promise<string | null>;
};

export const SHARE_WINS_NEVER_WHO = 'Your team sees that you enrolled a new customer, never who.';
const CHOOSE_ONE = 'Tick at least one kind of win, or choose Not now.';

/** The chosen kinds in WIN_KINDS order, whatever order they were ticked in. */
const inOrder = (kinds: ReadonlySet<WinKind>): readonly WinKind[] => WIN_KINDS.filter((kind) => kinds.has(kind));

function KindChecks(props: { readonly checked: ReadonlySet<WinKind>; readonly disabled: boolean; readonly onToggle: (kind: WinKind, on: boolean) => void }) {
  return (
    <>
      {WIN_KINDS.map((kind) => (
        <label key={kind} className="check">
          <input type="checkbox" name="kinds" value={kind} checked={props.checked.has(kind)} disabled={props.disabled} onChange={(event) => props.onToggle(kind, event.target.checked)} />
          <span>
            {WIN_KIND_LABELS[kind]}
            <span className="hint">For example {WIN_KIND_EXAMPLES[kind]}</span>
          </span>
        </label>
      ))}
    </>
  );
}

function useKinds(current: readonly WinKind[]) {
  const [checked, setChecked] = useState<ReadonlySet<WinKind>>(() => new Set(current));
  const toggle = (kind: WinKind, on: boolean) =>
    setChecked((before) => {
      const next = new Set(before);
      if (on) next.add(kind);
      else next.delete(kind);
      return next;
    });
  return [checked, toggle] as const;
}

/** The one-time question, on the Team screen. */
export function ShareWinsQuestion({ current, onSave }: ShareWinsProps) {
  const id = useId();
  const [checked, toggle] = useKinds(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (kinds: readonly WinKind[]) => {
    setBusy(true);
    setError(null);
    const problem = await onSave(kinds);
    setBusy(false);
    if (problem !== null) setError(problem);
  };

  const share = () => {
    const kinds = inOrder(checked);
    if (kinds.length === 0) return setError(CHOOSE_ONE);
    void save(kinds);
  };

  return (
    <section className="card share-wins" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Share your wins with your team?</h2>
      <p>
        The people on your team can see the wins you choose, and cheer you on. {SHARE_WINS_NEVER_WHO} Nothing about your contacts, notes or messages is
        ever shared.
      </p>
      <fieldset className="share-wins__kinds">
        <legend>Wins your team sees</legend>
        <KindChecks
          checked={checked}
          disabled={busy}
          onToggle={(kind, on) => {
            setError(null);
            toggle(kind, on);
          }}
        />
      </fieldset>
      {error !== null ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="form__actions form__actions--start">
        <button type="button" className="button button--primary" disabled={busy} onClick={share}>
          Share these
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void save([])}>
          Not now
        </button>
      </div>
      <p className="hint">You can change this any time in Settings.</p>
    </section>
  );
}

/** The same choice in Settings. */
export function ShareWinsSettings({ current, onSave }: ShareWinsProps) {
  const [checked, toggle] = useKinds(current);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ readonly ok: true } | { readonly ok: false; readonly error: string } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setOutcome(null);
    const problem = await onSave(inOrder(checked));
    setBusy(false);
    setOutcome(problem === null ? { ok: true } : { ok: false, error: problem });
  };

  return (
    <form className="share-wins" onSubmit={(event) => void submit(event)} noValidate>
      <fieldset className="share-wins__kinds">
        <legend>Wins your team sees</legend>
        <p className="hint">{SHARE_WINS_NEVER_WHO} Leave them all unticked to share nothing.</p>
        <KindChecks
          checked={checked}
          disabled={busy}
          onToggle={(kind, on) => {
            setOutcome(null);
            toggle(kind, on);
          }}
        />
      </fieldset>
      <div className="form__actions form__actions--start">
        <button type="submit" className="button button--primary" disabled={busy}>
          Save
        </button>
      </div>
      <div aria-live="polite">{outcome?.ok === true ? <p className="share-wins__saved">Saved.</p> : null}</div>
      {outcome?.ok === false ? (
        <p className="form__error" role="alert">
          {outcome.error}
        </p>
      ) : null}
    </form>
  );
}
