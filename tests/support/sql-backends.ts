import { openPostgres } from '../../supabase/local/database';
import { postgresAvailability, startPostgres } from './postgres-server';
import { createSchemaDb, type Who } from './schema-db';

/** One database with the schema, the same way for PGlite and a PostgreSQL 15 server. */
export type SqlBackend = {
  readonly query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
  /** One transaction as PostgREST runs a request: the JWT's role and claims, transaction-local. */
  readonly as: <T>(who: Who, run: (query: SqlBackend['query']) => Promise<T>) => Promise<T>;
  readonly close: () => Promise<void>;
};

const claimsOf = (who: Who) => JSON.stringify(who.sub ? { sub: who.sub, role: who.role } : { role: who.role });

/** What a transaction of PGlite or of the local stack's Database can do that the tests need. */
type Tx = { readonly query: <T>(sql: string, params?: unknown[]) => Promise<{ rows: T[] }> };

/** A request's transaction over either database: the role and claims set first. */
const asWho =
  (transaction: <T>(run: (tx: Tx) => Promise<T>) => Promise<T>): SqlBackend['as'] =>
  (who, run) =>
    transaction(async (tx) => {
      await tx.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [who.role, claimsOf(who)]);
      return run(async <T,>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows);
    });

async function pglite(): Promise<SqlBackend> {
  const db = await createSchemaDb({ seed: false });
  return {
    query: async <T,>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    as: asWho((run) => db.transaction(run)),
    close: () => db.close(),
  };
}

/** The local stack's own Database over a throwaway PostgreSQL 15 cluster. */
async function postgres15(): Promise<SqlBackend> {
  const server = await startPostgres();
  const db = openPostgres(server.url);
  return {
    query: async <T,>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    as: asWho(db.transaction),
    close: async () => {
      await db.close();
      await server.stop();
    },
  };
}

/** The backends the schema is tested on: PGlite always, PostgreSQL 15 where its binaries are installed. */
export function sqlBackends(): { name: string; open: () => Promise<SqlBackend> }[] {
  const backends = [{ name: 'PGlite', open: pglite }];
  if (postgresAvailability()) backends.push({ name: 'PostgreSQL 15', open: postgres15 });
  return backends;
}
