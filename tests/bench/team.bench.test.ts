// Part of `npm run bench`: the team on PostgreSQL 15 (PGlite where no server is installed) with 1,000
// members six levels deep and many activities: reading one's team (root and leaf), joining at the
// deepest level, one member's own contact pull with and without the team around it, and the team
// feed (wins with reactions and comments) a page at a time as the root, a mid-level member and a
// leaf. Prints figures; asserts only that the work was done.
import { afterAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc';
import { member } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

const MEMBERS = Number(process.env.BENCH_TEAM_MEMBERS ?? 1000);
const ACTIVITIES = Number(process.env.BENCH_TEAM_ACTIVITIES ?? 1_000_000);
const CONTACTS = 1000;
const WINS_EACH = Number(process.env.BENCH_TEAM_WINS ?? 20);
const ROUNDS = 9;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const figures: string[] = [];
const line = (name: string, ms: number, target: number | null) =>
  `  ${name.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms${target === null ? '' : `   target ${String(target).padStart(4)} ms   ratio ${(ms / target).toFixed(2)}`}`;

afterAll(() => {
  console.log(`\nThe team: ${MEMBERS.toLocaleString('en')} members (each sponsors up to 3), ${ACTIVITIES.toLocaleString('en')} activities\n${figures.join('\n')}\n`);
});

const backend = sqlBackends().at(-1)!;

describe(`the team at scale on ${backend.name}`, () => {
  let db: SqlBackend;
  afterAll(async () => db?.close());

  const timed = async (run: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    return median(times);
  };

  it('reads a team, joins it at depth six, and pulls one member’s own contacts whatever the team’s size', async () => {
    db = await backend.open();
    figures.push(backend.name);
    const ids: string[] = [];
    for (let i = 0; i < MEMBERS; i += 1) ids.push(await db.createUser({ full_name: `Member ${i}` }));
    const own = ids[MEMBERS - 1]!;

    // One member's own contacts, pulled before the team exists.
    const stamp = formatHlc({ physical: Date.now() - 1000, counter: 0, node: 'bench' });
    const contacts = Array.from({ length: CONTACTS }, (_, i) => ({ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: crypto.randomUUID(), op: 'insert', changes: { first_name: `Prospect ${i}` }, stamp }));
    await db.push(own, contacts);
    const pull = () => db.as(member(own), (query) => query('select public.sync_pull(null, 1000) as r'));
    await pull(); // warm-up: the first read of the rows is not what is compared
    const pullAlone = await timed(pull);

    // The team: member i is sponsored by member floor((i - 1) / 3), so it is six levels deep.
    let started = performance.now();
    for (let i = 1; i < MEMBERS; i += 1) await db.query('insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)', [ids[i], ids[Math.floor((i - 1) / 3)]]);
    const buildMs = performance.now() - started;
    const [{ depth }] = (await db.query<{ depth: number }>('select max(depth)::int as depth from public.team_paths')) as [{ depth: number }];
    expect(depth).toBeGreaterThanOrEqual(6);

    // Activities of the whole team (written directly, as the server holds them).
    started = performance.now();
    await db.query(
      `insert into public.member_activities (member_id, activity_type, metadata, occurred_at)
       select ($1::uuid[])[1 + (g % $2)], 'call', '{"outcome": "connected"}'::jsonb, now() - (g % 365) * interval '1 day'
       from generate_series(1, $3) as g`,
      [ids, MEMBERS, ACTIVITIES],
    );
    const activitiesMs = performance.now() - started;

    const myTeam = (who: string) => db.as(member(who), (query) => query('select * from public.team_my_team()'));
    expect((await myTeam(ids[0]!)).length).toBe(MEMBERS - 1);
    const rootTeam = await timed(() => myTeam(ids[0]!));
    const leafTeam = await timed(() => myTeam(own));
    const pullInTeam = await timed(pull);

    // Joining under the deepest member, then leaving again (each round).
    const joiner = await db.createUser({ full_name: 'Joiner' });
    const joins: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const code = (await db.as(member(own), (query) => query<{ code: string }>('insert into public.team_invites default values returning code')))[0]!.code;
      const at = performance.now();
      await db.as(member(joiner), (query) => query('select public.team_accept_invite($1)', [code]));
      joins.push(performance.now() - at);
      await db.as(member(joiner), (query) => query('select public.team_leave()'));
    }

    // A leader with 100 direct members, each with goals and a summary of the day.
    const leader = await db.createUser({ full_name: 'Leader' });
    const day = new Date().toISOString().slice(0, 10);
    for (let i = 0; i < 100; i += 1) {
      const direct = await db.createUser({ full_name: `Direct ${i}` });
      await db.query('insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)', [direct, leader]);
      await db.query(`insert into public.daily_goals (member_id, starts_on, conversations) values ($1, current_date - 30, 3)`, [direct]);
      await db.query(`insert into public.daily_summaries (member_id, day, conversations) values ($1, $2, $3)`, [direct, day, i % 5]);
    }
    const leaderView = () => db.as(member(leader), (query) => query('select * from public.team_leader_day($1::date, 1)', [day]));
    expect((await leaderView()).length).toBe(100);
    const leaderDay = await timed(leaderView);

    // The feed: every member has WINS_EACH wins over the last 90 days, three reactions and two
    // comments on each (by the author and their sponsor), one comment in ten hidden by the sponsor.
    started = performance.now();
    await db.query(
      `insert into public.team_wins (member_id, kind, amount, occurred_at)
       select m.id, (array['new_customer', 'new_team_member', 'goal_reached', 'streak'])[1 + g % 4], 1 + g % 10,
              now() - ((m.n * $2 + g) * 7919 % 129600) * interval '1 minute'
       from unnest($1::uuid[]) with ordinality as m(id, n), generate_series(1, $2) as g`,
      [ids, WINS_EACH],
    );
    await db.query(
      `insert into public.team_reactions (member_id, win_id, emoji)
       select case when g = 1 then w.member_id else coalesce(s.sponsor_id, w.member_id) end, w.id, (array['clap', 'party', 'fire'])[g]
       from public.team_wins w left join public.team_sponsors s on s.member_id = w.member_id, generate_series(1, 3) as g`,
    );
    // Hidden comments can only be written with the hiding flag on (as team_hide_comment sets it).
    await db.query(
      `do $$ begin
         perform set_config('team.hiding', 'on', true);
         insert into public.team_comments (member_id, win_id, body, created_at, hidden_at, hidden_by)
         select case when g = 1 then coalesce(s.sponsor_id, w.member_id) else w.member_id end, w.id, 'Well done, keep going!',
                w.occurred_at + g * interval '1 minute',
                case when g = 1 and s.sponsor_id is not null and hashtext(w.id::text) % 10 = 0 then now() end,
                case when g = 1 and s.sponsor_id is not null and hashtext(w.id::text) % 10 = 0 then s.sponsor_id end
         from public.team_wins w left join public.team_sponsors s on s.member_id = w.member_id, generate_series(1, 2) as g;
       end $$`,
    );
    await db.query('analyze public.team_wins, public.team_reactions, public.team_comments, public.team_paths, public.team_sponsors');
    const feedMs = performance.now() - started;
    const [{ wins, reactions, comments }] = (await db.query<{ wins: number; reactions: number; comments: number }>(
      `select (select count(*)::int from public.team_wins) as wins, (select count(*)::int from public.team_reactions) as reactions,
              (select count(*)::int from public.team_comments) as comments`,
    )) as [{ wins: number; reactions: number; comments: number }];

    type Page = { id: string; occurred_at: string };
    const feedPage = (who: string, after?: Page) =>
      db.as(member(who), (query) =>
        query<Page & { comments: unknown[] }>(
          `select id::text, to_json(occurred_at) #>> '{}' as occurred_at, comments from public.team_feed($1::timestamptz, $2::uuid)`,
          [after?.occurred_at ?? null, after?.id ?? null],
        ),
      );
    /** The cursor after `rows` wins of the member's feed (the last row of the page before). */
    const cursorAfter = async (who: string, rows: number) => {
      let last: Page | undefined;
      for (let read = 0; read < rows; read += 20) {
        const page = await feedPage(who, last);
        last = page.at(-1);
      }
      return last!;
    };
    const mid = ids[13]!; // level 3: three leaders above, 39 below
    const feedFigures: string[] = [];
    for (const [label, who, later] of [
      ['root', ids[0]!, 500],
      ['level 3 member', mid, 400],
      ['level 6 leaf', own, 100],
    ] as const) {
      expect((await feedPage(who)).length).toBe(20);
      const first = await timed(() => feedPage(who));
      const cursor = await cursorAfter(who, later);
      expect((await feedPage(who, cursor)).length).toBeGreaterThan(0);
      const next = await timed(() => feedPage(who, cursor));
      feedFigures.push(line(`team feed as the ${label}, first page`, first, 50), line(`team feed as the ${label}, page after ${later} wins`, next, 50));
    }
    // One win reread after a Realtime UPDATE (team_feed(only_win => id)), as the root.
    const reread = cursorAfter(ids[0]!, 20);
    const oneWin = async () => {
      const { id } = await reread;
      return db.as(member(ids[0]!), (query) => query('select * from public.team_feed(only_win => $1::uuid)', [id]));
    };
    expect((await oneWin()).length).toBe(1);
    feedFigures.push(line('team feed, one win reread (only_win) as the root', await timed(oneWin), 50));

    figures.push(
      line(`building the team (${MEMBERS - 1} joins, closure upkeep)`, buildMs, null),
      line(`writing ${ACTIVITIES.toLocaleString('en')} activities`, activitiesMs, null),
      line(`my team as the root (${(MEMBERS - 1).toLocaleString('en')} people below)`, rootTeam, 50),
      line('my team as a member six levels down', leafTeam, 50),
      line('joining at depth 7 (accept an invitation)', median(joins), 50),
      line("leader's day view, 100 direct members (counts vs goals)", leaderDay, 100),
      line(`own pull of ${CONTACTS.toLocaleString('en')} contacts, no team`, pullAlone, null),
      line(`own pull of ${CONTACTS.toLocaleString('en')} contacts, in the team`, pullInTeam, null),
      `  own pull, in the team / alone: ratio ${(pullInTeam / pullAlone).toFixed(2)} (target: unchanged, ~1)`,
      line(`writing ${wins.toLocaleString('en')} wins, ${reactions.toLocaleString('en')} reactions, ${comments.toLocaleString('en')} comments`, feedMs, null),
      ...feedFigures,
    );
  }, 600_000);
});
