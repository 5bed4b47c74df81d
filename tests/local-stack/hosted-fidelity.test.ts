import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { postgresAvailability, startPostgres, type PostgresServer } from '../support/postgres-server';
import type { SupabaseClient } from '@supabase/supabase-js';
import { clientFor, signedInClient, type Client } from '../support/local-stack';

/*
 * The local stack must treat the migrations as hosted Supabase does, or a schema that works here fails
 * on `supabase db push`. On hosted Supabase the migrations run as role `postgres`, which is not a
 * superuser; the superuser is `supabase_admin`. On PostgreSQL 15 the tests reproduce exactly that. On
 * PGlite the bootstrap superuser is called `postgres` and cannot lose SUPERUSER, so a dedicated role,
 * `supabase_migrator`, with the same attributes, applies the migrations instead.
 */

/** Functions anon may execute in schemas public and sync. Empty: anon has no business with the sync RPCs. */
const ANON_EXECUTE_ALLOWLIST: readonly string[] = [];

/** RPC to a function the generated types do not know (one the test creates). */
const rpc = (client: Client, fn: string, args?: Record<string, unknown>) => (client as unknown as SupabaseClient).rpc(fn, args);

const postgresInstalled = postgresAvailability();

type Backend = { name: string; migrationRole: string; start: () => Promise<{ stack: LocalStack; server: PostgresServer | null }> };

const backends: Backend[] = [
  { name: 'PGlite', migrationRole: 'supabase_migrator', start: async () => ({ stack: await startLocalStack({ port: 0, seed: false }), server: null }) },
];
if (postgresInstalled)
  backends.push({
    name: 'PostgreSQL 15',
    migrationRole: 'postgres',
    start: async () => {
      const server = await startPostgres({ schema: false });
      return { stack: await startLocalStack({ port: 0, seed: false, databaseUrl: server.url }), server };
    },
  });

describe.each(backends)('hosted Supabase fidelity on $name', ({ name, migrationRole, start }) => {
  let stack: LocalStack;
  let server: PostgresServer | null;

  beforeAll(async () => {
    ({ stack, server } = await start());
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await server?.stop();
  });

  const query = async <T,>(sql: string, params?: unknown[]) => (await stack.db.query<T>(sql, params)).rows;

  it(`applies the migrations as ${migrationRole}, which is not a superuser, with hosted postgres's attributes`, async () => {
    const [role] = await query<{ rolsuper: boolean; rolcanlogin: boolean; rolcreaterole: boolean; rolbypassrls: boolean }>(
      'select rolsuper, rolcanlogin, rolcreaterole, rolbypassrls from pg_roles where rolname = $1',
      [migrationRole],
    );
    expect(role).toEqual({ rolsuper: false, rolcanlogin: true, rolcreaterole: true, rolbypassrls: true });
    if (name === 'PostgreSQL 15') {
      // The throwaway cluster's superuser is supabase_admin, as on hosted Supabase.
      expect(await query(`select rolname from pg_roles where rolsuper order by rolname`)).toEqual([{ rolname: 'supabase_admin' }]);
    }
    const [owners] = await query<{ database: string; publication: string }>(
      `select pg_get_userbyid(d.datdba) as database, (select pg_get_userbyid(pubowner) from pg_publication where pubname = 'supabase_realtime') as publication
       from pg_database d where d.datname = current_database()`,
    );
    expect(owners).toEqual({ database: migrationRole, publication: migrationRole });
  });

  it(`${migrationRole} owns every table, sequence, view and function the migrations created in public and sync`, async () => {
    const objects = await query<{ kind: string; name: string; owner: string }>(
      `select 'relation' as kind, c.oid::regclass::text as name, pg_get_userbyid(c.relowner) as owner
         from pg_class c where c.relnamespace in ('public'::regnamespace, to_regnamespace('sync')) and c.relkind in ('r', 'p', 'v', 'm', 'S')
       union all
       select 'function', p.oid::regprocedure::text, pg_get_userbyid(p.proowner)
         from pg_proc p where p.pronamespace in ('public'::regnamespace, to_regnamespace('sync'))
           and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
       union all
       select 'schema', n.nspname, pg_get_userbyid(n.nspowner) from pg_namespace n where n.nspname = 'sync'`,
    );
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.filter((object) => object.owner !== migrationRole)).toEqual([]);
  });

  it(`grants anon, authenticated and service_role everything on new objects ${migrationRole} creates in public (hosted's default privileges)`, async () => {
    const rollback = new Error('roll the probe back');
    const probe = stack.db.transaction(async (tx) => {
      await tx.exec(`set local role ${migrationRole}`);
      await tx.exec(`create table public.default_privileges_probe (id int primary key); create function public.default_privileges_probe_fn() returns int language sql as 'select 1'; create sequence public.default_privileges_probe_seq`);
      const [privileges] = (
        await tx.query<Record<string, boolean>>(
          `select bool_and(has_table_privilege(r, 'public.default_privileges_probe', 'select, insert, update, delete')) as tables,
                  bool_and(has_function_privilege(r, 'public.default_privileges_probe_fn()', 'execute')) as functions,
                  bool_and(has_sequence_privilege(r, 'public.default_privileges_probe_seq', 'usage, select, update')) as sequences
           from unnest(array['anon', 'authenticated', 'service_role']) r`,
        )
      ).rows;
      expect(privileges).toEqual({ tables: true, functions: true, sequences: true });
      throw rollback; // leave nothing behind
    });
    await expect(probe).rejects.toBe(rollback);
    expect(await query(`select to_regclass('public.default_privileges_probe') as t`)).toEqual([{ t: null }]);
  });

  it('sets the request roles’ statement timeouts as hosted does (anon 3s, authenticated 8s)', async () => {
    const settings = await query<{ role: string; setting: string }>(
      `select r.rolname as role, s.setting from pg_db_role_setting d join pg_roles r on r.oid = d.setrole, unnest(d.setconfig) s(setting)
       where d.setdatabase = 0 and r.rolname in ('anon', 'authenticated') and s.setting like 'statement_timeout=%' order by r.rolname`,
    );
    expect(settings).toEqual([
      { role: 'anon', setting: 'statement_timeout=3s' },
      { role: 'authenticated', setting: 'statement_timeout=8s' },
    ]);
  });

  it('REST and RPC requests run under the role’s statement_timeout, as PostgREST applies role settings', async () => {
    await stack.db.exec(`create function public.local_stack_probe_timeout() returns text language sql stable as $$ select current_setting('statement_timeout') $$;
                         grant execute on function public.local_stack_probe_timeout() to anon, authenticated`);
    try {
      const anon = await rpc(clientFor(stack), 'local_stack_probe_timeout');
      expect(anon.data).toBe('3s');
      const member = await signedInClient(stack, 'timeout');
      const authenticated = await rpc(member.client, 'local_stack_probe_timeout');
      expect(authenticated.data).toBe('8s');
    } finally {
      await stack.db.exec('drop function public.local_stack_probe_timeout()');
    }
  });

  it('an insert without return=representation needs only an INSERT policy, as PostgREST sends no RETURNING', async () => {
    await stack.db.exec(`create table public.local_stack_probe_leads (id uuid primary key default gen_random_uuid(), email text not null);
                         alter table public.local_stack_probe_leads enable row level security;
                         grant insert, select on public.local_stack_probe_leads to anon;
                         create policy leads_insert on public.local_stack_probe_leads for insert to anon with check (true)`);
    try {
      const anon = clientFor(stack) as unknown as SupabaseClient;
      // supabase-js asks for return=minimal unless .select() follows.
      expect((await anon.from('local_stack_probe_leads').insert({ email: 'lead@example.com' })).error).toBeNull();
      // Reading the row back needs a SELECT policy, which this table has not: PostgreSQL refuses the RETURNING.
      const { error } = await anon.from('local_stack_probe_leads').insert({ email: 'peek@example.com' }).select();
      expect(error?.code).toBe('42501');
      expect(await query(`select email from public.local_stack_probe_leads`)).toEqual([{ email: 'lead@example.com' }]);
    } finally {
      await stack.db.exec('drop table public.local_stack_probe_leads');
    }
  });

  // These two guard the migrations: hosted's default privileges grant the API roles ALL on whatever
  // the migration role creates in public, so each migration must revoke what they should not hold.
  it('anon can execute no function in public or sync outside an explicit allowlist', async () => {
    const executable = await query<{ fn: string }>(
      `select p.oid::regprocedure::text as fn from pg_proc p
       where p.pronamespace in ('public'::regnamespace, to_regnamespace('sync')) and has_function_privilege('anon', p.oid, 'execute') order by 1`,
    );
    expect(executable.map((row) => row.fn).filter((fn) => !ANON_EXECUTE_ALLOWLIST.includes(fn))).toEqual([]);
  });

  it('anon and authenticated hold no TRUNCATE, TRIGGER or REFERENCES on any public table', async () => {
    const held = await query<{ grantee: string; relation: string; privilege: string }>(
      `select r as grantee, c.oid::regclass::text as relation, p as privilege
       from pg_class c, unnest(array['anon', 'authenticated']) r, unnest(array['TRUNCATE', 'TRIGGER', 'REFERENCES']) p
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and has_table_privilege(r, c.oid, p)
       order by 1, 2, 3`,
    );
    expect(held).toEqual([]);
  });
});

describe.skipIf(!postgresInstalled)('statement_timeout on PostgreSQL 15', () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await startPostgres({ schema: false });
  }, 120_000);
  afterAll(async () => server?.stop());

  it('cancels a request that runs longer than its role’s timeout with a PostgREST-shaped 57014, and keeps serving', async () => {
    const first = await startLocalStack({ port: 0, seed: false, databaseUrl: server.url });
    // A per-database role setting takes precedence over the role-wide 8s bootstrap sets, as in PostgreSQL.
    await first.db.exec(`alter role authenticated in database postgres set statement_timeout = '1s';
                         create function public.local_stack_probe_sleep(seconds float8) returns int language sql volatile as $$ select 1 from pg_sleep(seconds) $$;
                         grant execute on function public.local_stack_probe_sleep(float8) to authenticated`);
    await first.close();
    const stack = await startLocalStack({ port: 0, seed: false, databaseUrl: server.url });
    try {
      const member = await signedInClient(stack, 'sleepy');
      const started = Date.now();
      const slow = await rpc(member.client, 'local_stack_probe_sleep', { seconds: 5 });
      expect(Date.now() - started).toBeLessThan(4000);
      expect(slow.error).toMatchObject({ code: '57014', message: expect.stringMatching(/statement timeout/) as unknown });
      expect(slow.error).toHaveProperty('details');
      expect(slow.error).toHaveProperty('hint');
      expect(slow.status).toBe(500);
      const quick = await rpc(member.client, 'local_stack_probe_sleep', { seconds: 0.01 });
      expect(quick.error).toBeNull();
      expect(quick.data).toBe(1);
    } finally {
      await stack.close();
    }
  }, 60_000);
});
