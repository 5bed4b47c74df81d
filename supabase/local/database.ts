import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const DEFAULT_SUPABASE_DIR = join(import.meta.dirname, '..');

export type Rows<T> = { rows: T[] };

/** What a request's transaction can do; the same over PGlite and node-postgres. */
export type Tx = {
  readonly query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<Rows<T>>;
  readonly exec: (sql: string) => Promise<unknown>;
};

export type Database = Tx & {
  /** One transaction. PGlite is one session, so its requests queue here; a server uses a pool. */
  readonly transaction: <T>(run: (tx: Tx) => Promise<T>) => Promise<T>;
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

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir && !existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  let db: PGlite;
  try {
    db = dataDir ? await PGlite.create({ dataDir }) : await PGlite.create();
  } catch (error) {
    unlock();
    throw error;
  }
  const wrap = (target: Pick<PGlite, 'query' | 'exec'>): Tx => ({
    query: async <T,>(sql: string, params?: unknown[]) => ({ rows: (await target.query<T>(sql, params)).rows }),
    exec: (sql) => target.exec(sql),
  });
  return {
    ...wrap(db),
    transaction: (run) => db.transaction((tx) => run(wrap(tx))),
    listen: async (channel, callback) => {
      const unlisten = await db.listen(channel, callback);
      return () => unlisten();
    },
    close: async () => {
      try {
        await db.close();
      } finally {
        unlock();
      }
    },
  };
}

function openPostgres(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const wrap = (client: pg.Pool | pg.PoolClient): Tx => ({
    query: async <T,>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as T[] }),
    exec: (sql) => client.query(sql),
  });
  return {
    ...wrap(pool),
    transaction: async (run) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await run(wrap(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
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

/**
 * Opens the database (PGlite in memory or in dataDir, or a PostgreSQL server) and brings it up to
 * date: on first start the Supabase conventions, every migration and the seed; on later starts, any
 * migration not yet recorded in supabase_migrations.schema_migrations (as the Supabase CLI records them).
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const log = options.log ?? (() => undefined);
  const dir = options.supabaseDir ?? DEFAULT_SUPABASE_DIR;
  const db = options.databaseUrl ? openPostgres(options.databaseUrl) : await openPglite(options.dataDir);
  const fresh = (await db.query<{ n: number }>(`select count(*)::int as n from pg_namespace where nspname = 'supabase_migrations'`)).rows[0]?.n === 0;
  await db.exec(readFileSync(join(dir, 'local', 'bootstrap.sql'), 'utf8'));
  await db.exec(readFileSync(join(dir, 'local', 'auth-schema.sql'), 'utf8'));
  const applied = new Set((await db.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).rows.map((row) => row.version));
  for (const file of readdirSync(join(dir, 'migrations')).filter((name) => name.endsWith('.sql')).sort()) {
    const [version = file, ...rest] = file.replace(/\.sql$/, '').split('_');
    if (applied.has(version)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(readFileSync(join(dir, 'migrations', file), 'utf8'));
      await tx.query('insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)', [version, rest.join('_')]);
    });
    log(`applied migration ${file}`);
  }
  // Change capture for Realtime: after the migrations, so newly published tables get their trigger.
  await db.exec(readFileSync(join(dir, 'local', 'realtime.sql'), 'utf8'));
  if (fresh && options.seed !== false) {
    await db.exec(readFileSync(join(dir, 'seed.sql'), 'utf8'));
    log('applied seed.sql');
  }
  return db;
}
