import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
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

async function pglite(): Promise<SqlBackend> {
  const db: PGlite = await createSchemaDb({ seed: false });
  return {
    query: async <T,>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    as: (who, run) =>
      db.transaction(async (tx) => {
        await tx.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [who.role, claimsOf(who)]);
        return run(async <T,>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows);
      }),
    close: () => db.close(),
  };
}

async function postgres15(): Promise<SqlBackend> {
  const server = await startPostgres();
  const clients: pg.Client[] = [];
  const admin = await server.connect();
  clients.push(admin);
  return {
    query: async <T,>(sql: string, params?: unknown[]) => (await admin.query(sql, params)).rows as T[],
    as: async (who, run) => {
      const client = await server.connect();
      try {
        await client.query('begin');
        await client.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [who.role, claimsOf(who)]);
        const result = await run(async <T,>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[]);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        await client.end();
      }
    },
    close: async () => {
      await Promise.all(clients.map((client) => client.end()));
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
