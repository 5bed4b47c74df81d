import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { postgresAvailability, startPostgres, type PostgresServer } from '../support/postgres-server';
import { signedInClient } from '../support/local-stack';

const available = postgresAvailability();

describe.skipIf(!available)('the local stack over a real PostgreSQL 15 server (--database-url)', () => {
  let server: PostgresServer;
  let stack: LocalStack;

  beforeAll(async () => {
    server = await startPostgres({ schema: false });
    stack = await startLocalStack({ port: 0, databaseUrl: server.url });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await server?.stop();
  });

  it('applies bootstrap, migrations and seed, then serves auth, REST and realtime with the real client', async () => {
    const seeded = await stack.db.query<{ n: number }>('select count(*)::int as n from public.contacts');
    expect(seeded.rows[0]?.n).toBeGreaterThan(0);
    const { client, userId } = await signedInClient(stack, 'pg');
    const events: RealtimePostgresChangesPayload<Record<string, unknown>>[] = [];
    await new Promise<void>((resolve) =>
      client
        .channel('pg-backend')
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'contacts', filter: `member_id=eq.${userId}` }, (payload) => events.push(payload))
        .subscribe((status) => String(status) === 'SUBSCRIBED' && resolve()),
    );
    const id = crypto.randomUUID();
    const inserted = await client.from('contacts').insert({ id, first_name: 'On Postgres' }).select('member_id').single();
    expect(inserted.data?.member_id).toBe(userId);
    await expect.poll(() => events.length, { timeout: 5000 }).toBe(1);
    expect(events[0]?.new).toMatchObject({ id, first_name: 'On Postgres' });
    await client.removeAllChannels();
  });

  /*
   * On a server a request's transaction (BEGIN, its settings, one statement, COMMIT) travels as one
   * query, its values written as literals (supabase/local/database.ts, statement).
   */
  describe('one round trip per request', () => {
    beforeAll(async () => {
      await stack.db.exec(`
        create function public.local_stack_probe_echo(value text, doc jsonb) returns jsonb language sql volatile as $$
          select jsonb_build_object('value', value, 'doc', doc, 'query', current_query(), 'role', current_user, 'sub', auth.uid())
        $$;
        create function public.local_stack_probe_fail() returns int language plpgsql volatile as $$
          begin raise exception 'probe refused' using errcode = 'P0001'; end
        $$;
        create table public.local_stack_probe_commit (id int primary key);
        create function public.local_stack_probe_refuse_at_commit() returns trigger language plpgsql as $$
          begin raise exception 'refused at commit' using errcode = '23514'; end
        $$;
        create constraint trigger local_stack_probe_refuse after insert on public.local_stack_probe_commit
          deferrable initially deferred for each row when (new.id < 0) execute function public.local_stack_probe_refuse_at_commit();
        create function public.local_stack_probe_insert(id int) returns json language sql volatile as $$
          insert into public.local_stack_probe_commit values (id) returning json_build_object('id', id)
        $$;
        grant execute on function public.local_stack_probe_echo(text, jsonb), public.local_stack_probe_fail(), public.local_stack_probe_insert(int) to authenticated;
        grant select, insert on public.local_stack_probe_commit to authenticated;`);
    });

    type Echo = { value: string; doc: unknown; query: string; role: string; sub: string };
    const hostile = [String.raw`O'Brien \'); set role service_role; -- $1 E'\x`, "'; commit; drop table public.contacts; --", '$$ $tag$ \\\\ "quoted" 😀 naïve'];

    it('hands every value over exactly, as the request’s role, whatever quotes, backslashes or dollars it holds', async () => {
      const { client, userId } = await signedInClient(stack, 'echo');
      for (const value of hostile) {
        const doc = { value, nested: [value, { value }] };
        const { data, error } = await client.rpc('local_stack_probe_echo' as never, { value, doc } as never);
        expect(error).toBeNull();
        const echo = data as unknown as Echo;
        expect(echo).toMatchObject({ value, doc, role: 'authenticated', sub: userId });
        // The whole transaction was one query, the values in it as literals.
        expect(echo.query).toMatch(/^begin; .*; commit$/s);
        expect(echo.query).not.toContain('$1)');
      }
      expect((await stack.db.query<{ n: number }>('select count(*)::int as n from public.contacts')).rows[0]?.n).toBeGreaterThan(0);
    });

    it('sends a large value, or one a literal cannot hold (NUL), as a parameter: PostgreSQL’s own answer, and the stack keeps serving', async () => {
      const { client } = await signedInClient(stack, 'large');
      const value = 'x'.repeat(100_000);
      const large = await client.rpc('local_stack_probe_echo' as never, { value, doc: { value } } as never);
      expect(large.error).toBeNull();
      expect((large.data as unknown as Echo).value).toBe(value);
      expect((large.data as unknown as Echo).query).toContain('$1');
      const nul = await client.rpc('local_stack_probe_echo' as never, { value: 'a\u0000b', doc: {} } as never);
      expect(nul.error?.code).toBe('22021'); // invalid byte sequence, as with any parameter
      const after = await client.rpc('local_stack_probe_echo' as never, { value: 'after', doc: {} } as never);
      expect((after.data as unknown as Echo).value).toBe('after');
    });

    it('a statement that fails leaves no transaction open on any pooled connection', async () => {
      const { client } = await signedInClient(stack, 'failing');
      // More failures than the pool has connections: every connection must come back clean.
      const failures = await Promise.all(Array.from({ length: 15 }, () => client.rpc('local_stack_probe_fail' as never)));
      expect(failures.every((failure) => failure.error?.code === 'P0001')).toBe(true);
      const stuck = await stack.db.query(`select pid from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`);
      expect(stuck.rows).toEqual([]);
      const echoes = await Promise.all(Array.from({ length: 15 }, (_, i) => client.rpc('local_stack_probe_echo' as never, { value: `ok ${i}`, doc: {} } as never)));
      expect(echoes.map((echo) => (echo.data as unknown as Echo | null)?.value)).toEqual(Array.from({ length: 15 }, (_, i) => `ok ${i}`));
    });

    it('answers only once the transaction has committed: a write refused at commit is an error, never a success', async () => {
      const { client } = await signedInClient(stack, 'commit');
      const refusedRpc = await client.rpc('local_stack_probe_insert' as never, { id: -1 } as never);
      expect(refusedRpc.error?.code).toBe('23514');
      const refusedInsert = await client.from('local_stack_probe_commit' as 'contacts').insert({ id: -2 } as never);
      expect(refusedInsert.error?.code).toBe('23514');
      expect((await stack.db.query('select id from public.local_stack_probe_commit where id < 0')).rows).toEqual([]);
      const accepted = await client.rpc('local_stack_probe_insert' as never, { id: 1 } as never);
      expect(accepted.data).toEqual({ id: 1 });
      expect((await stack.db.query('select id from public.local_stack_probe_commit')).rows).toEqual([{ id: 1 }]);
    });
  });
});

