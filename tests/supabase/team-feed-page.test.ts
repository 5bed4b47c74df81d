import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc';
import { teamWinSchema } from '../../src/domain/team-feed-schema';
import { ANON, member, mutation, type Who } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * team_feed() and hidden comments (migration 20261129001000), on PGlite and on PostgreSQL 15. A line:
 * leader → member → downline, and leader → sibling → niece, plus a stranger. The feed pages newest
 * first by (occurred_at, id) with a keyset, clamps its page size, reads one win on request, leaves out
 * what is deleted, and shows each caller only their line's wins. A hidden comment is read only by its
 * author and the leaders of the win's author; hiding it touches the win (a Realtime UPDATE for everyone
 * who sees the win), and the author's devices pull that touch as the same win.
 */

const stamp = () => formatHlc({ physical: Date.now(), counter: 0, node: 'dev' });
const T0 = Date.parse('2026-11-20T12:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

type Name = 'leader' | 'member' | 'downline' | 'sibling' | 'niece' | 'stranger';
type FeedRow = {
  id: string;
  member_id: string;
  kind: string;
  amount: number;
  occurred_at: string;
  updated_at: string;
  reactions: { id: string; member_id: string; emoji: string }[];
  comments: { id: string; member_id: string; body: string; hidden_at: string | null; hidden_by: string | null; created_at: string; updated_at: string }[];
};

for (const backend of sqlBackends()) {
  describe(`the team feed page on ${backend.name}`, () => {
    let db: SqlBackend;
    const ids: Record<Name, string> = {} as never;
    const as = <T = Record<string, unknown>,>(who: Who, sql: string, params: unknown[] = []) => db.as(who, (query) => query<T>(sql, params));
    /** The feed as a member; ISO strings for the times (the drivers' Dates would lose microseconds). */
    const feed = (who: Who, args: { before_at?: string | null; before_id?: string | null; page_size?: number | null; only_win?: string | null } = {}) =>
      as<FeedRow>(
        who,
        `select id::text, member_id::text, kind, amount, to_json(occurred_at) #>> '{}' as occurred_at, to_json(updated_at) #>> '{}' as updated_at, reactions, comments
         from public.team_feed(before_at => $1::timestamptz, before_id => $2::uuid, page_size => coalesce($3::int, 20), only_win => $4::uuid)`,
        [args.before_at ?? null, args.before_id ?? null, args.page_size === undefined ? null : args.page_size, args.only_win ?? null],
      );
    const win = async (owner: string, occurredAt: string, options: { id?: string; kind?: string; deleted?: boolean } = {}) => {
      const id = options.id ?? crypto.randomUUID();
      await db.query(`insert into public.team_wins (id, member_id, kind, amount, occurred_at, deleted_at) values ($1, $2, $3, 1, $4, $5)`, [
        id,
        owner,
        options.kind ?? 'new_customer',
        occurredAt,
        options.deleted ? occurredAt : null,
      ]);
      return id;
    };
    const comment = async (author: string, winId: string, body: string, options: { deleted?: boolean; createdAt?: string } = {}) => {
      const id = crypto.randomUUID();
      await db.query(`insert into public.team_comments (id, member_id, win_id, body, created_at, deleted_at) values ($1, $2, $3, $4, $5, $6)`, [
        id,
        author,
        winId,
        body,
        options.createdAt ?? new Date().toISOString(),
        options.deleted ? new Date().toISOString() : null,
      ]);
      return id;
    };
    const react = async (who: string, winId: string, emoji: string, deleted = false) => {
      const id = crypto.randomUUID();
      await db.query(`insert into public.team_reactions (id, member_id, win_id, emoji, deleted_at) values ($1, $2, $3, $4, $5)`, [id, who, winId, emoji, deleted ? new Date().toISOString() : null]);
      return id;
    };

    // The member's wins: seven, three of them at the same minute (ties ordered by id), one deleted.
    const memberWins: { id: string; occurred_at: string }[] = [];
    let deletedWin: string;
    let leaderWin: string;
    let downlineWin: string;
    let siblingWin: string;
    let nieceWin: string;
    let strangerWin: string;

    beforeAll(async () => {
      db = await backend.open();
      for (const name of ['leader', 'member', 'downline', 'sibling', 'niece', 'stranger'] as const) ids[name] = await db.createUser({ full_name: name });
      const sponsor = (m: string, s: string) => db.query('insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)', [m, s]);
      await sponsor(ids.member, ids.leader);
      await sponsor(ids.downline, ids.member);
      await sponsor(ids.sibling, ids.leader);
      await sponsor(ids.niece, ids.sibling);
      for (const minute of [1, 2, 3, 3, 3, 4, 5]) {
        const occurred = at(minute);
        memberWins.push({ id: await win(ids.member, occurred), occurred_at: occurred });
      }
      deletedWin = await win(ids.member, at(6), { deleted: true });
      leaderWin = await win(ids.leader, at(-10));
      downlineWin = await win(ids.downline, at(-20));
      siblingWin = await win(ids.sibling, at(-30));
      nieceWin = await win(ids.niece, at(-40));
      strangerWin = await win(ids.stranger, at(-50));
    }, 120_000);
    afterAll(async () => db?.close());

    /** The member's visible wins in the feed's order: occurred_at desc, then id desc. */
    const expectedMemberOrder = () =>
      [...memberWins].sort((a, b) => (a.occurred_at === b.occurred_at ? (a.id < b.id ? 1 : -1) : a.occurred_at < b.occurred_at ? 1 : -1)).map((w) => w.id);

    it('pages newest first by (occurred_at, id) with a keyset, ties on occurred_at included, nothing twice or missed', async () => {
      const all = await feed(member(ids.member), { page_size: 100 });
      expect(all.map((row) => row.id)).toEqual([...expectedMemberOrder(), leaderWin, downlineWin]);
      for (const size of [1, 2, 3]) {
        const walked: string[] = [];
        let page = await feed(member(ids.member), { page_size: size });
        // At most as many pages as there are wins: a keyset that repeats a row must fail, not loop.
        for (let pages = 0; page.length > 0 && pages <= all.length; pages += 1) {
          expect(page.length).toBeLessThanOrEqual(size);
          walked.push(...page.map((row) => row.id));
          const last = page.at(-1)!;
          page = await feed(member(ids.member), { page_size: size, before_at: last.occurred_at, before_id: last.id });
        }
        expect(walked).toEqual(all.map((row) => row.id));
      }
      // Strictly older: the page after the middle of the tie holds the rest of the tie, not the row itself.
      const order = expectedMemberOrder();
      const middle = memberWins.find((w) => w.id === order[3])!;
      expect((await feed(member(ids.member), { before_at: middle.occurred_at, before_id: middle.id, page_size: 2 })).map((row) => row.id)).toEqual([order[4], order[5]]);
      // A time alone: strictly older than it (the whole tie left out).
      expect((await feed(member(ids.member), { before_at: at(3), page_size: 100 })).map((row) => row.id)).toEqual([order[5], order[6], leaderWin, downlineWin]);
    });

    it('clamps the page size to 1..100 (20 when not given)', async () => {
      const filler = ids.downline;
      await db.query(
        `insert into public.team_wins (member_id, kind, amount, occurred_at) select $1, 'streak', g, $2::timestamptz - g * interval '1 second' from generate_series(1, 110) g`,
        [filler, at(-100)],
      );
      const sizes: Record<string, number> = {};
      for (const size of [0, -5, 1, 20, 100, 101, 1000]) sizes[size] = (await feed(member(ids.member), { page_size: size })).length;
      sizes['null'] = (await as(member(ids.member), 'select * from public.team_feed(page_size => null)')).length;
      sizes['default'] = (await as(member(ids.member), 'select * from public.team_feed()')).length;
      expect(sizes).toEqual({ '0': 1, '-5': 1, '1': 1, '20': 20, '100': 100, '101': 100, '1000': 100, null: 20, default: 20 });
      await db.query(`delete from public.team_wins where member_id = $1 and kind = 'streak'`, [filler]);
    });

    it('reads one win on request, if the caller sees it; never a deleted win, reaction or comment', async () => {
      const target = memberWins[0]!.id;
      await react(ids.leader, target, 'clap');
      await react(ids.downline, target, 'fire', true);
      const kept = await comment(ids.leader, target, 'Great', { createdAt: at(10) });
      const earlier = await comment(ids.downline, target, 'First!', { createdAt: at(9) });
      await comment(ids.downline, target, 'gone', { deleted: true });
      const [one, ...rest] = await feed(member(ids.leader), { only_win: target });
      expect(rest).toEqual([]);
      expect(one).toMatchObject({ id: target, member_id: ids.member, kind: 'new_customer', amount: 1 });
      expect(one!.reactions.map((r) => [typeof r.id, r.member_id, r.emoji])).toEqual([['string', ids.leader, 'clap']]);
      expect(one!.comments.map((c) => [c.id, c.member_id, c.body, c.hidden_at, c.hidden_by])).toEqual([
        [earlier, ids.downline, 'First!', null, null],
        [kept, ids.leader, 'Great', null, null],
      ]);
      expect(Object.keys(one!.comments[0]!).sort()).toEqual(['body', 'created_at', 'edited', 'hidden_at', 'hidden_by', 'id', 'member_id', 'updated_at']);
      expect(await feed(member(ids.sibling), { only_win: target })).toEqual([]);
      expect(await feed(member(ids.stranger), { only_win: target })).toEqual([]);
      expect(await feed(member(ids.member), { only_win: deletedWin })).toEqual([]);
      expect((await feed(member(ids.member), { page_size: 100 })).map((row) => row.id)).not.toContain(deletedWin);
      // A win without reactions or comments has empty lists, not nulls.
      const [bare] = await feed(member(ids.member), { only_win: leaderWin });
      expect([bare!.reactions, bare!.comments]).toEqual([[], []]);
    });

    it('shows each caller their line: the sponsor line yes, a sibling’s downline no, a stranger nothing, anon refused', async () => {
      const seen: Partial<Record<Name, string[]>> = {};
      const named = new Map([
        [leaderWin, 'leader'],
        [downlineWin, 'downline'],
        [siblingWin, 'sibling'],
        [nieceWin, 'niece'],
        [strangerWin, 'stranger'],
        ...memberWins.map((w) => [w.id, 'member'] as const),
      ]);
      for (const name of Object.keys(ids) as Name[]) {
        const rows = await feed(member(ids[name]), { page_size: 100 });
        seen[name] = [...new Set(rows.map((row) => named.get(row.id) ?? '?'))].sort();
      }
      expect(seen).toEqual({
        leader: ['downline', 'leader', 'member', 'niece', 'sibling'],
        member: ['downline', 'leader', 'member'],
        downline: ['downline', 'leader', 'member'],
        sibling: ['leader', 'niece', 'sibling'],
        niece: ['leader', 'niece', 'sibling'],
        stranger: ['stranger'],
      });
      await expect(as(ANON, 'select * from public.team_feed()')).rejects.toThrow(/permission denied/);
    });

    it('a hidden comment: its author and the leaders of the win’s author read it; nobody else sees the row at all', async () => {
      const target = memberWins[1]!.id;
      const hidden = await comment(ids.downline, target, 'rude words', { createdAt: at(20) });
      const open = await comment(ids.leader, target, 'kind words', { createdAt: at(21) });
      await as(member(ids.leader), 'select public.team_hide_comment($1)', [hidden]);
      const read = async (name: Name) => {
        const inFeed = ((await feed(member(ids[name]), { only_win: target }))[0]?.comments ?? []).map((c) => c.body);
        const direct = (await as<{ body: string }>(member(ids[name]), 'select body from public.team_comments where win_id = $1 order by created_at, id', [target])).map((c) => c.body);
        return { inFeed, direct };
      };
      const both = { inFeed: ['rude words', 'kind words'], direct: ['rude words', 'kind words'] };
      const openOnly = { inFeed: ['kind words'], direct: ['kind words'] };
      expect({ downline: await read('downline'), leader: await read('leader'), member: await read('member'), sibling: await read('sibling') }).toEqual({
        downline: both,
        leader: both,
        member: openOnly,
        sibling: { inFeed: [], direct: [] },
      });
      const [shown] = await feed(member(ids.leader), { only_win: target });
      expect(shown!.comments[0]).toMatchObject({ id: hidden, hidden_by: ids.leader });
      expect(Date.parse(shown!.comments[0]!.hidden_at!)).toBeGreaterThan(T0);
      // Shown again: the line reads it again.
      await as(member(ids.leader), 'select public.team_hide_comment($1, false)', [hidden]);
      expect(await read('member')).toEqual(both);
      expect(open).toBeDefined();
    });

    it('hiding touches the win (a Realtime UPDATE for its readers); the author’s pull gives the same, valid win', async () => {
      const target = memberWins[2]!.id;
      const hidden = await comment(ids.downline, target, 'spam');
      const state = async () =>
        (
          await db.query<{ updated_at: string; sync_xid: string; field_stamps: Record<string, string>; kind: string; amount: number; occurred_at: string; deleted_at: string | null }>(
            `select to_json(updated_at) #>> '{}' as updated_at, sync_xid::text, field_stamps, kind, amount, to_json(occurred_at) #>> '{}' as occurred_at, deleted_at from public.team_wins where id = $1`,
            [target],
          )
        )[0]!;
      const before = await state();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await as(member(ids.leader), 'select public.team_hide_comment($1)', [hidden]);
      const after = await state();
      expect(after.updated_at > before.updated_at).toBe(true);
      expect(after.sync_xid).not.toBe(before.sync_xid);
      expect([after.kind, after.amount, after.occurred_at, after.deleted_at]).toEqual([before.kind, before.amount, before.occurred_at, before.deleted_at]);
      // Only the kind's stamp moved, by the least step: any later real edit still wins over it.
      expect(after.field_stamps.kind! > before.field_stamps.kind!).toBe(true);
      expect(after.field_stamps.kind!.startsWith(before.field_stamps.kind!)).toBe(true);
      expect({ ...after.field_stamps, kind: '' }).toEqual({ ...before.field_stamps, kind: '' });
      // The feed reads the win with its new updated_at (what the client compares to reread).
      const [reread] = await feed(member(ids.member), { only_win: target });
      expect(Date.parse(reread!.updated_at)).toBe(Date.parse(after.updated_at));
      expect(reread!.comments.map((c) => c.id)).not.toContain(hidden);

      // The author's device pulls the touched win: a valid row with the values it already had.
      const pulled = await as<{ r: { rows: { table: string; row: Record<string, unknown> }[] } }>(member(ids.member), 'select public.sync_pull(null, 1000) as r');
      const row = pulled[0]!.r.rows.find((entry) => entry.table === 'team_wins' && entry.row.id === target)?.row;
      const parsed = teamWinSchema.parse(row);
      expect(parsed).toMatchObject({ id: target, member_id: ids.member, kind: before.kind, amount: before.amount, deleted_at: null });
      expect(parsed.field_stamps.kind).toBe(after.field_stamps.kind);
      // And a later edit from the author's device (a fresh stamp) still applies.
      const edited = await db.push(ids.member, [mutation('team_wins', target, { amount: 2 }, stamp())]);
      expect(edited.results[0]?.status).toBe('applied');
      // A win keeps its kind (else a shared kind could become one the member never chose to share).
      const retyped = await db.push(ids.member, [mutation('team_wins', target, { kind: 'streak' }, stamp())]);
      expect(retyped.results[0]?.status).toBe('rejected');
      expect((await state()).kind).toBe(before.kind);

      // Showing it again touches the win again; a show of a comment that is not hidden touches nothing.
      const touched = await state();
      await as(member(ids.leader), 'select public.team_hide_comment($1, false)', [hidden]);
      const shown = await state();
      expect(shown.sync_xid).not.toBe(touched.sync_xid);
      await as(member(ids.leader), 'select public.team_hide_comment($1, false)', [hidden]);
      expect((await state()).sync_xid).toBe(shown.sync_xid);
    });
  
    it('a hidden comment is shown again only by the leader who hid it or one above them; nobody hides or shows their own', async () => {
      const downWin = await win(ids.downline, new Date(Date.now() - 60_000).toISOString());
      const said = await comment(ids.sibling, downWin, 'off topic');
      await as(member(ids.leader), 'select public.team_hide_comment($1)', [said]);
      await expect(as(member(ids.member), 'select public.team_hide_comment($1, false)', [said])).rejects.toThrow(/Only the leader who hid this comment, or one above them/);
      await as(member(ids.leader), 'select public.team_hide_comment($1, false)', [said]);
      // Hidden by the member (a leader of the win's author), shown again by the leader above them.
      await as(member(ids.member), 'select public.team_hide_comment($1)', [said]);
      await as(member(ids.leader), 'select public.team_hide_comment($1, false)', [said]);
      const own = await comment(ids.member, downWin, 'my own words');
      await expect(as(member(ids.member), 'select public.team_hide_comment($1)', [own])).rejects.toThrow(/decides about your own comments/);
      const [row] = await db.query<{ hidden_at: string | null }>('select hidden_at from public.team_comments where id = $1', [said]);
      expect(row?.hidden_at).toBeNull();
    });
  });
}
