import { newLinkKey } from '../../src/domain/link-code';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { ANON, SERVICE, as, createSchemaDb, createUser, member, type Who } from '../support/schema-db';

/*
 * The RLS matrix: for every table and operation, member A, member B, anon and service_role.
 * B never reads, changes or deletes A's rows; anon sees nothing; nobody writes a row owned by someone else.
 */

const SYNCED = ['member_profiles', 'contacts', 'member_activities', 'email_templates', 'sent_emails', 'email_clicks', 'contact_imports', 'contact_merges', 'link_keys', 'tracked_links', 'daily_goals', 'team_wins', 'team_reactions', 'team_comments', 'daily_summaries'] as const;
type Table = (typeof SYNCED)[number];

let db: PGlite;
let a: string;
let b: string;
const rowsOfA: Record<Table, string> = {} as Record<Table, string>;

// One key pair for A's row; the rows others try to write with it are refused before its id could clash.
const linkKey = await newLinkKey((length) => crypto.getRandomValues(new Uint8Array(length)));

/** Minimal valid columns of each table for an owner, with the ids of A's parent rows. */
function valuesFor(table: Table, owner: string, id: string): Record<string, unknown> {
  switch (table) {
    case 'member_profiles':
      return { id: owner, member_id: owner, full_name: 'X' };
    case 'contacts':
      return { id, member_id: owner, first_name: 'Test' };
    case 'member_activities':
      return { id, member_id: owner, activity_type: 'note', metadata: {} };
    case 'email_templates':
      return { id, member_id: owner, name: 'T', body: 'Hi' };
    case 'sent_emails':
      return { id, member_id: owner, to_email: 'x@example.com' };
    case 'email_clicks':
      return { id, member_id: owner, sent_email_id: rowsOfA.sent_emails, url: 'https://example.com' };
    case 'contact_imports':
      return { id, member_id: owner, source: 'Google Contacts CSV' };
    case 'contact_merges':
      return { id, member_id: owner, survivor_id: rowsOfA.contacts };
    case 'link_keys':
      return { id, member_id: owner, key_id: linkKey.key_id, secret: linkKey.secret };
    case 'tracked_links':
      return { id, member_id: owner, url: 'https://example.com/kit' };
    case 'daily_goals':
      return { id, member_id: owner, starts_on: '2026-11-30', conversations: 2 };
    case 'team_wins':
      return { id, member_id: owner, kind: 'streak', amount: 5 };
    case 'team_reactions':
      return { id, member_id: owner, win_id: rowsOfA.team_wins, emoji: 'clap' };
    case 'team_comments':
      return { id, member_id: owner, win_id: rowsOfA.team_wins, body: 'Well done' };
    case 'daily_summaries':
      return { id, member_id: owner, day: '2026-11-30', conversations: 3 };
  }
}

async function insert(who: Who, table: Table, values: Record<string, unknown>) {
  const keys = Object.keys(values);
  return as(db, who, (tx) =>
    tx.query(
      `insert into public.${table} (${keys.join(', ')}) values (${keys.map((_, i) => `$${i + 1}`).join(', ')}) returning id`,
      keys.map((key) => (typeof values[key] === 'object' ? JSON.stringify(values[key]) : values[key])),
    ),
  );
}

const count = async (who: Who, table: string, where = 'true', params: unknown[] = []) =>
  as(db, who, async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.${table} where ${where}`, params)).rows[0]!.n);

beforeAll(async () => {
  db = await createSchemaDb({ seed: false });
  a = await createUser(db, 'a@example.com');
  b = await createUser(db, 'b@example.com');
  // Both share streaks with their team (a win of a kind not shared is refused; tests/supabase/team-feed.test.ts).
  await db.query(`update public.member_profiles set share_wins = '{streak}' where id in ($1, $2)`, [a, b]);
  rowsOfA.member_profiles = a;
  for (const table of SYNCED) {
    if (table === 'member_profiles') continue;
    const id = crypto.randomUUID();
    await insert(member(a), table, valuesFor(table, a, id));
    rowsOfA[table] = id;
  }
}, 60_000);

afterAll(async () => db?.close());

describe('row-level security', () => {
  it('creates a member and a profile for each new auth user', async () => {
    expect(await count(SERVICE, 'members', 'id = any($1)', [[a, b]])).toBe(2);
    expect(await count(SERVICE, 'member_profiles', 'id = any($1)', [[a, b]])).toBe(2);
  });

  it('has RLS enabled on every public table', async () => {
    const { rows } = await db.query<{ relname: string }>(
      `select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' and not relrowsecurity`,
    );
    expect(rows).toEqual([]);
  });

  for (const table of SYNCED) {
    describe(table, () => {
      it('A reads their own row; B and anon read nothing of A; service_role reads it', async () => {
        const id = () => rowsOfA[table];
        expect(await count(member(a), table, 'id = $1', [id()])).toBe(1);
        expect(await count(member(b), table, 'id = $1', [id()])).toBe(0);
        expect(await count(member(b), table, 'member_id = $1', [a])).toBe(0);
        await expect(count(ANON, table)).rejects.toThrow(/permission denied/);
        expect(await count(SERVICE, table, 'id = $1', [id()])).toBe(1);
      });

      it('B cannot update or delete A’s row', async () => {
        const id = rowsOfA[table];
        const updated = await as(db, member(b), (tx) => tx.query(`update public.${table} set deleted_at = now() where id = $1 returning id`, [id]));
        expect(updated.rows).toEqual([]);
        if (table === 'member_profiles') {
          // A profile lives as long as its member: nobody deletes one through the API, not even its owner.
          await expect(as(db, member(a), (tx) => tx.query(`delete from public.${table} where id = $1`, [id]))).rejects.toThrow(/permission denied/);
        } else {
          const deleted = await as(db, member(b), (tx) => tx.query(`delete from public.${table} where id = $1 returning id`, [id]));
          expect(deleted.rows).toEqual([]);
        }
        expect(await count(SERVICE, table, 'id = $1 and deleted_at is null', [id])).toBe(1);
      });

      it('nobody inserts a row owned by someone else, and anon inserts nothing', async () => {
        const id = crypto.randomUUID();
        const values = valuesFor(table, a, id);
        await expect(insert(member(b), table, table === 'member_profiles' ? values : { ...values })).rejects.toThrow(/row-level security|violates/);
        await expect(insert(ANON, table, valuesFor(table, a, crypto.randomUUID()))).rejects.toThrow(/permission denied/);
      });

      it('member_id cannot be moved to someone else', async () => {
        const id = rowsOfA[table];
        await expect(as(db, member(a), (tx) => tx.query(`update public.${table} set member_id = $1 where id = $2`, [b, id]))).rejects.toThrow(
          /row-level security|owner/,
        );
      });
    });
  }

  it('member_id defaults to the signed-in member', async () => {
    const id = crypto.randomUUID();
    await as(db, member(b), (tx) => tx.query(`insert into public.contacts (id, first_name) values ($1, 'Defaulted')`, [id]));
    const { rows } = await db.query<{ member_id: string }>(`select member_id from public.contacts where id = $1`, [id]);
    expect(rows[0]?.member_id).toBe(b);
  });

  it('B can delete their own rows, and A can delete theirs', async () => {
    const id = crypto.randomUUID();
    await insert(member(b), 'email_templates', valuesFor('email_templates', b, id));
    const deleted = await as(db, member(b), (tx) => tx.query(`delete from public.email_templates where id = $1 returning id`, [id]));
    expect(deleted.rows).toHaveLength(1);
  });

  it('a row cannot point at another member’s contact', async () => {
    await expect(
      insert(member(b), 'member_activities', { id: crypto.randomUUID(), member_id: b, activity_type: 'call', metadata: {}, contact_id: rowsOfA.contacts }),
    ).rejects.toThrow(/foreign key|same_member/);
  });

  it('members and applied mutations are private too', async () => {
    expect(await count(member(b), 'members', 'id = $1', [a])).toBe(0);
    expect(await count(member(b), 'members')).toBe(1);
    await expect(count(ANON, 'members')).rejects.toThrow(/permission denied/);
    // Applied mutation ids live in schema sync, which the API does not expose and no API role may read.
    for (const who of [ANON, member(b)]) await expect(as(db, who, (tx) => tx.query('select count(*) from sync.applied_mutations'))).rejects.toThrow(/permission denied/);
  });

  it('publishes the synced tables and the hard-delete tombstones for realtime', async () => {
    const { rows } = await db.query<{ tablename: string }>(`select tablename from pg_publication_tables where pubname = 'supabase_realtime' order by tablename`);
    expect(rows.map((row) => row.tablename)).toEqual([...SYNCED, 'sync_deleted_rows'].sort());
  });
});
