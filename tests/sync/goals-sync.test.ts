import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { createGoalLedger } from '../../src/db/goal-ledger';
import { createSyncLocal } from '../../src/db/sync-local';
import { planHistory, planOn } from '../../src/domain/goals';
import { createDayClock } from '../../src/domain/zone-days';
import { signedInClient } from '../support/local-stack';
import { settle, startedSyncDevice, type SyncClientDevice } from '../support/sync-client';
import { addContact } from '../support/sync-device';
import { goalPlanInput } from '../support/test-store';

/*
 * Daily goals are a synced table: a plan set on one device reaches the member's other devices, plans
 * set on two devices offline on the same day settle on the same winner everywhere, and the counts (made
 * on each device from its own synced rows) agree: a call logged on A moves B's rings.
 */

const poll = { timeout: 15_000 };
const devices: SyncClientDevice[] = [];
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, seed: false });
});

afterEach(async () => {
  for (const device of devices.splice(0)) await device.dispose();
});

afterAll(async () => {
  await stack.close();
});

async function twoDevices() {
  const member = await signedInClient(stack, 'goals');
  return [await startedSyncDevice(stack, member, devices), await startedSyncDevice(stack, member, devices)] as const;
}

const plansOn = async (device: SyncClientDevice) => planHistory(await device.db.daily_goals.toArray());
const today = () => createDayClock('').dayOf(Date.now());

describe('daily goals across two devices (local stack)', () => {
  it('a plan saved on A reaches B; a same-day edit on B updates that plan; both agree with the server', async () => {
    const [a, b] = await twoDevices();
    const saved = await a.store.saveGoals(goalPlanInput(), today());
    expect(saved.ok).toBe(true);
    await settle(a, b);
    expect(await a.db.rejected.count()).toBe(0);
    await expect.poll(async () => (await plansOn(b)).map((row) => [row.starts_on, row.conversations]), poll).toEqual([[today(), 2]]);

    const edited = await b.store.saveGoals(goalPlanInput({ preset: 'custom', conversations: 4, work_days: [1, 2, 3, 4, 5, 6] }), today());
    expect(edited.ok).toBe(true);
    // The same day's plan is edited, not duplicated.
    expect(await b.db.daily_goals.count()).toBe(1);
    await settle(b, a);
    await expect.poll(async () => (await plansOn(a)).map((row) => [row.conversations, row.work_days.join(',')]), poll).toEqual([[4, '1,2,3,4,5,6']]);
    await expect.poll(async () => JSON.stringify(await createSyncLocal(b.db).digest()), poll).toBe(JSON.stringify(await createSyncLocal(a.db).digest()));
    expect(await a.engine.checkConvergence()).toMatchObject({ outcome: 'in-step' });
  }, 60_000);

  it('two devices that each set a first plan offline on the same day end up reading the same plan', async () => {
    const [a, b] = await twoDevices();
    await a.goOffline();
    await b.goOffline();
    expect((await a.store.saveGoals(goalPlanInput({ conversations: 3 }), today())).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await b.store.saveGoals(goalPlanInput({ preset: 'full_time', conversations: 5, invitations: 2 }), today())).ok).toBe(true);
    a.goOnline();
    b.goOnline();
    await settle(a, b);
    await settle(a, b);
    for (const device of [a, b]) {
      await expect.poll(async () => (await device.db.daily_goals.count()), poll).toBe(2);
      // Both rows are kept (history); the one edited last is the day's plan on both devices.
      const day = planOn(await plansOn(device), today());
      expect(day?.conversations).toBe(5);
      expect(day?.preset).toBe('full_time');
    }
  }, 60_000);

  it("a call logged as connected on A counts toward today's conversations on B", async () => {
    const [a, b] = await twoDevices();
    expect((await a.store.saveGoals(goalPlanInput(), today())).ok).toBe(true);
    const ledger = createGoalLedger(b.db, Date.now);
    const stop = ledger.subscribe(() => undefined);
    try {
      await expect.poll(() => ledger.getSnapshot().stats !== null, poll).toBe(true);
      const contactId = await addContact(a, { first_name: 'Jane', last_name: 'Doe' });
      const logged = await a.store.logOutreach(contactId, 'call', 'connected', null);
      expect(logged.ok).toBe(true);
      await settle(a, b);
      await expect.poll(() => ledger.getSnapshot().stats?.counts.get(today())?.conversations ?? 0, poll).toBe(1);
      await expect.poll(() => planOn(ledger.getSnapshot().stats?.plans ?? [], today())?.conversations, poll).toBe(2);
    } finally {
      stop();
    }
  }, 60_000);
});
