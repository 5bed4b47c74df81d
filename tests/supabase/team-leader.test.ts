import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc';
import { ANON, member, mutation, type Who } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * The leader's view (migration 20261129000900), on PGlite and on PostgreSQL 15: per downline member and
 * day, counts only, through team_leader_day(). Tested as anon, stranger, sibling, member and leader:
 * each sees exactly their own downline, and nobody reads another member's summaries directly.
 */

const stamp = () => formatHlc({ physical: Date.now(), counter: 0, node: 'dev' });
const DAY = '2026-11-25'; // a Wednesday

for (const backend of sqlBackends()) {
  describe(`the leader's day view on ${backend.name}`, () => {
    let db: SqlBackend;
    const ids: Record<'leader' | 'member' | 'downline' | 'sibling' | 'niece' | 'stranger', string> = {} as never;
    const as = <T = Record<string, unknown>,>(who: Who, sql: string, params: unknown[] = []) => db.as(who, (query) => query<T>(sql, params));
    type Row = { member_id: string; full_name: string; depth: number; conversations: number; goal_conversations: number | null; works_that_day: boolean | null; follow_ups_overdue: number };
    const view = (who: Who, depth = 1) => as<Row>(who, 'select * from public.team_leader_day($1::date, $2)', [DAY, depth]);

    beforeAll(async () => {
      db = await backend.open();
      for (const name of ['leader', 'member', 'downline', 'sibling', 'niece', 'stranger'] as const) ids[name] = await db.createUser({ full_name: name });
      const sponsor = (m: string, s: string) => db.query('insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)', [m, s]);
      await sponsor(ids.member, ids.leader);
      await sponsor(ids.downline, ids.member);
      await sponsor(ids.sibling, ids.leader);
      await sponsor(ids.niece, ids.sibling);
      // The member: goals of 3 conversations on weekdays; two summaries of the day (two devices): the later one counts.
      await db.push(ids.member, [mutation('daily_goals', crypto.randomUUID(), { starts_on: '2026-11-01', conversations: 3, work_days: [1, 2, 3, 4, 5], week_min_days: 4 }, stamp(), 'insert')]);
      await db.push(ids.member, [mutation('daily_summaries', crypto.randomUUID(), { day: DAY, conversations: 1, follow_ups_overdue: 4, last_active_at: '2026-11-25T09:00:00Z' }, stamp(), 'insert')]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await db.push(ids.member, [mutation('daily_summaries', crypto.randomUUID(), { day: DAY, conversations: 2, follow_ups_overdue: 3, last_active_at: '2026-11-25T15:00:00Z' }, stamp(), 'insert')]);
      await db.push(ids.sibling, [mutation('daily_summaries', crypto.randomUUID(), { day: DAY, conversations: 5 }, stamp(), 'insert')]);
      await db.push(ids.downline, [mutation('daily_summaries', crypto.randomUUID(), { day: DAY, conversations: 7 }, stamp(), 'insert')]);
    }, 120_000);
    afterAll(async () => db?.close());

    it('the leader sees direct members (and deeper on request) with counts against their goals; no contact data exists in it', async () => {
      const direct = await view(member(ids.leader));
      expect(direct.map((row) => [row.full_name, row.depth, row.conversations, row.goal_conversations, row.works_that_day, row.follow_ups_overdue])).toEqual([
        ['member', 1, 2, 3, true, 3],
        ['sibling', 1, 5, null, null, 0],
      ]);
      const deep = await view(member(ids.leader), 2);
      expect(deep.map((row) => [row.full_name, row.depth])).toEqual([
        ['member', 1],
        ['sibling', 1],
        ['downline', 2],
        ['niece', 2],
      ]);
      expect(Object.keys(direct[0]!).sort()).toEqual(
        [
          'member_id', 'full_name', 'depth', 'conversations', 'invitations', 'follow_ups', 'presentations', 'new_customers', 'new_team_members',
          'goal_conversations', 'goal_invitations', 'goal_follow_ups', 'goal_presentations', 'goal_new_customers', 'goal_new_team_members',
          'works_that_day', 'follow_ups_due', 'follow_ups_overdue', 'last_active_at',
        ].sort(),
      );
    });

    it('as member, sibling and stranger: only one’s own downline; anon: refused; nobody reads summaries directly', async () => {
      expect((await view(member(ids.member), 5)).map((row) => row.full_name)).toEqual(['downline']);
      expect((await view(member(ids.sibling), 5)).map((row) => row.full_name)).toEqual(['niece']);
      expect(await view(member(ids.stranger), 5)).toEqual([]);
      expect(await view(member(ids.downline), 5)).toEqual([]);
      await expect(view(ANON)).rejects.toThrow(/permission denied/);
      for (const name of ['leader', 'sibling', 'stranger'] as const) {
        const direct = await as<{ n: number }>(member(ids[name]), 'select count(*)::int as n from public.daily_summaries where member_id = $1', [ids.member]);
        expect(direct[0]!.n).toBe(0);
      }
      // Nor write them for someone else.
      const forged = await db.push(ids.leader, [mutation('daily_summaries', crypto.randomUUID(), { day: DAY, conversations: 99, member_id: ids.member }, stamp(), 'insert')]);
      expect(forged.results[0]?.status).toBe('rejected');
      await expect(as(member(ids.stranger), 'select * from team_private.leader_day($1::date, 1)', [DAY])).resolves.toEqual([]);
    });
  });
}
