import { REALTIME_SUBSCRIBE_STATES, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { digestSchema, pullPageSchema, pushResponseSchema, realtimeRowSchema } from '../../domain/sync-wire-schema';
import { SYNCED_TABLES } from '../../domain/synced-table';
import { err, ok, type Result } from '../../shared/result';
import type { ScopedLogger } from '../../shared/logger';
import type { RemoteError, RemoteErrorKind, RemotePort } from '../../sync/ports';
import type { Database, Json } from './database.types';

type RpcAnswer = { data: unknown; error: { message: string; code?: string; details?: string | null } | null; status: number };

/** Decides the failure kind (STYLE.md's closed set) from the HTTP status and the PostgREST/Postgres code. */
export function remoteErrorOf(answer: Pick<RpcAnswer, 'error' | 'status'>): RemoteError {
  const message = answer.error?.message ?? 'Unknown error';
  const code = answer.error?.code ?? '';
  let kind: RemoteErrorKind;
  if (answer.status === 0 || /fetch failed|failed to fetch|network|load failed/i.test(message)) kind = 'offline';
  else if (answer.status === 401 || code.startsWith('PGRST30') || /jwt/i.test(message)) kind = 'auth';
  else if (code === '42501' && /sign in/i.test(message)) kind = 'auth';
  else if (answer.status === 403 || code === '42501') kind = 'forbidden';
  else if (answer.status === 408 || answer.status === 504 || code === '57014') kind = 'timeout';
  else if (answer.status === 409) kind = 'conflict';
  else if (answer.status >= 400 && answer.status < 500) kind = 'invalid';
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
    pull: (cursor, pageSize) => call('pull', () => client.rpc('sync_pull', { cursor: cursor as never, page_size: pageSize }), (data) => pullPageSchema.safeParse(data)),
    digest: () => call('digest', () => client.rpc('sync_digest'), (data) => digestSchema.safeParse(data)),
    subscribe({ onChange, onState }) {
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
      return () => void client.removeChannel(channel);
    },
  };
}
