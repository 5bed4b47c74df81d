import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncBanner } from '../../src/app/sync-banner';
import type { SyncedTable } from '../../src/domain/synced-table';
import { AccountScreen } from '../../src/features/account/account-screen';
import { SyncReviewScreen } from '../../src/features/sync/sync-review-screen';
import { AppServicesContext, type AccountPort, type AuthResult, type SyncPort } from '../../src/hooks/app-services';
import { useMultipleRealtimeSubscriptions } from '../../src/hooks/use-realtime-subscription';
import { createStore } from '../../src/shared/subscribable';
import type { ConvergenceReport } from '../../src/sync/engine';
import type { Command } from '../../src/sync/leader';
import { LOCAL_ONLY_STATUS } from '../../src/sync/local-only';
import type { SyncStatus } from '../../src/sync/status';
import { createHarness, type Harness } from '../support/render-with-services';
import { contactInput } from '../support/test-store';

const SIGNED_IN: SyncStatus = { ...LOCAL_ONLY_STATUS, auth: 'signed-in', realtime: 'subscribed', lastSyncedAt: null };

/** A sync port the test drives: set the status, see the commands, fire remote changes. */
function fakeSync(initial: SyncStatus = SIGNED_IN) {
  const status = createStore(initial);
  const commands: Command[] = [];
  const listeners = new Set<(tables: readonly SyncedTable[]) => void>();
  const retried: string[] = [];
  const discarded: string[] = [];
  const port: SyncPort = {
    subscribe: status.subscribe,
    getSnapshot: status.getSnapshot,
    command: (command) => void commands.push(command),
    convergence: createStore<ConvergenceReport | null>(null),
    onRemoteChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    retryRejected: (id) => Promise.resolve(void retried.push(id)),
    discardRejected: (id) => Promise.resolve(void discarded.push(id)),
  };
  return { port, status, commands, listeners, retried, discarded, remote: (tables: readonly SyncedTable[]) => listeners.forEach((listener) => listener(tables)) };
}

let harness: Harness;
afterEach(async () => harness?.db.delete());

async function mount(ui: React.ReactElement, overrides: { sync?: SyncPort; account?: AccountPort | null } = {}) {
  harness = await createHarness();
  const services = { ...harness.services, ...overrides };
  return render(<AppServicesContext.Provider value={services}>{ui}</AppServicesContext.Provider>);
}

describe('sync banners (driven by the one status object)', () => {
  it('offline shows the pending count; reconnecting counts down and Try now retries; back online says so', async () => {
    const sync = fakeSync({ ...SIGNED_IN, network: 'offline', pendingCount: 3 });
    await mount(<SyncBanner />, { sync: sync.port });
    expect(screen.getByText('Offline: changes are saved on this device (3 waiting).')).toBeTruthy();

    act(() => sync.status.set({ ...SIGNED_IN, network: 'online', realtime: 'reconnecting', pendingCount: 3, nextRetryAt: harness.clock.now() + 12_000 }));
    expect(screen.getByText('Reconnecting… retry in 12 s')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Try now' }));
    expect(sync.commands).toEqual(['try-now']);

    act(() => sync.status.set({ ...SIGNED_IN, pendingCount: 0 }));
    expect(screen.getByText('Back online.')).toBeTruthy();
  });

  it('rejected changes raise an alert with a way to review them; an expired sign-in asks to sign in again', async () => {
    const sync = fakeSync({ ...SIGNED_IN, rejectedCount: 2 });
    await mount(<SyncBanner />, { sync: sync.port });
    expect(screen.getByRole('alert').textContent).toContain('2 changes couldn’t be saved.');
    expect(screen.getByRole('link', { name: 'Review' }).getAttribute('href')).toBe('/sync/review');
    act(() => sync.status.set({ ...SIGNED_IN, auth: 'token-expired', pendingCount: 4 }));
    expect(screen.getByRole('alert').textContent).toContain('Sign in again to sync (4 waiting)');
  });

  it('all quiet shows no banner', async () => {
    await mount(<SyncBanner />, { sync: fakeSync().port });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.querySelector('.banner')).toBeNull();
  });
});

function Watcher({ onContacts, onTemplates }: { onContacts: () => void; onTemplates: () => void }) {
  const [, setRenders] = useState(0);
  useMultipleRealtimeSubscriptions([
    { table: 'contacts', onChange: onContacts },
    { table: 'email_templates', onChange: onTemplates },
  ]);
  return (
    <button type="button" onClick={() => setRenders((n) => n + 1)}>
      Render again
    </button>
  );
}

describe('useMultipleRealtimeSubscriptions', () => {
  it('adds one listener however often the component renders, calls only the matching callbacks, and removes it on unmount', async () => {
    const sync = fakeSync();
    const calls: string[] = [];
    const view = await mount(<Watcher onContacts={() => calls.push('contacts')} onTemplates={() => calls.push('templates')} />, { sync: sync.port });
    for (let i = 0; i < 3; i += 1) await userEvent.click(screen.getByRole('button', { name: 'Render again' }));
    expect(sync.listeners.size).toBe(1);
    act(() => sync.remote(['contacts', 'member_activities']));
    expect(calls).toEqual(['contacts']);
    view.unmount();
    expect(sync.listeners.size).toBe(0);
  });
});

describe('review list of rejected changes', () => {
  it('shows what was typed (as text) and the reason, and retries or discards each', async () => {
    const sync = fakeSync({ ...SIGNED_IN, rejectedCount: 1 });
    await mount(<SyncReviewScreen />, { sync: sync.port });
    await harness.db.rejected.add({
      id: 'r1',
      table: 'contacts',
      row_id: 'c1',
      changes: { first_name: '<b>Bold</b>', email: 'not-an-email' },
      reason: 'Email must look like name@example.com',
      entry_ids: ['r1'],
      created_at: 1,
    });
    await harness.db.rejected.add({ id: 'r2', table: 'email_templates', row_id: 't1', changes: { name: 'Promo' }, reason: 'Name is taken', entry_ids: ['r2'], created_at: 2 });
    await screen.findByText('Email must look like name@example.com');
    expect(document.querySelector('b')).toBeNull();
    expect(screen.getByText(/<b>Bold<\/b>/)).toBeTruthy();
    await userEvent.click(screen.getAllByRole('button', { name: 'Retry' })[0]!);
    expect(sync.retried).toEqual(['r1']);
    await userEvent.click(screen.getAllByRole('button', { name: 'Discard' })[1]!);
    expect(sync.discarded).toEqual(['r2']);
    // Only contacts have an editor to send the member to.
    expect(screen.getAllByRole('link', { name: 'Edit' }).map((link) => link.getAttribute('href'))).toEqual(['/contacts/c1/edit']);
  });
});

function fakeAccount(options: { session?: { userId: string; email: string } | null; signIn?: AuthResult; localContacts?: number } = {}) {
  const calls: string[] = [];
  const account: AccountPort = {
    session: options.session ?? null,
    signIn: (email) => Promise.resolve(void calls.push(`sign-in ${email}`)).then(() => options.signIn ?? { ok: true, userId: 'u1' }),
    signUp: (email) => Promise.resolve(void calls.push(`sign-up ${email}`)).then(() => ({ ok: true, userId: 'u1' }) as const),
    sendCode: (email) => Promise.resolve(void calls.push(`code ${email}`)).then(() => ({ ok: true, userId: null }) as const),
    verifyCode: (email, code) => Promise.resolve(void calls.push(`verify ${email} ${code}`)).then(() => ({ ok: true, userId: 'u1' }) as const),
    localWorkspaceContacts: () => Promise.resolve(options.localContacts ?? 0),
    moveLocalWorkspace: (userId) => Promise.resolve(void calls.push(`move ${userId}`)).then(() => options.localContacts ?? 0),
    signOut: () => Promise.resolve(void calls.push('sign-out')),
  };
  return { account, calls };
}

describe('account screen', () => {
  it('checks the form inline before calling the server, shows a failed sign-in plainly, and keeps what was typed', async () => {
    const { account, calls } = fakeAccount({ signIn: { ok: false, message: 'That email and password do not match.' } });
    await mount(<AccountScreen />, { sync: fakeSync().port, account });
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Email' }), 'nope');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByText('Enter your email address, like name@example.com.')).toBeTruthy();
    expect(screen.getByText('Passwords have 6 to 72 characters.')).toBeTruthy();
    expect(calls).toEqual([]);
    await user.clear(screen.getByRole('textbox', { name: 'Email' }));
    await user.type(screen.getByRole('textbox', { name: 'Email' }), 'sam@example.com');
    await user.type(screen.getByLabelText('Password'), 'secret-pass');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('That email and password do not match.')).toBeTruthy();
    expect(calls).toEqual(['sign-in sam@example.com']);
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Email' }).value).toBe('sam@example.com');
  });

  it('after signing in with contacts on this device, offers to move them into the account, then reloads', async () => {
    const { account, calls } = fakeAccount({ localContacts: 12 });
    await mount(<AccountScreen />, { sync: fakeSync().port, account });
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Email' }), 'sam@example.com');
    await user.type(screen.getByLabelText('Password'), 'secret-pass');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText(/This device has 12 contacts saved before you signed in/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Move them' }));
    await waitFor(() => expect(harness.platform.reloads).toBe(1));
    expect(calls).toEqual(['sign-in sam@example.com', 'move u1']);
  });

  it('signs in with an emailed code', async () => {
    const { account, calls } = fakeAccount();
    await mount(<AccountScreen />, { sync: fakeSync().port, account });
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Email' }), 'sam@example.com');
    await user.click(screen.getByRole('button', { name: 'Email me a code instead' }));
    await user.type(await screen.findByRole('textbox', { name: 'Code' }), '123456');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(harness.platform.reloads).toBe(1));
    expect(calls).toEqual(['code sam@example.com', 'verify sam@example.com 123456']);
  });

  it('signing out with unsynced changes asks first', async () => {
    const { account, calls } = fakeAccount({ session: { userId: 'u1', email: 'sam@example.com' } });
    await mount(<AccountScreen />, { sync: fakeSync().port, account });
    await harness.store.addContact(contactInput());
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getByText(/sam@example.com/)).toBeTruthy());
    // The count the member sees first (the button acts on it: with none waiting it signs out at once).
    expect(await screen.findByText('2 changes are waiting to sync.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText(/2 changes haven’t synced yet/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Stay signed in' }));
    expect(calls).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await user.click(screen.getByRole('button', { name: 'Sign out anyway' }));
    await waitFor(() => expect(harness.platform.reloads).toBe(1));
    expect(calls).toEqual(['sign-out']);
  });
});
