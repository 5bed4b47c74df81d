import { createClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RemoteErrorKind } from '../../sync/ports';
import type { Database } from './database.types';
import { createSupabaseRemote, remoteErrorOf } from './supabase-remote';

/*
 * The failure kind comes from the HTTP status, the PostgREST code (PGRST…) and the Postgres SQLSTATE,
 * never from the wording: every row's message is chosen to mislead a classifier that reads text.
 */
const CASES: readonly (readonly [status: number, code: string, message: string, kind: RemoteErrorKind])[] = [
  // supabase-js answers a fetch that threw (no network, DNS, CORS) with status 0 and no code.
  [0, '', 'TypeError: Load failed', 'offline'],
  [0, '', 'FetchError: request to https://x.supabase.co failed', 'offline'],
  [0, '', 'AbortError: The operation was aborted', 'offline'],
  // Not signed in: PostgREST's JWT errors, a 401, and the server's own "not signed in" (SQLSTATE 28000).
  [401, 'PGRST301', 'Expected 3 parts in JWT; got 1', 'auth'],
  [401, 'PGRST303', 'JWT expired', 'auth'],
  [401, 'PGRST302', 'Anonymous access is disabled', 'auth'],
  [403, '28000', 'Sign in to sync', 'auth'],
  [400, '28000', 'please authenticate', 'auth'],
  // 42501 (insufficient privilege) is forbidden for a signed-in caller; PostgREST answers 401 to an anonymous one.
  [403, '42501', 'Sign in to sync', 'forbidden'],
  [401, '42501', 'permission denied for function sync_push', 'auth'],
  [403, '', 'jwt', 'forbidden'],
  [408, '', 'network timeout', 'timeout'],
  [504, '', 'Gateway Timeout', 'timeout'],
  [500, '57014', 'canceling statement due to statement timeout', 'timeout'],
  [409, '23505', 'duplicate key value violates unique constraint', 'conflict'],
  [400, '22P02', 'network is not a valid uuid', 'invalid'],
  [404, 'PGRST202', 'Could not find the function public.sync_push, fetch failed', 'invalid'],
  [500, 'XX000', 'invalid jwt signature somewhere deep', 'server'],
  [503, 'PGRST000', 'Could not connect with the database: sign in later', 'server'],
];

describe('remoteErrorOf: failure kinds from codes, never from messages', () => {
  it.each(CASES)('status %i, code "%s" ("%s") is %s', (status, code, message, kind) => {
    expect(remoteErrorOf({ status, error: { message, code } })).toEqual({ kind, message });
  });
});

const URL = 'http://fieldbook.invalid';
const MEMBER = '7d1e4c52-3a4b-4c8e-9f1a-0b2c3d4e5f60';

/** The real supabase-js client over a fetch the test answers. */
const remoteOver = (fetch: typeof globalThis.fetch) =>
  createSupabaseRemote(
    createClient<Database>(URL, 'anon-key', {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
      global: { fetch },
    }),
    MEMBER,
  );

const json = (status: number, body: unknown) => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));

describe('createSupabaseRemote over supabase-js', () => {
  it('a fetch that throws is offline, whatever the browser calls it', async () => {
    for (const error of [new TypeError('Failed to fetch'), new TypeError('Load failed'), new TypeError('NetworkError when attempting to fetch resource.')]) {
      const answer = await remoteOver(() => Promise.reject(error)).push([]);
      expect(answer).toMatchObject({ ok: false, error: { kind: 'offline' } });
    }
  });

  it('the server\'s "not signed in" (28000) asks for a fresh token; a refused privilege (42501) backs off', async () => {
    expect(await remoteOver(() => json(403, { code: '28000', message: 'Sign in to sync', details: null, hint: null })).pull(null, 10)).toMatchObject({ ok: false, error: { kind: 'auth' } });
    expect(await remoteOver(() => json(403, { code: '42501', message: 'Sign in to sync', details: null, hint: null })).pull(null, 10)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  });

  it('a malformed answer is a server error', async () => {
    expect(await remoteOver(() => json(200, { rows: 'nope' })).digest()).toMatchObject({ ok: false, error: { kind: 'server' } });
  });
});
