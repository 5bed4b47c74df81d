import { useState, type FormEvent } from 'react';
import { useAppServices, type AccountPort, type AuthResult } from '../../hooks/app-services';
import { usePendingCount } from '../../hooks/use-pending-count';
import { useSyncStatus } from '../../hooks/use-sync-status';
import { MESSAGES } from '../../domain/limit-messages';
import { LIMITS } from '../../domain/limits';
import { TextField } from '../../ui/field';
import { FormError } from '../../ui/form-error';

type Step = { readonly kind: 'form' } | { readonly kind: 'code-sent'; readonly email: string } | { readonly kind: 'move'; readonly contacts: number; readonly userId: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function SignInForm({ account }: { readonly account: AccountPort }) {
  const { platform } = useAppServices();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [step, setStep] = useState<Step>({ kind: 'form' });

  const finish = async (userId: string | null) => {
    // Signed in: offer to bring this device's local-only contacts into the account first.
    const contacts = await account.localWorkspaceContacts();
    if (contacts > 0 && userId) setStep({ kind: 'move', contacts, userId });
    else platform.reload();
  };

  const run = async (action: () => Promise<AuthResult>, onOk: (userId: string | null) => Promise<void> | void) => {
    setBusy(true);
    const result = await action();
    setBusy(false);
    if (!result.ok) setErrors({ form: result.message });
    else await onOk(result.userId);
  };

  const checkEmail = () => (EMAIL.test(email.trim()) ? null : 'Enter your email address, like name@example.com.');

  const submitPassword = (mode: 'in' | 'up') => (event?: FormEvent) => {
    event?.preventDefault();
    const next: Record<string, string> = {};
    const emailError = checkEmail();
    if (emailError) next['email'] = emailError;
    if (password.length < LIMITS.password.min || password.length > LIMITS.password.max) next['password'] = MESSAGES.password;
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    void run(() => (mode === 'in' ? account.signIn(email.trim(), password) : account.signUp(email.trim(), password)), finish);
  };

  const sendCode = () => {
    const emailError = checkEmail();
    setErrors(emailError ? { email: emailError } : {});
    if (emailError) return;
    void run(() => account.sendCode(email.trim()), () => setStep({ kind: 'code-sent', email: email.trim() }));
  };

  if (step.kind === 'move')
    return (
      <section className="card" aria-labelledby="move-title">
        <h2 id="move-title">Bring your contacts along?</h2>
        <p>
          This device has {step.contacts.toLocaleString('en')} {step.contacts === 1 ? 'contact' : 'contacts'} saved before you signed in. Move them into
          your account so they sync to your other devices?
        </p>
        <FormError message={errors['form']} />
        <div className="form__actions form__actions--start">
          <button
            type="button"
            className="button button--primary"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              account.moveLocalWorkspace(step.userId).then(
                () => platform.reload(),
                (error: unknown) => {
                  setBusy(false);
                  setErrors({ form: `Moving failed: ${String(error)}. Nothing was lost; try again.` });
                },
              );
            }}
          >
            Move them
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => platform.reload()}>
            Keep them on this device only
          </button>
        </div>
      </section>
    );

  if (step.kind === 'code-sent')
    return (
      <form
        className="form card"
        noValidate
        aria-labelledby="code-title"
        onSubmit={(event) => {
          event.preventDefault();
          if (!/^\d{6}$/.test(code.trim())) return setErrors({ code: 'Enter the 6-digit code from the email.' });
          void run(() => account.verifyCode(step.email, code), finish);
        }}
      >
        <h2 id="code-title">Check your email</h2>
        <p className="subtle">We sent a 6-digit code to {step.email}.</p>
        <FormError message={errors['form']} />
        <TextField label="Code" name="code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={setCode} error={errors['code']} />
        <div className="form__actions form__actions--start">
          <button type="submit" className="button button--primary" disabled={busy}>
            Sign in
          </button>
          <button type="button" className="button" onClick={() => setStep({ kind: 'form' })}>
            Back
          </button>
        </div>
      </form>
    );

  return (
    <form className="form card" noValidate aria-labelledby="signin-title" onSubmit={submitPassword('in')}>
      <h2 id="signin-title">Sign in to sync</h2>
      <p className="subtle">Your contacts stay on this device and sync to your other devices. Everything keeps working offline.</p>
      <FormError message={errors['form']} />
      <TextField label="Email" name="email" type="email" inputMode="email" autoComplete="email" value={email} onChange={setEmail} error={errors['email']} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={setPassword} error={errors['password']} />
      <div className="form__actions form__actions--start">
        <button type="submit" className="button button--primary" disabled={busy}>
          Sign in
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => submitPassword('up')()}>
          Create account
        </button>
        <button type="button" className="button button--link" disabled={busy} onClick={sendCode}>
          Email me a code instead
        </button>
      </div>
    </form>
  );
}

function SignedIn({ account }: { readonly account: AccountPort }) {
  const { platform } = useAppServices();
  const pending = usePendingCount() ?? 0;
  const { lastSyncedAt, rejectedCount } = useSyncStatus();
  const [confirming, setConfirming] = useState(false);
  const signOut = async () => {
    await account.signOut();
    platform.reload();
  };
  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <p>
        Signed in as <strong>{account.session?.email}</strong>.
      </p>
      <p className="subtle">
        {pending > 0 ? `${pending.toLocaleString('en')} ${pending === 1 ? 'change is' : 'changes are'} waiting to sync.` : 'Every change on this device is on the server.'}
        {lastSyncedAt !== null ? ` Last in step with the server at ${new Date(lastSyncedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.` : ''}
        {rejectedCount > 0 ? ` ${rejectedCount} refused ${rejectedCount === 1 ? 'change needs' : 'changes need'} review.` : ''}
      </p>
      {confirming ? (
        <div className="confirm" role="alert">
          <p>
            {pending.toLocaleString('en')} {pending === 1 ? 'change hasn’t' : 'changes haven’t'} synced yet. They stay on this device and sync the next time
            you sign in here.
          </p>
          <div className="form__actions form__actions--start">
            <button type="button" className="button button--danger" onClick={() => void signOut()}>
              Sign out anyway
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              Stay signed in
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button" onClick={() => (pending > 0 ? setConfirming(true) : void signOut())}>
          Sign out
        </button>
      )}
    </section>
  );
}

/** Sign up, sign in (password or email code), sign out. */
export function AccountScreen() {
  const { account } = useAppServices();
  const { auth } = useSyncStatus();
  return (
    <section className="screen" aria-labelledby="account-heading">
      <h1 id="account-heading">Account and sync</h1>
      {account === null ? (
        <div className="card">
          <p>Sync is not set up in this copy of Fieldbook: everything stays on this device.</p>
          <p className="subtle">To sync, build with VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY (see the README).</p>
        </div>
      ) : account.session && auth !== 'signed-out' ? (
        <SignedIn account={account} />
      ) : (
        <SignInForm account={account} />
      )}
    </section>
  );
}
