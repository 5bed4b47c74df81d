import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * Migration 20261130000500 rewrote sync.json_fits and sync.is_tombstoned in PL/pgSQL (compiled once
 * per session, plans kept) instead of SQL (set up and planned again on every statement that calls
 * them, once per mutation of a push); 20261130000600 gave sync.shared_stamp (once per pulled row) a
 * cheaper test. Same answers: the former definitions, read from the landed migrations that made
 * them, are created beside the new ones and compared over every kind of value; is_tombstoned is asked
 * about a real tombstone and its near misses.
 */

/** `fn` as `migration` defined it, renamed `former` (landed migrations never change: this is the exact text that ran). */
function formerDefinition(migration: string, fn: string, former: string): string {
  const text = readFileSync(join(import.meta.dirname, '..', '..', 'supabase', 'migrations', migration), 'utf8');
  const definition = new RegExp(`create (?:or replace )?function ${fn.replace('.', '\\.')}\\([\\s\\S]*?\\n\\$\\$;`).exec(text)?.[0];
  if (!definition) throw new Error(`${migration} does not define ${fn}`);
  return definition.replace(fn, former);
}

const VALUES = [null, 'null', 'true', '0', '1.5', '"text"', '""', '{}', '{"a": 1}', '[]', '["a", "b"]', '[1, 2]', '["a", 1]', '[["a"]]', '[null]', '[{}]', '[true]'];
const TYPES = [null, 'jsonb', 'json', 'boolean', 'smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision', 'smallint[]', 'integer[]', 'numeric[]', 'text[]', 'uuid[]', 'text', 'uuid', 'date', 'timestamp with time zone'];

for (const backend of sqlBackends()) {
  describe(`helpers a push calls per mutation, and a pull per row, on ${backend.name}`, () => {
    let db: SqlBackend;

    beforeAll(async () => {
      db = await backend.open();
      await db.query(formerDefinition('20261129000500_daily_goals.sql', 'sync.json_fits', 'sync.former_json_fits'));
      await db.query(formerDefinition('20261130000400_pull_columns.sql', 'sync.shared_stamp', 'sync.former_shared_stamp'));
    }, 120_000);
    afterAll(async () => db?.close());

    it('sync.json_fits answers as its former SQL expression for every kind of value and column type', async () => {
      const rows = await db.query<{ v: string | null; t: string | null; now: boolean | null; before: boolean | null }>(
        `select v::text, t, sync.json_fits(v, t) as now, sync.former_json_fits(v, t) as before
         from unnest($1::jsonb[]) as v cross join unnest($2::text[]) as t`,
        [VALUES, TYPES],
      );
      expect(rows).toHaveLength(VALUES.length * TYPES.length);
      expect(rows.filter((row) => row.now !== row.before)).toEqual([]);
      // And the answers are the rules: text arrays hold strings, number arrays numbers, nothing nests.
      const answer = (v: string, t: string) => rows.find((row) => row.v === JSON.stringify(JSON.parse(v)).replace(/,/g, ', ') && row.t === t)?.now;
      expect([answer('["a", "b"]', 'text[]'), answer('[1, 2]', 'integer[]'), answer('null', 'uuid'), answer('"text"', 'text')]).toEqual([true, true, true, true]);
      expect([answer('[["a"]]', 'text[]'), answer('["a", 1]', 'text[]'), answer('[1, 2]', 'text[]'), answer('{}', 'text'), answer('"text"', 'integer')]).toEqual([false, false, false, false, false]);
    });

    it('sync.shared_stamp shares a stamp exactly when its former expression did, and only text', async () => {
      const stamped = ['first_name', 'tags', 'deleted_at'];
      const s = '"0001764000000000:0000:dev"';
      const t = '"0001764000000001:0000:dev"';
      const cases = [
        `{"first_name": ${s}, "tags": ${s}, "deleted_at": ${s}}`, // written once: shared
        `{"first_name": ${s}, "tags": ${t}, "deleted_at": ${s}}`, // one field edited later
        `{"first_name": ${t}, "tags": ${t}, "deleted_at": ${s}}`,
        `{"first_name": ${s}, "tags": ${s}}`, // a stamped key missing
        `{"first_name": ${s}, "tags": ${s}, "deleted_at": ${s}, "notes": ${s}}`, // a key not stamped here
        `{"first_name": 5, "tags": 5, "deleted_at": 5}`, // not text
        `{"first_name": null, "tags": null, "deleted_at": null}`,
        '{}',
        'null',
      ];
      // As text, so that SQL NULL (nothing shared) and JSON null stay apart.
      const rows = await db.query<{ stamps: string; now: string | null; before: string | null }>(
        `select c::text as stamps, sync.shared_stamp(c, $2)::text as now,
                sync.former_shared_stamp(c, $2)::text as before
         from unnest($1::jsonb[]) as c`,
        [cases, stamped],
      );
      expect(rows.map((row) => row.now)).toEqual([s, null, null, null, null, null, null, null, null]);
      // The former expression also "shared" stamps that are not text (5, JSON null), which the client refuses.
      const notText = rows.filter((row) => row.before !== null && !row.before.startsWith('"'));
      expect(notText.map((row) => row.before)).toEqual(['5', 'null']);
      expect(rows.filter((row) => !notText.includes(row)).every((row) => row.now === row.before)).toBe(true);
    });

    it('sync.is_tombstoned is true for the member’s own hard-deleted id of that table only', async () => {
      const [alice, bob] = [await db.createUser(), await db.createUser()];
      const id = crypto.randomUUID();
      await db.query(`insert into public.contacts (id, member_id, first_name) values ($1, $2, 'Gone')`, [id, alice]);
      await db.query('delete from public.contacts where id = $1', [id]);
      const ask = async (table: string, rowId: string, member: string) => (await db.query<{ r: boolean }>('select sync.is_tombstoned($1, $2, $3) as r', [table, rowId, member]))[0]?.r;
      expect(await ask('contacts', id, alice)).toBe(true);
      expect(await ask('contacts', id, bob)).toBe(false);
      expect(await ask('member_activities', id, alice)).toBe(false);
      expect(await ask('contacts', crypto.randomUUID(), alice)).toBe(false);
    });

    it('both are PL/pgSQL, with the volatility they had, and still refused to anon', async () => {
      const rows = await db.query<{ name: string; lang: string; volatility: string; anon: boolean }>(
        `select p.proname as name, l.lanname as lang, p.provolatile as volatility, has_function_privilege('anon', p.oid, 'execute') as anon
         from pg_proc p join pg_language l on l.oid = p.prolang
         where p.oid in ('sync.json_fits(jsonb, text)'::regprocedure, 'sync.is_tombstoned(text, uuid, uuid)'::regprocedure) order by 1`,
      );
      expect(rows).toEqual([
        { name: 'is_tombstoned', lang: 'plpgsql', volatility: 's', anon: false },
        { name: 'json_fits', lang: 'plpgsql', volatility: 'i', anon: false },
      ]);
    });
  });
}
