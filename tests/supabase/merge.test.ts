import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import vectors from '../fixtures/merge-vectors.json';
import { formatHlc, parseHlc } from '../../src/domain/hlc';
import { as, createSchemaDb, createUser, member, mutation, push } from '../support/schema-db';

let db: PGlite;
let a: string;

beforeAll(async () => {
  db = await createSchemaDb({ seed: false });
  a = await createUser(db, 'merge@example.com');
}, 60_000);
afterAll(async () => db?.close());

const readContact = async (id: string) =>
  (await db.query<{ r: Record<string, unknown> & { field_stamps: Record<string, string> } }>('select to_jsonb(c) as r from public.contacts c where id = $1', [id])).rows[0]?.r;

const stampAt = (ms: number, node = 'dev') => formatHlc({ physical: ms, counter: 0, node });

describe('SQL merge (sync.merge_row) against the shared vectors', () => {
  for (const vector of vectors.vectors) {
    it(`[G3] ${vector.name}`, async () => {
      const id = crypto.randomUUID();
      for (const [index, write] of vector.writes.entries()) {
        const stamps = 'stamps' in write ? { stamps: write.stamps } : {};
        const result = await push(db, a, [{ ...mutation('contacts', id, write.changes, write.stamp, index === 0 ? 'insert' : 'update'), ...stamps }]);
        expect(result.results[0]?.status).toBe('applied');
      }
      expect(await readContact(id)).toMatchObject(vector.expected);
    });
  }
});

describe('sync_push', () => {
  it('[G2] applies a retried mutation once and says duplicate', async () => {
    const id = crypto.randomUUID();
    const insert = mutation('contacts', id, { first_name: 'Once' }, stampAt(Date.now() - 1000), 'insert');
    const first = await push(db, a, [insert]);
    const again = await push(db, a, [insert, insert]);
    expect(first.results.map((r) => r.status)).toEqual(['applied']);
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    // A duplicate still answers with the row as the server holds it, so the client can adopt its stamps.
    expect(again.rows.map((r) => [r.table, r.row['id'], r.row['first_name']])).toEqual([
      ['contacts', id, 'Once'],
      ['contacts', id, 'Once'],
    ]);
    const activity = mutation('member_activities', crypto.randomUUID(), { activity_type: 'note', metadata: { note: 'x' }, contact_id: id }, stampAt(Date.now() - 500), 'insert');
    const both = await push(db, a, [activity, activity]);
    expect(both.results.map((r) => r.status)).toEqual(['applied', 'duplicate']);
    expect((await db.query('select 1 from public.member_activities where contact_id = $1', [id])).rows).toHaveLength(1);
  });

  it('returns the merged rows and the server time', async () => {
    const id = crypto.randomUUID();
    const before = Date.now();
    const result = await push(db, a, [mutation('contacts', id, { first_name: 'Merged', phone: '555 010 0199' }, stampAt(before - 1000), 'insert')]);
    expect(result.rows[0]).toMatchObject({ table: 'contacts', row: { id, first_name: 'Merged', member_id: a } });
    expect(result.rows[0]?.row).not.toHaveProperty('sync_xid');
    expect(result.server_time).toBeGreaterThanOrEqual(before - 5);
  });

  it('[G4] clamps stamps too far in the future to the server clock', async () => {
    const id = crypto.randomUUID();
    const hourAhead = Date.now() + 3_600_000;
    await push(db, a, [mutation('contacts', id, { first_name: 'Skewed' }, stampAt(hourAhead, 'fast'), 'insert')]);
    const stored = parseHlc((await readContact(id))!.field_stamps['first_name']!);
    expect(stored?.node).toBe('fast');
    expect(stored!.physical).toBeLessThan(Date.now() + 61_000);
    // So an honest edit a couple of minutes later beats the fast clock.
    await push(db, a, [mutation('contacts', id, { first_name: 'Honest' }, stampAt(Date.now() + 120_000, 'slow'))]);
    expect((await readContact(id))?.first_name).toBe('Honest');
  });

  it('rejects bad input with a readable reason and still applies the rest of the batch', async () => {
    const ok1 = mutation('contacts', crypto.randomUUID(), { first_name: 'Good' }, stampAt(Date.now() - 10), 'insert');
    const ok2 = mutation('email_templates', crypto.randomUUID(), { name: 'T', body: 'Hi' }, stampAt(Date.now() - 10), 'insert');
    const result = await push(db, a, [
      mutation('contacts', crypto.randomUUID(), { first_name: 'Big', notes: 'x'.repeat(5001) }, stampAt(Date.now()), 'insert'),
      ok1,
      mutation('contacts', crypto.randomUUID(), { first_name: 'Mail', email: 'not-an-email' }, stampAt(Date.now()), 'insert'),
      mutation('contacts', crypto.randomUUID(), { first_name: 'Hot', stage: 'hot' }, stampAt(Date.now()), 'insert'),
      mutation('secrets', crypto.randomUUID(), { x: 1 }, stampAt(Date.now()), 'insert'),
      mutation('contacts', crypto.randomUUID(), { first_name: 'Col', favourite_colour: 'red' }, stampAt(Date.now()), 'insert'),
      mutation('contacts', crypto.randomUUID(), { last_name: 'Nameless' }, stampAt(Date.now()), 'update'),
      { mutation_id: 'not-a-uuid', table: 'contacts' },
      ok2,
    ]);
    expect(result.results.map((r) => [r.status, r.reason ?? ''])).toEqual([
      ['rejected', 'Notes can be at most 5000 characters'],
      ['applied', ''],
      ['rejected', 'Enter an email like name@example.com'],
      ['rejected', 'Choose a stage from the list'],
      ['rejected', 'Unknown table "secrets"'],
      ['rejected', 'Unknown column "favourite_colour" in contacts'],
      ['rejected', 'This item does not exist on the server, or you are not allowed to change it'],
      ['rejected', expect.stringMatching(/wrong format/)],
      ['applied', ''],
    ]);
  });

  it('rejects a mutation that would write into another member’s row', async () => {
    const b = await createUser(db, 'other@example.com');
    const id = crypto.randomUUID();
    await push(db, a, [mutation('contacts', id, { first_name: 'Mine' }, stampAt(Date.now() - 10), 'insert')]);
    const stolen = await push(db, b, [mutation('contacts', id, { first_name: 'Stolen' }, stampAt(Date.now()), 'update')]);
    expect(stolen.results[0]).toMatchObject({ status: 'rejected', reason: 'This item does not exist on the server, or you are not allowed to change it' });
    const stolenInsert = await push(db, b, [mutation('contacts', id, { first_name: 'Stolen' }, stampAt(Date.now()), 'insert')]);
    expect(stolenInsert.results[0]).toMatchObject({ status: 'rejected', reason: 'You are not allowed to change this item' });
    expect((await readContact(id))?.first_name).toBe('Mine');
  });
});

describe('coalesced pushes', () => {
  it('[OB2] per-field stamps keep an older local edit from beating a newer remote one', async () => {
    const id = crypto.randomUUID();
    const t = Date.now() - 60_000;
    await push(db, a, [mutation('contacts', id, { first_name: 'Jo', phone: '555 010 0001' }, stampAt(t), 'insert')]);
    // Device B edits the phone at t+2000; device A's coalesced mutation has phone at t+1000, email at t+3000.
    await push(db, a, [mutation('contacts', id, { phone: '555 010 0002' }, stampAt(t + 2000, 'b'))]);
    const coalesced = { ...mutation('contacts', id, { phone: '555 010 0003', email: 'jo@example.com' }, stampAt(t + 3000, 'a')), stamps: { phone: stampAt(t + 1000, 'a'), email: stampAt(t + 3000, 'a') } };
    await push(db, a, [coalesced]);
    expect(await readContact(id)).toMatchObject({ phone: '555 010 0002', email: 'jo@example.com' });
  });
});

describe('plain writes obey the merge too', () => {
  it('[MG2] a REST-style upsert without stamps is merged field by field, with server stamps for what it changed', async () => {
    const id = crypto.randomUUID();
    const t0 = Date.now() - 60_000;
    await push(db, a, [mutation('contacts', id, { first_name: 'Jane', phone: '555 010 0100', notes: 'keep me' }, stampAt(t0), 'insert')]);
    const before = await readContact(id);
    // What PostgREST sends for POST /contacts with Prefer: resolution=merge-duplicates.
    await as(db, member(a), (tx) =>
      tx.query(
        `insert into public.contacts (id, first_name, phone) values ($1, 'Jane', '555 010 0111')
         on conflict (id) do update set first_name = excluded.first_name, phone = excluded.phone`,
        [id],
      ),
    );
    const after = await readContact(id);
    expect(after).toMatchObject({ first_name: 'Jane', phone: '555 010 0111', notes: 'keep me' });
    expect(after?.field_stamps['first_name']).toBe(before?.field_stamps['first_name']);
    expect(after?.field_stamps['notes']).toBe(before?.field_stamps['notes']);
    expect(parseHlc(after!.field_stamps['phone']!)?.node).toBe('server');
  });

  it('a plain SQL update wins even over a stamp ahead of the server clock, with a stamp after it', async () => {
    const id = crypto.randomUUID();
    await push(db, a, [mutation('contacts', id, { first_name: 'Ahead' }, stampAt(Date.now() + 30_000), 'insert')]);
    const before = (await readContact(id))!.field_stamps['first_name']!;
    await db.query(`update public.contacts set first_name = 'Console' where id = $1`, [id]);
    const after = await readContact(id);
    expect(after?.first_name).toBe('Console');
    expect(after!.field_stamps['first_name']! > before).toBe(true);
  });

  it('[G4] two writes clamped in the same millisecond keep their arrival order', async () => {
    const id = crypto.randomUUID();
    const farAhead = Date.now() + 3_600_000;
    await push(db, a, [mutation('contacts', id, { first_name: 'One' }, formatHlc({ physical: farAhead, counter: 9, node: 'fast' }), 'insert')]);
    await push(db, a, [mutation('contacts', id, { first_name: 'Two' }, formatHlc({ physical: farAhead + 1, counter: 0, node: 'fast' }))]);
    expect((await readContact(id))?.first_name).toBe('Two');
  });

  it('a write that changes nothing does not touch the row', async () => {
    const id = crypto.randomUUID();
    await push(db, a, [mutation('contacts', id, { first_name: 'Still' }, stampAt(Date.now() - 10), 'insert')]);
    const { rows: before } = await db.query<{ x: string }>('select sync_xid::text as x from public.contacts where id = $1', [id]);
    await db.query(`update public.contacts set first_name = 'Still' where id = $1`, [id]);
    const { rows: after } = await db.query<{ x: string }>('select sync_xid::text as x from public.contacts where id = $1', [id]);
    expect(after[0]?.x).toBe(before[0]?.x);
  });
});
