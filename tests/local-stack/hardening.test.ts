import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SignJWT } from 'jose';
import { DEFAULT_JWT_SECRET } from '../../supabase/local/keys';
import type { LocalStack } from '../../supabase/local/server';
import { clientFor, signedInClient, startTestStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({ seed: false });
}, 60_000);
afterAll(async () => stack?.close());

/** A correctly signed token that never expires: no `exp` claim. */
const tokenWithoutExp = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().sign(new TextEncoder().encode(DEFAULT_JWT_SECRET));

/** Sends raw bytes over a socket and resolves with everything the server answers until it closes. */
function rawRequest(text: string): Promise<string> {
  const { port } = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    setTimeout(() => socket.end(), 2000);
  });
}

const stillServing = async () => {
  const health = await fetch(`${stack.url}/health`);
  expect(health.status).toBe(200);
};

describe('requests the stack must refuse without falling over', () => {
  it('answers a malformed request URL with a 400 and keeps serving', async () => {
    const answer = await rawRequest('GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServing();
  });

  it('answers a websocket upgrade with a malformed URL with a 400 and keeps serving', async () => {
    const answer = await rawRequest(
      'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServing();
  });

  it('answers a REST path with a malformed percent-encoding with a PostgREST-shaped 400', async () => {
    const response = await fetch(`${stack.url}/rest/v1/contacts%E0%A4%A`, { headers: { apikey: stack.anonKey } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: expect.any(String) as unknown, message: expect.any(String) as unknown, details: null, hint: null });
    await stillServing();
  });

  it('refuses a name holding NUL (a column in the body, a quoted table) with a PostgREST-shaped 400', async () => {
    const member = await signedInClient(stack, 'nul');
    const token = (await member.client.auth.getSession()).data.session?.access_token ?? '';
    const headers = { apikey: stack.anonKey, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const column = await fetch(`${stack.url}/rest/v1/contacts`, { method: 'POST', headers, body: JSON.stringify({ '"a\u0000b"': 1 }) });
    expect(column.status).toBe(400);
    expect(await column.json()).toMatchObject({ code: 'PGRST100' });
    const table = await fetch(`${stack.url}/rest/v1/%22con%00tacts%22`, { headers });
    expect(table.status).toBe(400);
    expect(await table.json()).toMatchObject({ code: 'PGRST100' });
    await stillServing();
  });

  it('calls a function by POST, or by GET and HEAD when it changes nothing, as PostgREST does; any other method runs nothing', async () => {
    const member = await signedInClient(stack, 'methods');
    const token = (await member.client.auth.getSession()).data.session?.access_token ?? '';
    const headers = { apikey: stack.anonKey, Authorization: `Bearer ${token}` };
    const contact = { id: crypto.randomUUID(), first_name: 'Never' };
    const mutations = encodeURIComponent(JSON.stringify([{ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: contact.id, op: 'insert', changes: contact, stamp: '0001700000000000:0000:dev' }]));
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      const response = await fetch(`${stack.url}/rest/v1/rpc/sync_push?mutations=${mutations}`, { method, headers });
      expect(response.status).toBe(405);
      expect(await response.json()).toMatchObject({ code: 'PGRST117' });
    }
    for (const method of ['GET', 'HEAD']) expect((await fetch(`${stack.url}/rest/v1/rpc/sync_push?mutations=${mutations}`, { method, headers })).status).toBe(405);
    expect((await member.client.from('contacts').select('id')).data).toEqual([]);
    const pulled = await fetch(`${stack.url}/rest/v1/rpc/sync_pull_columns?page_size=10`, { headers });
    expect(pulled.status).toBe(200);
    expect(await pulled.json()).toMatchObject({ has_more: false });
  });
});

describe('tokens without an expiry are refused everywhere', () => {
  it('REST answers 401 with a PostgREST-shaped error', async () => {
    const { userId } = await signedInClient(stack, 'no-exp');
    const token = await tokenWithoutExp({ role: 'authenticated', sub: userId });
    const response = await fetch(`${stack.url}/rest/v1/contacts?select=id`, { headers: { apikey: stack.anonKey, Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'PGRST301', details: null, hint: null });
    const asApiKey = await fetch(`${stack.url}/rest/v1/contacts?select=id`, { headers: { apikey: await tokenWithoutExp({ role: 'service_role' }) } });
    expect(asApiKey.status).toBe(401);
  });

  it('auth answers with GoTrue’s bad_jwt', async () => {
    const { userId } = await signedInClient(stack, 'no-exp-auth');
    const { error } = await clientFor(stack).auth.getUser(await tokenWithoutExp({ role: 'authenticated', sub: userId }));
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('bad_jwt');
  });

  it('realtime refuses it at the handshake and at a join', async () => {
    const { port } = new URL(stack.url);
    const handshake = new WebSocket(`ws://127.0.0.1:${port}/realtime/v1/websocket?apikey=${await tokenWithoutExp({ role: 'anon' })}&vsn=2.0.0`);
    const status = await new Promise<number>((resolve) => {
      handshake.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      handshake.once('open', () => resolve(101));
    });
    expect(status).toBe(401);
    handshake.on('error', () => undefined); // closing a refused handshake reports one
    handshake.terminate();

    const socket = new WebSocket(`ws://127.0.0.1:${port}/realtime/v1/websocket?apikey=${stack.anonKey}&vsn=2.0.0`);
    await new Promise((resolve) => socket.once('open', resolve));
    const reply = new Promise<unknown>((resolve) => socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
    socket.send(JSON.stringify(['1', '1', 'realtime:no-exp', 'phx_join', { config: { postgres_changes: [] }, access_token: await tokenWithoutExp({ role: 'authenticated', sub: crypto.randomUUID() }) }]));
    expect(await reply).toMatchObject(['1', '1', 'realtime:no-exp', 'phx_reply', { status: 'error' }]);
    socket.close();
  });
});
