import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { postgresAvailability, startPostgres, type PostgresServer } from '../support/postgres-server';
import { clientFor, signedInClient, type Client } from '../support/local-stack';

/*
 * Who hears which change. These tests use a table of their own, `notes`, created while the stack runs
 * (as a migration would be on the next start), so they do not depend on the app's schema:
 * RLS lets a member read only the notes they own; anon has no privilege on it at all. They run on PGlite
 * and, when its binaries are installed, on PostgreSQL 15.
 */

type Event = RealtimePostgresChangesPayload<Record<string, unknown>>;

/** Subscribes to one table (all events unless told) and resolves once SUBSCRIBED, or with the system error. */
async function subscribe(client: Client, name: string, options: { table?: string; event?: '*' | 'INSERT' | 'UPDATE' | 'DELETE' } = {}) {
  const events: Event[] = [];
  const system: unknown[] = [];
  const binding = { event: options.event ?? '*', schema: 'public', ...(options.table === undefined ? {} : { table: options.table }) } as const;
  const channel = client
    .channel(name)
    .on('system', {}, (message: unknown) => system.push(message))
    .on('postgres_changes', binding as { event: '*'; schema: string }, (payload: Event) => events.push(payload));
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (String(status) === 'SUBSCRIBED') resolve();
      if (String(status) === 'CHANNEL_ERROR') reject(error ?? new Error(String(status)));
    });
  });
  return { channel, events, system };
}

type Backend = { name: string; start: () => Promise<{ stack: LocalStack; server: PostgresServer | null }> };
const backends: Backend[] = [{ name: 'PGlite', start: async () => ({ stack: await startLocalStack({ port: 0, seed: false }), server: null }) }];
if (postgresAvailability())
  backends.push({
    name: 'PostgreSQL 15',
    start: async () => {
      const server = await startPostgres({ schema: false });
      return { stack: await startLocalStack({ port: 0, seed: false, databaseUrl: server.url }), server };
    },
  });

describe.each(backends)('realtime access control on $name', ({ start }) => {
  let stack: LocalStack;
  let server: PostgresServer | null;
  let alice: { client: Client; userId: string };
  let bob: { client: Client; userId: string };

  const sql = (text: string, params?: unknown[]) => stack.db.query(text, params);
  const publish = (what: string) => sql(`alter publication supabase_realtime set (publish = '${what}')`);
  const note = (owner: string, body: string, id: string = crypto.randomUUID()) => sql('insert into public.notes (id, owner, body) values ($1, $2, $3)', [id, owner, body]);

  beforeAll(async () => {
    ({ stack, server } = await start());
    alice = await signedInClient(stack, 'access-alice');
    bob = await signedInClient(stack, 'access-bob');
    await stack.db.exec(`
      create table public.notes (id uuid primary key, owner uuid not null, body text not null);
      alter table public.notes enable row level security;
      create policy "Owners read their notes" on public.notes for select to authenticated using (owner = auth.uid());
      revoke all on public.notes from anon, authenticated;
      grant select on public.notes to authenticated;
    `);
  }, 120_000);
  afterAll(async () => {
    await alice?.client.removeAllChannels();
    await bob?.client.removeAllChannels();
    await stack?.close();
    await server?.stop();
  });

  it('delivers changes of a table added to the supabase_realtime publication while the stack runs', async () => {
    await sql('alter publication supabase_realtime add table public.notes');
    const mine = await subscribe(alice.client, 'late-table', { table: 'notes' });
    await note(alice.userId, 'hello');
    await expect.poll(() => mine.events.length, { timeout: 3000 }).toBe(1);
    expect(mine.events[0]).toMatchObject({ eventType: 'INSERT', table: 'notes', new: { owner: alice.userId, body: 'hello' } });
    await alice.client.removeChannel(mine.channel);
  });

  it('decides visibility from the change itself: a row id reused by another member never leaks the first row', async () => {
    const alices = await subscribe(alice.client, 'reuse-alice', { table: 'notes', event: 'INSERT' });
    const bobs = await subscribe(bob.client, 'reuse-bob', { table: 'notes', event: 'INSERT' });
    const id = crypto.randomUUID();
    // All in one transaction, so by the time the changes are delivered the id already belongs to Bob.
    await stack.db.transaction(async (tx) => {
      await tx.query('insert into public.notes (id, owner, body) values ($1, $2, $3)', [id, alice.userId, 'alice’s secret']);
      await tx.query('delete from public.notes where id = $1', [id]);
      await tx.query('insert into public.notes (id, owner, body) values ($1, $2, $3)', [id, bob.userId, 'bob’s note']);
    });
    await expect.poll(() => alices.events.length + bobs.events.length, { timeout: 3000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alices.events.map((event) => (event.new as { body: string }).body)).toEqual(['alice’s secret']);
    expect(bobs.events.map((event) => (event.new as { body: string }).body)).toEqual(['bob’s note']);
    await alice.client.removeAllChannels();
    await bob.client.removeAllChannels();
  });

  it('sends a member their own changes and not another member’s (the normal case)', async () => {
    const alices = await subscribe(alice.client, 'normal-alice', { table: 'notes' });
    const bobs = await subscribe(bob.client, 'normal-bob', { table: 'notes' });
    const id = crypto.randomUUID();
    await note(alice.userId, 'plain', id);
    await sql(`update public.notes set body = 'edited' where id = $1`, [id]);
    await expect.poll(() => alices.events.map((event) => event.eventType), { timeout: 3000 }).toEqual(['INSERT', 'UPDATE']);
    await note(bob.userId, 'marker for bob');
    await expect.poll(() => bobs.events.length, { timeout: 3000 }).toBe(1);
    expect(bobs.events[0]?.new).toMatchObject({ body: 'marker for bob' });
    await alice.client.removeAllChannels();
    await bob.client.removeAllChannels();
  });

  it('refuses a binding on a table the role cannot SELECT with a system error, and anon hears nothing of it, deletes included', async () => {
    await publish('insert, update, delete');
    const anon = clientFor(stack);
    const refused = await subscribe(anon, 'anon-notes', { table: 'notes' });
    await expect.poll(() => refused.system.length).toBe(1);
    expect(JSON.stringify(refused.system[0])).toMatch(/"status":"error"/);
    const everything = await subscribe(anon, 'anon-everything'); // every table of schema public
    const witness = await subscribe(alice.client, 'witness', { table: 'notes' });
    const id = crypto.randomUUID();
    await note(alice.userId, 'not for anon', id);
    await sql('delete from public.notes where id = $1', [id]);
    await expect.poll(() => witness.events.map((event) => event.eventType), { timeout: 3000 }).toEqual(['INSERT', 'DELETE']);
    expect(witness.events[1]?.old).toEqual({ id });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(refused.events).toEqual([]);
    expect(everything.events).toEqual([]);
    await anon.removeAllChannels();
    await alice.client.removeAllChannels();
  });

  it('checks the rows of several tables written together at once, and a policy that fails withholds only its own table', async () => {
    await stack.db.exec(`
      create table public.notes_broken (id uuid primary key, owner uuid not null, body text not null);
      alter table public.notes_broken enable row level security;
      create policy "Owners read them, when the policy works" on public.notes_broken for select to authenticated using (owner = auth.uid() and 1 / (length(body) - length(body)) = 1);
      grant select on public.notes_broken to authenticated;
      alter publication supabase_realtime add table public.notes_broken;
    `);
    const published = await sql(`select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'notes'`);
    if (published.rows.length === 0) await sql('alter publication supabase_realtime add table public.notes');
    const watch = await subscribe(alice.client, 'together', {});
    const other = await subscribe(bob.client, 'together-bob', {});
    await stack.db.transaction(async (tx) => {
      await tx.query('insert into public.notes (id, owner, body) values ($1, $2, $3)', [crypto.randomUUID(), alice.userId, 'kept']);
      await tx.query('insert into public.notes_broken (id, owner, body) values ($1, $2, $3)', [crypto.randomUUID(), alice.userId, 'withheld']);
      await tx.query('insert into public.notes (id, owner, body) values ($1, $2, $3)', [crypto.randomUUID(), bob.userId, 'not hers']);
    });
    await expect.poll(() => watch.events.length, { timeout: 3000 }).toBe(1);
    await expect.poll(() => other.events.length, { timeout: 3000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watch.events.map((event) => [event.table, (event.new as { body?: string }).body])).toEqual([['notes', 'kept']]);
    expect(other.events.map((event) => [event.table, (event.new as { body?: string }).body])).toEqual([['notes', 'not hers']]);
    await alice.client.removeAllChannels();
    await bob.client.removeAllChannels();
  });

  it('honours the publication’s publish flags: no DELETE event when deletes are not published', async () => {
    await publish('insert, update');
    try {
      const watch = await subscribe(alice.client, 'flags', { table: 'notes' });
      const id = crypto.randomUUID();
      await note(alice.userId, 'to be deleted', id);
      await sql('delete from public.notes where id = $1', [id]);
      await note(alice.userId, 'after the delete');
      await expect.poll(() => watch.events.length, { timeout: 3000 }).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(watch.events.map((event) => event.eventType)).toEqual(['INSERT', 'INSERT']);

      await publish('delete');
      await note(alice.userId, 'inserts are not published now');
      await sql('delete from public.notes where owner = $1', [alice.userId]);
      await expect.poll(() => watch.events.length, { timeout: 3000 }).toBeGreaterThan(2);
      expect(new Set(watch.events.slice(2).map((event) => event.eventType))).toEqual(new Set(['DELETE']));
    } finally {
      await publish('insert, update, delete');
      await alice.client.removeAllChannels();
    }
  });
});
