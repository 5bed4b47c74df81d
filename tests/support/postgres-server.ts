import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './preview-server';
import { migrate, openPostgres } from '../../supabase/local/database';

const BIN = process.env['PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/**
 * Whether a real PostgreSQL server can be started. Outside CI a missing server skips these tests with
 * a loud notice; under CI it is a failure, because .ci/run installs Debian's postgresql.
 */
export function postgresAvailability(): boolean {
  if (existsSync(join(BIN, 'initdb'))) return true;
  const reason = `No PostgreSQL binaries in ${BIN}. Install them with \`sudo apt-get install -y postgresql\` (or set PG_BIN).`;
  if (process.env['CI']) throw new Error(`${reason} CI must have them.`);
  console.warn(`\n\n!!! SKIPPING REAL-POSTGRES TESTS: ${reason}\n\n`);
  return false;
}

export type PostgresServer = { url: string; connect: () => Promise<pg.Client>; stop: () => Promise<void> };

/**
 * initdb + pg_ctl a throwaway cluster in a temp dir on a free port (as the postgres OS user when root),
 * with the schema unless told otherwise. As on hosted Supabase, the superuser is `supabase_admin`; the
 * bootstrap then creates `postgres` as a non-superuser and applies the migrations as that role.
 */
export async function startPostgres(options: { schema?: boolean } = {}): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fieldbook-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  chmodSync(dir, 0o777);
  const run = (command: string, args: string[]) => {
    const full = asRoot ? ['-u', 'postgres', '--', join(BIN, command), ...args] : args;
    const result = spawnSync(asRoot ? 'runuser' : join(BIN, command), full, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'supabase_admin', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  const url = `postgres://supabase_admin@127.0.0.1:${port}/postgres`;
  const connect = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  };
  if (options.schema !== false) {
    const setup = openPostgres(url);
    try {
      await migrate(setup);
    } finally {
      await setup.close();
    }
  }
  return {
    url,
    connect,
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return Promise.resolve();
    },
  };
}

/** Begins a transaction on a client as PostgREST would for a member. */
export async function beginAs(client: pg.Client, sub: string): Promise<void> {
  await client.query('begin');
  await client.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub, role: 'authenticated' })]);
}

export const pgVersion = () => execFileSync(join(BIN, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
