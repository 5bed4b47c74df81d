import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc';
import { member, type PushResult } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * sync_push applies a run of inserts into one table that name the same columns with one statement
 * (migration 20261130000100). Whatever the run holds, every answer and every row must be what one
 * statement per mutation gives: the same mutations are pushed by one member in one push and by another
 * member one mutation per push (a run of one always goes one at a time), and the two are compared.
 */

const stampAt = (ms: number, node = 'dev', counter = 0) => formatHlc({ physical: ms, counter, node });

type Step = { key: string; table: string; row: string; op?: 'insert' | 'update'; changes: Record<string, unknown>; stamp: string };

/** Symbolic ids (`@name`) become one member's own ids, the same name the same id. */
function instantiate(steps: readonly Step[], ids: Map<string, string>) {
  const id = (name: string) => {
    if (!ids.has(name)) ids.set(name, crypto.randomUUID());
    return ids.get(name)!;
  };
  const value = (v: unknown) => (typeof v === 'string' && v.startsWith('@') ? id(v) : v);
  return steps.map((step) => ({
    mutation_id: id(`mutation:${step.key}`),
    table: step.table,
    row_id: id(step.row),
    op: step.op ?? 'insert',
    changes: Object.fromEntries(Object.entries(step.changes).map(([k, v]) => [k, value(v)])),
    stamp: step.stamp,
  }));
}

/** What an answer says, with ids read back as their names and what differs by member or time left out. */
function readable(result: PushResult, ids: Map<string, string>) {
  const names = new Map([...ids].map(([name, id]) => [id, name]));
  const rowOf = (row: Record<string, unknown>) => ({
    id: names.get(String(row['id'])),
    first_name: row['first_name'],
    merged_into: typeof row['merged_into'] === 'string' ? names.get(row['merged_into']) : row['merged_into'],
    tags: row['tags'],
    deleted: row['deleted_at'] !== null && row['deleted_at'] !== undefined,
    stamped: Object.keys((row['field_stamps'] as Record<string, string> | undefined) ?? {}).sort(),
  });
  return {
    results: result.results.map((r) => ({ mutation: names.get(r.mutation_id), status: r.status, code: r.code, reason: r.reason })),
    rows: result.rows.map((r) => ({ table: r.table, ...rowOf(r.row) })),
  };
}

for (const backend of sqlBackends()) {
  describe(`sync_push runs on ${backend.name}`, () => {
    let db: SqlBackend;

    beforeAll(async () => {
      db = await backend.open();
    }, 120_000);
    afterAll(async () => db?.close());

    const past = Date.now() - 60_000;
    const contact = (key: string, row: string, first_name: unknown, extra: Record<string, unknown> = {}, stamp = stampAt(past, 'dev', Number(key.replace(/\D/g, '')) || 0)): Step => ({
      key,
      table: 'contacts',
      row,
      changes: { first_name, last_name: 'Run', tags: ['a'], merged_into: null, ...extra },
      stamp,
    });

    /** Done first by both members, one mutation per push: rows that exist, an applied id, a tombstone. */
    const before: Step[] = [
      contact('b1', '@existing', 'Existing'),
      contact('b2', '@older', 'Older', {}, stampAt(past + 10_000)),
      contact('b3', '@gone', 'Gone'),
      contact('b4', '@retried', 'Retried'),
    ];

    /** Between two runs: a mutation of another table, so each group below is a run of its own. */
    const between = (key: string): Step => ({ key, table: 'email_templates', row: `@template-${key}`, changes: { name: 'T', body: 'B' }, stamp: stampAt(past) });
    const groups: Step[][] = [
      [contact('s1', '@a', 'A'), contact('s2', '@b', 'B'), contact('s3', '@c', 'C')],
      [contact('s4', '@f1', 'F1'), contact('s5', '@bad-name', ''), contact('s6', '@f2', 'F2')], // refused by a constraint mid-run
      [contact('s7', '@f3', 'F3'), { ...contact('b4', '@retried', 'Retried'), key: 'b4' }, contact('s8', '@f4', 'F4')], // a retry: applied before
      [contact('s9', '@existing', 'Existing, newer', {}, stampAt(past + 20_000)), contact('s10', '@older', 'Older, but older', {}, stampAt(past)), contact('s11', '@f5', 'F5')], // inserts of existing rows merge
      [contact('s12', '@f6', 'F6'), contact('s13', '@gone', 'Gone again')], // a tombstoned id: answered with its tombstone
      [contact('s14', '@f7', 'F7'), contact('s15', '@shape', 'Shape', { tags: [['nested']] })], // a wrong shape
      [contact('s16', '@twice', 'Twice, first'), contact('s17', '@twice', 'Twice, second', {}, stampAt(past + 30_000))], // one row twice
      [contact('s18', '@points-back', 'Points back', { merged_into: '@a' }), contact('s19', '@points-ahead', 'Points ahead', { merged_into: '@later' }), contact('s20', '@later', 'Later')], // into a later row: refused
      [contact('s21', '@first', 'First'), contact('s22', '@second', 'Second', { merged_into: '@first' })], // into an earlier row of the run: fine
      [contact('s23', '@future', 'Future', {}, stampAt(Date.now() + 3_600_000, 'fast')), contact('s24', '@f8', 'F8')], // clamped
      [
        { key: 's25', table: 'member_activities', row: '@call', changes: { activity_type: 'call', contact_id: '@a' }, stamp: stampAt(past) },
        { key: 's26', table: 'member_activities', row: '@note', changes: { activity_type: 'note', contact_id: '@nobody' }, stamp: stampAt(past) },
        { key: 's27', table: 'member_activities', row: '@note2', changes: { activity_type: 'note', contact_id: '@b' }, stamp: stampAt(past) },
      ],
      [
        { key: 's28', table: 'member_activities', row: '@call2', changes: { activity_type: 'call', contact_id: '@a' }, stamp: stampAt(past) },
        { key: 's29', table: 'member_activities', row: '@call3', changes: { activity_type: 'call', contact_id: '@points-back' }, stamp: stampAt(past) },
      ],
    ];
    const steps: Step[] = groups.flatMap((group, i) => [...group, between(`t${i}`)]);

    async function prepare(ids: Map<string, string>) {
      const sub = await db.createUser();
      for (const mutation of instantiate(before, ids)) {
        const result = await db.push(sub, [mutation]);
        expect(result.results[0]?.status).toBe('applied');
      }
      await db.as(member(sub), (query) => query('delete from public.contacts where id = $1', [ids.get('@gone')]));
      return sub;
    }

    const tableRows = async (sub: string, ids: Map<string, string>) => {
      const rows = await db.query<{ r: Record<string, unknown>; t: string }>(
        `select 'contacts' as t, to_jsonb(c) as r from public.contacts c where member_id = $1
         union all select 'member_activities', to_jsonb(a) from public.member_activities a where member_id = $1`,
        [sub],
      );
      const names = new Map([...ids].map(([name, id]) => [id, name]));
      return rows
        .map(({ t, r }) => ({ t, id: names.get(String(r['id'])) ?? 'profile', first_name: r['first_name'], contact: typeof r['contact_id'] === 'string' ? names.get(r['contact_id']) : undefined, merged_into: typeof r['merged_into'] === 'string' ? names.get(r['merged_into']) : r['merged_into'] }))
        .sort((x, y) => `${x.t}${x.id}`.localeCompare(`${y.t}${y.id}`));
    };

    it('answers a push of runs as it answers the same mutations one per push, and leaves the same rows', async () => {
      const together = new Map<string, string>();
      const alone = new Map<string, string>();
      const [subTogether, subAlone] = [await prepare(together), await prepare(alone)];

      const pushed = await db.push(subTogether, instantiate(steps, together));
      const one: PushResult = { results: [], rows: [], server_time: 0 };
      for (const mutation of instantiate(steps, alone)) {
        const result = await db.push(subAlone, [mutation]);
        one.results.push(...result.results);
        one.rows.push(...result.rows);
      }

      expect(readable(pushed, together)).toEqual(readable(one, alone));
      expect(await tableRows(subTogether, together)).toEqual(await tableRows(subAlone, alone));

      // What the steps were written to show.
      const byKey = new Map(readable(pushed, together).results.map((r) => [r.mutation?.replace('mutation:', ''), r]));
      expect(byKey.get('s5')).toMatchObject({ status: 'rejected', reason: 'First name is required' });
      expect(byKey.get('b4')).toMatchObject({ status: 'duplicate' });
      expect(byKey.get('s15')).toMatchObject({ status: 'rejected' });
      expect(byKey.get('s19')).toMatchObject({ status: 'rejected', code: '23503' });
      expect(byKey.get('s26')).toMatchObject({ status: 'rejected' });
      const applied = steps.map((step) => step.key).filter((key) => !['s5', 'b4', 's15', 's19', 's26'].includes(key));
      expect(applied.map((key) => byKey.get(key)?.status)).toEqual(applied.map(() => 'applied'));
      const rows = readable(pushed, together).rows;
      expect(rows.find((r) => r.id === '@gone')).toMatchObject({ deleted: true });
      expect(rows.filter((r) => r.id === '@twice').map((r) => r.first_name)).toEqual(['Twice, first', 'Twice, second']);
      expect(rows.find((r) => r.id === '@older')?.first_name).toBe('Older');
      expect(rows.find((r) => r.id === '@existing')?.first_name).toBe('Existing, newer');
      expect(rows.find((r) => r.id === '@second')?.merged_into).toBe('@first');
    });

    it('answers a replayed run duplicate, row by row, and a run mixing retries and new rows in order', async () => {
      const sub = await db.createUser();
      const mutations = Array.from({ length: 250 }, (_, i) => ({ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: crypto.randomUUID(), op: 'insert', changes: { first_name: `R${i}` }, stamp: stampAt(past) }));
      expect((await db.push(sub, mutations.slice(0, 100))).results.every((r) => r.status === 'applied')).toBe(true);
      const mixed = await db.push(sub, mutations);
      expect(mixed.results.map((r) => [r.mutation_id, r.status])).toEqual(mutations.map((m, i) => [m.mutation_id, i < 100 ? 'duplicate' : 'applied']));
      expect(mixed.rows.map((r) => r.row['first_name'])).toEqual(mutations.map((m) => m.changes.first_name));
      const replay = await db.push(sub, mutations);
      expect(replay.results.map((r) => r.status)).toEqual(mutations.map(() => 'duplicate'));
      expect(replay.rows.map((r) => r.row['id'])).toEqual(mutations.map((m) => m.row_id));
      const [{ n } = { n: 0 }] = await db.query<{ n: number }>('select count(*)::int as n from public.contacts where member_id = $1', [sub]);
      expect(n).toBe(250);
    });

    it('keeps each member to their own rows inside a run', async () => {
      const [owner, other] = [await db.createUser(), await db.createUser()];
      const taken = crypto.randomUUID();
      await db.push(owner, [{ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: taken, op: 'insert', changes: { first_name: 'Mine' }, stamp: stampAt(past) }]);
      const run = [crypto.randomUUID(), taken, crypto.randomUUID()].map((row_id) => ({ mutation_id: crypto.randomUUID(), table: 'contacts', row_id, op: 'insert', changes: { first_name: 'Theirs' }, stamp: stampAt(past + 1000) }));
      const result = await db.push(other, run);
      expect(result.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'applied']);
      const [row] = await db.query<{ first_name: string; member_id: string }>('select first_name, member_id from public.contacts where id = $1', [taken]);
      expect(row).toEqual({ first_name: 'Mine', member_id: owner });
    });
  });
}
