import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc, parseHlc } from '../../src/domain/hlc';
import { ANON, member, mutation, SERVICE } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * Defects found by trying the sync core as a hostile network and a badly set phone would, each on
 * PGlite and on a real PostgreSQL 15 server.
 */

const stampAt = (ms: number, node = 'dev', counter = 0) => formatHlc({ physical: ms, counter, node });

for (const backend of sqlBackends()) {
  describe(`sync core on ${backend.name}`, () => {
    let db: SqlBackend;

    beforeAll(async () => {
      db = await backend.open();
    }, 120_000);
    afterAll(async () => db?.close());

    const contact = async (id: string) => (await db.query<{ r: Record<string, unknown> & { field_stamps: Record<string, string> } }>('select to_jsonb(c) as r from public.contacts c where id = $1', [id]))[0]?.r;

    it('[SV1] deleting a user removes every row of theirs, tombstones, clamps and applied ids included', async () => {
      const gone = await db.createUser();
      const kept = await db.createUser();
      const ids = { contact: crypto.randomUUID(), deleted: crypto.randomUUID(), template: crypto.randomUUID() };
      for (const sub of [gone, kept]) {
        const mine = sub === gone ? ids : { contact: crypto.randomUUID(), deleted: crypto.randomUUID(), template: crypto.randomUUID() };
        const result = await db.push(sub, [
          mutation('contacts', mine.contact, { first_name: 'Ana' }, stampAt(Date.now() + 3_600_000, 'fast'), 'insert'),
          mutation('contacts', mine.deleted, { first_name: 'Bo' }, stampAt(Date.now() - 10), 'insert'),
          mutation('email_templates', mine.template, { name: 'Hi', body: 'Hello' }, stampAt(Date.now() - 10), 'insert'),
          mutation('member_activities', crypto.randomUUID(), { activity_type: 'call', contact_id: mine.contact }, stampAt(Date.now() - 10), 'insert'),
        ]);
        expect(result.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
        await db.as(member(sub), (query) => query('delete from public.contacts where id = $1', [mine.deleted]));
      }

      await db.query('delete from auth.users where id = $1', [gone]);

      const leftovers = await db.query<{ place: string; n: number }>(
        `select format('%I.%I', c.table_schema, c.table_name) as place, 0 as n
         from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
         where c.column_name = 'member_id' and c.table_schema in ('public', 'sync') and t.table_type = 'BASE TABLE'`,
      );
      expect(leftovers.map((row) => row.place)).toEqual(expect.arrayContaining(['public.contacts', 'public.sync_deleted_rows', 'sync.applied_mutations', 'sync.clamped_stamps']));
      for (const { place } of leftovers) {
        const [{ n } = { n: -1 }] = await db.query<{ n: number }>(`select count(*)::int as n from ${place} where member_id = $1`, [gone]);
        expect({ place, n }).toEqual({ place, n: 0 });
      }
      expect(await db.query('select 1 from public.members where id = $1', [gone])).toHaveLength(0);
      // The other member keeps everything, tombstone included.
      const [{ n: keptRows } = { n: 0 }] = await db.query<{ n: number }>('select count(*)::int as n from public.contacts where member_id = $1', [kept]);
      const [{ n: keptTombstones } = { n: 0 }] = await db.query<{ n: number }>('select count(*)::int as n from public.sync_deleted_rows where member_id = $1', [kept]);
      expect([keptRows, keptTombstones]).toEqual([1, 1]);
    });

    describe('[CK3] a clamped stamp keeps what it earned the first time', () => {
      /*
       * A phone whose clock runs an hour fast, opened offline, edits a contact (E1). Its push is
       * applied (the stamp clamped to now + 60 s) but the answer is lost. The member edits again (E2).
       * Another device, having seen the clamped stamp, writes and is acknowledged. The phone retries
       * E1 + E2 coalesced: E1's raw stamp must not be clamped afresh and beat the acknowledged write.
       */
      it('a retried edit does not overwrite a newer acknowledged edit', async () => {
        const sub = await db.createUser();
        const id = crypto.randomUUID();
        await db.push(sub, [mutation('contacts', id, { first_name: 'Start', notes: '' }, stampAt(Date.now() - 60_000, 'b'), 'insert')]);
        const fast = Date.now() + 3_600_000;
        const e1 = { ...mutation('contacts', id, { first_name: 'Stale from phone' }, stampAt(fast, 'phone')), stamps: { first_name: stampAt(fast, 'phone') } };
        expect((await db.push(sub, [e1])).results[0]?.status).toBe('applied'); // the answer is lost on the way
        const earned = parseHlc((await contact(id))!.field_stamps['first_name']!)!;
        expect(earned.physical).toBeLessThan(Date.now() + 61_000);

        const acknowledged = await db.push(sub, [mutation('contacts', id, { first_name: 'Newer from laptop' }, stampAt(earned.physical, 'laptop', earned.counter + 1))]);
        expect(acknowledged.results[0]?.status).toBe('applied');
        await new Promise((resolve) => setTimeout(resolve, 20));

        const retry = {
          ...mutation('contacts', id, { first_name: 'Stale from phone', notes: 'E2 from phone' }, stampAt(fast + 5000, 'phone')),
          stamps: { first_name: stampAt(fast, 'phone'), notes: stampAt(fast + 5000, 'phone') },
        };
        const answer = await db.push(sub, [retry]);
        expect(answer.results[0]?.status).toBe('applied');
        expect(await contact(id)).toMatchObject({ first_name: 'Newer from laptop', notes: 'E2 from phone' });
        // The answer says what the server holds, so the phone adopts the laptop's value.
        expect(answer.rows[0]?.row).toMatchObject({ first_name: 'Newer from laptop' });
      });

      it('a retried insert does not undo a newer acknowledged delete', async () => {
        const sub = await db.createUser();
        const id = crypto.randomUUID();
        const fast = Date.now() + 3_600_000;
        const insert = mutation('contacts', id, { first_name: 'Phone', deleted_at: null }, stampAt(fast, 'phone'), 'insert');
        await db.push(sub, [insert]); // the answer is lost
        const earned = parseHlc((await contact(id))!.field_stamps['deleted_at']!)!;
        await db.push(sub, [mutation('contacts', id, { deleted_at: new Date().toISOString() }, stampAt(earned.physical, 'laptop', earned.counter + 1))]);
        await new Promise((resolve) => setTimeout(resolve, 20));

        const retry = { ...mutation('contacts', id, { first_name: 'Phone again', deleted_at: null }, stampAt(fast + 1000, 'phone'), 'insert'), stamps: { first_name: stampAt(fast + 1000, 'phone'), deleted_at: stampAt(fast, 'phone') } };
        await db.push(sub, [retry]);
        expect((await contact(id))?.['deleted_at']).not.toBeNull();
      });

      it('a member cannot plant or read clamps of another member', async () => {
        const [victim, attacker] = [await db.createUser(), await db.createUser()];
        const raw = stampAt(Date.now() + 3_600_000, 'planted');
        const early = await db.as(member(attacker), async (query) => (await query<{ s: string }>('select sync.clamp_stamp($1, $2) as s', [raw, victim]))[0]?.s);
        expect(parseHlc(early!)!.physical).toBeLessThan(Date.now() + 61_000);
        expect(await db.query('select 1 from sync.clamped_stamps where member_id = $1', [victim])).toHaveLength(0);
      });

      it('the same raw stamp from another member is clamped for that member alone', async () => {
        const [a, b] = [await db.createUser(), await db.createUser()];
        const raw = stampAt(Date.now() + 3_600_000, 'shared');
        const [idA, idB] = [crypto.randomUUID(), crypto.randomUUID()];
        await db.push(a, [mutation('contacts', idA, { first_name: 'A' }, raw, 'insert')]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await db.push(b, [mutation('contacts', idB, { first_name: 'B' }, raw, 'insert')]);
        const [stampA, stampB] = [(await contact(idA))!.field_stamps['first_name']!, (await contact(idB))!.field_stamps['first_name']!];
        expect(stampB > stampA).toBe(true);
      });
    });

    it('[SV2] a hard-deleted row is never recreated by a retried insert; the answer is its tombstone', async () => {
      const sub = await db.createUser();
      const id = crypto.randomUUID();
      const insert = mutation('contacts', id, { first_name: 'Lost answer' }, stampAt(Date.now() - 100), 'insert');
      await db.push(sub, [insert]); // the answer is lost
      await db.as(member(sub), (query) => query('delete from public.contacts where id = $1', [id])); // DELETE /rest/v1/contacts?id=eq.…

      const again = await db.push(sub, [insert]);
      expect(again.results[0]?.status).toBe('duplicate');
      expect(again.rows[0]?.table).toBe('contacts');
      expect(again.rows[0]?.row).toMatchObject({ id });
      expect(typeof again.rows[0]?.row['deleted_at']).toBe('string');
      expect(again.rows[0]?.row).not.toHaveProperty('created_at');

      const coalesced = { ...mutation('contacts', id, { first_name: 'Lost answer', notes: 'and an edit' }, stampAt(Date.now()), 'insert'), stamps: {} };
      const retried = await db.push(sub, [coalesced, mutation('contacts', id, { notes: 'an update' }, stampAt(Date.now()))]);
      expect(retried.results.map((r) => r.status)).toEqual(['applied', 'applied']);
      expect(retried.rows.every((r) => r.row['id'] === id && !('created_at' in r.row))).toBe(true);
      expect(await contact(id)).toBeUndefined();

      // Through REST too: an insert of a tombstoned id is refused with a clear message.
      await expect(db.as(member(sub), (query) => query(`insert into public.contacts (id, first_name) values ($1, 'Back')`, [id]))).rejects.toThrow(/deleted and cannot be created again/);
      expect(await db.query('select 1 from public.sync_deleted_rows where id = $1', [id])).toHaveLength(1);
    });

    it('[SV3] a replay of 1,000 applied mutations is answered duplicate, row by row; an oversized push gets a clear error', async () => {
      const sub = await db.createUser();
      const padding = 'x'.repeat(1500);
      const mutations = Array.from({ length: 1000 }, (_, i) => mutation('contacts', crypto.randomUUID(), { first_name: `R${i}`, notes: padding }, stampAt(Date.now() - 100), 'insert'));
      expect((await db.push(sub, mutations)).results.every((r) => r.status === 'applied')).toBe(true);
      const replay = await db.push(sub, mutations);
      expect(replay.results.map((r) => r.status)).toEqual(mutations.map(() => 'duplicate'));
      expect(replay.rows.map((r) => r.row['first_name'])).toEqual(mutations.map((m) => m.changes['first_name']));

      const huge = Array.from({ length: 200 }, () => mutation('contacts', crypto.randomUUID(), { first_name: 'Big', notes: 'y'.repeat(60_000) }, stampAt(Date.now()), 'insert'));
      await expect(db.push(sub, huge)).rejects.toThrow(/at most 8 MB/);
      const one = await db.push(sub, [mutation('contacts', crypto.randomUUID(), { first_name: 'Big', notes: 'z'.repeat(70_000) }, stampAt(Date.now()), 'insert')]);
      expect(one.results[0]).toMatchObject({ status: 'rejected', reason: 'This change is too large to sync (at most 64 kB)' });
    });

    it('[SV3] a push longer than the role’s statement_timeout stops with 57014, on PGlite too (which cannot interrupt a query)', async () => {
      const sub = await db.createUser();
      const mutations = Array.from({ length: 1000 }, (_, i) => mutation('contacts', crypto.randomUUID(), { first_name: `T${i}` }, stampAt(Date.now() - 100), 'insert'));
      const slow = db.as(member(sub), async (query) => {
        await query(`select set_config('statement_timeout', '40ms', true)`);
        return query('select public.sync_push($1::jsonb) as r', [JSON.stringify(mutations)]);
      });
      await expect(slow).rejects.toMatchObject({ code: '57014' });
      const [{ n } = { n: -1 }] = await db.query<{ n: number }>('select count(*)::int as n from public.contacts where member_id = $1', [sub]);
      expect(n).toBe(0);
    });

    it('[SV4] mutation ids are per member, and nobody can record one through the API', async () => {
      const [victim, attacker] = [await db.createUser(), await db.createUser()];
      const shared = crypto.randomUUID();
      const attackerRow = { ...mutation('contacts', crypto.randomUUID(), { first_name: 'Squatter' }, stampAt(Date.now() - 10), 'insert'), mutation_id: shared };
      expect((await db.push(attacker, [attackerRow])).results[0]?.status).toBe('applied');
      const victimRow = { ...mutation('contacts', crypto.randomUUID(), { first_name: 'Mine' }, stampAt(Date.now() - 10), 'insert'), mutation_id: shared };
      expect((await db.push(victim, [victimRow])).results[0]?.status).toBe('applied');
      expect((await contact(victimRow.row_id))?.['first_name']).toBe('Mine');

      for (const table of ['sync.applied_mutations', 'public.sync_applied_mutations']) {
        await expect(db.as(member(attacker), (query) => query(`insert into ${table} (mutation_id, member_id) values ($1, $2)`, [crypto.randomUUID(), victim]))).rejects.toThrow(/permission denied|does not exist/);
      }
      // The definer helper sync_push uses records ids for the caller alone.
      const planted = crypto.randomUUID();
      await db.as(member(attacker), (query) => query('select sync.mark_applied($1)', [planted]));
      const later = { ...mutation('contacts', crypto.randomUUID(), { first_name: 'Still mine' }, stampAt(Date.now() - 10), 'insert'), mutation_id: planted };
      expect((await db.push(victim, [later])).results[0]?.status).toBe('applied');
    });

    it('[SV4] applied ids and clamps older than 90 days are forgotten by sync.prune, which only the service role may run', async () => {
      const sub = await db.createUser();
      await db.push(sub, [
        mutation('contacts', crypto.randomUUID(), { first_name: 'Old' }, stampAt(Date.now() + 3_600_000, 'old'), 'insert'),
        mutation('contacts', crypto.randomUUID(), { first_name: 'New' }, stampAt(Date.now() - 10), 'insert'),
      ]);
      await db.query(`update sync.applied_mutations set applied_at = now() - interval '91 days' where member_id = $1 and mutation_id = (select mutation_id from sync.applied_mutations where member_id = $1 limit 1)`, [sub]);
      await db.query(`update sync.clamped_stamps set clamped_at = now() - interval '91 days' where member_id = $1`, [sub]);
      await expect(db.as(member(sub), (query) => query('select sync.prune()'))).rejects.toThrow(/permission denied/);
      const [{ gone } = { gone: -1 }] = await db.as(SERVICE, (query) => query<{ gone: number }>('select sync.prune()::int as gone'));
      expect(gone).toBeGreaterThanOrEqual(2);
      const left = await db.query<{ n: number }>('select count(*)::int as n from sync.applied_mutations where member_id = $1', [sub]);
      expect(left[0]?.n).toBe(1);
      expect(await db.query('select 1 from sync.clamped_stamps where member_id = $1', [sub])).toHaveLength(0);
    });

    it('[SV5] every table takes inserts without an id', async () => {
      const sub = await db.createUser();
      const [{ id: contactId } = { id: '' }] = await db.as(member(sub), (query) => query<{ id: string }>(`insert into public.contacts (first_name) values ('No id') returning id`));
      expect(contactId).toMatch(/^[0-9a-f-]{36}$/);
      const [{ id: templateId } = { id: '' }] = await db.as(member(sub), (query) => query<{ id: string }>(`insert into public.email_templates (name, body) values ('T', 'B') returning id`));
      const [{ id: sentId } = { id: '' }] = await db.as(member(sub), (query) =>
        query<{ id: string }>(`insert into public.sent_emails (to_email, contact_id, template_id) values ('a@example.com', $1, $2) returning id`, [contactId, templateId]),
      );
      await db.as(member(sub), (query) => query(`insert into public.member_activities (activity_type, contact_id) values ('note', $1)`, [contactId]));
      await db.as(member(sub), (query) => query(`insert into public.email_clicks (sent_email_id, url) values ($1, 'https://example.com')`, [sentId]));
      // The Supabase dashboard inserts as service_role, naming the owner.
      await db.as(SERVICE, (query) => query(`insert into public.contacts (member_id, first_name) values ($1, 'From the dashboard')`, [sub]));
      const [{ n } = { n: 0 }] = await db.query<{ n: number }>('select count(*)::int as n from public.contacts where member_id = $1', [sub]);
      expect(n).toBe(2);
    });

    describe('[SV6] the server refuses shapes the client cannot show', () => {
      it('through sync_push', async () => {
        const sub = await db.createUser();
        const now = stampAt(Date.now() - 10);
        const result = await db.push(sub, [
          mutation('contacts', crypto.randomUUID(), { first_name: 'Nested', tags: [['a']] }, now, 'insert'),
          mutation('contacts', crypto.randomUUID(), { first_name: { toString: 'x' } }, now, 'insert'),
          mutation('contacts', crypto.randomUUID(), { first_name: 'Far', last_touched_at: '99999-01-01T00:00:00Z' }, now, 'insert'),
          mutation('contacts', crypto.randomUUID(), { first_name: 'Day', next_follow_up_on: '0900-01-01' }, now, 'insert'),
          mutation('member_activities', crypto.randomUUID(), { activity_type: 'note', metadata: { note: 42 } }, now, 'insert'),
          mutation('contacts', crypto.randomUUID(), { first_name: 'Fine', tags: ['a'] }, now, 'insert'),
        ]);
        expect(result.results.map((r) => [r.status, r.reason ?? ''])).toEqual([
          ['rejected', 'Field "tags" has the wrong type (expected text[])'],
          ['rejected', 'Field "first_name" has the wrong type (expected text)'],
          ['rejected', expect.stringMatching(/years 1900 and 9999|wrong format/)],
          ['rejected', 'Dates must be between the years 1900 and 9999'],
          ['rejected', 'Activity details must be an object of at most 4 KB with the expected fields'],
          ['applied', ''],
        ]);
      });

      it('through REST and SQL', async () => {
        const sub = await db.createUser();
        const insert = (sql: string, params: unknown[] = []) => db.as(member(sub), (query) => query(sql, params));
        await expect(insert(`insert into public.contacts (first_name, tags) values ('N', '{{a,b},{c,d}}')`)).rejects.toThrow(/contacts_tags_count/);
        await expect(insert(`insert into public.contacts (first_name, created_at) values ('Y', '20255-01-01')`)).rejects.toThrow(/contacts_created_at_year/);
        await expect(db.query(`update public.members set email = $1 where id = $2`, [`${'e'.repeat(250)}@example.com`, sub])).rejects.toThrow(/members_email_length/);
      });

      it('sign-up never fails on its metadata', async () => {
        const long = await db.createUser({ full_name: `  ${'N'.repeat(500)}  ` });
        const odd = await db.createUser({ full_name: { first: 'Ana' } });
        const [profile] = await db.query<{ full_name: string }>('select full_name from public.member_profiles where id = $1', [long]);
        expect(profile?.full_name).toBe('N'.repeat(100));
        const [other] = await db.query<{ full_name: string }>('select full_name from public.member_profiles where id = $1', [odd]);
        expect(other?.full_name).toBe('');
        const arrayMeta = await db.createUser(['not', 'an', 'object']);
        expect(await db.query('select 1 from public.members where id = $1', [arrayMeta])).toHaveLength(1);
      });
    });

    it('[SV7] API roles hold only what the app uses', async () => {
      const wide = await db.query<{ grantee: string; table_name: string; privilege_type: string }>(
        `select grantee, table_name, privilege_type from information_schema.role_table_grants
         where table_schema in ('public', 'sync', 'team_private') and grantee in ('anon', 'authenticated', 'service_role', 'PUBLIC')
           and (grantee in ('anon', 'PUBLIC') or privilege_type in ('TRUNCATE', 'TRIGGER', 'REFERENCES'))`,
      );
      expect(wide).toEqual([]);
      const callable = await db.query<{ name: string }>(
        `select format('%s.%s', n.nspname, p.proname) as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname in ('public', 'sync', 'team_private') and (has_function_privilege('anon', p.oid, 'execute')
           or exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0 and a.privilege_type = 'EXECUTE'))
         order by 1`,
      );
      expect(callable).toEqual([]);
      await expect(db.as(ANON, (query) => query('select public.sync_pull(null, 10)'))).rejects.toThrow(/permission denied/);
    });

    it('[SV8] the realtime publication carries inserts and updates only (Supabase sends DELETE events to every subscriber)', async () => {
      const [publication] = await db.query<{ pubinsert: boolean; pubupdate: boolean; pubdelete: boolean; pubtruncate: boolean }>(
        `select pubinsert, pubupdate, pubdelete, pubtruncate from pg_publication where pubname = 'supabase_realtime'`,
      );
      expect(publication).toEqual({ pubinsert: true, pubupdate: true, pubdelete: false, pubtruncate: false });
    });
  });
}
