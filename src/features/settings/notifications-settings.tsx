import { useEffect, useState, type FormEvent } from 'react';
import type { DigestSettings, PushPreferences } from '../../domain/notification-preferences';
import { useAppServices, type NotificationsPort } from '../../hooks/app-services';
import { useNotifications } from '../../hooks/use-notifications';
import { useStoreValue } from '../../hooks/use-store-value';
import { SelectField } from '../../ui/field';
import './notifications-settings.css';

/*
 * Notifications in Settings: push on this device (turned on from a tap, never asked on load), what it
 * tells about and when (the daily reminder's hour, quiet hours), and the daily digest email. Reads the
 * device's cache; every change goes to the server and says so inline when it cannot.
 */

const SUPPORT_TEXT = {
  'ios-needs-home-screen': [
    'On iPhone and iPad, notifications work for Fieldbook added to the Home Screen (iOS 16.4 or later):',
    'Tap the Share button, then “Add to Home Screen”.',
    'Open Fieldbook from the Home Screen and turn notifications on here.',
  ],
  denied: ['Notifications are blocked for Fieldbook in this browser’s settings. Allow them there (site settings, Notifications), then come back.'],
  unsupported: ['This browser cannot show notifications from Fieldbook. The app icon badge and the daily email still work.'],
} as const;

const OFFLINE = 'You are offline. Notifications are set on the server: connect to change them.';

const HOURS = Array.from({ length: 24 }, (_, hour) => ({ value: String(hour), label: `${String(hour).padStart(2, '0')}:00` }));

const KINDS: readonly { readonly key: 'follow_ups' | 'hot_leads' | 'team' | 'sync_problems'; readonly label: string; readonly hint: string }[] = [
  { key: 'follow_ups', label: 'Follow-ups due', hint: 'Once a day: “3 follow-ups today: Jane, Marcus and 1 more”.' },
  { key: 'hot_leads', label: 'Hot leads', hint: 'When a person (not a link preview) opens a link you sent.' },
  { key: 'team', label: 'Your team', hint: 'A comment on your win, a new member in your downline.' },
  { key: 'sync_problems', label: 'Changes to review', hint: 'When changes the server refused have waited a day.' },
];

export function NotificationsSettings({ notifications }: { readonly notifications: NotificationsPort }) {
  const { sync } = useAppServices();
  const offline = useStoreValue(sync).network === 'offline';
  const cached = useNotifications();
  const support = notifications.support();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!offline) void notifications.refresh();
  }, [notifications, offline]);

  const act = async (run: () => Promise<{ ok: boolean; error?: string }>) => {
    setBusy(true);
    setError(null);
    const answer = await run();
    setBusy(false);
    if (!answer.ok) setError(answer.error ?? 'That did not work. Try again.');
  };

  const device = cached?.device ?? null;
  return (
    <section className="card notifications" aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notifications</h2>
      {support !== 'supported' && device === null ? (
        <SupportNote support={support} />
      ) : device === null ? (
        <>
          <p>Get the day’s follow-ups as a reminder, hear when a person opens a link you sent, and when your team comments on your wins. You choose what and when.</p>
          <div className="form__actions form__actions--start">
            <button type="button" className="button button--primary" disabled={busy || offline} onClick={() => void act(notifications.enable)}>
              {busy ? 'Turning on…' : 'Turn on notifications on this device'}
            </button>
          </div>
        </>
      ) : (
        <PreferencesForm preferences={device.preferences} offline={offline} notifications={notifications} onTurnOff={() => void act(notifications.disable)} busy={busy} />
      )}
      {offline ? <p className="subtle">{OFFLINE}</p> : null}
      {error !== null ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
      <p className="subtle">Where the device supports it, the app icon shows how many follow-ups are due today.</p>
      {/* Mounted once the server has answered (or offline, from the cache), then kept: a save must not reset it. */}
      {cached && (cached.refreshedAt !== null || offline) ? (
        <DigestForm digest={cached.digest ?? { digest_enabled: false, digest_hour: 7 }} offline={offline} notifications={notifications} />
      ) : null}
    </section>
  );
}

function SupportNote({ support }: { readonly support: Exclude<ReturnType<NotificationsPort['support']>, 'supported'> }) {
  const [first, ...steps] = SUPPORT_TEXT[support];
  return (
    <div className="notifications__support">
      <p>{first}</p>
      {steps.length > 0 ? (
        <ol>
          {steps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}

function PreferencesForm(props: {
  readonly preferences: PushPreferences;
  readonly offline: boolean;
  readonly busy: boolean;
  readonly notifications: NotificationsPort;
  readonly onTurnOff: () => void;
}) {
  const [draft, setDraft] = useState(props.preferences);
  const { saving, submit, outcome } = useSave(() => props.notifications.savePreferences(draft));
  const set = <K extends keyof PushPreferences>(key: K, value: PushPreferences[K]) => setDraft((before) => ({ ...before, [key]: value }));
  const quiet = draft.quiet_start === draft.quiet_end ? 'No quiet hours.' : `Nothing arrives from ${HOURS[draft.quiet_start]?.label} to ${HOURS[draft.quiet_end]?.label}; it waits until then.`;
  return (
    <form className="form notifications__form" onSubmit={(event) => void submit(event)} noValidate>
      <p className="notifications__on">
        <span aria-hidden="true">✓ </span>On for this device.
      </p>
      <fieldset className="notifications__kinds">
        <legend>Tell me about</legend>
        {KINDS.map((kind) => (
          <label key={kind.key} className="check">
            <input type="checkbox" checked={draft[kind.key]} onChange={(event) => set(kind.key, event.target.checked)} />
            <span>
              {kind.label}
              <span className="hint">{kind.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="form__row">
        <SelectField label="Daily reminder at" name="reminder_hour" value={String(draft.reminder_hour)} options={HOURS} onChange={(value) => set('reminder_hour', Number(value))} />
      </div>
      <fieldset className="notifications__quiet">
        <legend>Quiet hours</legend>
        <div className="form__row">
          <SelectField label="From" name="quiet_start" value={String(draft.quiet_start)} options={HOURS} onChange={(value) => set('quiet_start', Number(value))} />
          <SelectField label="Until" name="quiet_end" value={String(draft.quiet_end)} options={HOURS} onChange={(value) => set('quiet_end', Number(value))} />
        </div>
        <p className="field__hint">{quiet} Times are in this device’s time zone.</p>
      </fieldset>
      <div className="form__actions form__actions--start">
        <button type="submit" className="button button--primary" disabled={saving || props.offline}>
          {saving ? 'Saving…' : 'Save notifications'}
        </button>
        <button type="button" className="button" disabled={props.busy || props.offline} onClick={props.onTurnOff}>
          Turn off on this device
        </button>
      </div>
      {outcome}
    </form>
  );
}

/** A form's save to the server: saving while it runs, then "Saved." or the reason inline. */
function useSave(save: () => Promise<{ readonly ok: true } | { readonly ok: false; readonly error: string }>) {
  const [answer, setAnswer] = useState<{ readonly ok: true } | { readonly ok: false; readonly error: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setAnswer(await save());
    setSaving(false);
  };
  const outcome =
    answer === null ? null : answer.ok ? (
      <p className="notifications__saved">Saved.</p>
    ) : (
      <p className="form__error" role="alert">
        {answer.error}
      </p>
    );
  return { saving, submit, outcome };
}

function DigestForm(props: { readonly digest: DigestSettings; readonly offline: boolean; readonly notifications: NotificationsPort }) {
  const [draft, setDraft] = useState(props.digest);
  const { saving, submit, outcome } = useSave(() => props.notifications.saveDigest(draft));
  return (
    <form className="form notifications__digest" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="digest-title">
      <h3 id="digest-title">Daily email</h3>
      <label className="check">
        <input type="checkbox" checked={draft.digest_enabled} onChange={(event) => setDraft({ ...draft, digest_enabled: event.target.checked })} />
        <span>
          Email me a daily digest
          <span className="hint">Yesterday’s activity and today’s follow-ups, to the address you sign in with.</span>
        </span>
      </label>
      {draft.digest_enabled ? (
        <div className="form__row">
          <SelectField label="Send it at" name="digest_hour" value={String(draft.digest_hour)} options={HOURS} onChange={(value) => setDraft({ ...draft, digest_hour: Number(value) })} />
        </div>
      ) : null}
      <div className="form__actions form__actions--start">
        <button type="submit" className="button" disabled={saving || props.offline}>
          {saving ? 'Saving…' : 'Save daily email'}
        </button>
      </div>
      {outcome}
    </form>
  );
}
