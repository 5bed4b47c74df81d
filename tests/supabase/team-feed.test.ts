import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc';
import { ANON, member, mutation, type Who } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * The team feed in the database (migration 20261129000800), on PGlite and on PostgreSQL 15. A line:
 * leader → member → downline, and leader → sibling → niece, plus a stranger. The member's wins, and
 * the reactions and comments on them, are seen by the member's upline (leader) and downline, never by
 * the sibling, the niece (a sibling's downline) or the stranger. Wins are posted only in kinds the
 * member chose to share; comments only on wins one can see; only a leader hides a comment.
 */

const stamp = () => formatHlc({ physical: Date.now(), counter: 0, node: 'dev' });

for (const backend of sqlBackends()) {
  describe(`the team feed on ${backend.name}`, () => {
    let db: SqlBackend;
    const ids: Record<'leader' | 'member' | 'downline' | 'sibling' | 'niece' | 'stranger', string> = {} as never;
    let win: string;
    let comment: string;

    const as = <T = Record<string, unknown>,>(who: Who, sql: string, params: unknown[] = []) => db.as(who, (query) => query<T>(sql, params));
    const sponsor = (memberId: string, sponsorId: string) => db.query('insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)', [memberId, sponsorId]);
    const share = (who: string, kinds: string) => db.query(`update public.member_profiles set share_wins = $2::text[] where id = $1`, [who, kinds]);

    beforeAll(async () => {
      db = await backend.open();
      for (const name of ['leader', 'member', 'downline', 'sibling', 'niece', 'stranger'] as const) ids[name] = await db.createUser({ full_name: name });
      await sponsor(ids.member, ids.leader);
      await sponsor(ids.downline, ids.member);
      await sponsor(ids.sibling, ids.leader);
      await sponsor(ids.niece, ids.sibling);
      await share(ids.member, '{new_customer,streak}');
      win = crypto.randomUUID();
      const pushed = await db.push(ids.member, [mutation('team_wins', win, { kind: 'new_customer', amount: 1, occurred_at: new Date().toISOString() }, stamp(), 'insert')]);
      expect(pushed.results[0]?.status).toBe('applied');
      comment = crypto.randomUUID();
      expect((await db.push(ids.leader, [mutation('team_comments', comment, { win_id: win, body: 'Well done!' }, stamp(), 'insert')])).results[0]?.status).toBe('applied');
      expect((await db.push(ids.downline, [mutation('team_reactions', crypto.randomUUID(), { win_id: win, emoji: 'party' }, stamp(), 'insert')])).results[0]?.status).toBe('applied');
    }, 120_000);
    afterAll(async () => db?.close());

    it('who sees the member’s win, its comments and reactions: the member, their upline and downline only', async () => {
      const visible: Record<string, unknown> = {};
      for (const name of ['member', 'leader', 'downline', 'sibling', 'niece', 'stranger'] as const) {
        const count = async (table: string, where: string) => (await as<{ n: number }>(member(ids[name]), `select count(*)::int as n from public.${table} where ${where}`, [win]))[0]!.n;
        visible[name] = [await count('team_wins', 'id = $1'), await count('team_comments', 'win_id = $1'), await count('team_reactions', 'win_id = $1')];
      }
      expect(visible).toEqual({ member: [1, 1, 1], leader: [1, 1, 1], downline: [1, 1, 1], sibling: [0, 0, 0], niece: [0, 0, 0], stranger: [0, 0, 0] });
      await expect(as(ANON, 'select count(*) from public.team_wins')).rejects.toThrow(/permission denied/);
    });

    it('a pull brings each member only their own rows (the team’s are read, not synced into one’s own tables)', async () => {
      const pulled = await as<{ r: { rows: { table: string; row: { id: string } }[] } }>(member(ids.leader), 'select public.sync_pull(null, 1000) as r');
      const tables = pulled[0]!.r.rows.map((entry) => entry.table);
      expect(tables).toContain('team_comments');
      expect(tables).not.toContain('team_wins');
      expect(tables).not.toContain('team_reactions');
    });

    it('posts only kinds of win the member chose to share; a win has no text to name anyone by', async () => {
      const refused = await db.push(ids.member, [mutation('team_wins', crypto.randomUUID(), { kind: 'goal_reached', amount: 1 }, stamp(), 'insert')]);
      expect(refused.results[0]?.status).toBe('rejected');
      const named = await db.push(ids.member, [mutation('team_wins', crypto.randomUUID(), { kind: 'streak', amount: 3, note: 'with Jane Doe' }, stamp(), 'insert')]);
      expect(named.results[0]?.status).toBe('rejected');
      expect(named.results[0]?.reason).toMatch(/Unknown column/);
      // Nothing shared until chosen: a new member's profile shares nothing.
      expect((await db.query<{ share_wins: string[] }>('select share_wins from public.member_profiles where id = $1', [ids.stranger]))[0]?.share_wins).toEqual([]);
    });

    it('comments and reactions only on wins one can see', async () => {
      for (const name of ['sibling', 'niece', 'stranger'] as const) {
        const tried = await db.push(ids[name], [
          mutation('team_comments', crypto.randomUUID(), { win_id: win, body: 'hi' }, stamp(), 'insert'),
          mutation('team_reactions', crypto.randomUUID(), { win_id: win, emoji: 'clap' }, stamp(), 'insert'),
        ]);
        expect(tried.results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      }
      const edited = await db.push(ids.leader, [mutation('team_comments', comment, { body: 'Well done, truly!' }, stamp())]);
      expect(edited.results[0]?.status).toBe('applied');
      // Another member's comment cannot be edited.
      const hijack = await db.push(ids.downline, [mutation('team_comments', comment, { body: 'pwned' }, stamp())]);
      expect(hijack.results[0]?.status).toBe('rejected');
      expect(hijack.rows ?? []).toEqual([]);
      expect((await db.query<{ body: string }>('select body from public.team_comments where id = $1', [comment]))[0]?.body).toBe('Well done, truly!');
    });

    it('a leader of the win’s author hides a comment; the author cannot show it again; others cannot hide', async () => {
      const downComment = crypto.randomUUID();
      expect((await db.push(ids.downline, [mutation('team_comments', downComment, { win_id: win, body: 'spam' }, stamp(), 'insert')])).results[0]?.status).toBe('applied');
      await expect(as(member(ids.sibling), 'select public.team_hide_comment($1)', [downComment])).rejects.toThrow(/leader of this member/);
      await expect(as(member(ids.downline), 'select public.team_hide_comment($1)', [downComment])).rejects.toThrow(/leader of this member/);
      await as(member(ids.leader), 'select public.team_hide_comment($1)', [downComment]);
      const [hidden] = await db.query<{ hidden_by: string | null }>('select hidden_by::text from public.team_comments where id = $1', [downComment]);
      expect(hidden?.hidden_by).toBe(ids.leader);
      // The author's attempt is refused (or, when the leader's later stamp wins the merge, answered with
      // the row as it stands): either way the comment stays hidden.
      const unhide = await db.push(ids.downline, [mutation('team_comments', downComment, { hidden_at: null, hidden_by: null }, stamp())]);
      expect(['rejected', 'applied']).toContain(unhide.results[0]?.status);
      expect((await db.query<{ hidden_by: string | null }>('select hidden_by::text from public.team_comments where id = $1', [downComment]))[0]?.hidden_by).toBe(ids.leader);
      const unhideLater = await db.push(ids.downline, [mutation('team_comments', downComment, { hidden_at: null, hidden_by: null }, formatHlc({ physical: Date.now() + 30_000, counter: 0, node: 'dev' }))]);
      expect(unhideLater.results[0]?.status).toBe('rejected');
      await expect(as(member(ids.downline), 'update public.team_comments set hidden_at = null where id = $1', [downComment])).rejects.toThrow(/leader of the team/);
      // Born hidden is refused too.
      const born = await db.push(ids.downline, [mutation('team_comments', crypto.randomUUID(), { win_id: win, body: 'x', hidden_at: new Date().toISOString() }, stamp(), 'insert')]);
      expect(born.results[0]?.status).toBe('rejected');
      await as(member(ids.leader), 'select public.team_hide_comment($1, false)', [downComment]);
      expect((await db.query<{ hidden_at: string | null }>('select hidden_at from public.team_comments where id = $1', [downComment]))[0]?.hidden_at).toBeNull();
    });

    it('when the member leaves the team, the leader no longer sees their wins', async () => {
      await as(member(ids.member), 'select public.team_leave()');
      const seen = await as<{ n: number }>(member(ids.leader), 'select count(*)::int as n from public.team_wins where id = $1', [win]);
      expect(seen[0]!.n).toBe(0);
      const own = await as<{ n: number }>(member(ids.member), 'select count(*)::int as n from public.team_wins where id = $1', [win]);
      expect(own[0]!.n).toBe(1);
    });
  });
}
