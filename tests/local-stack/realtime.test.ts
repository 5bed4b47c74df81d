import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SignJWT } from 'jose';
import { DEFAULT_JWT_SECRET } from '../../supabase/local/keys';
import type { RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { freePort } from '../support/preview-server';
import { signedInClient, type Client } from '../support/local-stack';

type Event = RealtimePostgresChangesPayload<Record<string, unknown>>;

let stack: LocalStack;
let port: number;
let alice: { client: Client; userId: string };
let bob: { client: Client; userId: string };

beforeAll(async () => {
  port = await freePort();
  stack = await startLocalStack({ port, seed: false, heartbeatTimeoutMs: 1500 });
  alice = await signedInClient(stack, 'rt-alice');
  bob = await signedInClient(stack, 'rt-bob');
}, 60_000);
afterAll(async () => {
  await alice?.client.removeAllChannels();
  await bob?.client.removeAllChannels();
  await stack?.close();
});

/** Subscribes and resolves once SUBSCRIBED; events are collected in the returned array. */
async function subscribe(client: Client, name: string, filter?: string, table = 'contacts') {
  const events: Event[] = [];
  const statuses: string[] = [];
  const channel = client
    .channel(name)
    .on('postgres_changes', { event: '*', schema: 'public', table, ...(filter ? { filter } : {}) }, (payload: Event) => events.push(payload));
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      const state = String(status);
      statuses.push(state);
      if (state === 'SUBSCRIBED') resolve();
      if (state === 'CHANNEL_ERROR' && !statuses.includes('SUBSCRIBED')) reject(error ?? new Error(state));
    });
  });
  return { channel, events, statuses };
}

const contact = (first_name: string) => ({ id: crypto.randomUUID(), first_name });

/** Sends 105 joins of topics `prefix-0`… at once (the limit is 100 a socket) and resolves with their reply statuses. */
function floodOfJoins(socket: WebSocket, prefix: string, config: Record<string, unknown>): Promise<string[]> {
  const replies: string[] = [];
  const all = new Promise<string[]>((resolve) => {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as [string, string, string, string, { status: string }];
      if (frame[3] === 'phx_reply') replies.push(frame[4].status);
      if (replies.length === 105) resolve(replies);
    });
  });
  for (let i = 0; i < 105; i += 1) socket.send(JSON.stringify([String(i), String(i), `realtime:${prefix}-${i}`, 'phx_join', { config }]));
  return all;
}

describe('realtime postgres_changes with the real supabase-js client', () => {
  it('delivers INSERT and UPDATE to the owner, never to another member; a hard DELETE only if the publication publishes deletes', async () => {
    const mine = await subscribe(alice.client, 'alice-own', `member_id=eq.${alice.userId}`);
    const everything = await subscribe(alice.client, 'alice-all');
    const bobs = await subscribe(bob.client, 'bob-all');
    const bobFiltered = await subscribe(bob.client, 'bob-peek', `member_id=eq.${alice.userId}`);

    const row = contact('Live');
    await alice.client.from('contacts').insert(row);
    await expect.poll(() => mine.events.length, { timeout: 3000 }).toBe(1);
    expect(mine.events[0]).toMatchObject({ eventType: 'INSERT', table: 'contacts', new: { id: row.id, first_name: 'Live', member_id: alice.userId } });

    await alice.client.from('contacts').update({ stage: 'customer' }).eq('id', row.id);
    await expect.poll(() => mine.events.length).toBe(2);
    expect(mine.events[1]).toMatchObject({ eventType: 'UPDATE', new: { stage: 'customer' }, old: { id: row.id } });

    // The migrations decide whether hard deletes are published (publish = 'insert, update' keeps row
    // ids of deleted rows from every subscriber); the stack follows the publication either way.
    const deletesPublished = (await stack.db.query<{ pubdelete: boolean }>(`select pubdelete from pg_publication where pubname = 'supabase_realtime'`)).rows[0]?.pubdelete;
    await alice.client.from('contacts').delete().eq('id', row.id);
    const marker = contact('After the delete');
    await alice.client.from('contacts').insert(marker);
    await expect.poll(() => everything.events.some((event) => (event.new as { id?: string }).id === marker.id)).toBe(true);
    const deletes = everything.events.filter((event) => event.eventType === 'DELETE');
    if (deletesPublished) {
      // Supabase semantics: a DELETE carries only the primary key and cannot match a member_id filter.
      expect(deletes).toHaveLength(1);
      expect(deletes[0]).toMatchObject({ eventType: 'DELETE', old: { id: row.id } });
      expect(Object.keys(deletes[0]!.old)).toEqual(['id']);
    } else expect(deletes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mine.events.filter((event) => event.eventType === 'DELETE')).toEqual([]);
    expect(bobFiltered.events).toEqual([]);
    expect(bobs.events.filter((event) => event.eventType !== 'DELETE')).toEqual([]);
    await alice.client.removeAllChannels();
    await bob.client.removeAllChannels();
  });

  it('never sends changes from a transaction that rolled back', async () => {
    const watch = await subscribe(alice.client, 'rollback');
    await expect(
      stack.db.transaction(async (tx) => {
        await tx.query(`insert into public.contacts (id, member_id, first_name) values ($1, $2, 'Ghost')`, [crypto.randomUUID(), alice.userId]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const real = contact('Real');
    await alice.client.from('contacts').insert(real);
    await expect.poll(() => watch.events.length).toBe(1);
    expect(watch.events[0]?.new).toMatchObject({ first_name: 'Real' });
    await alice.client.removeChannel(watch.channel);
  });

  it('delivers a row larger than 8 KB', async () => {
    const watch = await subscribe(alice.client, 'big', undefined, 'sent_emails');
    const body = 'x'.repeat(9000);
    const inserted = await alice.client.from('sent_emails').insert({ id: crypto.randomUUID(), to_email: 'big@example.com', body });
    expect(inserted.error).toBeNull();
    await expect.poll(() => watch.events.length).toBe(1);
    expect((watch.events[0]?.new as { body: string }).body).toHaveLength(9000);
    await alice.client.removeChannel(watch.channel);
  });

  it('keeps the subscription when the access token is refreshed', async () => {
    const watch = await subscribe(alice.client, 'refresh', `member_id=eq.${alice.userId}`);
    const refreshed = await alice.client.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    await alice.client.realtime.setAuth(refreshed.data.session!.access_token);
    await alice.client.from('contacts').insert(contact('After refresh'));
    await expect.poll(() => watch.events.length).toBe(1);
    await alice.client.removeChannel(watch.channel);
  });

  it('answers a binding for an unpublished table with a system error, and fires SUBSCRIBED only on matching bindings', async () => {
    const messages: unknown[] = [];
    const channel = alice.client.channel('unpublished').on('system', {}, (message: unknown) => messages.push(message)).on('postgres_changes', { event: '*', schema: 'public', table: 'members' }, () => undefined);
    await new Promise<void>((resolve) => channel.subscribe((status) => String(status) === 'SUBSCRIBED' && resolve()));
    await expect.poll(() => messages.length).toBe(1);
    expect(JSON.stringify(messages[0])).toMatch(/Realtime is enabled/);
    await alice.client.removeChannel(channel);
  });
});

describe('realtime robustness', () => {
  const open = (query = `apikey=${stack.anonKey}&vsn=2.0.0`) =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/realtime/v1/websocket?${query}`);
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  const nextFrame = (socket: WebSocket) => new Promise<unknown>((resolve) => socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as unknown)));

  it('refuses a bad API key at the handshake', async () => {
    await expect(open('apikey=not-a-jwt&vsn=2.0.0')).rejects.toThrow(/401/);
  });

  it('survives malformed JSON, unknown topics, oversized frames and floods of joins, and keeps serving others', async () => {
    const noisy = await open();
    noisy.send('{not json');
    noisy.send(JSON.stringify(['1', '1', 'realtime:nowhere', 'broadcast', { event: 'x' }]));
    expect(await nextFrame(noisy)).toEqual(['1', '1', 'realtime:nowhere', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }]);
    const replies = await floodOfJoins(noisy, 'flood', {});
    expect(replies.filter((status) => status === 'error')).toHaveLength(5);
    const closed = new Promise<number>((resolve) => noisy.once('close', (code) => resolve(code)));
    noisy.send('x'.repeat(1024 * 1024 + 10));
    expect(await closed).toBe(1009);

    const calm = await open();
    calm.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}]));
    expect(await nextFrame(calm)).toEqual([null, '1', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
    calm.close();
  });

  it('holds the channel limit when a flood of joins waits on the database (joins with postgres_changes)', async () => {
    const noisy = await open();
    const replies = await floodOfJoins(noisy, 'bound', { postgres_changes: [{ event: '*', schema: 'public', table: 'contacts' }] });
    expect(replies.filter((status) => status === 'ok')).toHaveLength(100);
    expect(replies.filter((status) => status === 'error')).toHaveLength(5);
    noisy.close();
  });

  it('closes a connection that stops sending heartbeats', async () => {
    const silent = await open();
    const closedAt = await new Promise<number>((resolve) => silent.once('close', () => resolve(Date.now())));
    expect(closedAt).toBeGreaterThan(0);
  });

  it('closes a channel when its token expires', async () => {
    const token = await new SignJWT({ role: 'authenticated', sub: alice.userId })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) + 1)
      .sign(new TextEncoder().encode(DEFAULT_JWT_SECRET));
    const socket = await open();
    const beat = setInterval(() => socket.send(JSON.stringify([null, 'hb', 'phoenix', 'heartbeat', {}])), 300);
    const events: string[] = [];
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as [unknown, unknown, string, string, Record<string, unknown>];
      if (frame[2] === 'realtime:expiring') events.push(frame[3] === 'system' ? `system:${String(frame[4]['status'])}` : frame[3]);
    });
    socket.send(JSON.stringify(['1', '1', 'realtime:expiring', 'phx_join', { config: { postgres_changes: [] }, access_token: token }]));
    await expect.poll(() => events, { timeout: 8000 }).toEqual(['phx_reply', 'system:error', 'phx_close']);
    clearInterval(beat);
    socket.close();
  });

  it('speaks vsn 1.0.0 too', async () => {
    const v1 = await open(`apikey=${stack.anonKey}&vsn=1.0.0`);
    v1.send(JSON.stringify({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '7' }));
    expect(await nextFrame(v1)).toEqual({ topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} }, ref: '7' });
    v1.close();
  });
});

describe('realtime across a server restart', () => {
  it('the client reconnects and resubscribes', async () => {
    const restartPort = await freePort();
    let server = await startLocalStack({ port: restartPort, seed: false });
    // Retry every 250 ms rather than supabase-js's 1-2-5-10 s ladder: a stack that boots slowly on a
    // loaded machine must not make the test wait out a long step of the ladder.
    const user = await signedInClient(server, 'restart', { reconnectAfterMs: 250 });
    const statuses: string[] = [];
    const channel = user.client.channel('survivor').on('postgres_changes', { event: '*', schema: 'public', table: 'contacts' }, () => undefined);
    channel.subscribe((status) => statuses.push(status));
    await expect.poll(() => statuses.filter((s) => s === 'SUBSCRIBED').length, { timeout: 5000 }).toBe(1);
    await server.close();
    await expect.poll(() => statuses.includes('CHANNEL_ERROR') || statuses.includes('CLOSED'), { timeout: 5000 }).toBe(true);
    server = await startLocalStack({ port: restartPort, seed: false });
    await expect.poll(() => statuses.filter((s) => s === 'SUBSCRIBED').length, { timeout: 30_000 }).toBe(2);
    await user.client.removeAllChannels();
    await server.close();
  }, 60_000);
});

