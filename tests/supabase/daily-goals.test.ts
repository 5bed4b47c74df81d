import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc';
import { mutation } from '../support/schema-db';
import { goalPlanInput } from '../support/test-store';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * Daily goals on the server (migration 20261129000500), on PGlite and on PostgreSQL 15: plans arrive
 * through sync_push like any synced row (work days are an array of numbers), out-of-range goals are
 * refused with a message a member can read, and touches may carry the new outcome and from_stage.
 */

const stamp = () => formatHlc({ physical: Date.now(), counter: 0, node: 'dev' });

const plan = (overrides: Record<string, unknown> = {}) => ({ starts_on: '2026-11-30', ...goalPlanInput(), ...overrides });

for (const backend of sqlBackends()) {
  describe(`daily goals on ${backend.name}`, () => {
    let db: SqlBackend;
    let member: string;

    beforeAll(async () => {
      db = await backend.open();
      member = await db.createUser();
    });
    afterAll(async () => {
      await db.close();
    });

    it('stores a plan pushed by its member, work days as smallint[]', async () => {
      const id = crypto.randomUUID();
      const result = await db.push(member, [mutation('daily_goals', id, plan(), stamp(), 'insert')]);
      expect(result.results.map((r) => r.status)).toEqual(['applied']);
      const [row] = await db.query<{ work_days: number[]; conversations: number; starts_on: string }>(
        `select work_days, conversations, to_char(starts_on, 'YYYY-MM-DD') as starts_on from public.daily_goals where id = $1`,
        [id],
      );
      expect(row).toEqual({ work_days: [1, 2, 3, 4, 5], conversations: 2, starts_on: '2026-11-30' });
    });

    it.each([
      ['a goal above 50', { conversations: 51 }, 'A daily goal is a number from 0 to 50'],
      ['a negative goal', { follow_ups: -1 }, 'A daily goal is a number from 0 to 50'],
      ['no working day', { work_days: [], week_min_days: 1 }, /Choose at least one working day|more days than you work/],
      ['a weekday 8', { work_days: [1, 8], week_min_days: 1 }, 'Choose at least one working day'],
      ['text in the work days', { work_days: ['Mon'] }, 'wrong type'],
      ['an unknown preset', { preset: 'hustle' }, 'Choose part-time, full-time or custom'],
      ['a review day 0', { review_day: 0 }, 'Choose a day of the week for the review'],
      ['a week needing 9 days', { week_min_days: 9 }, 'A week needs between 1 and 7 days that met the goal'],
      ['a day twice', { work_days: [1, 1, 1, 1, 1, 1, 1], week_min_days: 7 }, 'each day once'],
      ['nested work days', { work_days: [[1, 2], [3, 4]] }, 'wrong type'],
      ['more good days than working days', { work_days: [1, 2], week_min_days: 4 }, 'A week cannot need more days than you work'],
    ])('refuses %s with a readable reason, keeping the member’s other changes', async (_, overrides, reason) => {
      const bad = crypto.randomUUID();
      const good = crypto.randomUUID();
      const result = await db.push(member, [mutation('daily_goals', bad, plan(overrides), stamp(), 'insert'), mutation('daily_goals', good, plan(), stamp(), 'insert')]);
      expect(result.results.map((r) => r.status)).toEqual(['rejected', 'applied']);
      expect(result.results[0]?.reason).toMatch(reason);
      expect(await db.query(`select 1 from public.daily_goals where id = $1`, [bad])).toEqual([]);
    });

    it('refuses a two-dimensional work_days written through REST', async () => {
      const insert = db.as({ role: 'authenticated', sub: member }, (query) =>
        query(`insert into public.daily_goals (member_id, starts_on, work_days) values ($1, '2026-12-01', '{{1,2},{3,4}}')`, [member]),
      );
      await expect(insert).rejects.toThrow(/daily_goals_work_days_valid/);
    });

    it("another member's plan cannot be read or overwritten", async () => {
      const other = await db.createUser();
      const id = crypto.randomUUID();
      expect((await db.push(member, [mutation('daily_goals', id, plan(), stamp(), 'insert')])).results[0]?.status).toBe('applied');
      const attack = await db.push(other, [mutation('daily_goals', id, { conversations: 0 }, stamp())]);
      expect(attack.results[0]?.status).toBe('rejected');
      const seen = await db.as({ role: 'authenticated', sub: other }, (query) => query(`select id from public.daily_goals where id = $1`, [id]));
      expect(seen).toEqual([]);
      const [row] = await db.query<{ conversations: number }>(`select conversations from public.daily_goals where id = $1`, [id]);
      expect(row?.conversations).toBe(2);
    });

    it('accepts a reply outcome and from_stage on a touch; refuses an unknown outcome', async () => {
      const ok = crypto.randomUUID();
      const bad = crypto.randomUUID();
      const activity = (metadata: Record<string, unknown>) => ({ activity_type: 'text', metadata, occurred_at: new Date().toISOString(), contact_id: null });
      const result = await db.push(member, [
        mutation('member_activities', ok, activity({ outcome: 'replied', from_stage: 'contacted' }), stamp(), 'insert'),
        mutation('member_activities', bad, activity({ outcome: 'ghosted' }), stamp(), 'insert'),
      ]);
      expect(result.results.map((r) => r.status)).toEqual(['applied', 'rejected']);
    });
  });
}
