import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const DEFAULT_SUPABASE_DIR = join(import.meta.dirname, '..');

export type Rows<T> = { rows: T[] };

/** What a request's transaction can do; the same over PGlite and node-postgres. */
export type Tx = {
  readonly query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<Rows<T>>;
  readonly exec: (sql: string) => Promise<unknown>;
};

/** A value a statement carries: as a parameter, or as a literal (see Database.statement). */
export type SqlValue = string | number | boolean | null;

/**
 * A text as an SQL literal, whatever standard_conforming_strings says. Safe because the connection's
 * encoding is UTF-8 (node-postgres always asks for it), where no quote or backslash byte can be part
 * of another character; in GBK or SJIS it would not be.
 */
export const sqlLiteral = (value: string) => `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * Literals beyond this many characters in all go as parameters instead: PostgreSQL's lexer would
 * read them character by character, where a parameter is taken as it is.
 */
const INLINE_LIMIT = 64 * 1024;

/**
 * `build`'s statement with each value as a literal, or null when one cannot be: a NUL character
 * (which would end the query text: as a parameter it gets PostgreSQL's own error) or too much text.
 */
function inlined(build: (value: (v: SqlValue) => string) => string): string | null {
  let size = 0;
  let refused = false;
  const sql = build((value) => {
    if (value === null) return 'null';
    const text = String(value);
    if (text.includes('\0')) refused = true;
    size += text.length;
    return sqlLiteral(text);
  });
  return refused || size > INLINE_LIMIT ? null : sql;
}

/** Database.statement the usual way: the statement with its values as parameters $n, in a transaction after the prelude. */
function parameterisedStatement<T>(transaction: Database['transaction'], prelude: string, build: (value: (v: SqlValue) => string) => string): Promise<Rows<T>> {
  const values: SqlValue[] = [];
  const sql = build((value) => {
    values.push(value);
    return `$${values.length}`;
  });
  return transaction((tx) => tx.query<T>(sql, values), { prelude });
}

export type Database = Tx & {
  /**
   * One transaction. PGlite is one session, so its requests queue here; a server uses a pool.
   * `prelude` (SQL without parameters) runs first; on a server it travels with BEGIN, in one round trip.
   */
  readonly transaction: <T>(run: (tx: Tx) => Promise<T>, options?: { readonly prelude?: string }) => Promise<T>;
  /**
   * `prelude`, then one statement, as one transaction; answers the statement's rows once it has
   * committed. `build` writes the statement, each value through `value()`. On a server the values
   * travel as literals, so that BEGIN, the prelude, the statement and COMMIT are one round trip (the
   * statement runs after the prelude, unlike a single statement that sets its own role); a value that
   * cannot be a literal sends it the usual way, with parameters. A statement that fails is logged by
   * the server with its values (log_min_error_statement): the local stack's log is the developer's own.
   */
  readonly statement: <T = Record<string, unknown>>(prelude: string, build: (value: (v: SqlValue) => string) => string) => Promise<Rows<T>>;
  /** Calls back with each notification's payload, delivered after the notifying transaction commits. */
  readonly listen: (channel: string, callback: (payload: string) => void) => Promise<() => Promise<void>>;
  readonly close: () => Promise<void>;
};

export type DatabaseOptions = {
  /** Persist PGlite here; in memory when absent and no databaseUrl is given. */
  readonly dataDir?: string;
  /** Use a real PostgreSQL server instead of PGlite (the code path the schema tests use). */
  readonly databaseUrl?: string;
  readonly seed?: boolean;
  /** Delete dataDir first (after checking it is a PostgreSQL data directory) and start from scratch. */
  readonly reset?: boolean;
  /** Where migrations/, seed.sql and local/ live (this repository's supabase/ by default). */
  readonly supabaseDir?: string;
  readonly log?: (line: string) => void;
};

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * PGlite is one process's database: a second process opening the same directory corrupts it. A lock
 * file beside the directory (holding the owner's pid) refuses a second stack with a clear message and
 * is taken over when its owner is gone. Returns the release function.
 */
const heldLocks = new Set<string>();

function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir.replace(/[/\\]+$/, '')}.lock`;
  if (heldLocks.has(lockPath)) throw new Error(`The local database ${dataDir} is already open in this process.`);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldLocks.add(lockPath);
      const release = () => rmSync(lockPath, { force: true });
      process.once('exit', release);
      return () => {
        process.off('exit', release);
        heldLocks.delete(lockPath);
        release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner))
        throw new Error(`The local database ${dataDir} is in use by another process (pid ${owner}). Stop that one first: is \`npm run dev\` or \`npm run stack\` already running?`, { cause: error });
      rmSync(lockPath, { force: true }); // left by a process that is gone
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

/** What a PostgreSQL (and so PGlite) data directory holds at its top level, and nothing else. */
const DATA_DIR_ENTRY = /^(PG_VERSION|base|global|pg_[a-z_]+(\.conf)?|postgresql(\.auto)?\.conf|postmaster\.(opts|pid)|current_logfiles|log)$/;

/**
 * Deletes a local database directory for --reset, only after making sure it is one: PG_VERSION and
 * global/pg_control present, and nothing at the top level that PostgreSQL does not put there. An
 * absent or empty directory needs nothing.
 */
function deleteDataDir(dataDir: string, log: (line: string) => void): void {
  if (!existsSync(dataDir)) return;
  const entries = readdirSync(dataDir);
  if (entries.length === 0) return;
  const strangers = entries.filter((entry) => !DATA_DIR_ENTRY.test(entry));
  const looksLikeOne = ['PG_VERSION', join('global', 'pg_control'), 'base'].every((entry) => existsSync(join(dataDir, entry)));
  if (!looksLikeOne || strangers.length > 0)
    throw new Error(`Not resetting ${dataDir}: it does not look like a local database directory${strangers.length > 0 ? ` (it holds ${strangers.slice(0, 3).join(', ')})` : ''}. Delete it yourself if you are sure.`);
  rmSync(dataDir, { recursive: true, force: true });
  log(`reset: deleted the local database ${dataDir}`);
}

/** The Database interface over one PGlite instance (closing it closes the instance). */
export function databaseFromPglite(db: PGlite, onClose: () => void = () => undefined): Database {
  const wrap = (target: Pick<PGlite, 'query' | 'exec'>): Tx => ({
    query: async <T,>(sql: string, params?: unknown[]) => ({ rows: (await target.query<T>(sql, params)).rows }),
    exec: (sql) => target.exec(sql),
  });
  const transaction: Database['transaction'] = (run, options) =>
    db.transaction(async (tx) => {
      if (options?.prelude) await tx.exec(options.prelude);
      return run(wrap(tx));
    });
  return {
    ...wrap(db),
    transaction,
    statement: (prelude, build) => parameterisedStatement(transaction, prelude, build),
    listen: async (channel, callback) => {
      const unlisten = await db.listen(channel, callback);
      return () => unlisten();
    },
    close: async () => {
      try {
        await db.close();
      } finally {
        onClose();
      }
    },
  };
}

async function openPglite(dataDir: string | undefined, options: { reset: boolean; log: (line: string) => void }): Promise<Database> {
  if (dataDir && !existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  let db: PGlite;
  try {
    if (dataDir && options.reset) {
      deleteDataDir(dataDir, options.log);
      mkdirSync(dataDir, { recursive: true });
    }
    db = dataDir ? await PGlite.create({ dataDir }) : await PGlite.create();
  } catch (error) {
    unlock();
    throw error;
  }
  return databaseFromPglite(db, unlock);
}

/** The Database interface over a pool of connections to a PostgreSQL server. */
export function openPostgres(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const wrap = (client: pg.Pool | pg.PoolClient): Tx => ({
    query: async <T,>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as T[] }),
    exec: (sql) => client.query(sql),
  });
  /**
   * Runs `work` on a pooled connection that opens a transaction. When it fails, the transaction may
   * still be open (an error in a multi-statement query skips the rest, COMMIT included): it is rolled
   * back before the connection goes back to the pool.
   */
  const inTransaction = async <T,>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await work(client);
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const transaction: Database['transaction'] = (run, options) =>
    inTransaction(async (client) => {
      await client.query(options?.prelude ? `begin; ${options.prelude}` : 'begin');
      const result = await run(wrap(client));
      await client.query('commit');
      return result;
    });
  return {
    ...wrap(pool),
    transaction,
    statement: <T,>(prelude: string, build: (value: (v: SqlValue) => string) => string) => {
      const sql = inlined(build);
      if (sql === null) return parameterisedStatement<T>(transaction, prelude, build);
      return inTransaction(async (client) => {
        // Several statements in one query: their results in order, COMMIT's last.
        const results = (await client.query(`begin; ${prelude}; ${sql}; commit`)) as unknown as pg.QueryResult[];
        return { rows: (results.at(-2)?.rows ?? []) as T[] };
      });
    },
    listen: async (channel, callback) => {
      const client = await pool.connect();
      const onNotification = (message: pg.Notification) => {
        if (message.channel === channel) callback(message.payload ?? '');
      };
      client.on('notification', onNotification);
      await client.query(`listen ${channel}`);
      return async () => {
        client.off('notification', onNotification);
        await client.query(`unlisten ${channel}`).catch(() => undefined);
        client.release();
      };
    },
    close: () => pool.end(),
  };
}


/** A migration file of supabase/migrations: `<version>_<name>.sql`, as the Supabase CLI names them. */
type MigrationFile = { readonly file: string; readonly path: string; readonly version: string; readonly name: string; readonly sql: string; readonly sha256: string };

function migrationFiles(dir: string): MigrationFile[] {
  return readdirSync(join(dir, 'migrations'))
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const path = join(dir, 'migrations', file);
      const content = readFileSync(path);
      const [version = file, ...rest] = file.replace(/\.sql$/, '').split('_');
      return { file, path, version, name: rest.join('_'), sql: content.toString('utf8'), sha256: createHash('sha256').update(content).digest('hex') };
    });
}

/** Where the database is, for messages; and how to start it over. */
export type DatabaseLocation = { readonly dataDir?: string; readonly databaseUrl?: string };

const RESET_COMMAND = '`npm run stack -- --reset` (or `npm run dev -- --reset`)';

function howToReset(location: DatabaseLocation): string {
  if (location.databaseUrl)
    return 'To start over, drop and recreate that PostgreSQL database yourself (the stack never drops a server’s data), then start the stack again.';
  if (location.dataDir) return `To start over with an empty local database, stop the stack and run ${RESET_COMMAND}: it deletes ${relative(process.cwd(), location.dataDir) || location.dataDir} and starts fresh.`;
  return 'Restart the stack.';
}

/** A landed migration changed or vanished: migrations are append-only, so the stack refuses to start. */
export class MigrationHistoryError extends Error {
  override readonly name = 'MigrationHistoryError';
}

/**
 * Applies Supabase's conventions (bootstrap.sql, as a superuser), the local Auth tables, then every
 * migration not yet recorded in supabase_migrations.schema_migrations, each in its own transaction as
 * the migration role (see bootstrap.sql), as `supabase db push` does on hosted Supabase. Migrations are
 * append-only: each applied file's SHA-256 is recorded, and a landed file that changed or vanished
 * stops everything before any migration runs (MigrationHistoryError, saying how to reset). A database
 * from before checksums were recorded just gets the current ones.
 */
export async function migrate(db: Database, options: { readonly supabaseDir?: string; readonly log?: (line: string) => void } & DatabaseLocation = {}): Promise<void> {
  const log = options.log ?? (() => undefined);
  const dir = options.supabaseDir ?? DEFAULT_SUPABASE_DIR;
  await db.exec(readFileSync(join(dir, 'local', 'bootstrap.sql'), 'utf8'));
  await db.exec(readFileSync(join(dir, 'local', 'auth-schema.sql'), 'utf8'));
  const role = (await db.query<{ role: string }>('select supabase_local.migration_role() as role')).rows[0]?.role ?? 'postgres';
  const files = migrationFiles(dir);
  const byVersion = new Map(files.map((file) => [file.version, file]));
  const applied = (await db.query<{ version: string; name: string | null; sha256: string | null }>('select version, name, sha256 from supabase_migrations.schema_migrations order by version')).rows;
  const shown = (file: MigrationFile) => relative(process.cwd(), file.path) || file.path;
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (!file)
      throw new MigrationHistoryError(
        `Migration ${row.version}${row.name ? `_${row.name}` : ''}.sql was applied to this database, but there is no migration file with version ${row.version} any more. Migrations are append-only once they have landed. ${howToReset(options)}`,
      );
    if (row.sha256 !== null && row.sha256 !== file.sha256)
      throw new MigrationHistoryError(
        `Migration ${shown(file)} changed after it was applied to this database. Migrations are append-only: put the change in a new migration instead. ${howToReset(options)}`,
      );
  }
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (file && row.sha256 === null) await db.query('update supabase_migrations.schema_migrations set sha256 = $2 where version = $1', [row.version, file.sha256]);
  }
  const done = new Set(applied.map((row) => row.version));
  for (const file of files) {
    if (done.has(file.version)) continue;
    await db.transaction(async (tx) => {
      await tx.query(`select set_config('role', $1, true)`, [role]);
      await tx.exec(file.sql);
      await tx.exec('set local role none');
      await tx.query('insert into supabase_migrations.schema_migrations (version, name, sha256) values ($1, $2, $3)', [file.version, file.name, file.sha256]);
    });
    log(`applied migration ${file.file} as ${role}`);
  }
}

/**
 * Opens the database (PGlite in memory or in dataDir, or a PostgreSQL server) and brings it up to
 * date: the migrations (see migrate), then change capture for Realtime, then on first start the seed.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const log = options.log ?? (() => undefined);
  const dir = options.supabaseDir ?? DEFAULT_SUPABASE_DIR;
  if (options.reset && options.databaseUrl)
    throw new Error('--reset deletes a local PGlite data directory; it never touches a PostgreSQL server. Drop and recreate that database yourself to start over.');
  const db = options.databaseUrl ? openPostgres(options.databaseUrl) : await openPglite(options.dataDir, { reset: options.reset === true, log });
  try {
    const fresh = (await db.query<{ n: number }>(`select count(*)::int as n from pg_namespace where nspname = 'supabase_migrations'`)).rows[0]?.n === 0;
    await migrate(db, {
      supabaseDir: dir,
      log,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    });
    // Change capture for Realtime: after the migrations, so newly published tables get their trigger.
    await db.exec(readFileSync(join(dir, 'local', 'realtime.sql'), 'utf8'));
    if (fresh && options.seed !== false) {
      await db.exec(readFileSync(join(dir, 'seed.sql'), 'utf8'));
      log('applied seed.sql');
    }
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
