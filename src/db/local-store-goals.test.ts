import { describe, expect, it } from 'vitest';
import { contactInput, goalPlanInput, testStores } from '../../tests/support/test-store';
import { allEntries } from './outbox-entries';

const open = testStores();

describe('saveGoals', () => {
  it("edits the same day's plan, and starts a new plan on a later day (the earlier one stays as history)", async () => {
    const { db, store } = await open();
    const first = await store.saveGoals(goalPlanInput(), '2026-11-23');
    const again = await store.saveGoals(goalPlanInput({ conversations: 3, preset: 'custom' }), '2026-11-23');
    expect(first.ok && again.ok && first.value === again.value).toBe(true);
    expect((await db.daily_goals.toArray()).map((row) => [row.starts_on, row.conversations])).toEqual([['2026-11-23', 3]]);

    const later = await store.saveGoals(goalPlanInput({ conversations: 5 }), '2026-11-24');
    expect(later.ok).toBe(true);
    const rows = await db.daily_goals.orderBy('starts_on').toArray();
    expect(rows.map((row) => [row.starts_on, row.conversations])).toEqual([
      ['2026-11-23', 3],
      ['2026-11-24', 5],
    ]);
    // Each write is queued for sync: one insert and one update for the first day, one insert for the next.
    expect((await allEntries(db)).map((entry) => [entry.table, entry.op])).toEqual([
      ['daily_goals', 'insert'],
      ['daily_goals', 'update'],
      ['daily_goals', 'insert'],
    ]);
  });
});

describe('saveGoals and plans set for a later day', () => {
  it('retires a plan that would start after today (a clock that was ahead): the newest choice applies from now on', async () => {
    const { db, store } = await open();
    expect((await store.saveGoals(goalPlanInput({ conversations: 9 }), '2026-11-25')).ok).toBe(true);
    expect((await store.saveGoals(goalPlanInput({ conversations: 4 }), '2026-11-24')).ok).toBe(true);
    const live = (await db.daily_goals.toArray()).filter((row) => row.deleted_at === null);
    expect(live.map((row) => [row.starts_on, row.conversations])).toEqual([['2026-11-24', 4]]);
  });
});

describe('touches record the stage they happened at (follow-ups count from it)', () => {
  it('logOutreach writes from_stage before moving a new contact to contacted', async () => {
    const { db, store, clock } = await open();
    const added = await store.addContact(contactInput({ first_name: 'Jane', stage: 'new' }));
    if (!added.ok) throw new Error(added.error.message);
    await store.logOutreach(added.value, 'call', 'connected', null);
    clock.advance(60_000);
    await store.logOutreach(added.value, 'text', 'replied', null);
    const touches = (await db.member_activities.orderBy('occurred_at').toArray()).filter((row) => row.activity_type !== 'contact_added');
    expect(touches.map((row) => [row.activity_type, row.metadata.outcome, row.metadata.from_stage])).toEqual([
      ['call', 'connected', 'new'],
      ['text', 'replied', 'contacted'],
    ]);
  });
});
