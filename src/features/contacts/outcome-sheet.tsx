import { useEffect, useState } from 'react';
import { addDays, toDay } from '../../domain/dates';
import { OUTCOME_LABELS, OUTCOMES, type Outcome } from '../../domain/member-activity';
import { useAppServices, type PendingOutreach } from '../../hooks/app-services';
import { useContact } from '../../hooks/use-local-data';
import type { Contact } from '../../domain/contact';
import { useNotify } from '../../hooks/use-notify';
import { useStoreValue } from '../../hooks/use-store-value';
import { TextField } from '../../ui/field';
import { Sheet } from '../../ui/sheet';

/** Time away that counts as "went to the phone app": shorter returns are accidental taps. */
export const MIN_AWAY_MS = 1500;
/** A call or message started longer ago than this is not asked about any more. */
export const MAX_AWAY_MS = 30 * 60 * 1000;

const CHANNEL_WORDS: Readonly<Record<PendingOutreach['channel'], string>> = { call: 'the call with', text: 'the text to', whatsapp: 'the WhatsApp with' };
const FOLLOW_UPS = [
  { label: 'Tomorrow', days: 1 },
  { label: 'In 3 days', days: 3 },
  { label: 'Next week', days: 7 },
] as const;

/**
 * After a call or message, when the app becomes visible again, one tap logs how it went and sets the
 * next follow-up. Mounted once at the app root; it listens for the return itself.
 */
export function OutcomeSheet() {
  const { platform, pendingOutreach } = useAppServices();
  const pending = useStoreValue(pendingOutreach);
  const [open, setOpen] = useState(false);

  useEffect(
    () =>
      platform.onReturn(() => {
        const current = pendingOutreach.getSnapshot();
        if (current === null) return;
        const away = platform.now() - current.startedAt;
        if (away >= MIN_AWAY_MS && away <= MAX_AWAY_MS) setOpen(true);
        // Back at once (an accidental tap, or no phone app) or hours later: nothing to ask about.
        else pendingOutreach.set(null);
      }),
    [platform, pendingOutreach],
  );

  if (!open || pending === null) return null;
  const close = () => {
    pendingOutreach.set(null);
    setOpen(false);
  };
  return <OutcomeLoader pending={pending} onDone={close} />;
}

/** Waits for the contact, so the form starts from its current follow-up rather than "none". */
function OutcomeLoader({ pending, onDone }: { readonly pending: PendingOutreach; readonly onDone: () => void }) {
  const contact = useContact(pending.contactId);
  useEffect(() => {
    if (contact === null) onDone();
  }, [contact, onDone]);
  if (!contact) return null;
  return <OutcomeForm pending={pending} contact={contact} onDone={onDone} />;
}

function OutcomeForm({ pending, contact, onDone }: { readonly pending: PendingOutreach; readonly contact: Contact; readonly onDone: () => void }) {
  const { store, platform } = useAppServices();
  const notify = useNotify();
  const today = toDay(new Date(platform.now()));
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [followUp, setFollowUp] = useState<string>(contact.next_follow_up_on !== null && contact.next_follow_up_on > today ? contact.next_follow_up_on : '');
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    const result = await store.logOutreach(pending.contactId, pending.channel, outcome, followUp === '' ? null : followUp, pending.templateName);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    notify(outcome ? `Logged: ${OUTCOME_LABELS[outcome]}` : 'Logged');
    onDone();
  };

  const name = contact.first_name;
  return (
    <Sheet title={`How did ${CHANNEL_WORDS[pending.channel]} ${name} go?`} onClose={onDone}>
      <fieldset className="choice-group">
        <legend>Outcome</legend>
        {OUTCOMES.map((value) => (
          <button key={value} type="button" className="chip" aria-pressed={outcome === value} onClick={() => setOutcome(value)}>
            {OUTCOME_LABELS[value][0]?.toUpperCase()}
            {OUTCOME_LABELS[value].slice(1)}
          </button>
        ))}
      </fieldset>
      <fieldset className="choice-group">
        <legend>Next follow-up</legend>
        {FOLLOW_UPS.map(({ label, days }) => {
          const day = addDays(today, days);
          return (
            <button key={label} type="button" className="chip" aria-pressed={followUp === day} onClick={() => setFollowUp(day)}>
              {label}
            </button>
          );
        })}
        <button type="button" className="chip" aria-pressed={followUp === ''} onClick={() => setFollowUp('')}>
          None
        </button>
      </fieldset>
      <TextField label="Follow-up date" name="follow_up" type="date" value={followUp} onChange={setFollowUp} />
      {error ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="form__actions">
        <button type="button" className="button button--ghost" onClick={onDone}>
          Skip
        </button>
        <button type="button" className="button button--primary" onClick={() => void save()}>
          Save
        </button>
      </div>
    </Sheet>
  );
}
