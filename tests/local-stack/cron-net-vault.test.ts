import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Tx } from '../../supabase/local/database';
import { writeStackSecrets } from '../../supabase/local/scheduler';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { clientFor, signedInClient } from '../support/local-stack';
import { postgresAvailability, startPostgres } from '../support/postgres-server';

/*
 * Supabase Cron, pg_net and Vault as the local stack emulates them (bootstrap.sql + scheduler.ts), on
 * PGlite and on PostgreSQL 15 (neither has the extensions, so a migration's `create extension` guard
 * skips them and its calls land on the emulation). Timers are off: the tests run cron with
 * stack.cron.runDue(at) and perform queued requests with stack.net.drain().
 */

/** What migration 20261129001100_notifications.sql does, verbatim: it must apply unchanged here and on hosted. */
const MIGRATION_SQL = `
do $$ begin
  if exists (select 1 from pg_available_extensions where name = 'pg_cron') then create extension if not exists pg_cron; end if;
  if exists (select 1 from pg_available_extensions where name = 'pg_net') then create extension if not exists pg_net with schema extensions; end if;
end $$;
select cron.schedule('fieldbook-notify', '* * * * *', $job$
  select net.http_post(
    url := (select decrypted_secret from vault.decrypted_secrets where name = 'fieldbook_functions_url') || '/notify',
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'fieldbook_cron_key')),
    body := jsonb_build_object('job', 'notify'),
    timeout_milliseconds := 10000)
$job$);
`;

/** A stand-in for the notify function: it accepts only the service-role key, as the real one will. */
const NOTIFY_FUNCTION = `
Deno.serve(async (req: Request) => {
  const ok = req.headers.get('Authorization') === 'Bearer ' + Deno.env.get('SUPABASE_SERVICE_ROLE_KEY');
  const body = await req.text();
  return Response.json({ ok, method: req.method, path: new URL(req.url).pathname, contentType: req.headers.get('content-type'), body }, { status: ok ? 200 : 401 });
});
`;

type Received = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

/** An HTTP server the requests go to: records them; /slow never answers; /status/<n> answers n. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url?.startsWith('/slow')) return; // never answers
      const status = Number(/^\/status\/(\d+)/.exec(req.url ?? '')?.[1] ?? 201);
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Receiver': 'yes' });
      res.end(JSON.stringify({ received: true, n: received.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

type Opened = { stack: LocalStack; close: () => Promise<void> };
const backends: { name: string; open: (functionsDir: string) => Promise<Opened> }[] = [
  {
    name: 'PGlite',
    open: async (dir) => {
      const stack = await startLocalStack({ port: 0, seed: false, scheduler: { timers: false }, functions: { dir, configToml: join(dir, 'config.toml') } });
      return { stack, close: () => stack.close() };
    },
  },
];
if (postgresAvailability())
  backends.push({
    name: 'PostgreSQL 15',
    open: async (dir) => {
      const server = await startPostgres({ schema: false });
      const stack = await startLocalStack({ port: 0, seed: false, databaseUrl: server.url, scheduler: { timers: false }, functions: { dir, configToml: join(dir, 'config.toml') } });
      return {
        stack,
        close: async () => {
          await stack.close();
          await server.stop();
        },
      };
    },
  });

const functionsDir = mkdtempSync(join(tmpdir(), 'fieldbook-cron-functions-'));
mkdirSync(join(functionsDir, 'notify'));
writeFileSync(join(functionsDir, 'notify', 'index.ts'), NOTIFY_FUNCTION);
writeFileSync(join(functionsDir, 'config.toml'), '# notify keeps verify_jwt = true (the default)\n');
afterAll(() => rmSync(functionsDir, { recursive: true, force: true }));

describe.each(backends)('cron, net and vault on $name', ({ open }) => {
  let opened: Opened;
  let stack: LocalStack;
  let migrator: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    opened = await open(functionsDir);
    stack = opened.stack;
    migrator = (await stack.db.query<{ role: string }>('select supabase_local.migration_role() as role')).rows[0]!.role;
    receiver = await startReceiver();
  }, 120_000);

  afterAll(async () => {
    await receiver?.close();
    await opened?.close();
  });

  // Each test starts with no jobs (the repository's migrations schedule some) and an empty queue.
  beforeEach(async () => {
    await stack.db.exec('delete from cron.job; delete from cron.job_run_details; delete from net.http_request_queue; delete from net._http_response');
    receiver.received.length = 0;
  });

  /** One transaction as `role` (a migration's role, or an API role with its claims), as the stack runs them. */
  const as = <T,>(role: string, run: (tx: Tx) => Promise<T>, claims: Record<string, unknown> = { role }) =>
    stack.db.transaction(async (tx) => {
      await tx.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [role, JSON.stringify(claims)]);
      return run(tx);
    });
  const asMigrator = (sql: string) => as(migrator, (tx) => tx.exec(sql));
  const schedule = (name: string, cron: string, command: string) =>
    as(migrator, async (tx) => (await tx.query<{ id: string }>('select cron.schedule($1, $2, $3)::text as id', [name, cron, command])).rows[0]!.id);
  const response = async (id: number | string) =>
    (await stack.db.query<{ status_code: number | null; content_type: string | null; headers: Record<string, string> | null; content: string | null; timed_out: boolean | null; error_msg: string | null }>(
      'select status_code, content_type, headers, content, timed_out, error_msg from net._http_response where id = $1',
      [id],
    )).rows[0];
  const post = (sql: string) => as(migrator, async (tx) => (await tx.query<{ id: string }>(`select ${sql}::text as id`)).rows[0]!.id);

  it('writes the vault secrets the jobs read: its own /functions/v1 and its service-role key', async () => {
    const secrets = await as(migrator, async (tx) => (await tx.query<{ name: string; decrypted_secret: string }>(`select name, decrypted_secret from vault.decrypted_secrets where name like 'fieldbook_%' order by name`)).rows);
    expect(secrets).toEqual([
      { name: 'fieldbook_cron_key', decrypted_secret: stack.serviceRoleKey },
      { name: 'fieldbook_functions_url', decrypted_secret: `${stack.url}/functions/v1` },
    ]);
  });

  it('runs the migration’s own job, unchanged: as the migration role, it calls the notify function with the cron key', async () => {
    await asMigrator(MIGRATION_SQL);
    const job = (await stack.db.query<{ jobname: string; username: string; schedule: string }>(`select jobname, username, schedule from cron.job`)).rows;
    expect(job).toEqual([{ jobname: 'fieldbook-notify', username: migrator, schedule: '* * * * *' }]);
    // Applying it again (a re-run, or a later migration changing it) replaces the job: pg_cron upserts by name.
    await asMigrator(MIGRATION_SQL);
    expect((await stack.db.query(`select 1 from cron.job`)).rows).toHaveLength(1);

    const runs = await stack.cron.runDue(new Date('2026-11-30T07:13:00Z'));
    expect(runs).toEqual([{ jobid: expect.any(Number) as unknown, jobname: 'fieldbook-notify', status: 'succeeded', returnMessage: '1 row' }]);
    const details = (await stack.db.query<{ status: string; username: string; end_time: Date | null }>(`select status, username, end_time from cron.job_run_details`)).rows;
    expect(details).toEqual([{ status: 'succeeded', username: migrator, end_time: expect.any(Date) as unknown }]);

    const stored = (await stack.db.query<{ status_code: number; content: string }>(`select status_code, content from net._http_response`)).rows;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.status_code).toBe(200);
    expect(JSON.parse(stored[0]!.content)).toEqual({ ok: true, method: 'POST', path: '/notify', contentType: 'application/json', body: '{"job": "notify"}' });
    expect((await stack.db.query(`select 1 from net.http_request_queue`)).rows).toHaveLength(0);
  }, 60_000);

  it('runs a job only at the minutes its schedule matches (UTC, as pg_cron)', async () => {
    const jobs: Record<string, string> = {
      every5: '*/5 * * * *',
      stepped: '1-10/3 * * * *',
      list: '15,45 * * * *',
      sunday0: '0 9 * * 0',
      sunday7: '0 9 * * 7',
      sundayName: '0 9 * * sun',
      domOrDow: '0 9 1 * mon', // both restricted: either day matches (Vixie cron)
      daily: '@daily',
    };
    for (const [name, cron] of Object.entries(jobs)) await schedule(name, cron, `select '${name}'`);
    let ranCount = 0;
    const ran = async (iso: string) => {
      const runs = await stack.cron.runDue(new Date(iso));
      ranCount += runs.length;
      return runs.map((run) => run.jobname).sort();
    };
    expect(await ran('2026-11-30T12:05:00Z')).toEqual(['every5']);
    expect(await ran('2026-11-30T12:05:42Z')).toEqual(['every5']); // any second of the minute
    expect(await ran('2026-11-30T12:08:00Z')).toEqual([]);
    expect(await ran('2026-11-30T12:01:00Z')).toEqual(['stepped']);
    expect(await ran('2026-11-30T12:04:00Z')).toEqual(['stepped']);
    expect(await ran('2026-11-30T12:07:00Z')).toEqual(['stepped']);
    expect(await ran('2026-11-30T12:10:00Z')).toEqual(['every5', 'stepped']);
    expect(await ran('2026-11-30T12:13:00Z')).toEqual([]);
    expect(await ran('2026-11-30T12:15:00Z')).toEqual(['every5', 'list']);
    expect(await ran('2026-11-30T12:30:00Z')).toEqual(['every5']);
    // 2026-11-29 is a Sunday: 0, 7 and sun all name it.
    expect(await ran('2026-11-29T09:00:00Z')).toEqual(['every5', 'sunday0', 'sunday7', 'sundayName']);
    expect(await ran('2026-11-29T09:00:00+01:00')).toEqual(['every5']); // 08:00 UTC
    expect(await ran('2026-11-28T09:00:00Z')).toEqual(['every5']); // a Saturday
    // Monday 30 November (day of week) and Tuesday 1 December (day of month).
    expect(await ran('2026-11-30T09:00:00Z')).toEqual(['domOrDow', 'every5']);
    expect(await ran('2026-12-01T09:00:00Z')).toEqual(['domOrDow', 'every5']);
    expect(await ran('2026-12-02T09:00:00Z')).toEqual(['every5']);
    expect(await ran('2026-12-01T00:00:00Z')).toEqual(['daily', 'every5']);
    const details = (await stack.db.query<{ n: number }>(`select count(*)::int as n from cron.job_run_details where status = 'succeeded'`)).rows[0]!.n;
    expect(details).toBe(ranCount);
  });

  it('refuses an invalid schedule with pg_cron’s error, saying what is wrong', async () => {
    const refused: [string, RegExp][] = [
      ['* * * *', /5 fields.*has 4/],
      ['60 * * * *', /minute field has "60", outside 0 to 59/],
      ['* 24 * * *', /hour field has "24"/],
      ['* * 0 * *', /day-of-month field has "0"/],
      ['* * * 13 *', /month field has "13"/],
      ['* * * * 8', /day-of-week field has "8"/],
      ['5/10 * * * *', /a step needs a range/],
      ['*/0 * * * *', /step must be 1 or more/],
      ['10-5 * * * *', /runs backwards/],
      ['1,,2 * * * *', /minute field/],
      ['x * * * *', /"x" is not a number/],
      ['0 seconds', /1 to 59 seconds/],
      ['@reboot', /not supported by the local stack/],
    ];
    for (const [cron, detail] of refused) {
      const error = await schedule('bad', cron, 'select 1').then(
        () => null,
        (caught: unknown) => caught as { message: string; detail?: string; code?: string },
      );
      expect(error, cron).not.toBeNull();
      expect(error!.message).toBe(`invalid schedule: ${cron}`);
      expect(error!.detail, cron).toMatch(detail);
      expect(error!.code).toBe('22023');
    }
    expect((await stack.db.query(`select 1 from cron.job`)).rows).toHaveLength(0);
  });

  it('unschedules by name and by id; an unknown job is an error', async () => {
    const byName = await schedule('by-name', '* * * * *', 'select 1');
    const byId = await schedule('by-id', '* * * * *', 'select 2');
    expect(byName).not.toBe(byId);
    expect((await stack.cron.runDue(new Date('2026-11-30T10:00:00Z'))).map((run) => run.jobname).sort()).toEqual(['by-id', 'by-name']);
    await asMigrator(`select cron.unschedule('by-name')`);
    await asMigrator(`select cron.unschedule(${byId})`);
    expect(await stack.cron.runDue(new Date('2026-11-30T10:01:00Z'))).toEqual([]);
    await expect(asMigrator(`select cron.unschedule('by-name')`)).rejects.toThrow(/could not find valid entry for job 'by-name'/);
    await expect(asMigrator(`select cron.unschedule(${byId})`)).rejects.toThrow(/could not find valid entry for job/);
  });

  it('records a failing job as failed, rolls it back, and still runs the next job; the stack keeps serving', async () => {
    await asMigrator(`create table if not exists public.cron_test_log (tag text, who text default current_user)`);
    await schedule('a-fails', '* * * * *', `insert into public.cron_test_log (tag) values ('before the error'); select 1 / 0`);
    await schedule('b-works', '* * * * *', `insert into public.cron_test_log (tag) values ('b')`);
    await schedule('c-not-allowed', '* * * * *', `select pg_read_file('PG_VERSION')`);
    const runs = await stack.cron.runDue(new Date('2026-11-30T10:00:00Z'));
    expect(runs.map((run) => [run.jobname, run.status])).toEqual([
      ['a-fails', 'failed'],
      ['b-works', 'succeeded'],
      ['c-not-allowed', 'failed'],
    ]);
    const details = (await stack.db.query<{ status: string; return_message: string }>(`select status, return_message from cron.job_run_details order by runid`)).rows;
    expect(details[0]).toEqual({ status: 'failed', return_message: 'division by zero' });
    expect(details[1]!.status).toBe('succeeded');
    // Run as its owner (the migration role), not as the stack's superuser.
    expect(details[2]!.return_message).toBe('permission denied for function pg_read_file');
    expect((await stack.db.query(`select tag, who from public.cron_test_log`)).rows).toEqual([{ tag: 'b', who: migrator }]);
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);
    expect((await stack.cron.runDue(new Date('2026-11-30T10:01:00Z'))).map((run) => run.status)).toEqual(['failed', 'succeeded', 'failed']);
    await asMigrator(`drop table public.cron_test_log`);
  });

  it('keeps a job’s session settings to the job (the stack’s session is shared)', async () => {
    await schedule('sets', '* * * * *', `set search_path = nowhere; set statement_timeout = '1ms'; set role anon`);
    expect((await stack.cron.runDue(new Date('2026-11-30T10:00:00Z')))[0]!.status).toBe('succeeded');
    const session = (await stack.db.query<{ search_path: string; timeout: string; role: string }>(`select current_setting('search_path') as search_path, current_setting('statement_timeout') as timeout, current_user::text as role`)).rows[0]!;
    expect(session.search_path).not.toBe('nowhere');
    expect(session.timeout).toBe('0');
    expect(session.role).not.toBe('anon');
  });

  it('net.http_post sends method, headers, query and JSON body, and stores the answer', async () => {
    const id = await post(
      `net.http_post(url := '${receiver.url}/hook', body := '{"a": [1, "é"]}'::jsonb, params := '{"q": "a b&c"}'::jsonb, headers := '{"X-Trace": "t-1"}'::jsonb)`,
    );
    // Nothing is sent before the transaction that queued it commits, and nothing before the worker runs.
    expect(receiver.received).toHaveLength(0);
    expect(await stack.net.drain()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/hook?q=a%20b%26c');
    expect(got.headers['content-type']).toBe('application/json'); // added when the headers leave it out
    expect(got.headers['x-trace']).toBe('t-1');
    expect(JSON.parse(got.body)).toEqual({ a: [1, 'é'] });
    const stored = await response(id);
    expect(stored).toMatchObject({ status_code: 201, content_type: 'application/json', timed_out: false, error_msg: null });
    expect(JSON.parse(stored!.content!)).toEqual({ received: true, n: 1 });
    expect(stored!.headers!['x-receiver']).toBe('yes');
    expect((await stack.db.query(`select 1 from net.http_request_queue`)).rows).toHaveLength(0);

    const getId = await post(`net.http_get('${receiver.url}/status/404', params := '{"x": "1"}'::jsonb)`);
    await stack.net.drain();
    expect(receiver.received[1]).toMatchObject({ method: 'GET', url: '/status/404?x=1', body: '' });
    expect(await response(getId)).toMatchObject({ status_code: 404 });

    await expect(post(`net.http_post('${receiver.url}/x', headers := '{"Content-Type": "text/plain"}'::jsonb)`)).rejects.toThrow(/Content-Type header must be "application\/json"/);
    // A rolled-back transaction's request is never sent.
    await expect(
      as(migrator, async (tx) => {
        await tx.query(`select net.http_post('${receiver.url}/rolled-back')`);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await stack.net.drain()).toBe(0);
    expect(receiver.received.map((request) => request.url)).not.toContain('/rolled-back');
  });

  it('records a request that outlives its timeout as timed out, and one that cannot connect as an error', async () => {
    const slow = await post(`net.http_post('${receiver.url}/slow', timeout_milliseconds := 300)`);
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const refused = await post(`net.http_get('http://127.0.0.1:${closedPort}/')`);
    const started = Date.now();
    expect(await stack.net.drain()).toBe(2);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await response(slow)).toMatchObject({ status_code: null, timed_out: true, error_msg: 'Timeout of 300 ms reached' });
    expect(await response(refused)).toMatchObject({ status_code: null, timed_out: false, error_msg: expect.stringMatching(/connect/i) as unknown });
  });

  it('keeps cron, net’s tables and vault from anon and authenticated, in SQL and through REST', async () => {
    const user = await signedInClient(stack, 'cron');
    const denied: [string, RegExp][] = [
      ['select * from vault.decrypted_secrets', /permission denied for schema vault/],
      ['select * from vault.secrets', /permission denied for schema vault/],
      [`select vault.create_secret('x', 'mine')`, /permission denied for schema vault/],
      ['select * from cron.job', /permission denied for schema cron/],
      ['select * from cron.job_run_details', /permission denied for schema cron/],
      [`select cron.schedule('evil', '* * * * *', 'select 1')`, /permission denied for schema cron/],
      [`select cron.unschedule('fieldbook-notify')`, /permission denied for schema cron/],
      ['select * from net.http_request_queue', /permission denied for table http_request_queue/],
      ['select * from net._http_response', /permission denied for table _http_response/],
      [`select supabase_local.cron_parse('* * * * *')`, /permission denied for schema supabase_local/],
    ];
    for (const [role, claims] of [
      ['anon', { role: 'anon' }],
      ['authenticated', { role: 'authenticated', sub: user.userId }],
    ] as const) {
      for (const [sql, error] of denied) await expect(as(role, (tx) => tx.query(sql), claims), `${role}: ${sql}`).rejects.toThrow(error);
    }
    // As on hosted (grant_pg_net_access), the API roles may call net's functions, never read what they queued or got.
    expect(await as('authenticated', async (tx) => (await tx.query<{ id: string }>(`select net.http_get('${receiver.url}/api-role')::text as id`)).rows[0]!.id, { role: 'authenticated', sub: user.userId })).toMatch(/^\d+$/);

    // REST serves the public schema only: vault, cron and net are out of reach with any API key.
    for (const client of [clientFor(stack), user.client]) {
      for (const [schema, table] of [
        ['vault', 'decrypted_secrets'],
        ['vault', 'secrets'],
        ['cron', 'job'],
        ['net', '_http_response'],
      ] as const) {
        const { data, error } = await client.schema(schema as 'public').from(table as 'contacts').select('*');
        expect(data, `${schema}.${table}`).toBeNull();
        expect(error, `${schema}.${table}`).not.toBeNull();
      }
      // An untyped call: create_secret is not (and must not be) in the generated public schema.
      const rpc = client.rpc.bind(client) as unknown as (fn: string, args: Record<string, unknown>) => Promise<{ data: unknown; error: unknown }>;
      const { data, error } = await rpc('create_secret', { new_secret: 'x' });
      expect(data).toBeNull();
      expect(error).not.toBeNull();
    }
    await user.client.auth.signOut();
  });

  it('lets the migration role and service_role use cron and vault, and the stack’s secrets follow the stack', async () => {
    for (const role of [migrator, 'service_role']) {
      const id = await as(role, async (tx) => (await tx.query<{ id: string }>(`select vault.create_secret('s-${role}', 'test_${role}', 'by a test')::text as id`)).rows[0]!.id);
      await as(role, (tx) => tx.query(`select vault.update_secret($1::uuid, new_secret := 'changed')`, [id]));
      const read = await as(role, async (tx) => (await tx.query<{ decrypted_secret: string }>(`select decrypted_secret from vault.decrypted_secrets where id = $1`, [id])).rows);
      expect(read).toEqual([{ decrypted_secret: 'changed' }]);
      await as(role, (tx) => tx.query(`select cron.schedule('by-${role}', '0 0 * * *', 'select 1')`));
      await as(role, (tx) => tx.query(`delete from vault.secrets where id = $1`, [id]));
    }
    // The stack rewrites the secrets it wrote (a new port, a new JWT secret), never one set by hand.
    await as(migrator, (tx) => tx.query(`select vault.update_secret(id, new_secret := 'set by hand', new_description := 'mine') from vault.secrets where name = 'fieldbook_cron_key'`));
    await writeStackSecrets(stack.db, { fieldbook_functions_url: 'http://127.0.0.1:1/functions/v1', fieldbook_cron_key: 'another key', fieldbook_new: 'new' });
    const secrets = (await stack.db.query<{ name: string; decrypted_secret: string }>(`select name, decrypted_secret from vault.decrypted_secrets where name like 'fieldbook_%' order by name`)).rows;
    expect(secrets).toEqual([
      { name: 'fieldbook_cron_key', decrypted_secret: 'set by hand' },
      { name: 'fieldbook_functions_url', decrypted_secret: 'http://127.0.0.1:1/functions/v1' },
      { name: 'fieldbook_new', decrypted_secret: 'new' },
    ]);
    await stack.db.exec(`delete from vault.secrets where name in ('fieldbook_cron_key', 'fieldbook_new')`);
    await writeStackSecrets(stack.db, { fieldbook_functions_url: `${stack.url}/functions/v1`, fieldbook_cron_key: stack.serviceRoleKey });
  });
});

describe('the timers (npm run dev)', () => {
  it('run interval jobs and send their requests without being asked', async () => {
    const receiver = await startReceiver();
    const stack = await startLocalStack({ port: 0, seed: false, scheduler: { timers: true } });
    try {
      await stack.db.exec(`select cron.schedule('tick', '1 seconds', $$select net.http_post('${receiver.url}/tick')$$)`);
      await expect.poll(() => receiver.received.length, { timeout: 5000, interval: 100 }).toBeGreaterThanOrEqual(2);
      const runs = (await stack.db.query<{ status: string }>(`select status from cron.job_run_details`)).rows;
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    } finally {
      await stack.close();
      await receiver.close();
    }
  }, 30_000);
});
