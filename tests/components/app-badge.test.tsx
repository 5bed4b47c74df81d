import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import { setBadge, type BadgeNavigator } from '../../src/adapters/browser/app-badge';
import { addDays, toDay } from '../../src/domain/dates';
import { AppBadge } from '../../src/hooks/use-app-badge';
import { contactInput } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';

/*
 * The app badge shows the follow-ups due today, overdue included (what Today lists), and follows the
 * contacts and the day while the app runs. The browser is a fake navigator with the Badging API.
 */

type FakeBadgeNavigator = Required<BadgeNavigator> & { badge: number | null; calls: string[] };

function fakeNavigator(): FakeBadgeNavigator {
  const nav: FakeBadgeNavigator = {
    badge: null,
    calls: [],
    setAppBadge(count?: number) {
      nav.calls.push(`set ${count}`);
      nav.badge = count === 0 ? null : (count ?? 0);
      return Promise.resolve();
    },
    clearAppBadge() {
      nav.calls.push('clear');
      nav.badge = null;
      return Promise.resolve();
    },
  };
  return nav;
}

let harness: Harness | undefined;
afterEach(async () => {
  vi.unstubAllGlobals();
  await harness?.db.delete();
});

async function addContact(h: Harness, first_name: string, next_follow_up_on: string | null): Promise<string> {
  const added = await h.store.addContact(contactInput({ first_name, stage: 'contacted', next_follow_up_on }));
  if (!added.ok) throw new Error(added.error.message);
  return added.value;
}

describe('AppBadge', () => {
  it('shows the follow-ups due today and overdue, and follows edits, deletes and the turn of the day', async () => {
    const h = (harness = await createHarness());
    const today = toDay(new Date(h.platform.now()));
    await addContact(h, 'Overdue', addDays(today, -3));
    const dueToday = await addContact(h, 'Due today', today);
    await addContact(h, 'Tomorrow', addDays(today, 1));
    await addContact(h, 'No date', null);
    const deleted = await addContact(h, 'Deleted', today);
    const removed = await h.store.deleteContact(deleted);
    if (!removed.ok) throw new Error(removed.error.message);

    const nav = fakeNavigator();
    const set = (count: number) => setBadge(count, nav);
    renderWith(h, <AppBadge setBadge={set} dayCheckMs={20} />);
    await waitFor(() => expect(nav.badge).toBe(2));

    await addContact(h, 'Another today', today);
    await waitFor(() => expect(nav.badge).toBe(3));
    await h.store.updateContact(dueToday, { next_follow_up_on: addDays(today, 2) });
    await waitFor(() => expect(nav.badge).toBe(2));

    // Midnight: tomorrow's follow-up is due now.
    h.clock.advance(24 * 60 * 60 * 1000);
    await waitFor(() => expect(nav.badge).toBe(3));

    for (const contact of await h.db.contacts.toArray()) await h.store.updateContact(contact.id, { next_follow_up_on: null });
    await waitFor(() => expect(nav.calls.at(-1)).toBe('clear'));
    expect(nav.badge).toBeNull();
  });
});

describe('setBadge', () => {
  it('sets a count, clears on 0 and on anything that is not a positive number', async () => {
    const nav = fakeNavigator();
    await setBadge(4, nav);
    await setBadge(2.7, nav);
    await setBadge(0, nav);
    await setBadge(-1, nav);
    await setBadge(Number.NaN, nav);
    expect(nav.calls).toEqual(['set 4', 'set 2', 'clear', 'clear', 'clear']);
  });

  it('uses the browser’s navigator, with setAppBadge(0) where there is no clearAppBadge', async () => {
    const calls: (number | undefined)[] = [];
    vi.stubGlobal('navigator', { setAppBadge: (count?: number) => Promise.resolve(void calls.push(count)) });
    await setBadge(5);
    await setBadge(0);
    expect(calls).toEqual([5, 0]);
  });

  it('does nothing where the Badging API is missing, and never throws or rejects', async () => {
    await expect(setBadge(3, {})).resolves.toBeUndefined();
    await expect(setBadge(3, undefined)).resolves.toBeUndefined();
    const refusing: BadgeNavigator = {
      setAppBadge: () => Promise.reject(new DOMException('Not allowed', 'NotAllowedError')),
      clearAppBadge: () => {
        throw new TypeError('Illegal invocation');
      },
    };
    await expect(setBadge(3, refusing)).resolves.toBeUndefined();
    await expect(setBadge(0, refusing)).resolves.toBeUndefined();
  });
});
