import type { DeviceSettings } from '../../domain/device-settings';
import { deviceSettingsSchema } from '../../domain/device-settings-schema';
import { validate } from '../../domain/form-errors';
import { memberProfileInputSchema, type MemberProfile, type MemberProfileInput } from '../../domain/member-profile';
import { useAppServices } from '../../hooks/app-services';
import { useProfile, useStoredDeviceSettings } from '../../hooks/use-local-data';
import { useShareWins } from '../../hooks/use-team-feed';
import { ShareWinsSettings } from '../team/share-wins';
import { NotificationsSettings } from './notifications-settings';
import { useForm } from '../../hooks/use-form';
import { FormError } from '../../ui/form-error';
import { useExportData } from '../../hooks/use-export-data';
import { useNotify } from '../../hooks/use-notify';
import { useNavigate } from '../../hooks/use-route';
import { TextField } from '../../ui/field';

function ProfileForm({ profile }: { readonly profile: MemberProfile | null }) {
  const { store } = useAppServices();
  const notify = useNotify();
  const initial = { full_name: profile?.full_name ?? '', company: profile?.company ?? '', phone: profile?.phone ?? '', timezone: profile?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone };
  const { draft, set, errors, saving, submit } = useForm({
    initial,
    validate: (value: typeof initial) => validate(memberProfileInputSchema, value),
    save: async (input: MemberProfileInput) => {
      const result = await store.saveProfile(input);
      if (!result.ok) return result.error.message;
      notify('Profile saved');
      return null;
    },
  });

  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby="profile-title">
      <h2 id="profile-title">Your profile</h2>
      <p className="subtle">Used in templates as {'{{my_name}}'}, {'{{my_company}}'} and {'{{my_phone}}'}.</p>
      <FormError message={errors['form']} />
      <div className="form__row">
        <TextField label="Your name" name="full_name" value={draft.full_name} onChange={set('full_name')} error={errors['full_name']} autoComplete="name" />
        <TextField label="Company" name="company" value={draft.company} onChange={set('company')} error={errors['company']} autoComplete="organization" />
      </div>
      <div className="form__row">
        <TextField label="Your phone" name="phone" type="tel" inputMode="tel" value={draft.phone} onChange={set('phone')} error={errors['phone']} autoComplete="tel" />
        <TextField label="Time zone" name="timezone" value={draft.timezone} onChange={set('timezone')} error={errors['timezone']} />
      </div>
      <div className="form__actions form__actions--start">
        <button type="submit" className="button button--primary" disabled={saving}>Save profile</button>
      </div>
    </form>
  );
}

function DeviceSettingsForm({ settings }: { readonly settings: DeviceSettings }) {
  const { store } = useAppServices();
  const notify = useNotify();
  const initial = { feed_size: String(settings.feed_size), batching_delay_ms: String(settings.batching_delay_ms), quiet_days: String(settings.quiet_days), country_code: settings.country_code };
  const { draft, set, errors, saving, submit } = useForm({
    initial,
    validate: (value: typeof initial) => validate(deviceSettingsSchema, value),
    save: async (input: DeviceSettings) => {
      const result = await store.saveSettings(input);
      if (!result.ok) return result.error.message;
      notify('Settings saved');
      return null;
    },
  });

  return (
    <form className="form card" onSubmit={submit} noValidate aria-labelledby="device-title">
      <h2 id="device-title">This device</h2>
      <FormError message={errors['form']} />
      <div className="form__row">
        <TextField label="Activities in the feed" name="feed_size" type="number" inputMode="numeric" value={draft.feed_size} onChange={set('feed_size')} error={errors['feed_size']} />
        <TextField label="Gone quiet after (days)" name="quiet_days" type="number" inputMode="numeric" value={draft.quiet_days} onChange={set('quiet_days')} error={errors['quiet_days']} />
      </div>
      <div className="form__row">
        <TextField label="Batching delay (ms)" name="batching_delay_ms" type="number" inputMode="numeric" value={draft.batching_delay_ms} onChange={set('batching_delay_ms')} error={errors['batching_delay_ms']} hint="How long incoming changes are gathered before the screen updates." />
        <TextField label="Default country calling code" name="country_code" inputMode="numeric" value={draft.country_code} onChange={set('country_code')} error={errors['country_code']} hint="Used for WhatsApp links when a number has no +." />
      </div>
      <div className="form__actions form__actions--start">
        <button type="submit" className="button button--primary" disabled={saving}>Save settings</button>
      </div>
    </form>
  );
}

/** Profile, device preferences, data export, and the way to the dev panel. */
export function SettingsScreen() {
  const profile = useProfile();
  const settings = useStoredDeviceSettings();
  const navigate = useNavigate();
  const exportData = useExportData();
  const { account, team, notifications } = useAppServices();
  return (
    <section className="screen" aria-labelledby="settings-title">
      <div className="screen__header">
        <h1 id="settings-title">Settings</h1>
      </div>
      {/* Forms mount once their data has loaded and are not remounted by later saves (which would drop typing). */}
      {profile === undefined ? <p className="loading">Loading…</p> : <ProfileForm profile={profile} />}
      {settings === undefined ? null : <DeviceSettingsForm settings={settings} />}
      <section className="card" aria-labelledby="sync-title">
        <h2 id="sync-title">Account and sync</h2>
        <p>
          {account === null
            ? 'Sync is not set up in this copy of Fieldbook. Everything you add is saved on this device and works offline.'
            : account.session
              ? `Signed in as ${account.session.email}. Your changes sync to your other devices.`
              : 'Everything you add is saved on this device. Sign in to sync it with your other devices.'}
        </p>
        {account !== null ? (
          <div className="form__actions form__actions--start">
            <button type="button" className="button" onClick={() => navigate('/account')}>{account.session ? 'Manage account' : 'Sign in or create an account'}</button>
          </div>
        ) : null}
      </section>
      {notifications ? <NotificationsSettings notifications={notifications} /> : null}
      {team ? <TeamSharing /> : null}
      <section className="card" aria-labelledby="data-title">
        <h2 id="data-title">Your data</h2>
        <p className="subtle">Download everything stored on this device, including changes waiting to sync.</p>
        <div className="form__actions form__actions--start">
          <button type="button" className="button" onClick={() => void exportData()}>Export data (JSON)</button>
          <button type="button" className="button button--ghost" onClick={() => navigate('/dev')}>Open diagnostics</button>
        </div>
      </section>
    </section>
  );
}

/** Which wins the team sees (the same choice as the question the team feed asks once). */
function TeamSharing() {
  const { store } = useAppServices();
  const share = useShareWins();
  return (
    <section className="card" aria-labelledby="team-sharing-title">
      <h2 id="team-sharing-title">Team sharing</h2>
      {share === undefined ? null : (
        <ShareWinsSettings
          // A choice that arrives from another device while this screen is open replaces the form's.
          key={share.kinds.join(',')}
          current={share.kinds}
          onSave={async (kinds) => {
            const result = await store.saveShareWins(kinds);
            return result.ok ? null : result.error.message;
          }}
        />
      )}
    </section>
  );
}
