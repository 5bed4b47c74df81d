// Part of `npm run bench`: the team on PostgreSQL 15 (PGlite where no server is installed) with 1,000
// members six levels deep and many activities: reading one's team (root and leaf), joining at the
// deepest level, and one member's own contact pull with and without the team around it. Prints
// figures; asserts only that the work was done.
import { afterAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc';
import { member } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

const MEMBERS = Number(process.env.BENCH_TEAM_MEMBERS ?? 1000);
const ACTIVITIES = Number(process.env.BENCH_TEAM_ACTIVITIES ?? 1_000_000);
const CONTACTS = 1000;
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
    );
  }, 600_000);
});
