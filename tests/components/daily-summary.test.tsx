import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@testing-library/react';
import { toDay } from '../../src/domain/dates';
import { DailySummaryWriter } from '../../src/features/goals/daily-summary-writer';
import { contactInput } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';
import { allEntries } from '../../src/db/outbox-entries';

/*
 * The day summary a signed-in member's upline sees (counts only): written in the background from the
 * same counts as the goal rings, updated in place, and not written again when nothing changed.
 */

let harness: Harness | undefined;
afterEach(async () => harness?.db.delete());

const summaries = async (h: Harness) => (await h.db.daily_summaries.toArray()).filter((row) => row.deleted_at === null);

describe('DailySummaryWriter', () => {
  it("writes today's counts and follow-ups, updates the same row, and writes nothing when nothing changed", async () => {
    const h = (harness = await createHarness());
    const today = toDay(new Date(h.platform.now())); // the member's day (the profile has no zone: the device's)
    const added = await h.store.addContact(contactInput({ first_name: 'Jane', stage: 'contacted', next_follow_up_on: '2020-01-01' }));
    if (!added.ok) throw new Error(added.error.message);
    renderWith(h, <DailySummaryWriter delayMs={20} />);
    await waitFor(async () => expect((await summaries(h)).map((row) => [row.conversations, row.follow_ups_overdue])).toEqual([[0, 1]]), { timeout: 5000 });

    await h.store.logOutreach(added.value, 'call', 'connected', today);
    await waitFor(async () => expect((await summaries(h)).map((row) => [row.day, row.conversations, row.follow_ups, row.follow_ups_due, row.follow_ups_overdue])).toEqual([[today, 1, 1, 1, 0]]), { timeout: 5000 });
    expect(await h.db.daily_summaries.count()).toBe(1);

    const summaryEntries = async () => (await allEntries(h.db)).filter((entry) => entry.table === 'daily_summaries').length;
    const before = await summaryEntries();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await summaryEntries()).toBe(before);
  });
});
