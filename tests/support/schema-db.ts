import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { databaseFromPglite, migrate } from '../../supabase/local/database';

const SUPABASE = join(import.meta.dirname, '..', '..', 'supabase');

export const seedSql = () => readFileSync(join(SUPABASE, 'seed.sql'), 'utf8');

/**
 * A PGlite database with Supabase's conventions and every migration, applied as the local stack
 * applies them (as the non-superuser migration role), plus the seed unless told otherwise.
 */
export async function createSchemaDb(options: { seed?: boolean } = {}): Promise<PGlite> {
  const db = await PGlite.create();
  await migrate(databaseFromPglite(db));
  if (options.seed !== false) await db.exec(seedSql());
  return db;
}

export type Who = { readonly role: 'anon' | 'authenticated' | 'service_role'; readonly sub?: string };

/** Runs queries as PostgREST would: one transaction, the JWT's role, claims set transaction-locally. */
export async function as<T>(db: PGlite, who: Who, run: (tx: Pick<PGlite, 'query' | 'exec'>) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [
      who.role,
      JSON.stringify(who.sub ? { sub: who.sub, role: who.role } : { role: who.role }),
    ]);
    return run(tx);
  });
}

export const member = (sub: string): Who => ({ role: 'authenticated', sub });
export const ANON: Who = { role: 'anon' };
export const SERVICE: Who = { role: 'service_role' };

/** Creates an auth user (and, through the trigger, a member and profile); returns its id. */
export async function createUser(db: PGlite, email: string): Promise<string> {
  const id = crypto.randomUUID();
  await db.query(`insert into auth.users (id, email, email_confirmed_at) values ($1, $2, now())`, [id, email]);
  return id;
}

/** A push through the RPC as the given member. */
export async function push(db: PGlite, sub: string, mutations: unknown[]) {
  return as(db, member(sub), async (tx) => {
    const result = await tx.query<{ r: PushResult }>('select public.sync_push($1::jsonb) as r', [JSON.stringify(mutations)]);
    return result.rows[0]!.r;
  });
}

export type PushResult = {
  results: { mutation_id: string; status: 'applied' | 'duplicate' | 'rejected'; reason?: string; code?: string }[];
  rows: { table: string; row: Record<string, unknown> }[];
  server_time: number;
};

export function mutation(table: string, rowId: string, changes: Record<string, unknown>, stamp: string, op: 'insert' | 'update' = 'update') {
  return { mutation_id: crypto.randomUUID(), table, row_id: rowId, op, changes, stamp };
}
