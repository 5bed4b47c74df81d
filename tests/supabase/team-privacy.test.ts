import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON, member, type Who } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * The team's privacy matrix, on PGlite and on PostgreSQL 15: every team table and every team function,
 * as each role, reading and writing, with what each one gets. A small team with real data: the leader L
 * sponsors the member M and the sibling S; M sponsors the downline D; X is a stranger. M has a contact,
 * an invitation, a day's summary, a profile that shares new customers, and a win with a reaction and
 * comments (one hidden by L); D has a win with M's comment on it, hidden by L.
 *
 * Roles (columns): anon (no account), stranger (X), sibling (S, another direct member of M's sponsor),
 * member (M, whose data it mostly is) and leader (L, M's sponsor). Each write runs in a transaction that
 * is rolled back, so every role meets the same data. Outcomes: a number of rows (read or written), what
 * a function returned, 'denied' (no privilege), 'rls' (a row-level-security check refused the row), or
 * the error a function or trigger raised.
 */

const ROLES = ['anon', 'stranger', 'sibling', 'member', 'leader'] as const;
type Role = (typeof ROLES)[number];
type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
type Cell = { readonly query: Query; readonly role: Role };
type Case = { readonly name: string; readonly run: (cell: Cell) => Promise<unknown>; readonly expected: Record<Role, unknown> };

/** The same expectation for every signed-in role, anon denied (tables and functions anon has no grant on). */
const signedIn = (value: unknown, others: Partial<Record<Role, unknown>> = {}): Record<Role, unknown> => ({
  anon: 'denied',
  stranger: value,
  sibling: value,
  member: value,
  leader: value,
  ...others,
});
const error = (pattern: RegExp): unknown => expect.stringMatching(new RegExp(`^error: .*${pattern.source}`));

/** Thrown to end a cell's transaction with a rollback, carrying what the cell gave. */
class Rollback extends Error {
  constructor(readonly value: unknown) {
    super('rollback');
  }
}

const DAY = '2026-11-25';

for (const backend of sqlBackends()) {
  describe(`the team's privacy matrix on ${backend.name}`, () => {
    let db: SqlBackend;
    const id: Record<'L' | 'M' | 'S' | 'D' | 'X', string> = {} as never;
    const row: Record<'winM' | 'winD' | 'winS' | 'winL' | 'reactionL' | 'commentL' | 'hiddenD' | 'hiddenM' | 'contactM' | 'summaryM' | 'inviteM', string> = {} as never;
    let inviteCode: string;
    const roles = (): Record<Role, Who> => ({ anon: ANON, stranger: member(id.X), sibling: member(id.S), member: member(id.M), leader: member(id.L) });

    /** Runs one cell as the role in a transaction that is always rolled back; what it gave or why it failed. */
    async function outcome(role: Role, run: Case['run']): Promise<unknown> {
      try {
        await db.as(roles()[role], async (query) => {
          throw new Rollback(await run({ query, role }));
        });
        throw new Error('unreachable');
      } catch (thrown) {
        if (thrown instanceof Rollback) return thrown.value;
        const message = thrown instanceof Error ? thrown.message : String(thrown);
        if (/permission denied/.test(message)) return 'denied';
        if (/row-level security/.test(message)) return 'rls';
        return `error: ${message}`;
      }
    }

    /** Rows a select returns (as a count). */
    const count = (sql: string, params: () => unknown[]) => async ({ query }: Cell) => (await query<{ n: number }>(`select count(*)::int as n from (${sql}) q`, params()))[0]!.n;
    /** Rows a write changed (insert, update or delete … returning 1). */
    const written = (sql: string, params: () => unknown[]) => async ({ query }: Cell) => (await query<{ n: number }>(`with w as (${sql} returning 1) select count(*)::int as n from w`, params()))[0]!.n;
    /** What a function call returned, as `ok` (it ran) or its error. */
    const called = (sql: string, params: () => unknown[]) => async ({ query }: Cell) => {
      await query(sql, params());
      return 'ok';
    };
    /** The test's name for a member or row id. */
    const names = (ids: string[]) => ids.map((one) => Object.entries({ ...id, ...row }).find(([, value]) => value === one)?.[0] ?? '?');

    const matrix: Record<string, Case[]> = {
      team_sponsors: [
        { name: "read M's sponsor row", run: count('select 1 from public.team_sponsors where member_id = $1', () => [id.M]), expected: signedIn(0, { member: 1, leader: 1 }) },
        { name: "read D's sponsor row (M's direct member)", run: count('select 1 from public.team_sponsors where member_id = $1', () => [id.D]), expected: signedIn(0, { member: 1 }) },
        { name: 'insert X under L', run: written('insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)', () => [id.X, id.L]), expected: signedIn('denied') },
        { name: "delete M's sponsor row", run: written('delete from public.team_sponsors where member_id = $1', () => [id.M]), expected: signedIn('denied') },
      ],
      team_paths: [
        { name: 'read paths through M', run: count('select 1 from public.team_paths where ancestor_id = $1 or descendant_id = $1', () => [id.M]), expected: signedIn(0, { member: 2, leader: 1 }) },
        { name: 'read paths through D', run: count('select 1 from public.team_paths where ancestor_id = $1 or descendant_id = $1', () => [id.D]), expected: signedIn(0, { member: 1, leader: 1 }) },
        { name: 'insert a path X → L', run: written('insert into public.team_paths (ancestor_id, descendant_id, depth) values ($1, $2, 1)', () => [id.X, id.L]), expected: signedIn('denied') },
        { name: 'delete the path L → M', run: written('delete from public.team_paths where descendant_id = $1', () => [id.M]), expected: signedIn('denied') },
      ],
      team_invites: [
        { name: "read M's invitations", run: count('select 1 from public.team_invites where inviter_id = $1', () => [id.M]), expected: signedIn(0, { member: 1 }) },
        { name: "invite in M's name", run: written('insert into public.team_invites (inviter_id) values ($1)', () => [id.M]), expected: signedIn('rls', { member: 1 }) },
        { name: "withdraw M's invitation", run: written('update public.team_invites set revoked_at = now() where id = $1', () => [row.inviteM]), expected: signedIn(0, { member: 1 }) },
        { name: "change M's invitation's code", run: written(`update public.team_invites set code = 'ABCDEFGH' where id = $1`, () => [row.inviteM]), expected: signedIn('denied') },
        { name: "delete M's invitation", run: written('delete from public.team_invites where id = $1', () => [row.inviteM]), expected: signedIn(0, { member: 1 }) },
      ],
      team_wins: [
        { name: "read M's win", run: count('select 1 from public.team_wins where id = $1', () => [row.winM]), expected: signedIn(0, { member: 1, leader: 1 }) },
        { name: "read D's win (M's downline)", run: count('select 1 from public.team_wins where id = $1', () => [row.winD]), expected: signedIn(0, { member: 1, leader: 1 }) },
        { name: "read S's win", run: count('select 1 from public.team_wins where id = $1', () => [row.winS]), expected: signedIn(0, { sibling: 1, leader: 1 }) },
        { name: "read L's win (the upline)", run: count('select 1 from public.team_wins where id = $1', () => [row.winL]), expected: signedIn(0, { sibling: 1, member: 1, leader: 1 }) },
        { name: 'post a shared kind of win (M and L share new customers)', run: written(`insert into public.team_wins (kind) values ('new_customer')`, () => []), expected: signedIn('rls', { member: 1, leader: 1 }) },
        { name: 'post a kind nobody shares', run: written(`insert into public.team_wins (kind) values ('streak')`, () => []), expected: signedIn('rls') },
        { name: "post a win in M's name", run: written(`insert into public.team_wins (member_id, kind) values ($1, 'new_customer')`, () => [id.M]), expected: signedIn('rls', { member: 1 }) },
        { name: "change M's win", run: written('update public.team_wins set amount = 7 where id = $1', () => [row.winM]), expected: signedIn(0, { member: 1 }) },
        { name: "delete M's win", run: written('delete from public.team_wins where id = $1', () => [row.winM]), expected: signedIn(0, { member: 1 }) },
      ],
      team_reactions: [
        { name: "read the reaction on M's win", run: count('select 1 from public.team_reactions where win_id = $1', () => [row.winM]), expected: signedIn(0, { member: 1, leader: 1 }) },
        { name: "react to M's win", run: written(`insert into public.team_reactions (win_id, emoji) values ($1, 'fire')`, () => [row.winM]), expected: signedIn('rls', { member: 1, leader: 1 }) },
        { name: "react to S's win", run: written(`insert into public.team_reactions (win_id, emoji) values ($1, 'fire')`, () => [row.winS]), expected: signedIn('rls', { sibling: 1, leader: 1 }) },
        { name: "take back L's reaction", run: written(`update public.team_reactions set deleted_at = now() where id = $1`, () => [row.reactionL]), expected: signedIn(0, { leader: 1 }) },
        // A reaction stays what and where it is, even for its author (else it could probe or move onto wins it cannot see).
        { name: "turn L's reaction into another", run: written(`update public.team_reactions set emoji = 'heart' where id = $1`, () => [row.reactionL]), expected: signedIn(0, { leader: error(/stays on its win/) }) },
        { name: "move L's reaction to S's win", run: written('update public.team_reactions set win_id = $2 where id = $1', () => [row.reactionL, row.winS]), expected: signedIn(0, { leader: error(/stays on its win/) }) },
        { name: "delete L's reaction", run: written('delete from public.team_reactions where id = $1', () => [row.reactionL]), expected: signedIn(0, { leader: 1 }) },
      ],
      team_comments: [
        { name: "read L's comment on M's win", run: count('select 1 from public.team_comments where id = $1', () => [row.commentL]), expected: signedIn(0, { member: 1, leader: 1 }) },
        {
          name: "read D's hidden comment on M's win (D and M's leaders only)",
          run: count('select body from public.team_comments where id = $1', () => [row.hiddenD]),
          expected: signedIn(0, { leader: 1 }),
        },
        {
          name: "read M's hidden comment on D's win (its author M and D's leaders M and L)",
          run: count('select body from public.team_comments where id = $1', () => [row.hiddenM]),
          expected: signedIn(0, { member: 1, leader: 1 }),
        },
        { name: "comment on M's win", run: written(`insert into public.team_comments (win_id, body) values ($1, 'Nice')`, () => [row.winM]), expected: signedIn('rls', { member: 1, leader: 1 }) },
        {
          name: "comment on M's win, born hidden",
          run: written(`insert into public.team_comments (win_id, body, hidden_at) values ($1, 'Nice', now())`, () => [row.winM]),
          expected: signedIn(error(/Only a leader of the team/)),
        },
        { name: "edit L's comment", run: written(`update public.team_comments set body = 'edited' where id = $1`, () => [row.commentL]), expected: signedIn(0, { leader: 1 }) },
        {
          name: "show M's hidden comment again by editing it",
          run: written('update public.team_comments set hidden_at = null, hidden_by = null where id = $1', () => [row.hiddenM]),
          expected: signedIn(0, { member: error(/Only a leader of the team/) }),
        },
        { name: "delete L's comment", run: written('delete from public.team_comments where id = $1', () => [row.commentL]), expected: signedIn(0, { leader: 1 }) },
      ],
      daily_summaries: [
        { name: "read M's summaries", run: count('select 1 from public.daily_summaries where member_id = $1', () => [id.M]), expected: signedIn(0, { member: 1 }) },
        { name: "write a summary in M's name", run: written(`insert into public.daily_summaries (member_id, day, conversations) values ($1, '2026-11-26', 9)`, () => [id.M]), expected: signedIn('rls', { member: 1 }) },
        { name: "change M's summary", run: written('update public.daily_summaries set conversations = 9 where id = $1', () => [row.summaryM]), expected: signedIn(0, { member: 1 }) },
        { name: "delete M's summary", run: written('delete from public.daily_summaries where id = $1', () => [row.summaryM]), expected: signedIn(0, { member: 1 }) },
      ],
      'member_profiles (share_wins)': [
        {
          name: "read M's share_wins",
          run: async ({ query }) => (await query<{ share_wins: string[]; asked: string | null }>('select share_wins, share_wins_asked_at as asked from public.member_profiles where id = $1', [id.M])).map((p) => [p.share_wins, p.asked !== null]),
          expected: signedIn([], { member: [[['new_customer'], true]] }),
        },
        { name: "change M's share_wins", run: written(`update public.member_profiles set share_wins = '{streak}' where id = $1`, () => [id.M]), expected: signedIn(0, { member: 1 }) },
        { name: "change M's share_wins_asked_at", run: written('update public.member_profiles set share_wins_asked_at = now() where id = $1', () => [id.M]), expected: signedIn(0, { member: 1 }) },
        {
          name: 'share a kind that does not exist',
          run: written(`update public.member_profiles set share_wins = '{everything}' where id = auth.uid()`, () => []),
          expected: signedIn(error(/member_profiles_share_wins_valid/)),
        },
      ],
      'contacts (no team access)': [
        { name: "read M's contact", run: count('select notes from public.contacts where id = $1', () => [row.contactM]), expected: signedIn(0, { member: 1 }) },
        { name: "change M's contact", run: written(`update public.contacts set notes = 'seen' where id = $1`, () => [row.contactM]), expected: signedIn(0, { member: 1 }) },
      ],
      team_accept_invite: [
        {
          name: "accept M's invitation",
          run: async ({ query }) => names([(await query<{ sponsor: string }>('select public.team_accept_invite($1)::text as sponsor', [inviteCode]))[0]!.sponsor]),
          expected: {
            anon: 'denied',
            stranger: ['M'],
            sibling: error(/already have a sponsor/),
            member: error(/your own invitation/),
            leader: error(/own upline/),
          },
        },
      ],
      team_leave: [
        {
          name: 'leave (paths up and down from oneself, before → after: the downline comes along)',
          run: async ({ query }) => {
            const paths = async () =>
              (await query<{ up: number; down: number }>(
                `select count(*) filter (where descendant_id = auth.uid())::int as up, count(*) filter (where ancestor_id = auth.uid())::int as down from public.team_paths`,
              ))[0]!;
            const before = await paths();
            await query('select public.team_leave()');
            const after = await paths();
            return `up ${before.up} → ${after.up}, down ${before.down} → ${after.down}`;
          },
          expected: {
            anon: 'denied',
            stranger: 'up 0 → 0, down 0 → 0',
            sibling: 'up 1 → 0, down 0 → 0',
            member: 'up 1 → 0, down 1 → 1',
            leader: 'up 0 → 0, down 3 → 3',
          },
        },
      ],
      team_remove_member: [
        { name: 'remove M', run: called('select public.team_remove_member($1)', () => [id.M]), expected: signedIn(error(/own sponsor can remove/), { leader: 'ok' }) },
        { name: 'remove D', run: called('select public.team_remove_member($1)', () => [id.D]), expected: signedIn(error(/own sponsor can remove/), { member: 'ok' }) },
      ],
      team_my_team: [
        {
          name: 'my team (names and levels)',
          run: async ({ query }) => (await query<{ full_name: string; depth: number }>('select full_name, depth from public.team_my_team()')).map((r) => `${r.full_name} ${r.depth}`),
          expected: {
            anon: 'denied',
            stranger: [],
            sibling: ['Leader -1'],
            member: ['Leader -1', 'Downline 1'],
            leader: ['Member 1', 'Sibling 1', 'Downline 2'],
          },
        },
      ],
      team_hide_comment: [
        // One's own comment is deleted, not hidden: hiding is a leader's decision about someone else's words.
        { name: "hide L's comment on M's win", run: called('select public.team_hide_comment($1)', () => [row.commentL]), expected: signedIn(error(/leader of this member/), { leader: error(/decides about your own comments/) }) },
        { name: "show D's hidden comment on M's win", run: called('select public.team_hide_comment($1, false)', () => [row.hiddenD]), expected: signedIn(error(/leader of this member/), { leader: 'ok' }) },
        { name: "show M's hidden comment on D's win", run: called('select public.team_hide_comment($1, false)', () => [row.hiddenM]), expected: signedIn(error(/leader of this member/), { member: error(/decides about your own comments/), leader: 'ok' }) },
      ],
      team_leader_day: [
        {
          name: "the day's counts of one's downline",
          run: async ({ query }) => (await query<{ full_name: string; conversations: number }>('select full_name, conversations from public.team_leader_day($1::date, 5)', [DAY])).map((r) => `${r.full_name} ${r.conversations}`),
          expected: { anon: 'denied', stranger: [], sibling: [], member: ['Downline 0'], leader: ['Member 4', 'Sibling 0', 'Downline 0'] },
        },
      ],
      team_feed: [
        {
          name: 'the wins in the feed, with the comments on each',
          run: async ({ query }) =>
            (await query<{ id: string; comments: { id: string }[] }>('select id::text, comments from public.team_feed(page_size => 100)')).map(
              (r) => `${names([r.id])[0]}: ${names(r.comments.map((c) => c.id)).join(' ')}`,
            ),
          expected: {
            anon: 'denied',
            stranger: [],
            sibling: ['winS: ', 'winL: '],
            member: ['winM: commentL', 'winD: hiddenM', 'winL: '],
            leader: ['winM: hiddenD commentL', 'winS: ', 'winD: hiddenM', 'winL: '],
          },
        },
      ],
      'team_private (not reachable around the wrappers)': [
        { name: 'touch a win', run: called('select team_private.touch_win($1)', () => [row.winM]), expected: signedIn('denied') },
        { name: "the line's ids", run: async ({ query }) => names((await query<{ id: string }>('select team_private.line_ids()::text as id')).map((r) => r.id)).sort(), expected: {
          anon: 'denied', stranger: ['X'], sibling: ['L', 'S'], member: ['D', 'L', 'M'], leader: ['D', 'L', 'M', 'S'],
        } },
      ],
    };

    beforeAll(async () => {
      db = await backend.open();
      for (const [key, name] of [['L', 'Leader'], ['M', 'Member'], ['S', 'Sibling'], ['D', 'Downline'], ['X', 'Stranger']] as const) id[key] = await db.createUser({ full_name: name });
      const sponsor = (m: string, s: string) => db.query('insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)', [m, s]);
      await sponsor(id.M, id.L);
      await sponsor(id.S, id.L);
      await sponsor(id.D, id.M);
      await db.query(`update public.member_profiles set share_wins = '{new_customer}', share_wins_asked_at = now() where id = any($1::uuid[])`, [[id.M, id.L]]);
      const insert = async (sql: string, params: unknown[]) => (await db.query<{ id: string }>(`${sql} returning id::text`, params))[0]!.id;
      const win = (owner: string, minutes: number) =>
        insert(`insert into public.team_wins (member_id, kind, occurred_at) values ($1, 'new_customer', $2)`, [owner, new Date(Date.parse('2026-11-25T12:00:00Z') - minutes * 60_000).toISOString()]);
      row.winM = await win(id.M, 0);
      row.winS = await win(id.S, 10);
      row.winD = await win(id.D, 20);
      row.winL = await win(id.L, 30);
      row.reactionL = await insert(`insert into public.team_reactions (member_id, win_id, emoji) values ($1, $2, 'clap')`, [id.L, row.winM]);
      const comment = (author: string, winId: string, body: string, minute: number) =>
        insert(`insert into public.team_comments (member_id, win_id, body, created_at) values ($1, $2, $3, $4)`, [author, winId, body, `2026-11-25T13:0${minute}:00Z`]);
      row.hiddenD = await comment(id.D, row.winM, 'rude', 1);
      row.commentL = await comment(id.L, row.winM, 'Well done', 2);
      row.hiddenM = await comment(id.M, row.winD, 'off topic', 3);
      await db.as(member(id.L), (query) => query('select public.team_hide_comment($1), public.team_hide_comment($2)', [row.hiddenD, row.hiddenM]));
      row.contactM = await insert(`insert into public.contacts (member_id, first_name, notes) values ($1, 'Prospect', 'private note')`, [id.M]);
      row.summaryM = await insert(`insert into public.daily_summaries (member_id, day, conversations) values ($1, $2, 4)`, [id.M, DAY]);
      row.inviteM = await insert('insert into public.team_invites (inviter_id) values ($1)', [id.M]);
      inviteCode = (await db.query<{ code: string }>('select code from public.team_invites where id = $1', [row.inviteM]))[0]!.code;
    }, 120_000);
    afterAll(async () => db?.close());

    for (const [group, cases] of Object.entries(matrix)) {
      it(`${group}: each role reads and writes exactly what it should`, async () => {
        const got: Record<string, Record<Role, unknown>> = {};
        const want: Record<string, Record<Role, unknown>> = {};
        for (const one of cases) {
          got[one.name] = {} as Record<Role, unknown>;
          for (const role of ROLES) got[one.name]![role] = await outcome(role, one.run);
          want[one.name] = one.expected;
        }
        expect(got).toEqual(want);
      });
    }
  });
}
