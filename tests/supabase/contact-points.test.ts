import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFromPglite, migrate } from '../../supabase/local/database';
import { formatHlc } from '../../src/domain/hlc';
import { member, mutation } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * Contacts with several phones and emails, and merges (migration 20261129000000), on PGlite and on
 * PostgreSQL 15: the single phone/email columns stay the primary entries whoever writes, references
 * to a merged-away contact follow it to its survivor, and nothing points across members.
 */

const SUPABASE = join(import.meta.dirname, '..', '..', 'supabase');
const stampAt = (ms: number, node = 'dev', counter = 0) => formatHlc({ physical: ms, counter, node });
const mobile = (value: string) => ({ label: 'mobile', value });

type Row = Record<string, unknown> & { field_stamps: Record<string, string> };

describe('upgrading a database that has contacts', () => {
  it('turns each single phone and email into the first entry of the lists, stamped as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldbook-migrations-'));
    try {
      symlinkSync(join(SUPABASE, 'local'), join(dir, 'local'));
      const all = readdirSync(join(SUPABASE, 'migrations')).sort();
      const before = all.filter((file) => file < '20261129000000');
      for (const file of before) cpSync(join(SUPABASE, 'migrations', file), join(dir, 'migrations', file));
      const pg = await PGlite.create();
      const db = databaseFromPglite(pg);
      await migrate(db, { supabaseDir: dir });
      const user = crypto.randomUUID();
      await pg.query(`insert into auth.users (id, email, email_confirmed_at) values ($1, 'up@example.com', now())`, [user]);
      await pg.query(
        `insert into public.contacts (id, member_id, first_name, phone, email) values
           ('00000000-0000-4000-8000-000000000001', $1, 'Both', '+44 7700 900123', 'both@example.com'),
           ('00000000-0000-4000-8000-000000000002', $1, 'Neither', '', '')`,
        [user],
      );
      const stampsBefore = (await pg.query<Row>(`select field_stamps from public.contacts where first_name = 'Both'`)).rows[0]!.field_stamps;

      for (const file of all) cpSync(join(SUPABASE, 'migrations', file), join(dir, 'migrations', file));
      await migrate(db, { supabaseDir: dir });

      const rows = (await pg.query<Row>(`select first_name, phone, email, phones, emails, import_id, merged_into, field_stamps from public.contacts order by first_name`)).rows;
      expect(rows.map(({ field_stamps: _, ...rest }) => rest)).toEqual([
        { first_name: 'Both', phone: '+44 7700 900123', email: 'both@example.com', phones: [mobile('+44 7700 900123')], emails: [{ label: 'home', value: 'both@example.com' }], import_id: null, merged_into: null },
        { first_name: 'Neither', phone: '', email: '', phones: [], emails: [], import_id: null, merged_into: null },
      ]);
      expect(rows[0]!.field_stamps['phones']).toBe(stampsBefore['phone']);
      expect(rows[0]!.field_stamps['emails']).toBe(stampsBefore['email']);
      await pg.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

for (const backend of sqlBackends()) {
  describe(`phones, emails and merges on ${backend.name}`, () => {
    let db: SqlBackend;
    beforeAll(async () => {
      db = await backend.open();
    }, 120_000);
    afterAll(async () => db?.close());

    const rest = <T = Record<string, unknown>,>(sub: string, sql: string, params: unknown[] = []) => db.as(member(sub), (query) => query<T>(sql, params));
    const row = async (table: string, id: string) => (await db.query<{ r: Row }>(`select to_jsonb(t) as r from public.${table} t where id = $1`, [id]))[0]?.r;
    const newContact = async (sub: string, changes: Record<string, unknown> = {}) => {
      const id = crypto.randomUUID();
      const result = await db.push(sub, [mutation('contacts', id, { first_name: 'Ana', ...changes }, stampAt(Date.now() - 1000), 'insert')]);
      expect(result.results[0]?.status).toBe('applied');
      return id;
    };

    it('a REST insert or update of the single phone and email keeps the lists in step', async () => {
      const sub = await db.createUser();
      const [{ id } = { id: '' }] = await rest<{ id: string }>(sub, `insert into public.contacts (first_name, phone, email) values ('Rest', '555 0100', 'r@example.com') returning id`);
      expect(await row('contacts', id)).toMatchObject({ phones: [mobile('555 0100')], emails: [{ label: 'home', value: 'r@example.com' }] });

      await rest(sub, `update public.contacts set phones = $2::jsonb where id = $1`, [id, JSON.stringify([mobile('555 0100'), { label: 'work', value: '555 0200' }])]);
      await rest(sub, `update public.contacts set phone = '555 0111' where id = $1`, [id]);
      expect(await row('contacts', id)).toMatchObject({ phone: '555 0111', phones: [mobile('555 0111'), { label: 'work', value: '555 0200' }] });

      await rest(sub, `update public.contacts set phone = '' where id = $1`, [id]);
      expect(await row('contacts', id)).toMatchObject({ phone: '555 0200', phones: [{ label: 'work', value: '555 0200' }] });
    });

    it('a pushed list sets the single columns, and a list that loses leaves them matching the winner', async () => {
      const sub = await db.createUser();
      const id = await newContact(sub, { phones: [mobile('555 0100')], emails: [] });
      expect(await row('contacts', id)).toMatchObject({ phone: '555 0100', email: '' });

      const newer = await db.push(sub, [mutation('contacts', id, { phones: [mobile('555 0300')], phone: '555 0300' }, stampAt(Date.now() + 10))]);
      expect(newer.results[0]?.status).toBe('applied');
      // An older edit from an offline device arrives after it: it loses, on both columns.
      await db.push(sub, [mutation('contacts', id, { phones: [mobile('555 0200')], phone: '555 0200' }, stampAt(Date.now() - 500))]);
      expect(await row('contacts', id)).toMatchObject({ phone: '555 0300', phones: [mobile('555 0300')] });
    });

    it('the single phone always carries the stamp of the list it mirrors, so no device keeps a stale number', async () => {
      const sub = await db.createUser();
      const id = await newContact(sub, { phones: [mobile('555 1111')], phone: '555 1111' });
      // E makes another number primary; D, offline since before, adds a number to the old list (its
      // change of the list alone, as a REST client or an older app would send it).
      await db.push(sub, [mutation('contacts', id, { phones: [mobile('555 3333')], phone: '555 3333' }, stampAt(Date.now() - 500, 'e'))]);
      const later = stampAt(Date.now() - 400, 'd');
      await db.push(sub, [mutation('contacts', id, { phones: [mobile('555 1111'), mobile('555 2222')] }, later)]);
      const stored = await row('contacts', id);
      expect(stored).toMatchObject({ phone: '555 1111', phones: [mobile('555 1111'), mobile('555 2222')] });
      expect(stored!.field_stamps['phone']).toBe(stored!.field_stamps['phones']);
      expect(stored!.field_stamps['phones']).toBe(later);
      // A plain REST change of the list: both get the same server stamp.
      await rest(sub, `update public.contacts set emails = $2::jsonb where id = $1`, [id, JSON.stringify([{ label: 'work', value: 'w@example.com' }])]);
      const after = await row('contacts', id);
      expect(after).toMatchObject({ email: 'w@example.com' });
      expect(after!.field_stamps['email']).toBe(after!.field_stamps['emails']);
    });

    it('refuses more than 10 numbers, a bad number, a long label or a stray key, with readable reasons', async () => {
      const sub = await db.createUser();
      const attempt = async (changes: Record<string, unknown>) => (await db.push(sub, [mutation('contacts', crypto.randomUUID(), { first_name: 'X', ...changes }, stampAt(Date.now()), 'insert')])).results[0];
      const eleven = Array.from({ length: 11 }, (_, i) => mobile(`555 01${String(i).padStart(2, '0')}`));
      expect(await attempt({ phones: eleven })).toMatchObject({ status: 'rejected', reason: 'At most 10 phone numbers' });
      expect(await attempt({ phones: eleven.slice(0, 10) })).toMatchObject({ status: 'applied' });
      // The primary entry is also the phone column, whose own rule speaks first.
      expect(await attempt({ phones: [mobile('call me')] })).toMatchObject({ status: 'rejected', reason: 'Phone can contain digits, spaces, +, -, ( and ) only' });
      expect(await attempt({ phones: [mobile('555 0100'), mobile('call me')] })).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^Each phone number/) as unknown });
      expect(await attempt({ phones: [{ label: 'x'.repeat(41), value: '555 0100' }] })).toMatchObject({ status: 'rejected' });
      expect(await attempt({ phones: [{ label: 'mobile', value: '555 0100', html: '<b>' }] })).toMatchObject({ status: 'rejected' });
      expect(await attempt({ emails: [{ label: 'home', value: 'a@example.com' }, { label: 'home', value: 'not-an-email' }] })).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^Each email address/) as unknown });
      expect(await attempt({ emails: { label: 'home', value: 'a@example.com' } })).toMatchObject({ status: 'rejected' });
    });

    it('a contact merges only into another contact of the same member', async () => {
      const a = await db.createUser();
      const b = await db.createUser();
      const mine = await newContact(a);
      const theirs = await newContact(b);
      const into = (target: string) => db.push(a, [mutation('contacts', mine, { merged_into: target, deleted_at: new Date().toISOString() }, stampAt(Date.now()))]);
      expect((await into(theirs)).results[0]).toMatchObject({ status: 'rejected', reason: 'It refers to an item that does not exist (or is not yours)' });
      expect((await into(mine)).results[0]).toMatchObject({ status: 'rejected', reason: 'A contact cannot be merged into itself' });
      const record = await db.push(a, [mutation('contact_merges', crypto.randomUUID(), { survivor_id: theirs }, stampAt(Date.now()), 'insert')]);
      expect(record.results[0]).toMatchObject({ status: 'rejected', reason: 'It refers to an item that does not exist (or is not yours)' });
      expect(await row('contacts', theirs)).toMatchObject({ deleted_at: null, merged_into: null });
    });

    it('merging a contact away re-points the activities still on it, and later writes for it follow the chain of merges', async () => {
      const sub = await db.createUser();
      const [first, second, third] = [await newContact(sub), await newContact(sub), await newContact(sub)];
      const early = crypto.randomUUID();
      await db.push(sub, [mutation('member_activities', early, { activity_type: 'call', contact_id: first }, stampAt(Date.now() - 900), 'insert')]);

      const now = new Date().toISOString();
      await db.push(sub, [mutation('contacts', first, { merged_into: second, deleted_at: now }, stampAt(Date.now() - 800))]);
      expect(await row('member_activities', early)).toMatchObject({ contact_id: second });
      await db.push(sub, [mutation('contacts', second, { merged_into: third, deleted_at: now }, stampAt(Date.now() - 700))]);
      expect(await row('member_activities', early)).toMatchObject({ contact_id: third });

      // A device that was offline all along logs a call and a message on the first contact.
      const late = crypto.randomUUID();
      const sent = crypto.randomUUID();
      const writtenAt = stampAt(Date.now() - 600, 'offline');
      const result = await db.push(sub, [
        mutation('member_activities', late, { activity_type: 'call', contact_id: first }, writtenAt, 'insert'),
        mutation('sent_emails', sent, { to_email: 'a@example.com', contact_id: first }, writtenAt, 'insert'),
      ]);
      expect(result.results.map((r) => r.status)).toEqual(['applied', 'applied']);
      for (const [table, id] of [['member_activities', late], ['sent_emails', sent]] as const) {
        const stored = await row(table, id);
        expect(stored).toMatchObject({ contact_id: third });
        // Newer than what the device wrote, so the device adopts the survivor on its next pull.
        expect(stored!.field_stamps['contact_id']! > writtenAt).toBe(true);
        expect(stored!.field_stamps['activity_type'] ?? stored!.field_stamps['to_email']).toBe(writtenAt);
      }
    });

    it('undoing a merge (survivor link cleared, contact back) stops redirecting its new activities', async () => {
      const sub = await db.createUser();
      const [gone, survivor] = [await newContact(sub), await newContact(sub)];
      await db.push(sub, [mutation('contacts', gone, { merged_into: survivor, deleted_at: new Date().toISOString() }, stampAt(Date.now() - 500))]);
      await db.push(sub, [mutation('contacts', gone, { merged_into: null, deleted_at: null }, stampAt(Date.now() - 400))]);
      const activity = crypto.randomUUID();
      await db.push(sub, [mutation('member_activities', activity, { activity_type: 'note', contact_id: gone }, stampAt(Date.now() - 300), 'insert')]);
      expect(await row('member_activities', activity)).toMatchObject({ contact_id: gone });
    });

    it('another member cannot read or change imports and merges', async () => {
      const a = await db.createUser();
      const b = await db.createUser();
      const contact = await newContact(a);
      const importId = crypto.randomUUID();
      const mergeId = crypto.randomUUID();
      const done = await db.push(a, [
        mutation('contact_imports', importId, { source: 'Google Contacts CSV', created_count: 3 }, stampAt(Date.now()), 'insert'),
        mutation('contact_merges', mergeId, { survivor_id: contact, import_id: importId, applied: { notes: 'x' }, before: { notes: '' } }, stampAt(Date.now()), 'insert'),
      ]);
      expect(done.results.map((r) => r.status)).toEqual(['applied', 'applied']);
      for (const [table, id] of [['contact_imports', importId], ['contact_merges', mergeId]] as const) {
        expect(await rest(b, `select id from public.${table} where id = $1`, [id])).toEqual([]);
        expect(await rest(b, `update public.${table} set undone_at = now() where id = $1 returning id`, [id])).toEqual([]);
        const stolen = await db.push(b, [mutation(table, id, { undone_at: new Date().toISOString() }, stampAt(Date.now() + 100))]);
        expect(stolen.results[0]?.status).toBe('rejected');
        expect(await row(table, id)).toMatchObject({ undone_at: null });
      }
    });
  });
}
