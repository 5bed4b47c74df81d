import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalStack } from '../../supabase/local/server';
import { clientFor, signedInClient, startTestStack } from '../support/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
}, 60_000);
afterAll(async () => stack?.close());

const email = () => `auth-${Math.random().toString(36).slice(2, 10)}@example.com`;

describe('auth with the real supabase-js client', () => {
  it('signs up (auto-confirmed), gets the user, signs out', async () => {
    const client = clientFor(stack);
    const address = email();
    const { data, error } = await client.auth.signUp({ email: address, password: 'correct-horse', options: { data: { full_name: 'Ada' } } });
    expect(error).toBeNull();
    expect(data.session?.access_token).toBeTruthy();
    expect(data.user?.email).toBe(address);
    const me = await client.auth.getUser();
    expect(me.data.user?.id).toBe(data.user?.id);
    expect(me.data.user?.user_metadata).toEqual({ full_name: 'Ada' });
    expect((await client.auth.signOut()).error).toBeNull();
    expect((await client.auth.getSession()).data.session).toBeNull();
  });

  it('refuses a second sign-up with the same email and a weak password', async () => {
    const client = clientFor(stack);
    const address = email();
    await client.auth.signUp({ email: address, password: 'correct-horse' });
    const again = await clientFor(stack).auth.signUp({ email: address, password: 'correct-horse' });
    expect(again.error?.code).toBe('user_already_exists');
    const weak = await clientFor(stack).auth.signUp({ email: email(), password: '123' });
    expect(weak.error?.code).toBe('weak_password');
  });

  it('signs in with the password, and refuses a wrong one with invalid_credentials', async () => {
    const address = email();
    await clientFor(stack).auth.signUp({ email: address, password: 'correct-horse' });
    const wrong = await clientFor(stack).auth.signInWithPassword({ email: address, password: 'nope-nope' });
    expect(wrong.error?.code).toBe('invalid_credentials');
    expect(wrong.error?.status).toBe(400);
    const right = await clientFor(stack).auth.signInWithPassword({ email: address, password: 'correct-horse' });
    expect(right.error).toBeNull();
    expect(right.data.session?.user.email).toBe(address);
  });

  it('rotates refresh tokens and refuses an old one after the grace period', async () => {
    const client = clientFor(stack);
    const { data } = await client.auth.signUp({ email: email(), password: 'correct-horse' });
    const first = data.session!.refresh_token;
    const refreshed = await client.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect(refreshed.data.session?.refresh_token).not.toBe(first);
    const unknown = await clientFor(stack).auth.refreshSession({ refresh_token: 'not-a-token' });
    expect(unknown.error?.code).toBe('refresh_token_not_found');
  });

  it('ends the whole session when a refresh token is reused after its rotation (a leaked token)', async () => {
    const client = clientFor(stack);
    const { data } = await client.auth.signUp({ email: email(), password: 'correct-horse' });
    const first = data.session!.refresh_token;
    const rotated = await client.auth.refreshSession();
    const second = rotated.data.session!.refresh_token;
    await stack.db.query(`update auth.refresh_tokens set revoked_at = now() - interval '1 minute' where token = $1`, [first]);
    const reused = await clientFor(stack).auth.refreshSession({ refresh_token: first });
    expect(reused.error?.code).toBe('refresh_token_already_used');
    const afterTheft = await clientFor(stack).auth.refreshSession({ refresh_token: second });
    expect(afterTheft.error).not.toBeNull();
  });

  it('rejects an expired or forged access token', async () => {
    const forged = clientFor(stack);
    const { error } = await forged.auth.getUser('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad-signature');
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('bad_jwt');
  });

  it('signs in with an email code (printed to the log, readable from the dev endpoint)', async () => {
    const address = email();
    const client = clientFor(stack);
    expect((await client.auth.signInWithOtp({ email: address })).error).toBeNull();
    const code = (await (await fetch(`${stack.url}/_dev/otp?email=${encodeURIComponent(address)}`)).json()) as { code: string };
    expect(code.code).toMatch(/^\d{6}$/);
    const wrong = await client.auth.verifyOtp({ email: address, token: '000000' === code.code ? '111111' : '000000', type: 'email' });
    expect(wrong.error?.status).toBe(403);
    const verified = await client.auth.verifyOtp({ email: address, token: code.code, type: 'email' });
    expect(verified.error).toBeNull();
    expect(verified.data.session?.user.email).toBe(address);
  });
});

describe('auth.admin.deleteUser (service role only)', () => {
  const admin = () => clientFor(stack, stack.serviceRoleKey);

  /** The user's rows in every table of schema public (any column holding their id), by table. */
  async function rowsOf(userId: string): Promise<Record<string, number>> {
    const tables = (await stack.db.query<{ name: string }>(`select relname as name from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') order by 1`)).rows;
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const { rows } = await stack.db.query<{ n: number }>(`select count(*)::int as n from public."${name}" r where strpos(to_jsonb(r)::text, $1) > 0`, [userId]);
      if ((rows[0]?.n ?? 0) > 0) counts[name] = rows[0]!.n;
    }
    return counts;
  }

  it('deletes the user and, through the cascades, every row of theirs in public; ends their sessions and realtime channels', async () => {
    const member = await signedInClient(stack, 'doomed');
    const session = (await member.client.auth.getSession()).data.session!;
    const kept = { id: crypto.randomUUID(), first_name: 'Kept' };
    const removed = { id: crypto.randomUUID(), first_name: 'Removed' };
    expect((await member.client.from('contacts').insert([kept, removed])).error).toBeNull();
    expect((await member.client.from('contacts').delete().eq('id', removed.id)).error).toBeNull(); // leaves a tombstone row
    const before = await rowsOf(member.userId);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['members', 'contacts']));

    const { port } = new URL(stack.url);
    const socket = new WebSocket(`ws://127.0.0.1:${port}/realtime/v1/websocket?apikey=${stack.anonKey}&vsn=2.0.0`);
    await new Promise((resolve) => socket.once('open', resolve));
    const frames: string[] = [];
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as [unknown, unknown, string, string, Record<string, unknown>];
      if (frame[2] === 'realtime:doomed') frames.push(frame[3] === 'system' ? `system:${String(frame[4]['status'])}` : frame[3]);
    });
    socket.send(JSON.stringify(['1', '1', 'realtime:doomed', 'phx_join', { config: { postgres_changes: [{ event: '*', schema: 'public', table: 'contacts' }] }, access_token: session.access_token }]));
    await expect.poll(() => frames).toEqual(['phx_reply', 'system:ok']);

    const { data, error } = await admin().auth.admin.deleteUser(member.userId);
    expect(error).toBeNull();
    expect(data.user?.id).toBe(member.userId);
    expect(await rowsOf(member.userId)).toEqual({});
    expect((await stack.db.query('select 1 from auth.users where id = $1', [member.userId])).rows).toEqual([]);
    expect((await stack.db.query('select 1 from auth.sessions where user_id = $1', [member.userId])).rows).toEqual([]);
    const refreshed = await clientFor(stack).auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refreshed.error?.code).toBe('refresh_token_not_found');
    await expect.poll(() => frames).toEqual(['phx_reply', 'system:ok', 'system:error', 'phx_close']);
    socket.close();
  });

  it('answers 404 for an unknown user, 401 without a token and 403 for a token that is not the service role', async () => {
    const unknown = await admin().auth.admin.deleteUser(crypto.randomUUID());
    expect(unknown.error?.status).toBe(404);
    expect(unknown.error?.code).toBe('user_not_found');
    // supabase-js refuses a malformed id before sending; another client might not.
    const notUuid = await fetch(`${stack.url}/auth/v1/admin/users/not-a-uuid`, { method: 'DELETE', headers: { apikey: stack.serviceRoleKey, Authorization: `Bearer ${stack.serviceRoleKey}` } });
    expect(notUuid.status).toBe(404);

    const member = await signedInClient(stack, 'survivor');
    const bare = await fetch(`${stack.url}/auth/v1/admin/users/${member.userId}`, { method: 'DELETE', headers: { apikey: stack.anonKey } });
    expect(bare.status).toBe(401);
    const withAnonKey = await clientFor(stack).auth.admin.deleteUser(member.userId);
    expect(withAnonKey.error?.status).toBe(403);
    expect(withAnonKey.error?.code).toBe('not_admin');
    const token = (await member.client.auth.getSession()).data.session!.access_token;
    const asMember = await fetch(`${stack.url}/auth/v1/admin/users/${member.userId}`, { method: 'DELETE', headers: { apikey: stack.anonKey, Authorization: `Bearer ${token}` } });
    expect(asMember.status).toBe(403);
    expect((await stack.db.query('select 1 from auth.users where id = $1', [member.userId])).rows).toHaveLength(1);
  });
});
