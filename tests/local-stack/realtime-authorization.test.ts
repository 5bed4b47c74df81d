import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RealtimeChannel } from '@supabase/supabase-js';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { postgresAvailability, startPostgres, type PostgresServer } from '../support/postgres-server';
import { clientFor, signedInClient, type Client } from '../support/local-stack';

/*
 * Realtime Authorization: private channels are authorized by the row-level-security policies on
 * realtime.messages, as on hosted Supabase. The policies are created here by the migration role (as a
 * project's migration would create them), with real supabase-js clients joining:
 *   - `room:<uid>`: its member (the user whose id it carries) may read and write broadcast and presence;
 *   - `announcements`: every signed-in user may read, nobody may write (the service role bypasses RLS);
 *   - `team:<name>`: readable and writable by the members listed in public.team_rooms;
 *   - `typed:<uuid>`: a policy that casts the topic, and fails on a topic of another shape.
 * On PGlite and, when its binaries are installed, on PostgreSQL 15.
 */

type Joined = {
  channel: RealtimeChannel;
  /** SUBSCRIBED, or CHANNEL_ERROR with the server's reason. */
  outcome: Promise<{ status: string; message: string | null }>;
  statuses: string[];
  broadcasts: unknown[];
  system: Record<string, unknown>[];
  /** Presence keys seen in the channel's presence state. */
  present: () => string[];
};

let counter = 0;

/** Joins a channel (private unless told) that collects broadcasts of event `msg`, presence and system messages. */
function join(client: Client, topic: string, options: { private?: boolean; self?: boolean; ack?: boolean; presenceKey?: string; presence?: boolean } = {}): Joined {
  const broadcasts: unknown[] = [];
  const system: Record<string, unknown>[] = [];
  const statuses: string[] = [];
  counter += 1;
  const channel = client.channel(topic, {
    config: {
      private: options.private ?? true,
      broadcast: { self: options.self ?? false, ack: options.ack ?? false },
      presence: { key: options.presenceKey ?? `key-${counter}` },
    },
  });
  channel.on('broadcast', { event: 'msg' }, (message: { payload: unknown }) => broadcasts.push(message.payload));
  channel.on('system', {}, (message: Record<string, unknown>) => system.push(message));
  if (options.presence !== false) channel.on('presence', { event: 'sync' }, () => undefined);
  const outcome = new Promise<{ status: string; message: string | null }>((resolve) => {
    channel.subscribe((status, error) => {
      statuses.push(String(status));
      if (String(status) === 'SUBSCRIBED' || String(status) === 'CHANNEL_ERROR' || String(status) === 'TIMED_OUT') resolve({ status: String(status), message: error?.message ?? null });
    });
  });
  return { channel, outcome, statuses, broadcasts, system, present: () => Object.keys(channel.presenceState()) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const refusal = (topic: string) => `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`;

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

describe.each(backends)('realtime authorization of private channels on $name', ({ start }) => {
  let stack: LocalStack;
  let server: PostgresServer | null;
  let alice: { client: Client; userId: string; email: string };
  let bob: { client: Client; userId: string; email: string };
  let service: Client;
  const clients: Client[] = [];

  /** Another device of a signed-up user: its own client, signed in with the same account. */
  const device = async (user: { email: string }) => {
    const client = clientFor(stack);
    const { error } = await client.auth.signInWithPassword({ email: user.email, password: 'correct-horse-battery' });
    if (error) throw error;
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    ({ stack, server } = await start());
    alice = await signedInClient(stack, 'authz-alice');
    bob = await signedInClient(stack, 'authz-bob');
    service = clientFor(stack, stack.serviceRoleKey);
    clients.push(alice.client, bob.client, service);
    const role = (await stack.db.query<{ role: string }>('select supabase_local.migration_role() as role')).rows[0]!.role;
    // As a migration: the migration role (not a superuser) creates the policies.
    await stack.db.transaction(async (tx) => {
      await tx.exec(`
        set local role ${role};
        create policy "Members read their room" on realtime.messages for select to authenticated
          using (realtime.topic() = 'room:' || auth.uid()::text and extension in ('broadcast', 'presence'));
        create policy "Members write to their room" on realtime.messages for insert to authenticated
          with check (realtime.topic() = 'room:' || auth.uid()::text and extension in ('broadcast', 'presence'));
        create policy "Everyone signed in reads announcements" on realtime.messages for select to authenticated
          using (realtime.topic() = 'announcements');
        create table public.team_rooms (topic text not null, member uuid not null);
        grant select on public.team_rooms to authenticated;
        create policy "Team members read" on realtime.messages for select to authenticated
          using (exists (select 1 from public.team_rooms t where t.topic = realtime.topic() and t.member = auth.uid()));
        create policy "Team members write" on realtime.messages for insert to authenticated
          with check (exists (select 1 from public.team_rooms t where t.topic = realtime.topic() and t.member = auth.uid()));
        create policy "News: broadcast only" on realtime.messages for select to authenticated
          using (realtime.topic() = 'news' and extension = 'broadcast');
        create policy "Typed topics" on realtime.messages for select to authenticated
          using (realtime.topic() like 'typed:%' and split_part(realtime.topic(), ':', 2)::uuid = auth.uid());
      `);
    });
  }, 120_000);
  // Whatever a test leaves joined (a failed one included) is left before the next one.
  afterEach(async () => {
    for (const client of clients) await client.removeAllChannels();
  });
  afterAll(async () => {
    for (const client of clients) await client.removeAllChannels();
    await stack?.close();
    await server?.stop();
  });

  it('lets the member of room:<uid> join, broadcast and track presence; a second device of theirs receives both', async () => {
    const topic = `room:${alice.userId}`;
    const phone = join(alice.client, topic, { ack: true, presenceKey: 'alice-phone' });
    const laptop = join(await device(alice), topic, { presenceKey: 'alice-laptop' });
    expect(await phone.outcome).toEqual({ status: 'SUBSCRIBED', message: null });
    expect(await laptop.outcome).toEqual({ status: 'SUBSCRIBED', message: null });
    expect(await phone.channel.send({ type: 'broadcast', event: 'msg', payload: { text: 'hello' } }, { timeout: 3000 })).toBe('ok');
    await expect.poll(() => laptop.broadcasts, { timeout: 3000 }).toEqual([{ text: 'hello' }]);
    expect(await phone.channel.track({ online: true })).toBe('ok');
    await expect.poll(() => laptop.present(), { timeout: 3000 }).toEqual(['alice-phone']);
    // The check rolls back: nothing stays in realtime.messages.
    expect((await stack.db.query('select 1 from realtime.messages')).rows).toEqual([]);
    await alice.client.removeAllChannels();
    await clients.at(-1)!.removeAllChannels();
  });

  it('refuses another signed-in user and anon with CHANNEL_ERROR; neither ever hears the member’s broadcasts or presence', async () => {
    const topic = `room:${alice.userId}`;
    const owner = join(alice.client, topic, { presenceKey: 'alice' });
    expect((await owner.outcome).status).toBe('SUBSCRIBED');
    const intruder = join(bob.client, topic, { presenceKey: 'bob' });
    const anon = clientFor(stack);
    clients.push(anon);
    const stranger = join(anon, topic, { presenceKey: 'anon' });
    expect(await intruder.outcome).toEqual({ status: 'CHANNEL_ERROR', message: refusal(topic) });
    expect(await stranger.outcome).toEqual({ status: 'CHANNEL_ERROR', message: refusal(topic) });

    await owner.channel.track({ secret: 'where alice is' });
    await owner.channel.send({ type: 'broadcast', event: 'msg', payload: { secret: 'for alice only' } });
    // A witness on the member's other device proves the broadcast and the track went out.
    const witness = join(await device(alice), topic, { presenceKey: 'witness' });
    expect((await witness.outcome).status).toBe('SUBSCRIBED');
    await owner.channel.send({ type: 'broadcast', event: 'msg', payload: { secret: 'again' } });
    await expect.poll(() => witness.broadcasts, { timeout: 3000 }).toEqual([{ secret: 'again' }]);
    await expect.poll(() => witness.present(), { timeout: 3000 }).toEqual(['alice']);
    await pause(200);
    expect(intruder.broadcasts).toEqual([]);
    expect(stranger.broadcasts).toEqual([]);
    expect(intruder.present()).toEqual([]);
    expect(stranger.present()).toEqual([]);
    // A broadcast pushed by the refused client is not delivered either.
    bob.client.realtime.push({ topic: `realtime:${topic}`, event: 'broadcast', payload: { type: 'broadcast', event: 'msg', payload: { forged: true } }, ref: 'forged' });
    await pause(200);
    expect(witness.broadcasts).toEqual([{ secret: 'again' }]);
    await alice.client.removeAllChannels();
    await bob.client.removeAllChannels();
    await anon.removeAllChannels();
    await clients.at(-1)!.removeAllChannels();
  });

  it('leaves a public channel of the same name alone: no policy applies, and it never mixes with the private one', async () => {
    const topic = `room:${alice.userId}`;
    const secret = join(alice.client, topic, { presenceKey: 'alice-private' });
    expect((await secret.outcome).status).toBe('SUBSCRIBED');
    await secret.channel.track({ private: true });
    const anon = clientFor(stack);
    clients.push(anon);
    const bobPublic = join(bob.client, topic, { private: false, presenceKey: 'bob-public' });
    const anonPublic = join(anon, topic, { private: false, presenceKey: 'anon-public' });
    expect(await bobPublic.outcome).toEqual({ status: 'SUBSCRIBED', message: null });
    expect(await anonPublic.outcome).toEqual({ status: 'SUBSCRIBED', message: null });
    await bobPublic.channel.track({ public: true });
    await bobPublic.channel.send({ type: 'broadcast', event: 'msg', payload: { from: 'bob, in public' } });
    await expect.poll(() => anonPublic.broadcasts, { timeout: 3000 }).toEqual([{ from: 'bob, in public' }]);
    await expect.poll(() => anonPublic.present(), { timeout: 3000 }).toEqual(['bob-public']);
    await secret.channel.send({ type: 'broadcast', event: 'msg', payload: { from: 'alice, in private' } });
    await pause(300);
    // Public subscribers never see the private channel's traffic, nor the private channel theirs.
    expect(anonPublic.broadcasts).toEqual([{ from: 'bob, in public' }]);
    expect(bobPublic.broadcasts).toEqual([]);
    expect(anonPublic.present()).toEqual(['bob-public']);
    expect(secret.broadcasts).toEqual([]);
    expect(secret.present()).toEqual(['alice-private']);
    await alice.client.removeAllChannels();
    await bob.client.removeAllChannels();
    await anon.removeAllChannels();
  });

  it('with read but no write, a client receives broadcasts but cannot send them nor track presence', async () => {
    const aliceReader = join(alice.client, 'announcements', { ack: true, self: true, presenceKey: 'alice' });
    const bobReader = join(bob.client, 'announcements', { presenceKey: 'bob' });
    expect((await aliceReader.outcome).status).toBe('SUBSCRIBED');
    expect((await bobReader.outcome).status).toBe('SUBSCRIBED');
    // The service role bypasses row-level security: it may write.
    const desk = join(service, 'announcements', { presenceKey: 'desk' });
    expect((await desk.outcome).status).toBe('SUBSCRIBED');
    await desk.channel.send({ type: 'broadcast', event: 'msg', payload: { news: 'from the desk' } });
    await expect.poll(() => [aliceReader.broadcasts, bobReader.broadcasts], { timeout: 3000 }).toEqual([[{ news: 'from the desk' }], [{ news: 'from the desk' }]]);
    // Not acknowledged (hosted drops it silently), and delivered to nobody, not even with `self`.
    expect(await aliceReader.channel.send({ type: 'broadcast', event: 'msg', payload: { news: 'from alice' } }, { timeout: 1000 })).toBe('timed out');
    expect(await aliceReader.channel.track({ here: true })).toBe('error');
    await desk.channel.track({ staffed: true });
    await expect.poll(() => bobReader.present(), { timeout: 3000 }).toEqual(['desk']);
    await pause(200);
    expect(bobReader.broadcasts).toEqual([{ news: 'from the desk' }]);
    expect(aliceReader.broadcasts).toEqual([{ news: 'from the desk' }]);
    expect(desk.broadcasts).toEqual([]);
    expect(bobReader.present()).toEqual(['desk']);
    await alice.client.removeAllChannels();
    await bob.client.removeAllChannels();
    await service.removeAllChannels();
  });

  it('grants each extension on its own: reading broadcast but not presence hears broadcasts and sees nobody', async () => {
    const reader = join(alice.client, 'news', { presenceKey: 'alice' });
    expect((await reader.outcome).status).toBe('SUBSCRIBED');
    const desk = join(service, 'news', { presenceKey: 'desk' });
    expect((await desk.outcome).status).toBe('SUBSCRIBED');
    expect(await desk.channel.track({ staffed: true })).toBe('ok');
    await desk.channel.send({ type: 'broadcast', event: 'msg', payload: { headline: 'one' } });
    await expect.poll(() => reader.broadcasts, { timeout: 3000 }).toEqual([{ headline: 'one' }]);
    // A late joiner with presence read gets the state (so the track happened); the reader never does.
    const second = join(await device(alice), 'news', { presenceKey: 'second' });
    expect((await second.outcome).status).toBe('SUBSCRIBED');
    const watcherClient = clientFor(stack, stack.serviceRoleKey);
    clients.push(watcherClient);
    const watcher = join(watcherClient, 'news', { presenceKey: 'watcher' });
    expect((await watcher.outcome).status).toBe('SUBSCRIBED');
    await expect.poll(() => watcher.present(), { timeout: 3000 }).toEqual(['desk']);
    await pause(200);
    expect(reader.present()).toEqual([]);
    expect(second.present()).toEqual([]);
  });

  it('checks again when the access token changes: a member removed from the team loses the channel', async () => {
    await stack.db.query(`insert into public.team_rooms (topic, member) values ('team:blue', $1), ('team:blue', $2)`, [alice.userId, bob.userId]);
    const alices = join(alice.client, 'team:blue');
    const bobs = join(bob.client, 'team:blue');
    expect((await alices.outcome).status).toBe('SUBSCRIBED');
    expect((await bobs.outcome).status).toBe('SUBSCRIBED');
    await alices.channel.send({ type: 'broadcast', event: 'msg', payload: { n: 1 } });
    await expect.poll(() => bobs.broadcasts, { timeout: 3000 }).toEqual([{ n: 1 }]);

    await stack.db.query(`delete from public.team_rooms where member = $1`, [bob.userId]);
    const refreshed = await bob.client.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    await bob.client.realtime.setAuth(refreshed.data.session!.access_token);
    await expect.poll(() => bobs.system.map((message) => message['message']), { timeout: 3000 }).toContain('You no longer have permission to read from this Channel topic: team:blue');
    await expect.poll(() => bobs.statuses, { timeout: 3000 }).toContain('CLOSED');
    await alices.channel.send({ type: 'broadcast', event: 'msg', payload: { n: 2 } });
    await pause(300);
    expect(bobs.broadcasts).toEqual([{ n: 1 }]);
    // Alice's refreshed token still grants her the team: her channel stays.
    const aliceRefreshed = await alice.client.auth.refreshSession();
    await alice.client.realtime.setAuth(aliceRefreshed.data.session!.access_token);
    await pause(300);
    expect(alices.statuses).not.toContain('CLOSED');
    await alice.client.removeAllChannels();
    await bob.client.removeAllChannels();
  });

  it('refuses, without crashing, a policy that fails on the topic, and malformed private configs', async () => {
    const typed = join(alice.client, `typed:${alice.userId}`);
    expect((await typed.outcome).status).toBe('SUBSCRIBED');
    const broken = join(alice.client, 'typed:not-a-uuid');
    expect(await broken.outcome).toEqual({ status: 'CHANNEL_ERROR', message: refusal('typed:not-a-uuid') });
    await alice.client.removeAllChannels();

    const url = `${stack.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${stack.anonKey}&vsn=2.0.0`;
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const replies = new Map<string, unknown>();
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as [string | null, string | null, string, string, unknown];
      if (frame[3] === 'phx_reply' && frame[1] !== null) replies.set(frame[1], frame[4]);
    });
    const sendJoin = (ref: string, topic: string, payload: unknown) => socket.send(JSON.stringify([ref, ref, topic, 'phx_join', payload]));
    sendJoin('1', 'realtime:odd', { config: { private: 42 } });
    sendJoin('2', 'realtime:odd-2', { config: 'private' });
    sendJoin('3', 'realtime:odd-3', { config: [true] });
    sendJoin('4', `realtime:room:${alice.userId}`, { config: { private: 'TRUE' } }); // private, and anon may not read it
    sendJoin('5', 'realtime:', { config: { private: true } });
    sendJoin('6', 'realtime:open', { config: { private: 'false' } });
    socket.send(JSON.stringify([null, '7', 'phoenix', 'heartbeat', {}]));
    await expect.poll(() => replies.size, { timeout: 3000 }).toBe(7);
    expect(replies.get('1')).toEqual({ status: 'error', response: { reason: 'InvalidJoinPayload: config.private: unable to parse, expected boolean' } });
    expect(replies.get('2')).toEqual({ status: 'error', response: { reason: 'InvalidJoinPayload: config: unable to parse, expected a map' } });
    expect(replies.get('3')).toEqual({ status: 'error', response: { reason: 'InvalidJoinPayload: config: unable to parse, expected a map' } });
    expect(replies.get('4')).toEqual({ status: 'error', response: { reason: refusal(`room:${alice.userId}`) } });
    expect(replies.get('5')).toMatchObject({ status: 'error', response: { reason: expect.stringMatching(/^TopicNameRequired/) as unknown } });
    expect(replies.get('6')).toMatchObject({ status: 'ok' });
    expect(replies.get('7')).toEqual({ status: 'ok', response: {} });
    socket.close();
    // And the stack still serves private channels.
    const again = join(alice.client, `room:${alice.userId}`);
    expect((await again.outcome).status).toBe('SUBSCRIBED');
    await alice.client.removeAllChannels();
  });
});
