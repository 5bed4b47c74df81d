import { openPostgres } from '../../supabase/local/database';
import { postgresAvailability, startPostgres } from './postgres-server';
import { createSchemaDb, member, type PushResult, type Who } from './schema-db';

/** One database with the schema, the same way for PGlite and a PostgreSQL 15 server. */
export type SqlBackend = {
  readonly query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
  /** One transaction as PostgREST runs a request: the JWT's role and claims, transaction-local. */
  readonly as: <T>(who: Who, run: (query: SqlBackend['query']) => Promise<T>) => Promise<T>;
  readonly close: () => Promise<void>;
  /** A new auth user (and, through the sign-up trigger, a member with a profile); its id. */
  readonly createUser: (meta?: unknown) => Promise<string>;
  /** A push through sync_push as that member. */
  readonly push: (sub: string, mutations: unknown[]) => Promise<PushResult>;
};

/** What both backends share on top of query and as. */
function withHelpers(base: Omit<SqlBackend, 'createUser' | 'push'>): SqlBackend {
  return {
    ...base,
    async createUser(meta: unknown = {}) {
      const id = crypto.randomUUID();
      await base.query(`insert into auth.users (id, email, email_confirmed_at, raw_user_meta_data) values ($1, $2, now(), $3::jsonb)`, [id, `user-${id}@example.com`, JSON.stringify(meta)]);
      return id;
    },
    push: (sub, mutations) => base.as(member(sub), async (query) => (await query<{ r: PushResult }>('select public.sync_push($1::jsonb) as r', [JSON.stringify(mutations)]))[0]!.r),
  };
}

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
  return withHelpers({
    query: async <T,>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    as: asWho((run) => db.transaction(run)),
    close: () => db.close(),
  });
}

/** The local stack's own Database over a throwaway PostgreSQL 15 cluster. */
async function postgres15(): Promise<SqlBackend> {
  const server = await startPostgres();
  const db = openPostgres(server.url);
  return withHelpers({
    query: async <T,>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    as: asWho(db.transaction),
    close: async () => {
      await db.close();
      await server.stop();
    },
  });
}

/** The backends the schema is tested on: PGlite always, PostgreSQL 15 where its binaries are installed. */
export function sqlBackends(): { name: string; open: () => Promise<SqlBackend> }[] {
  const backends = [{ name: 'PGlite', open: pglite }];
  if (postgresAvailability()) backends.push({ name: 'PostgreSQL 15', open: postgres15 });
  return backends;
}
