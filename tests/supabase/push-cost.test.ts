import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/domain/hlc';
import { member, type PushResult } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';
import { addedContactMutations } from '../support/sync-device';

/*
 * The inserts at the head of a small push go a short way first (migration 20261130000300): one
 * prepared statement checks, records the mutation id and inserts; from the first mutation it does not
 * answer itself, the rest go the long way (sync.push_each, the sync_push of 20261130000100). Whatever
 * the mutations, the answers and the rows must be what the long way gives: the same pushes go
 * through sync_push for one member and straight through sync.push_each for another, and the two are
 * compared. One difference is meant (20261130000700): a row the short way inserted exactly as pushed
 * stays out of the answer, as the device holds it already; the story's inserts all leave fields out,
 * so their rows come back.
 */

const stampAt = (ms: number, node = 'dev', counter = 0) => formatHlc({ physical: ms, counter, node });

type Step =
  | { key: string; table: string; row: string; op?: 'insert' | 'update'; changes: Record<string, unknown>; stamp: string; raw?: Record<string, unknown> }
  | { key: string; hardDelete: string };

for (const backend of sqlBackends()) {
  describe(`a small push on ${backend.name}`, () => {
    let db: SqlBackend;

    beforeAll(async () => {
      db = await backend.open();
    }, 120_000);
    afterAll(async () => db?.close());

    const past = Date.now() - 60_000;
    const contact = (key: string, row: string, changes: Record<string, unknown>, stamp = stampAt(past)): Step => ({ key, table: 'contacts', row, changes, stamp });

    /** One member's story, one mutation per push; `@name` is an id of that member's own. */
    const steps: Step[] = [
      contact('plain', '@plain', { first_name: 'Plain', phone: '555 010 0100', notes: 'Met at the fair' }),
      contact('points', '@points', { first_name: 'Points', phones: [{ label: 'mobile', value: '555 010 0101' }], emails: [{ label: 'work', value: 'p@example.com' }], tags: ['vip', 'fair'] }),
      contact('with-id', '@with-id', { id: '@with-id', member_id: '@me', first_name: 'With id' }),
      contact('plain', '@plain', { first_name: 'Plain' }), // the same mutation again: duplicate
      contact('again', '@plain', { first_name: 'Plain, newer' }, stampAt(past + 10_000)), // an insert of an existing row merges
      contact('stale', '@plain', { first_name: 'Plain, older' }, stampAt(past - 10_000)), // ... and changes nothing when older
      contact('empty-name', '@empty-name', { first_name: '' }), // a constraint
      contact('unknown-column', '@unknown-column', { first_name: 'U', nickname: 'x' }),
      contact('set-updated-at', '@set-updated-at', { first_name: 'U', updated_at: '2026-01-01T00:00:00Z' }),
      contact('object-in-text', '@object-in-text', { first_name: { text: 'Obj' } }),
      contact('array-in-text', '@array-in-text', { first_name: ['Arr'] }),
      contact('text-in-array', '@text-in-array', { first_name: 'T', tags: '{vip}' }),
      contact('number-in-tags', '@number-in-tags', { first_name: 'N', tags: [1] }),
      contact('nested-tags', '@nested-tags', { first_name: 'N', tags: [['vip']] }),
      contact('number-in-text', '@number-in-text', { first_name: 42 }),
      contact('not-a-date', '@not-a-date', { first_name: 'D', next_follow_up_on: 'soon' }),
      contact('null-tags', '@null-tags', { first_name: 'Null', tags: null }),
      contact('future', '@future', { first_name: 'Future' }, stampAt(Date.now() + 3_600_000, 'fast')), // clamped
      contact('merged', '@merged', { first_name: 'Merged', merged_into: '@plain' }),
      contact('merged-nowhere', '@merged-nowhere', { first_name: 'Merged', merged_into: '@nobody' }),
      contact('gone', '@gone', { first_name: 'Gone' }),
      { key: 'delete', hardDelete: '@gone' },
      contact('gone-again', '@gone', { first_name: 'Gone again' }), // a tombstoned id: answered with its tombstone
      contact('someone-else', '@someone-else', { first_name: 'Mine', member_id: '@other' }), // a row of another member
      { key: 'goal', table: 'daily_goals', row: '@goal', changes: { starts_on: '2026-11-30', work_days: [1, 2, 3, 4], conversations: 5 }, stamp: stampAt(past) },
      { key: 'goal-text-days', table: 'daily_goals', row: '@goal-2', changes: { starts_on: '2026-11-30', work_days: ['1'] }, stamp: stampAt(past) },
      { key: 'template', table: 'email_templates', row: '@template', changes: { name: 'T', body: 'B' }, stamp: stampAt(past) },
      { key: 'activity', table: 'member_activities', row: '@call', changes: { activity_type: 'call', contact_id: '@points', metadata: { outcome: 'connected' } }, stamp: stampAt(past) },
      { key: 'activity-bad-metadata', table: 'member_activities', row: '@call-2', changes: { activity_type: 'call', contact_id: '@points', metadata: 'connected' }, stamp: stampAt(past) },
      { key: 'no-table', table: 'nothing_here', row: '@nothing', changes: { first_name: 'X' }, stamp: stampAt(past) },
      { key: 'members', table: 'members', row: '@member', changes: {}, stamp: stampAt(past) },
      contact('no-changes', '@no-changes', {}),
      { key: 'no-mutation-id', table: 'contacts', row: '@no-id', changes: { first_name: 'X' }, stamp: stampAt(past), raw: { mutation_id: null } },
      { key: 'bad-row-id', table: 'contacts', row: '@bad-row', changes: { first_name: 'X' }, stamp: stampAt(past), raw: { row_id: 'not-a-uuid' } },
      { key: 'bad-mutation-id', table: 'contacts', row: '@bad-mutation', changes: { first_name: 'X' }, stamp: stampAt(past), raw: { mutation_id: 'not-a-uuid' } },
      { key: 'no-stamp', table: 'contacts', row: '@no-stamp', changes: { first_name: 'No stamp' }, stamp: 'not a stamp' },
      { key: 'own-stamps', table: 'contacts', row: '@own-stamps', changes: { first_name: 'Own', notes: 'n' }, stamp: stampAt(past), raw: { stamps: { notes: stampAt(past + 5_000, 'other') } } },
      { key: 'huge', table: 'contacts', row: '@huge', changes: { first_name: 'Huge', notes: 'z'.repeat(70_000) }, stamp: stampAt(past) },
    ];

    /**
     * Runs the story for a new member, `perPush` mutations a push (a hard delete ends a push) through
     * `push`; returns the answers with ids read back as names.
     */
    async function story(push: (sub: string, mutations: Record<string, unknown>[]) => Promise<PushResult>, perPush = 1) {
      const sub = await db.createUser();
      const other = await db.createUser();
      const ids = new Map<string, string>([
        ['@me', sub],
        ['@other', other],
      ]);
      const id = (name: string) => {
        if (!ids.has(name)) ids.set(name, crypto.randomUUID());
        return ids.get(name)!;
      };
      const value = (v: unknown): unknown => (typeof v === 'string' && v.startsWith('@') ? id(v) : v);
      const answers: unknown[] = [];
      let batch: { key: string; mutation: Record<string, unknown> }[] = [];
      const send = async () => {
        if (batch.length === 0) return;
        const sent = batch;
        batch = [];
        const result = await push(sub, sent.map(({ mutation }) => mutation));
        answers.push({ steps: sent.map(({ key }) => key), ...readable(result, ids) });
      };
      for (const step of steps) {
        if ('hardDelete' in step) {
          await send();
          await db.as(member(sub), (query) => query('delete from public.contacts where id = $1', [id(step.hardDelete)]));
          continue;
        }
        const mutation = {
          mutation_id: id(`mutation:${step.key}`),
          table: step.table,
          row_id: id(step.row),
          op: step.op ?? 'insert',
          changes: Object.fromEntries(Object.entries(step.changes).map(([k, v]) => [k, value(v)])),
          stamp: step.stamp,
          ...step.raw,
        };
        batch.push({ key: step.key, mutation });
        if (batch.length === perPush) await send();
      }
      await send();
      const rows = await db.query<{ t: string; r: Record<string, unknown> }>(
        `select 'contacts' as t, to_jsonb(c) - 'created_at' - 'updated_at' - 'last_touched_at' - 'sync_xid' as r from public.contacts c where member_id = $1
         union all select 'daily_goals', to_jsonb(g) - 'created_at' - 'updated_at' - 'sync_xid' from public.daily_goals g where member_id = $1
         union all select 'member_activities', to_jsonb(a) - 'created_at' - 'updated_at' - 'occurred_at' - 'sync_xid' from public.member_activities a where member_id = $1`,
        [sub],
      );
      return { answers, rows: rows.map(({ t, r }) => ({ t, ...(named(r, ids) as Record<string, unknown>) })).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))) };
    }

    /** A value with this member's ids as their names, stamps the server made (clamps, tombstones) and times as placeholders. */
    function named(value: unknown, ids: Map<string, string>): unknown {
      const names = new Map([...ids].map(([name, id]) => [id, name]));
      const walk = (v: unknown): unknown => {
        if (typeof v === 'string') return names.get(v) ?? (/^[0-9a-z]{11}-[0-9a-z]{5}-fast$/.test(v) ? '<clamped>' : /^[0-9a-z]{11}-[0-9a-z]{5}-server$/.test(v) ? '<server stamp>' : /^\d{4}-\d\d-\d\dT/.test(v) ? '<time>' : v);
        if (Array.isArray(v)) return v.map(walk);
        if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
        return v;
      };
      return walk(value);
    }
    const readable = (result: PushResult, ids: Map<string, string>) => named({ results: result.results, rows: result.rows }, ids) as object;

    const longWay = (sub: string, mutations: Record<string, unknown>[]) =>
      db.as(member(sub), async (query) => (await query<{ r: PushResult }>(`select sync.push_each($1::jsonb) as r`, [JSON.stringify(mutations)]))[0]!.r);

    it('answers every single insert as the long way does, and leaves the same rows', async () => {
      const short = await story((sub, mutations) => db.push(sub, mutations));
      const long = await story(longWay);
      expect(short).toEqual(long);

      // What the story was written to show.
      const status = (key: string) => (short.answers.find((a) => (a as { steps: string[] }).steps[0] === key) as { results: { status: string; reason?: string }[] }).results[0];
      expect(status('plain')).toMatchObject({ status: 'applied' });
      expect(short.answers.filter((a) => (a as { steps: string[] }).steps[0] === 'plain').map((a) => (a as { results: { status: string }[] }).results[0]?.status)).toEqual(['applied', 'duplicate']);
      expect(status('gone-again')).toMatchObject({ status: 'applied' });
      expect(status('unknown-column')).toMatchObject({ status: 'rejected', reason: 'Unknown column "nickname" in contacts' });
      expect(status('object-in-text')).toMatchObject({ status: 'rejected', reason: 'Field "first_name" has the wrong type (expected text)' });
      expect(status('text-in-array')).toMatchObject({ status: 'rejected' });
      expect(status('nested-tags')).toMatchObject({ status: 'rejected' });
      expect(status('empty-name')).toMatchObject({ status: 'rejected' });
      expect(status('goal')).toMatchObject({ status: 'applied' });
      expect(status('activity')).toMatchObject({ status: 'applied' });
      expect(status('huge')).toMatchObject({ status: 'rejected', reason: 'This change is too large to sync (at most 64 kB)' });
    }, 60_000);

    it('answers a small push of several mutations, in order, as the long way does: inserts at its head go the short way, the rest the long way', async () => {
      for (const perPush of [2, 3, 5]) {
        const short = await story((sub, mutations) => db.push(sub, mutations), perPush);
        const long = await story(longWay, perPush);
        expect(short, `${perPush} a push`).toEqual(long);
      }
    }, 120_000);

    /** Executions of the short way's prepared statements in this session. */
    const executions = async (query: SqlBackend['query']) =>
      (await query<{ n: number }>(`select coalesce(sum(generic_plans + custom_plans), 0)::int as n from pg_prepared_statements where name like 'sync\\_push\\_%'`))[0]!.n;

    it('goes the short way: one execution of a prepared statement, kept for the next push', async () => {
      const sub = await db.createUser();
      const insert = () => ({ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: crypto.randomUUID(), op: 'insert', changes: { first_name: 'Quick', notes: 'n' }, stamp: stampAt(past) });
      await db.as(member(sub), async (query) => {
        const push = async (mutation: unknown) => (await query<{ r: PushResult }>('select public.sync_push($1::jsonb) as r', [JSON.stringify([mutation])]))[0]!.r;
        const before = await executions(query);
        expect((await push(insert())).results[0]?.status).toBe('applied');
        expect(await executions(query)).toBe(before + 1);
        expect((await push(insert())).results[0]?.status).toBe('applied');
        expect(await executions(query)).toBe(before + 2);
        const prepared = await query<{ n: number }>(`select count(*)::int as n from pg_prepared_statements where name like 'sync\\_push\\_%' and statement like '%public.contacts%(notes, first_name, id, field_stamps)%'`);
        expect(prepared[0]?.n).toBe(1);
        // An update is not an insert: the long way, no execution.
        const row = insert();
        await push(row);
        const counted = await executions(query);
        expect((await push({ ...row, mutation_id: crypto.randomUUID(), op: 'update', changes: { notes: 'm' }, stamp: stampAt(past + 1_000) })).results[0]?.status).toBe('applied');
        expect(await executions(query)).toBe(counted);
        // An added contact and its activity, pushed together: both the short way.
        const added = insert();
        const activity = { mutation_id: crypto.randomUUID(), table: 'member_activities', row_id: crypto.randomUUID(), op: 'insert', changes: { activity_type: 'contact_added', contact_id: added.row_id, metadata: { contact_name: 'Quick' } }, stamp: stampAt(past) };
        const both = (await query<{ r: PushResult }>('select public.sync_push($1::jsonb) as r', [JSON.stringify([added, activity])]))[0]!.r;
        expect(both.results.map((result) => result.status)).toEqual(['applied', 'applied']);
        expect(both.rows.map((row) => row.table)).toEqual(['contacts', 'member_activities']);
        expect(await executions(query)).toBe(counted + 2);
      });
    });

    /** The push the app makes when a contact is added (the contact and its activity), as its outbox holds it. */
    const addedContactPush = (sub: string, options: { skewMs?: number } = {}) => addedContactMutations(sub, { ...options, input: { first_name: 'Answered' } });

    it('leaves out of the answer a row inserted as it came, which would teach the device nothing; a row with any other stamp goes back', async () => {
      const sub = await db.createUser();
      // The app's own push: every stamped column, each with the push's stamp.
      const plain = await addedContactPush(sub);
      expect(plain.map((mutation) => mutation.table)).toEqual(['contacts', 'member_activities']);
      const answer = await db.push(sub, plain);
      expect(answer.results.map((result) => result.status)).toEqual(['applied', 'applied']);
      expect(answer.rows).toEqual([]);
      // Stored as pushed: the values, and the push's stamp on every stamped column.
      const [contact] = await db.query<{ first_name: string; field_stamps: Record<string, string> }>('select first_name, field_stamps from public.contacts where id = $1', [plain[0]!.row_id]);
      expect(contact?.first_name).toBe('Answered');
      expect(new Set(Object.values(contact?.field_stamps ?? {}))).toEqual(new Set([plain[0]!.stamp]));

      // A clock two hours fast: the server clamps the stamps, and the device must learn them.
      const fast = await addedContactPush(sub, { skewMs: 2 * 3_600_000 });
      const clamped = await db.push(sub, fast);
      expect(clamped.results.map((result) => result.status)).toEqual(['applied', 'applied']);
      expect(clamped.rows.map((row) => row.table)).toEqual(['contacts', 'member_activities']);
      expect(clamped.rows[0]?.row['field_stamps']).not.toMatchObject({ first_name: fast[0]!.stamp });

      // A field the push left out gets the server's stamp, which the device does not hold.
      const [partial] = await addedContactPush(sub);
      const changes = Object.fromEntries(Object.entries(partial!.changes).filter(([field]) => field !== 'notes'));
      const leftOut = await db.push(sub, [{ ...partial!, changes }]);
      expect(leftOut.results[0]?.status).toBe('applied');
      expect(leftOut.rows.map((row) => row.row['id'])).toEqual([partial!.row_id]);

      // The long way answers with the row, as it always has.
      const other = await db.createUser();
      const long = await longWay(other, await addedContactPush(other));
      expect(long.rows.map((row) => row.table)).toEqual(['contacts', 'member_activities']);
    });

    it('prepares a statement again after DEALLOCATE ALL', async () => {
      const sub = await db.createUser();
      const insert = () => ({ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: crypto.randomUUID(), op: 'insert', changes: { first_name: 'Again' }, stamp: stampAt(past) });
      await db.as(member(sub), async (query) => {
        const push = async (mutation: unknown) => (await query<{ r: PushResult }>('select public.sync_push($1::jsonb) as r', [JSON.stringify([mutation])]))[0]!.r;
        expect((await push(insert())).results[0]?.status).toBe('applied');
        await query('deallocate all');
        expect((await push(insert())).results[0]?.status).toBe('applied'); // the long way, once
        expect(await executions(query)).toBe(0);
        expect((await push(insert())).results[0]?.status).toBe('applied');
        expect(await executions(query)).toBe(1);
      });
    });
  });
}
