import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { readNotifications, writeNotifications } from '../../src/db/notification-cache';
import type { PushPreferences } from '../../src/domain/notification-preferences';
import type { FieldbookDb } from '../../src/db/fieldbook-db';
import { NotificationsSettings } from '../../src/features/settings/notifications-settings';
import { AppServicesContext, type NotificationsPort, type PushSupport } from '../../src/hooks/app-services';
import { err, ok } from '../../src/shared/result';
import { createStore } from '../../src/shared/subscribable';
import { LOCAL_ONLY_STATUS } from '../../src/sync/local-only';
import { createHarness, type Harness } from '../support/render-with-services';

const DEFAULTS: PushPreferences = { follow_ups: true, hot_leads: true, team: true, sync_problems: true, reminder_hour: 8, quiet_start: 21, quiet_end: 7 };

/** A fake port over the real cache: a tiny server in memory, recording what the screen asked for. */
function fakeNotifications(db: FieldbookDb, support: PushSupport = 'supported') {
  const calls: string[] = [];
  let failNext: string | null = null;
  const answer = () => {
    const failure = failNext;
    failNext = null;
    return failure;
  };
  const port: NotificationsPort = {
    support: () => support,
    refresh: async () => {
      await writeNotifications(db, {}, 0); // the server answered: nothing new
      return ok(true as const);
    },
    enable: async () => {
      calls.push('enable');
      await writeNotifications(db, { device: { endpoint: 'https://push.example/abc', preferences: DEFAULTS } }, 1);
      return ok(true as const);
    },
    disable: async () => {
      calls.push('disable');
      await writeNotifications(db, { device: null }, 2);
      return ok(true as const);
    },
    savePreferences: async (preferences) => {
      calls.push(`save ${JSON.stringify(preferences)}`);
      const failure = answer();
      if (failure) return err(failure);
      await writeNotifications(db, { device: { endpoint: 'https://push.example/abc', preferences } }, 3);
      return ok(true as const);
    },
    saveDigest: async (digest) => {
      calls.push(`digest ${JSON.stringify(digest)}`);
      await writeNotifications(db, { digest }, 4);
      return ok(true as const);
    },
  };
  return { port, calls, failNextWith: (message: string) => (failNext = message) };
}

describe('notifications in Settings', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    cleanup();
    await harness?.db.delete();
    harness = undefined;
  });

  const mount = async (support: PushSupport = 'supported', network: 'online' | 'offline' = 'online') => {
    harness = await createHarness();
    const fake = fakeNotifications(harness.db, support);
    const services = { ...harness.services, sync: { ...harness.services.sync, ...createStore({ ...LOCAL_ONLY_STATUS, auth: 'signed-in' as const, network }) } };
    render(
      <AppServicesContext.Provider value={services}>
        <NotificationsSettings notifications={fake.port} />
      </AppServicesContext.Provider>,
    );
    return fake;
  };

  it('on iPhone in a browser tab: says to add Fieldbook to the Home Screen, step by step, instead of a button that fails', async () => {
    await mount('ios-needs-home-screen');
    expect(await screen.findByText(/work for Fieldbook added to the Home Screen \(iOS 16.4 or later\)/)).toBeTruthy();
    expect(screen.getByText('Tap the Share button, then “Add to Home Screen”.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Turn on/ })).toBeNull();
  });

  it('blocked or unsupported: says why and what still works', async () => {
    await mount('denied');
    expect(await screen.findByText(/blocked for Fieldbook in this browser’s settings/)).toBeTruthy();
    cleanup();
    await harness?.db.delete();
    await mount('unsupported');
    expect(await screen.findByText(/cannot show notifications from Fieldbook. The app icon badge and the daily email still work./)).toBeTruthy();
  });

  it('turned on from a tap, then preferences saved to the server with their hours; a refusal shows inline; turned off again', async () => {
    const fake = await mount();
    const user = userEvent.setup();
    expect(fake.calls).toEqual([]); // never asked on load
    await user.click(await screen.findByRole('button', { name: 'Turn on notifications on this device' }));
    expect(await screen.findByText('On for this device.')).toBeTruthy();

    await user.click(screen.getByRole('checkbox', { name: /Hot leads/ }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Daily reminder at' }), '07:00');
    await user.selectOptions(screen.getByRole('combobox', { name: 'From' }), '22:00');
    expect(screen.getByText(/Nothing arrives from 22:00 to 07:00; it waits until then./)).toBeTruthy();
    fake.failNextWith('Could not reach the server. Check your connection and try again.');
    await user.click(screen.getByRole('button', { name: 'Save notifications' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Could not reach the server. Check your connection and try again.');
    // Nothing typed is lost: save again.
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: /Hot leads/ }).checked).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Save notifications' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(fake.calls.at(-1)).toBe(`save ${JSON.stringify({ ...DEFAULTS, hot_leads: false, reminder_hour: 7, quiet_start: 22 })}`);
    expect((await readNotifications(harness!.db)).device?.preferences.reminder_hour).toBe(7);

    await user.click(screen.getByRole('button', { name: 'Turn off on this device' }));
    expect(await screen.findByRole('button', { name: 'Turn on notifications on this device' })).toBeTruthy();
    expect(fake.calls).toContain('disable');
  });

  it('the daily email is opt-in with its hour', async () => {
    const fake = await mount();
    const user = userEvent.setup();
    expect(screen.queryByRole('combobox', { name: 'Send it at' })).toBeNull();
    await user.click(await screen.findByRole('checkbox', { name: /Email me a daily digest/ }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Send it at' }), '06:00');
    await user.click(screen.getByRole('button', { name: 'Save daily email' }));
    await waitFor(() => expect(fake.calls).toContain(`digest ${JSON.stringify({ digest_enabled: true, digest_hour: 6 })}`));
  });

  it('offline: the cached preferences show, and changes wait for a connection with the reason', async () => {
    harness = await createHarness();
    await writeNotifications(harness.db, { device: { endpoint: 'https://push.example/abc', preferences: { ...DEFAULTS, team: false } } }, 1);
    const fake = fakeNotifications(harness.db);
    const services = { ...harness.services, sync: { ...harness.services.sync, ...createStore({ ...LOCAL_ONLY_STATUS, auth: 'signed-in' as const, network: 'offline' as const }) } };
    render(
      <AppServicesContext.Provider value={services}>
        <NotificationsSettings notifications={fake.port} />
      </AppServicesContext.Provider>,
    );
    expect((await screen.findByRole<HTMLInputElement>('checkbox', { name: /Your team/ })).checked).toBe(false);
    expect(screen.getByText(/You are offline. Notifications are set on the server/)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Save notifications' }).disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Turn off on this device' }).disabled).toBe(true);
  });
});
