// Supabase Cron (pg_cron) and pg_net for the local stack. Neither extension exists on PGlite or on the
// plain PostgreSQL 15 of the tests, so bootstrap.sql gives the database their schemas, tables and
// functions (cron.schedule, net.http_post, vault.decrypted_secrets…) and this file does what their
// background workers do on hosted Supabase:
// - cron: at the start of every minute (UTC, pg_cron's default cron.timezone), each active job of this
//   database whose schedule matches runs as its owner (`set role`), in its own transaction, recorded in
//   cron.job_run_details (succeeded with "n rows", or failed with the error). Interval jobs
//   ('[1-59] seconds') run when the epoch second is a multiple of their interval. A failing job never
//   stops the others, the scheduler or the server. Jobs run one after another.
// - net: the requests queued by net.http_get/http_post/http_delete (committed ones only) are taken off
//   net.http_request_queue and performed with fetch (redirects not followed, the request's
//   timeout_milliseconds honoured), after each cron run and every second; each answer (or timeout, or
//   error) goes to net._http_response under the request's id, kept 6 hours (pg_net's default ttl).
//   A request to the stack's own /functions/v1 reaches the Edge Functions like any other client's.
// - vault: at start, the secrets the migrations' jobs read, fieldbook_functions_url (the stack's
//   /functions/v1) and fieldbook_cron_key (its service-role key), are written when absent (and kept
//   up to date when the stack wrote them, so a new port or JWT secret follows; one you set is left).
// Tests turn the timers off and call runDue(at) and drain() themselves.
import type { Database } from './database';

/** One job run by runDue: what cron.job_run_details recorded. */
export type CronRun = { readonly jobid: number; readonly jobname: string | null; readonly status: 'succeeded' | 'failed'; readonly returnMessage: string };

export type Cron = {
  /** Runs every active job due at `at` (its minute for cron expressions, its second for intervals), then drains net. */
  readonly runDue: (at?: Date) => Promise<CronRun[]>;
};

export type Net = {
  /** Performs queued requests until the queue is empty (waiting for a drain already under way); how many it performed. */
  readonly drain: () => Promise<number>;
};

export type Scheduler = {
  readonly cron: Cron;
  readonly net: Net;
  /** Starts the timers: a tick every second (interval jobs, net), cron jobs at each new minute. */
  readonly start: () => void;
  /** Stops the timers and waits for the run or drain under way. */
  readonly close: () => Promise<void>;
};

/** The description of the vault secrets the stack writes itself (so it may update them, and only them). */
export const STACK_SECRET_DESCRIPTION = 'Written by the local stack (supabase/local/scheduler.ts)';
const RESPONSE_TTL = '6 hours';
const BATCH = 50;

type QueuedRequest = { id: string | number; method: string; url: string; headers: Record<string, unknown> | null; body: Uint8Array | null; timeout_milliseconds: number };

/** The text pg_cron stores for a job that succeeded: "n rows" for the last statement returning rows. */
function returnMessage(result: unknown): string {
  const last: unknown = Array.isArray(result) ? result.at(-1) : result;
  if (!last || typeof last !== 'object') return 'OK';
  const { rows, fields, command, rowCount, affectedRows } = last as { rows?: unknown[]; fields?: unknown[]; command?: string; rowCount?: number | null; affectedRows?: number };
  if (command && command !== 'SELECT') return `${command}${command === 'INSERT' ? ' 0' : ''} ${rowCount ?? 0}`;
  if (command === 'SELECT' || (fields && fields.length > 0)) {
    const n = rows?.length ?? 0;
    return `${n} row${n === 1 ? '' : 's'}`;
  }
  return affectedRows === undefined ? 'OK' : `${affectedRows} row${affectedRows === 1 ? '' : 's'} affected`;
}

/** What fetch's failure says, as pg_net (libcurl) would roughly say it. */
function errorMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return `Couldn't connect to server (${cause.message ?? 'ECONNREFUSED'})`;
  if (cause?.code === 'ENOTFOUND') return `Couldn't resolve host name (${cause.message ?? 'ENOTFOUND'})`;
  return cause?.message ?? (error as Error).message ?? String(error);
}

export function createScheduler(db: Database, options: { readonly log?: (line: string) => void } = {}): Scheduler {
  const log = options.log ?? (() => undefined);
  let closed = false;
  // Closing the stack ends the requests under way rather than waiting for their timeouts.
  const closing = new AbortController();

  // Cron runs one after another; a second call waits for the first.
  let cronChain: Promise<unknown> = Promise.resolve();
  const runJobs = (at: Date, minuteJobs: boolean): Promise<CronRun[]> => {
    const run = cronChain.then(async () => {
      if (closed) return [];
      const jobs = (
        await db.query<{ jobid: string | number; jobname: string | null; command: string; username: string; database: string }>(
          `select jobid, jobname, command, username, database from cron.job
            where active and database = current_database() and supabase_local.cron_matches(schedule, $1::timestamptz, $2)
            order by jobid`,
          [at.toISOString(), minuteJobs],
        )
      ).rows;
      const runs: CronRun[] = [];
      for (const job of jobs) {
        if (closed) break;
        const { runid } = (
          await db.query<{ runid: string | number }>(
            `insert into cron.job_run_details (jobid, database, username, command, status, start_time)
             values ($1, $2, $3, $4, 'running', now()) returning runid`,
            [job.jobid, job.database, job.username, job.command],
          )
        ).rows[0]!;
        let status: CronRun['status'];
        let message: string;
        try {
          const result = await db.transaction(async (tx) => {
            await tx.query(`select set_config('role', $1, true)`, [job.username]);
            const result = await tx.exec(job.command);
            // pg_cron gives each job a session of its own; here the session is shared (PGlite) or pooled,
            // so a job's session-level `set` (search_path, role…) must not outlive it.
            await tx.exec('reset all; reset role');
            return result;
          });
          status = 'succeeded';
          message = returnMessage(result);
        } catch (error) {
          status = 'failed';
          message = (error as Error).message ?? String(error);
          log(`cron: job ${job.jobid}${job.jobname ? ` (${job.jobname})` : ''} failed: ${message}`);
        }
        await db.query(`update cron.job_run_details set status = $2, return_message = $3, end_time = now() where runid = $1`, [runid, status, message]);
        runs.push({ jobid: Number(job.jobid), jobname: job.jobname, status, returnMessage: message });
      }
      return runs;
    });
    cronChain = run.catch(() => undefined);
    return run;
  };

  // One drain at a time; drain() called during one waits for it, then drains what is left.
  let netChain: Promise<unknown> = Promise.resolve();
  let draining = false;
  const perform = async (request: QueuedRequest): Promise<void> => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    const timeout = Math.max(1, request.timeout_milliseconds);
    let row: [number | null, string | null, string | null, string | null, boolean, string | null];
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers,
        ...(request.body ? { body: Buffer.from(request.body) } : {}),
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeout), closing.signal]),
      });
      const content = await response.text();
      row = [response.status, response.headers.get('content-type'), JSON.stringify(Object.fromEntries(response.headers)), content, false, null];
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      row = [null, null, null, null, timedOut, timedOut ? `Timeout of ${timeout} ms reached` : errorMessage(error)];
      log(`net: request ${request.id} ${request.method} ${request.url}: ${row[5]}`);
    }
    await db.query(
      `insert into net._http_response (id, status_code, content_type, headers, content, timed_out, error_msg) values ($1, $2, $3, $4::jsonb, $5, $6, $7)`,
      [request.id, ...row],
    );
  };
  const drainOnce = async (): Promise<number> => {
    let performed = 0;
    draining = true;
    try {
      while (!closed) {
        // Taken off the queue before being performed, as pg_net does (a request is attempted once).
        const batch = (
          await db.query<QueuedRequest>(
            `delete from net.http_request_queue where id in (select id from net.http_request_queue order by id limit ${BATCH})
             returning id, method, url, headers, body, timeout_milliseconds`,
          )
        ).rows;
        if (batch.length === 0) break;
        await Promise.all(batch.map((request) => perform(request).catch((error: unknown) => log(`net: could not store the response to ${request.id}: ${String(error)}`))));
        performed += batch.length;
      }
      if (performed > 0) await db.query(`delete from net._http_response where created < now() - interval '${RESPONSE_TTL}'`);
    } finally {
      draining = false;
    }
    return performed;
  };
  const drain = (): Promise<number> => {
    const run = netChain.then(drainOnce);
    netChain = run.catch(() => undefined);
    return run;
  };

  const runDue = async (at: Date = new Date()): Promise<CronRun[]> => {
    const runs = await runJobs(at, true);
    await drain();
    return runs;
  };

  let timer: NodeJS.Timeout | null = null;
  let lastMinute = -1;
  let ticking = false;
  const tick = async () => {
    if (ticking || closed) return;
    ticking = true;
    try {
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const minute = Math.floor(now.getTime() / 60_000);
      // A late tick (a busy event loop) still runs the minute's jobs, once.
      const newMinute = lastMinute !== -1 && minute !== lastMinute;
      lastMinute = minute;
      await runJobs(now, newMinute);
      // A drain under way takes what was queued since: it stops only once the queue is empty.
      if (!draining) drain().catch((error: unknown) => log(`net: ${error instanceof Error ? error.message : String(error)}`));
    } catch (error) {
      log(`cron: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      ticking = false;
    }
  };

  return {
    cron: { runDue },
    net: { drain },
    start: () => {
      if (timer || closed) return;
      // Ticks just after each second starts, so a minute's jobs start in its first second.
      const schedule = () => {
        timer = setTimeout(
          () => {
            void tick();
            if (!closed) schedule();
          },
          1000 - (Date.now() % 1000) + 5,
        );
        timer.unref();
      };
      lastMinute = Math.floor(Date.now() / 60_000);
      schedule();
    },
    close: async () => {
      closed = true;
      closing.abort(new Error('The local stack is closing'));
      if (timer) clearTimeout(timer);
      timer = null;
      await Promise.all([cronChain, netChain]);
    },
  };
}

/**
 * Writes the vault secrets the migrations' cron jobs read (vault.decrypted_secrets): each is added when
 * absent, and updated when it holds another value but was written by the stack (its description says
 * so); a secret someone else wrote is left alone.
 */
export async function writeStackSecrets(db: Database, secrets: Readonly<Record<string, string>>): Promise<void> {
  for (const [name, value] of Object.entries(secrets)) {
    await db.query(
      `insert into vault.secrets (name, secret, description) values ($1, $2, $3)
       on conflict (name) where name is not null do update set secret = excluded.secret, updated_at = now()
         where vault.secrets.description = excluded.description and vault.secrets.secret is distinct from excluded.secret`,
      [name, value, STACK_SECRET_DESCRIPTION],
    );
  }
}
