import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../supabase/local/server';
import { clientFor, startTestStack } from '../support/local-stack';

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
