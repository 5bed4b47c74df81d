import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { openBackend } from './backend';

/*
 * The account screen's messages come from GoTrue's error codes (supabase-js's AuthError.code) and the
 * kind of failure (a fetch that threw, a 5xx), never from the wording of the server's message: each
 * answer below carries a message chosen to mislead.
 */

type Answer = { readonly status: number; readonly body: unknown } | 'network-down';
let answer: Answer = 'network-down';

const gotrue = (status: number, code: string, msg: string): Answer => ({ status, body: { code, error_code: code, msg } });

beforeEach(() => {
  vi.stubGlobal('WebSocket', WebSocket); // supabase-js's realtime client needs one at construction on Node 20
  vi.stubGlobal('fetch', () => {
    if (answer === 'network-down') return Promise.reject(new TypeError('Load failed'));
    return Promise.resolve(new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'Content-Type': 'application/json', 'X-Supabase-Api-Version': '2024-01-01' } }));
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const fakeWindow = {} as Window;
const account = () => openBackend(fakeWindow, 'http://fieldbook.invalid', 'anon-key', null).account({ newContext: () => ({}) as never });

const SIGN_IN_CASES: readonly (readonly [name: string, given: Answer, message: string])[] = [
  ['a wrong password', gotrue(400, 'invalid_credentials', 'fetch failed'), 'That email and password do not match.'],
  ['too many attempts', gotrue(429, 'over_request_rate_limit', 'Request rate limit reached'), 'Too many attempts. Wait a minute, then try again.'],
  ['an unconfirmed email', gotrue(400, 'email_not_confirmed', 'Email not confirmed'), 'Open the confirmation link we emailed you, then sign in.'],
  ['a server in trouble', { status: 503, body: { message: 'upstream connect error' } }, 'The server is not answering right now. Try again in a minute.'],
  ['no network', 'network-down', 'Could not reach the server. Check your connection and try again.'],
  ['an unknown code whose message mentions fetch', gotrue(422, 'validation_failed', 'Unable to fetch the email provider'), 'Unable to fetch the email provider'],
];

describe('account port: readable answers from auth error codes', () => {
  it.each(SIGN_IN_CASES)('sign in, %s', async (_name, given, message) => {
    answer = given;
    expect(await account().signIn('sam@example.com', 'correct-horse')).toEqual({ ok: false, message });
  });

  it('sign up: an existing account, a weak password', async () => {
    answer = gotrue(422, 'user_already_exists', 'network error');
    expect(await account().signUp('sam@example.com', 'correct-horse')).toEqual({ ok: false, message: 'An account with this email already exists. Sign in instead.' });
    answer = gotrue(422, 'weak_password', 'Password should be at least 6 characters.');
    expect(await account().signUp('sam@example.com', 'abc')).toEqual({ ok: false, message: 'Choose a longer password (at least 6 characters).' });
  });

  it('emailed codes: too many emails, an expired code', async () => {
    answer = gotrue(429, 'over_email_send_rate_limit', 'Email rate limit exceeded');
    expect(await account().sendCode('sam@example.com')).toEqual({ ok: false, message: 'Too many attempts. Wait a minute, then try again.' });
    answer = gotrue(403, 'otp_expired', 'Token has expired or is invalid');
    expect(await account().verifyCode('sam@example.com', '123456')).toEqual({ ok: false, message: 'That code is wrong or has expired. Ask for a new one.' });
  });
});
