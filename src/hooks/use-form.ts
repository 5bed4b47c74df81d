import { useCallback, useRef, useState, type FormEvent } from 'react';
import type { FieldErrors } from '../domain/form-errors';
import type { Result } from '../shared/result';
import { useDirtyForm } from './use-dirty-form';

type FormOptions<D, O> = {
  readonly initial: D;
  readonly validate: (draft: D) => Result<O, FieldErrors>;
  /** Saves a valid value; returns a message when saving failed (the draft is kept). */
  readonly save: (value: O) => Promise<string | null>;
  /** Clears the form after a successful save (quick add, ready for the next one). */
  readonly resetOnSave?: boolean;
};

/**
 * A form's draft, its inline errors and its submit. Invalid input shows messages beside the fields and
 * nothing typed is cleared; a failed save shows the reason above the form. While the draft differs
 * from what it started as, the form counts as dirty, which holds back the "Update available" prompt.
 */
export function useForm<D extends object, O>({ initial, validate, save, resetOnSave = false }: FormOptions<D, O>) {
  const [draft, setDraft] = useState(initial);
  // What the form last matched in storage: the opening values, then each saved draft.
  const [baseline, setBaseline] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const inFlight = useRef(false);
  useDirtyForm(JSON.stringify(draft) !== JSON.stringify(baseline) && !saving);

  const set = useCallback(<K extends keyof D>(key: K) => (value: D[K]) => setDraft((current) => ({ ...current, [key]: value })), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (inFlight.current) return; // a double tap or double Enter saves once
    const result = validate(draft);
    if (!result.ok) {
      setErrors(result.error);
      return;
    }
    setErrors({});
    setSaving(true);
    inFlight.current = true;
    const failure = await save(result.value).finally(() => {
      inFlight.current = false;
    });
    setSaving(false);
    if (failure !== null) setErrors({ form: failure });
    else if (resetOnSave) setDraft(baseline);
    else setBaseline(draft);
  };

  return { draft, set, setDraft, errors, saving, submit };
}
