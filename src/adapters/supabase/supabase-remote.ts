import { REALTIME_SUBSCRIBE_STATES, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { digestSchema, pullPageSchema, pushResponseSchema, realtimeRowSchema } from '../../domain/sync-wire-schema';
import { SYNCED_TABLES } from '../../domain/synced-table';
import { err, ok, type Result } from '../../shared/result';
import type { ScopedLogger } from '../../shared/logger';
import type { RemoteError, RemoteErrorKind, RemotePort } from '../../sync/ports';
import type { Database, Json } from './database.types';

type RpcAnswer = { data: unknown; error: { message: string; code?: string; details?: string | null } | null; status: number };

/*
 * The failure kind (the closed set in src/sync/ports.ts), from codes only: the HTTP status, PostgREST's
 * own codes (PGRST…) and the Postgres SQLSTATE the server raised. Message text is for logs; it changes
 * with versions, locales and browsers ("Failed to fetch", "Load failed", "NetworkError…"), so it never
 * decides anything.
 *
 * - status 0: supabase-js (postgrest-js) answers this way when fetch itself threw (no network, DNS,
 *   CORS, an aborted request), with no code: offline.
 * - auth (wait for a fresh token): HTTP 401, PostgREST's JWT codes PGRST301-303 (and the PGRST30x
 *   family), and SQLSTATE 28000 (invalid_authorization_specification), which the sync functions
 *   raise for "not signed in". PostgREST answers 403 to a 28000, so the code is read before the status.
 * - forbidden: SQLSTATE 42501 (insufficient_privilege) or HTTP 403. PostgREST sends 42501 with 401 to
 *   an anonymous caller; that 401 is "not signed in" and stays auth.
 * - timeout: HTTP 408 and 504, SQLSTATE 57014 (statement timeout).
 */
/** SQLSTATE class 28, invalid authorization specification (28000 is "not signed in"). */
const isAuthSqlstate = (code: string) => code.length === 5 && code.startsWith('28');

export function remoteErrorOf(answer: Pick<RpcAnswer, 'error' | 'status'>): RemoteError {
  const message = answer.error?.message ?? 'Unknown error';
  const code = answer.error?.code ?? '';
  const { status } = answer;
  let kind: RemoteErrorKind;
  if (status === 0) kind = 'offline';
  else if (status === 401 || isAuthSqlstate(code) || code.startsWith('PGRST30')) kind = 'auth';
  else if (code === '42501' || status === 403) kind = 'forbidden';
  else if (status === 408 || status === 504 || code === '57014') kind = 'timeout';
  else if (status === 409) kind = 'conflict';
  else if (status >= 400 && status < 500) kind = 'invalid';
  else kind = 'server';
  return { kind, message };
}

/**
 * The engine's RemotePort over supabase-js: the sync RPCs through PostgREST, and one realtime channel
 * for the member with postgres_changes on every synced table, filtered by member_id. Every answer is
 * checked against the wire schemas; a malformed one is logged and treated as a server error.
 */
export function createSupabaseRemote(client: SupabaseClient<Database>, memberId: string, log?: ScopedLogger): RemotePort {
  async function call<T>(name: string, run: () => PromiseLike<RpcAnswer>, parse: (data: unknown) => { success: true; data: T } | { success: false; error: unknown }): Promise<Result<T, RemoteError>> {
    let answer: RpcAnswer;
    try {
      answer = await run();
    } catch (error) {
      // postgrest-js answers a failed fetch with status 0; only an abort it rethrows lands here.
      return err({ kind: 'offline', message: String(error) });
    }
    if (answer.error) return err(remoteErrorOf(answer));
    const parsed = parse(answer.data);
    if (!parsed.success) {
      log?.error(`${name}: malformed answer ignored`, { error: String(parsed.error) });
      return err({ kind: 'server', message: `The server sent a malformed ${name} answer` });
    }
    return ok(parsed.data);
  }

  return {
    push: (mutations) =>
      call(
        'push',
        () =>
          client.rpc('sync_push', {
            // Rows hold only JSON values (they came from zod-checked forms or from the server).
            mutations: mutations.map(({ mutation_id, table, row_id, op, changes, stamp, stamps }) => ({ mutation_id, table, row_id, op, changes, stamp, stamps })) as unknown as Json,
          }),
        (data) => pushResponseSchema.safeParse(data),
      ),
    pull: (cursor, pageSize) => call('pull', () => client.rpc('sync_pull_columns', { cursor: cursor as never, page_size: pageSize }), (data) => pullPageSchema.safeParse(data)),
    digest: () => call('digest', () => client.rpc('sync_digest'), (data) => digestSchema.safeParse(data)),
    subscribe({ onChange, onState, onHeartbeat }) {
      let channel: RealtimeChannel = client.channel(`sync:${memberId}`);
      for (const table of SYNCED_TABLES) {
        channel = channel.on('postgres_changes', { event: '*', schema: 'public', table, filter: `member_id=eq.${memberId}` }, (payload) => {
          if (payload.eventType === 'DELETE') return;
          const parsed = realtimeRowSchema.safeParse(payload.new);
          if (!parsed.success) {
            log?.warn(`realtime: malformed ${table} row ignored`);
            return;
          }
          onChange({ kind: 'row', table, row: parsed.data });
        });
      }
      // Supabase sends DELETE with the primary key only, so no member_id filter could match it; a hard
      // delete leaves a tombstone in sync_deleted_rows, which we can filter: hearing of one, pull it.
      channel = channel.on('postgres_changes', { event: '*', schema: 'public', table: 'sync_deleted_rows', filter: `member_id=eq.${memberId}` }, (payload) => {
        if (payload.eventType === 'DELETE') return;
        const table = (payload.new as { table_name?: unknown }).table_name;
        const known = SYNCED_TABLES.find((name) => name === table);
        if (known) onChange({ kind: 'delete', table: known });
        else log?.warn('realtime: tombstone of an unknown table ignored');
      });
      channel.subscribe((state, error) => {
        if (state === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) onState('subscribed');
        else if (state === REALTIME_SUBSCRIBE_STATES.CLOSED) onState('closed');
        else onState('reconnecting', error?.message ?? state);
      });
      // The socket's heartbeat (every 25 s) comes back with its round trip (connection quality).
      if (onHeartbeat)
        client.realtime.onHeartbeat((heartbeat, latency) => {
          if (heartbeat === 'ok' && typeof latency === 'number') onHeartbeat(latency);
        });
      return () => {
        if (onHeartbeat) client.realtime.onHeartbeat(() => undefined);
        void client.removeChannel(channel);
      };
    },
  };
}
