import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc';
import { member, mutation } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * The team feed's hardening (migration 20261129001050), on PGlite and on PostgreSQL 15: a secret per
 * member for the ids of their wins and reactions, wins that keep their kind and time and are never
 * dated ahead, reactions that stay put, at most one of each kind per member and win, and nothing new
 * on a deleted win.
 */

const stamp = (offset = 0) => formatHlc({ physical: Date.now() + offset, counter: 0, node: 'dev' });

for (const backend of sqlBackends()) {
  describe(`the team feed's hardening on ${backend.name}`, () => {
    let db: SqlBackend;
    const ids = { leader: '', member: '', stranger: '' };
    beforeAll(async () => {
      db = await backend.open();
      for (const name of ['leader', 'member', 'stranger'] as const) ids[name] = await db.createUser({ full_name: name });
      await db.query('insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)', [ids.member, ids.leader]);
      await db.query(`update public.member_profiles set share_wins = '{new_customer,streak}' where id = any($1::uuid[])`, [[ids.leader, ids.member]]);
    });
    afterAll(async () => db?.close());

    it('each member has a secret of their own for win ids, which nobody else reads', async () => {
      const salts = await db.query<{ id: string; win_salt: string }>('select id, win_salt from public.member_profiles where id = any($1::uuid[])', [[ids.leader, ids.member, ids.stranger]]);
      expect(salts.every((row) => /^[0-9a-f]{32}$/.test(row.win_salt))).toBe(true);
      expect(new Set(salts.map((row) => row.win_salt)).size).toBe(3);
      const seen = await db.as(member(ids.leader), (query) => query<{ win_salt: string }>('select win_salt from public.member_profiles where id = $1', [ids.member]));
      expect(seen).toEqual([]);
    });

    it('a win keeps its kind, its first time and its largest number, and is never dated ahead of the server', async () => {
      const id = crypto.randomUUID();
      const future = new Date(Date.now() + 5 * 86_400_000).toISOString();
      const pushed = await db.push(ids.member, [{ ...mutation('team_wins', id, { kind: 'new_customer', amount: 1, occurred_at: future }, stamp()), op: 'insert' }]);
      expect(pushed.results[0]?.status).toBe('applied');
      const [row] = await db.query<{ occurred_at: Date }>('select occurred_at from public.team_wins where id = $1', [id]);
      expect(row!.occurred_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      const refused = await db.push(ids.member, [mutation('team_wins', id, { kind: 'streak' }, stamp(1000))]);
      expect(refused.results[0]?.status).toBe('rejected');
      const grown = await db.push(ids.member, [mutation('team_wins', id, { amount: 3 }, stamp(2000))]);
      expect(grown.results[0]?.status).toBe('applied');
      // A second device's copy of the same day's win, counted lower and later: the row keeps 3 and its time.
      const lagging = await db.push(ids.member, [mutation('team_wins', id, { amount: 1, occurred_at: new Date().toISOString() }, stamp(3000))]);
      expect(lagging.results[0]?.status).toBe('applied');
      const [kept] = await db.query<{ amount: number; occurred_at: Date; kind: string }>('select amount, occurred_at, kind from public.team_wins where id = $1', [id]);
      expect([kept!.amount, kept!.occurred_at.getTime(), kept!.kind]).toEqual([3, row!.occurred_at.getTime(), 'new_customer']);
    });

    it('one reaction of a kind per member and win; none and no comments on a deleted win', async () => {
      const win = crypto.randomUUID();
      await db.query(`insert into public.team_wins (id, member_id, kind, amount) values ($1, $2, 'new_customer', 1)`, [win, ids.member]);
      await db.as(member(ids.leader), (query) => query(`insert into public.team_reactions (id, win_id, emoji) values ($1, $2, 'clap')`, [crypto.randomUUID(), win]));
      await expect(db.as(member(ids.leader), (query) => query(`insert into public.team_reactions (id, win_id, emoji) values ($1, $2, 'clap')`, [crypto.randomUUID(), win]))).rejects.toThrow(/team_reactions_one_per_kind|duplicate/);
      await db.query('update public.team_wins set deleted_at = now() where id = $1', [win]);
      await expect(db.as(member(ids.leader), (query) => query(`insert into public.team_reactions (id, win_id, emoji) values ($1, $2, 'fire')`, [crypto.randomUUID(), win]))).rejects.toThrow(/row-level security/);
      await expect(db.as(member(ids.leader), (query) => query(`insert into public.team_comments (id, win_id, body) values ($1, $2, 'still here?')`, [crypto.randomUUID(), win]))).rejects.toThrow(/row-level security/);
    });
  });
}
