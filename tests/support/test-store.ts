import 'fake-indexeddb/auto';
import { afterEach } from 'vitest';
import { createHlcClock } from '../../src/domain/hlc';
import { createFieldbookDb, type FieldbookDb } from '../../src/db/fieldbook-db';
import { createLocalStore, ensureWorkspaceMemberId, type LocalStore } from '../../src/db/local-store';
import type { WriteContext } from '../../src/db/commit-changes';
import type { ContactInput } from '../../src/domain/contact';
import type { DailyGoalInput } from '../../src/domain/daily-goal-schema';

export type TestClock = { now: () => number; advance: (ms: number) => void; set: (ms: number) => void };

export function createTestClock(start = Date.parse('2026-11-24T09:00:00.000Z')): TestClock {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms), set: (ms) => (current = ms) };
}

let dbCounter = 0;

export type TestStore = { db: FieldbookDb; store: LocalStore; clock: TestClock; ctx: WriteContext; name: string };

/** A fresh database under fake-indexeddb with a real local store and an injected clock. */
export async function createTestStore(options: { name?: string; clock?: TestClock } = {}): Promise<TestStore> {
  dbCounter += 1;
  const name = options.name ?? `fieldbook-test-${process.pid}-${dbCounter}-${Math.random().toString(36).slice(2)}`;
  const db = createFieldbookDb(name);
  const clock = options.clock ?? createTestClock();
  const newId = () => crypto.randomUUID();
  const memberId = await ensureWorkspaceMemberId(db, newId);
  const ctx: WriteContext = { memberId, clock: createHlcClock({ now: clock.now, node: 'test' }), now: clock.now, newId };
  return { db, store: createLocalStore(db, ctx), clock, ctx, name };
}

/** Opens test stores for the calling test file; each is deleted after the test that opened it. */
export function testStores(): () => Promise<TestStore> {
  const stores: TestStore[] = [];
  afterEach(async () => {
    for (const { db } of stores.splice(0)) await db.delete();
  });
  return async () => {
    const created = await createTestStore();
    stores.push(created);
    return created;
  };
}

export function contactInput(overrides: Partial<ContactInput> = {}): ContactInput {
  const phone = overrides.phone ?? '+1 555 010 0199';
  const email = overrides.email ?? 'jane@example.com';
  return {
    first_name: 'Jane',
    last_name: 'Doe',
    phone: '+1 555 010 0199',
    email: 'jane@example.com',
    phones: phone === '' ? [] : [{ label: 'mobile', value: phone }],
    emails: email === '' ? [] : [{ label: 'home', value: email }],
    stage: 'new',
    contact_type: 'customer',
    lead_source: 'Instagram',
    tags: ['vip'],
    notes: 'Met at the school fair',
    next_follow_up_on: null,
    ...overrides,
  };
}

/** A part-time goals form, Monday to Friday (a good week: 4 days; review on Sunday), with overrides. */
export function goalPlanInput(overrides: Partial<DailyGoalInput> = {}): DailyGoalInput {
  return {
    preset: 'part_time',
    conversations: 2,
    invitations: 1,
    follow_ups: 2,
    presentations: 0,
    new_customers: 0,
    new_team_members: 0,
    work_days: [1, 2, 3, 4, 5],
    week_min_days: 4,
    review_day: 7,
    ...overrides,
  };
}
