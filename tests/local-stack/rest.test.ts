import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../supabase/local/server';
import { formatHlc } from '../../src/domain/hlc';
import { clientFor, signedInClient, startTestStack, type Client } from '../support/local-stack';

let stack: LocalStack;
let alice: { client: Client; userId: string };
let bob: { client: Client; userId: string };

beforeAll(async () => {
  stack = await startTestStack({ seed: false });
  alice = await signedInClient(stack, 'alice');
  bob = await signedInClient(stack, 'bob');
}, 60_000);
afterAll(async () => stack?.close());

const newContact = (first_name: string, extra: Record<string, unknown> = {}) => ({ id: crypto.randomUUID(), first_name, ...extra });

describe('REST under row-level security, with the real supabase-js client', () => {
  it('inserts and reads back a member’s own contacts; another member and anon see none', async () => {
    const inserted = await alice.client.from('contacts').insert([newContact('Ada', { stage: 'presented' }), newContact('Bea', { stage: 'new' })]).select('id, first_name, member_id');
    expect(inserted.error).toBeNull();
    expect(inserted.status).toBe(201);
    expect(inserted.data?.every((row) => row.member_id === alice.userId)).toBe(true);

    const mine = await alice.client.from('contacts').select('*').order('first_name');
    expect(mine.data?.map((row) => row.first_name)).toEqual(['Ada', 'Bea']);
    const theirs = await bob.client.from('contacts').select('*');
    expect(theirs.data).toEqual([]);
    const anon = await clientFor(stack).from('contacts').select('*');
    expect(anon.error?.code).toBe('42501');
    expect(anon.status).toBe(401);
  });

  it('an insert of {} (or of several) takes every default, as PostgREST does', async () => {
    const one = await alice.client.from('team_invites').insert({}).select('code, inviter_id').single();
    expect(one.error).toBeNull();
    expect(one.data?.inviter_id).toBe(alice.userId);
    expect(one.data?.code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    const two = await alice.client.from('team_invites').insert([{}, {}]).select('code');
    expect(two.error).toBeNull();
    expect(new Set(two.data?.map((row) => row.code)).size).toBe(2);
  });

  it('filters, orders, pages and counts as PostgREST does', async () => {
    const names = ['Cal', 'Dee', 'Eve', 'Fay', 'Gus'];
    await alice.client.from('contacts').insert(names.map((name, i) => newContact(name, { tags: i % 2 ? ['vip'] : [], stage: i < 2 ? 'new' : 'customer' })));
    const page = await alice.client.from('contacts').select('first_name', { count: 'exact' }).in('first_name', names).order('first_name', { ascending: false }).range(1, 2);
    expect(page.data?.map((row) => row.first_name)).toEqual(['Fay', 'Eve']);
    expect(page.count).toBe(5);
    const filtered = await alice.client.from('contacts').select('first_name').eq('stage', 'customer').ilike('first_name', '%a%').order('first_name');
    expect(filtered.data?.map((row) => row.first_name)).toEqual(['Fay']);
    const defaults = await alice.client.from('contacts').insert([newContact('Hal', { stage: 'customer' }), newContact('Ivy')], { defaultToNull: false }).select('stage').order('stage');
    expect(defaults.data?.map((row) => row.stage).sort()).toEqual(['customer', 'new']);
    const either = await alice.client.from('contacts').select('first_name').or('first_name.eq.Cal,first_name.eq.Gus').order('first_name');
    expect(either.data?.map((row) => row.first_name)).toEqual(['Cal', 'Gus']);
    const notNull = await alice.client.from('contacts').select('first_name').not('next_follow_up_on', 'is', null);
    expect(notNull.data).toEqual([]);
  });

  it('accepts double-quoted column names inside or=(…) and and=(…), as PostgREST does (RxDB’s replication sends them)', async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()].sort();
    const [a, b, c, d] = ids as [string, string, string, string];
    await alice.client.from('contacts').insert([newContact('Quoted 1', { id: a }), newContact('Quoted 2', { id: b }), newContact('Quoted 2', { id: c }), newContact('Quoted 3', { id: d })]);
    // "After the checkpoint (Quoted 2, b)": later names, or the same name with a later id.
    const after = await alice.client
      .from('contacts')
      .select('id, first_name')
      .in('id', ids)
      .or(`"first_name".gt.Quoted 2,and("first_name".eq.Quoted 2,"id".gt.${b})`)
      .order('first_name')
      .order('id');
    expect(after.error).toBeNull();
    expect(after.data).toEqual([
      { id: c, first_name: 'Quoted 2' },
      { id: d, first_name: 'Quoted 3' },
    ]);
    const raw = await fetch(
      `${stack.url}/rest/v1/contacts?select=id&id=in.(${ids.join(',')})&or=${encodeURIComponent(`("first_name".eq."Quoted 1",not.and("id".neq.${d},"id".neq.${a}))`)}&order=id`,
      { headers: { apikey: stack.anonKey, Authorization: `Bearer ${(await alice.client.auth.getSession()).data.session!.access_token}` } },
    );
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual([{ id: a }, { id: d }]);
  });

  it('single() returns one object, or PGRST116 with a 406; maybeSingle() returns null', async () => {
    const row = newContact('Solo');
    await alice.client.from('contacts').insert(row);
    const one = await alice.client.from('contacts').select('first_name').eq('id', row.id).single();
    expect(one.data).toEqual({ first_name: 'Solo' });
    const none = await alice.client.from('contacts').select('*').eq('id', crypto.randomUUID()).single();
    expect(none.error?.code).toBe('PGRST116');
    expect(none.status).toBe(406);
    const maybe = await alice.client.from('contacts').select('*').eq('id', crypto.randomUUID()).maybeSingle();
    expect(maybe.data).toBeNull();
    expect(maybe.error).toBeNull();
  });

  it('updates, upserts and deletes only the member’s own rows', async () => {
    const row = newContact('Up');
    await alice.client.from('contacts').insert(row);
    const stolen = await bob.client.from('contacts').update({ first_name: 'Stolen' }).eq('id', row.id).select();
    expect(stolen.data).toEqual([]);
    const updated = await alice.client.from('contacts').update({ stage: 'customer' }).eq('id', row.id).select('stage').single();
    expect(updated.data).toEqual({ stage: 'customer' });
    const upserted = await alice.client.from('contacts').upsert({ id: row.id, first_name: 'Upserted' }).select('first_name, stage').single();
    expect(upserted.data).toEqual({ first_name: 'Upserted', stage: 'customer' });
    const bobDelete = await bob.client.from('contacts').delete().eq('id', row.id).select();
    expect(bobDelete.data).toEqual([]);
    const deleted = await alice.client.from('contacts').delete().eq('id', row.id).select('id');
    expect(deleted.data).toEqual([{ id: row.id }]);
  });

  it('a REST insert by a third party (the seed’s POST /activities) is visible to its owner, and invalid data is a 400', async () => {
    const activity = { id: crypto.randomUUID(), activity_type: 'note' as const, metadata: { note: 'From a script' } };
    const posted = await alice.client.from('member_activities').insert(activity);
    expect(posted.status).toBe(201);
    const feed = await alice.client.from('member_activities').select('activity_type, metadata').eq('id', activity.id).single();
    expect(feed.data).toEqual({ activity_type: 'note', metadata: { note: 'From a script' } });
    const bad = await alice.client.from('contacts').insert(newContact('Bad', { email: 'nope' }));
    expect(bad.status).toBe(400);
    expect(bad.error?.code).toBe('23514');
    const forged = await bob.client.from('contacts').insert(newContact('Forged', { member_id: alice.userId }));
    expect(forged.status).toBe(403);
  });

  it('calls the sync RPCs', async () => {
    const id = crypto.randomUUID();
    const stamp = formatHlc({ physical: Date.now() - 100, counter: 0, node: 'rest' });
    const pushed = await alice.client.rpc('sync_push', { mutations: [{ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: id, op: 'insert', changes: { first_name: 'Rpc' }, stamp }] });
    expect(pushed.error).toBeNull();
    expect((pushed.data as { results: { status: string }[] }).results[0]?.status).toBe('applied');
    const pulled = await alice.client.rpc('sync_pull', { cursor: null, page_size: 1000 });
    expect((pulled.data as { rows: { row: { id: string } }[] }).rows.some((row) => row.row.id === id)).toBe(true);
    const anon = await clientFor(stack).rpc('sync_pull', { cursor: null });
    expect(anon.status).toBe(401);
  });

  it('a member whose token carries quotes and backslashes (their name, in the metadata) reads, writes and syncs as themselves', async () => {
    const client = clientFor(stack);
    const email = `quote-${crypto.randomUUID()}@example.com`;
    const full_name = String.raw`O'Brien \'); set role service_role; -- \x`;
    const { data, error } = await client.auth.signUp({ email, password: 'correct-horse-battery', options: { data: { full_name } } });
    expect(error).toBeNull();
    expect(data.session?.user.user_metadata['full_name']).toBe(full_name);
    const id = crypto.randomUUID();
    expect((await client.from('contacts').insert(newContact('Quoted', { id }))).error).toBeNull();
    const read = await client.from('contacts').select('id, member_id');
    expect(read.error).toBeNull();
    expect(read.data).toEqual([{ id, member_id: data.user?.id }]);
    const pulled = await client.rpc('sync_pull_columns', { cursor: null, page_size: 1000 });
    expect(pulled.error).toBeNull();
    expect(JSON.stringify(pulled.data)).toContain(id);
    // Alice's rows stay hers: the settings were this member's, not a role the name tried to set.
    expect((await client.from('contacts').select('id').eq('member_id', alice.userId)).data).toEqual([]);
  });

  it('answers unsupported syntax, unknown tables and bad tokens with PostgREST-shaped errors, never wrong data', async () => {
    const embedded = await alice.client.from('member_activities').select('*, contacts(first_name)');
    expect(embedded.status).toBe(400);
    expect(embedded.error?.message).toMatch(/embedded resources/);
    const fts = await fetch(`${stack.url}/rest/v1/contacts?notes=fts.kit`, { headers: { apikey: stack.anonKey, Authorization: `Bearer ${stack.serviceRoleKey}` } });
    expect(fts.status).toBe(400);
    expect(((await fts.json()) as { message: string }).message).toMatch(/"fts" operator/);
    const missing = await alice.client.from('nope' as 'contacts').select('*');
    expect(missing.status).toBe(404);
    expect(missing.error?.code).toBe('PGRST205');
    const badJwt = await fetch(`${stack.url}/rest/v1/contacts`, { headers: { apikey: stack.anonKey, Authorization: 'Bearer not.a.jwt' } });
    expect(badJwt.status).toBe(401);
    expect(badJwt.headers.get('www-authenticate')).toMatch(/Bearer/);
    const malformed = await fetch(`${stack.url}/rest/v1/contacts`, { method: 'POST', headers: { apikey: stack.anonKey, Authorization: `Bearer ${stack.serviceRoleKey}`, 'Content-Type': 'application/json' }, body: '{nope' });
    expect(malformed.status).toBe(400);
  });
});
