import { createClient, isAuthRetryableFetchError, type AuthError, type SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types';

/*
 * Accounts over supabase-js (GoTrue): sign up, sign in with a password or an emailed code, sign out,
 * the session's events and token refresh, behind a small port the app wires. Failures are classified
 * by GoTrue's error code (AuthError.code) and by the kind of failure (a fetch that threw, a 5xx),
 * never by the wording of the message, which the server may change or translate.
 */

/** Why an auth request failed. `other` carries the server's message for the member to read. */
export type AuthFailure =
  | 'offline'
  | 'server-unavailable'
  | 'invalid-credentials'
  | 'email-not-confirmed'
  | 'already-exists'
  | 'weak-password'
  | 'code-expired'
  | 'rate-limited'
  | 'other';

/** `userId` is null when the request succeeded without signing anyone in (a code sent, a sign-up awaiting its confirmation link). */
export type AuthAnswer = { readonly ok: true; readonly userId: string | null } | { readonly ok: false; readonly failure: AuthFailure; readonly message: string };

export type SessionEvent = 'signed-in' | 'token-refreshed' | 'signed-out';

/** What a refresh of a refused token gave: a new token, a refresh token the server refused too, or no answer. */
export type RefreshOutcome = 'refreshed' | 'refused' | 'unreachable';

export type AuthPort = {
  readonly signIn: (email: string, password: string) => Promise<AuthAnswer>;
  readonly signUp: (email: string, password: string) => Promise<AuthAnswer>;
  /** Emails a sign-in code (creating the account if there is none). */
  readonly sendCode: (email: string) => Promise<AuthAnswer>;
  readonly verifyCode: (email: string, code: string) => Promise<AuthAnswer>;
  /** Forgets the session on this device (other devices stay signed in). */
  readonly signOut: () => Promise<void>;
  /** Sign-ins, refreshed tokens and sign-outs, in this tab or (through storage) another; returns the unsubscribe. */
  readonly onSessionChange: (listener: (event: SessionEvent, userId: string | null) => void) => () => void;
  readonly refresh: () => Promise<RefreshOutcome>;
};

const FAILURE_BY_CODE: Readonly<Record<string, AuthFailure>> = {
  invalid_credentials: 'invalid-credentials',
  email_not_confirmed: 'email-not-confirmed',
  user_already_exists: 'already-exists',
  email_exists: 'already-exists',
  weak_password: 'weak-password',
  otp_expired: 'code-expired',
  over_request_rate_limit: 'rate-limited',
  over_email_send_rate_limit: 'rate-limited',
  over_sms_send_rate_limit: 'rate-limited',
};

/** The failure kind of a supabase-js AuthError, from its type, status and code. */
export function authFailureOf(error: Pick<AuthError, 'name' | 'status' | 'code'>): AuthFailure {
  // supabase-js wraps a fetch that threw (status 0) and a 5xx answer in AuthRetryableFetchError.
  if (isAuthRetryableFetchError(error)) return error.status === 0 ? 'offline' : 'server-unavailable';
  const byCode = error.code === undefined ? undefined : FAILURE_BY_CODE[error.code];
  if (byCode !== undefined) return byCode;
  if (error.status === 429) return 'rate-limited';
  if (error.status !== undefined && error.status >= 500) return 'server-unavailable';
  return 'other';
}

type Answered = { readonly data: { readonly session?: { readonly user: { readonly id: string } } | null } | null; readonly error: AuthError | null };

const answerOf = ({ data, error }: Answered): AuthAnswer =>
  error ? { ok: false, failure: authFailureOf(error), message: error.message } : { ok: true, userId: data?.session?.user.id ?? null };

/** The supabase-js client of the app: the session persists under `storageKey` and refreshes itself. */
export function openSupabaseClient(url: string, anonKey: string, storageKey: string): SupabaseClient<Database> {
  return createClient<Database>(url, anonKey, {
    auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: false, storageKey },
  });
}

export function createSupabaseAuth(client: SupabaseClient<Database>): AuthPort {
  return {
    signIn: async (email, password) => answerOf(await client.auth.signInWithPassword({ email, password })),
    signUp: async (email, password) => answerOf(await client.auth.signUp({ email, password })),
    sendCode: async (email) => answerOf({ data: null, error: (await client.auth.signInWithOtp({ email, options: { shouldCreateUser: true } })).error }),
    verifyCode: async (email, code) => answerOf(await client.auth.verifyOtp({ email, token: code.trim(), type: 'email' })),
    async signOut() {
      await client.auth.signOut({ scope: 'local' });
    },
    onSessionChange(listener) {
      const { data } = client.auth.onAuthStateChange((event, session) => {
        const userId = session?.user.id ?? null;
        if (event === 'SIGNED_IN') listener('signed-in', userId);
        else if (event === 'TOKEN_REFRESHED') listener('token-refreshed', userId);
        else if (event === 'SIGNED_OUT') listener('signed-out', null);
      });
      return () => data.subscription.unsubscribe();
    },
    async refresh() {
      const { data, error } = await client.auth.refreshSession();
      if (data.session) return 'refreshed';
      // A 4xx: the refresh token itself was refused (or there is none). Anything else: try again later.
      if (error && !isAuthRetryableFetchError(error) && error.status !== undefined && error.status >= 400 && error.status < 500) return 'refused';
      return 'unreachable';
    },
  };
}
