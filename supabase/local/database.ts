import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';

const DEFAULT_SUPABASE_DIR = join(import.meta.dirname, '..');

export type Tx = Pick<Transaction, 'query' | 'exec'>;

export type Database = {
  readonly pg: PGlite;
  /** One transaction; PGlite is one session, so requests queue here. */
  readonly transaction: <T>(run: (tx: Tx) => Promise<T>) => Promise<T>;
  readonly close: () => Promise<void>;
};

/**
 * Opens the embedded database (in memory, or persisted in dataDir) and brings it up to date: on first
 * start the Supabase conventions, every migration and the seed; on later starts, any migration not yet
 * recorded in supabase_migrations.schema_migrations (as the Supabase CLI records them).
 */
export async function openDatabase(options: { dataDir?: string; seed?: boolean; supabaseDir?: string; log?: (line: string) => void }): Promise<Database> {
  const log = options.log ?? (() => undefined);
  const SUPABASE = options.supabaseDir ?? DEFAULT_SUPABASE_DIR;
  if (options.dataDir && !existsSync(options.dataDir)) mkdirSync(options.dataDir, { recursive: true });
  const pg = options.dataDir ? await PGlite.create({ dataDir: options.dataDir }) : await PGlite.create();
  const fresh = (await pg.query<{ n: number }>(`select count(*)::int as n from pg_namespace where nspname = 'supabase_migrations'`)).rows[0]?.n === 0;
  await pg.exec(readFileSync(join(SUPABASE, 'local', 'bootstrap.sql'), 'utf8'));
  await pg.exec(readFileSync(join(SUPABASE, 'local', 'auth-schema.sql'), 'utf8'));
  const applied = new Set((await pg.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).rows.map((row) => row.version));
  for (const file of readdirSync(join(SUPABASE, 'migrations')).filter((name) => name.endsWith('.sql')).sort()) {
    const [version = file, ...rest] = file.replace(/\.sql$/, '').split('_');
    if (applied.has(version)) continue;
    await pg.transaction(async (tx) => {
      await tx.exec(readFileSync(join(SUPABASE, 'migrations', file), 'utf8'));
      await tx.query('insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)', [version, rest.join('_')]);
    });
    log(`applied migration ${file}`);
  }
  // Change capture for Realtime: after the migrations, so newly published tables get their trigger.
  await pg.exec(readFileSync(join(SUPABASE, 'local', 'realtime.sql'), 'utf8'));
  if (fresh && options.seed !== false) {
    await pg.exec(readFileSync(join(SUPABASE, 'seed.sql'), 'utf8'));
    log('applied seed.sql');
  }
  return {
    pg,
    transaction: (run) => pg.transaction((tx) => run(tx)),
    close: () => pg.close(),
  };
}
