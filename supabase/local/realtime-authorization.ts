import type { JWTPayload } from 'jose';
import type { Database, Tx } from './database';

/*
 * Realtime Authorization for private channels (`supabase.channel(topic, { config: { private: true } })`),
 * as hosted Realtime does it (supabase/realtime, lib/realtime/tenants/authorization.ex): in one
 * transaction that is always rolled back,
 *   1. a broadcast row and a presence row for the topic are inserted into realtime.messages by the
 *      server itself (no row-level security applies to it);
 *   2. the role becomes the client's (`anon`, `authenticated` or `service_role`), request.jwt.claims
 *      holds its token's claims (so auth.uid() and auth.jwt() work) and realtime.topic the channel's
 *      topic without the `realtime:` prefix (what realtime.topic() returns);
 *   3. READ: selecting the two rows as that role; each one the SELECT policies let through grants
 *      reading that extension (receiving broadcasts, seeing presence);
 *   4. WRITE: inserting a broadcast row and a presence row as that role, each in its own savepoint; a
 *      row the INSERT policies refuse (42501) denies sending broadcasts or tracking presence.
 * A policy that fails (a bad cast on a topic of another shape, say) denies what it was checked for,
 * and the failure goes to the log, as hosted logs RlsPolicyError.
 */

export type ExtensionPolicies = { readonly read: boolean; readonly write: boolean };
export type TopicPolicies = { readonly broadcast: ExtensionPolicies; readonly presence: ExtensionPolicies };

export const NO_ACCESS: TopicPolicies = { broadcast: { read: false, write: false }, presence: { read: false, write: false } };

/** A private channel can be joined when either extension may be read (hosted: broadcast.read || presence.read). */
export const mayJoin = (policies: TopicPolicies) => policies.broadcast.read || policies.presence.read;

/** Hosted Realtime's join refusal, word for word (supabase-js reports it with CHANNEL_ERROR). */
export const readRefusal = (topic: string) => `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`;

/** Hosted Realtime's system message when a new token no longer grants reading. */
export const readRevoked = (topic: string) => `You no longer have permission to read from this Channel topic: ${topic}`;

/** Did the policies for a new token take away a read the old token had? */
export const readWasRevoked = (before: TopicPolicies, after: TopicPolicies) =>
  (before.broadcast.read && !after.broadcast.read) || (before.presence.read && !after.presence.read);

/** `config.private`: a boolean, or "true"/"false" in any case (hosted's FlexibleBoolean); undefined/null is public. */
export function parsePrivate(value: unknown): boolean | 'invalid' {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return 'invalid';
}

const INSUFFICIENT_PRIVILEGE = '42501';

/** Carries the answer out of the transaction, which throwing rolls back. */
class Rollback extends Error {
  constructor(readonly policies: TopicPolicies) {
    super('rolled back: an authorization check keeps nothing');
  }
}

/** Runs one statement in a savepoint: its failure does not end the transaction. */
async function attempt<T>(tx: Tx, sql: string, params: unknown[]): Promise<{ rows: T[] } | { error: unknown }> {
  await tx.query('savepoint realtime_authorization');
  try {
    const result = await tx.query<T>(sql, params);
    await tx.query('release savepoint realtime_authorization');
    return result;
  } catch (error) {
    await tx.query('rollback to savepoint realtime_authorization');
    return { error };
  }
}

const codeOf = (error: unknown) => (typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '');
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * What the token's claims may do on a private channel's topic (without `realtime:`). Never throws:
 * when the check itself cannot run, the answer is no access (the join is refused), and the log says why.
 */
export async function authorizeTopic(db: Database, claims: JWTPayload, topic: string, log: (line: string) => void): Promise<TopicPolicies> {
  const role = typeof claims['role'] === 'string' ? claims['role'] : 'anon';
  try {
    await db.transaction(async (tx) => {
      const seeded = await tx.query<{ id: string; extension: string }>(
        `insert into realtime.messages (topic, extension) values ($1, 'broadcast'), ($1, 'presence') returning id::text as id, extension`,
        [topic],
      );
      const idOf = (extension: string) => seeded.rows.find((row) => row.extension === extension)?.id ?? '';
      await tx.query(`select set_config('role', $1, true), set_config('realtime.topic', $2, true), set_config('request.jwt.claims', $3, true)`, [
        role,
        topic,
        JSON.stringify(claims),
      ]);
      const read = await attempt<{ id: string }>(tx, `select id::text as id from realtime.messages where topic = $1 and id = any($2::uuid[])`, [
        topic,
        [idOf('broadcast'), idOf('presence')],
      ]);
      if ('error' in read) log(`realtime: RlsPolicyError reading realtime.messages for topic "${topic}" as ${role}: ${messageOf(read.error)}`);
      const visible = new Set('rows' in read ? read.rows.map((row) => row.id) : []);
      const write = async (extension: 'broadcast' | 'presence') => {
        const inserted = await attempt(tx, `insert into realtime.messages (topic, extension) values ($1, $2)`, [topic, extension]);
        if (!('error' in inserted)) return true;
        if (codeOf(inserted.error) !== INSUFFICIENT_PRIVILEGE)
          log(`realtime: RlsPolicyError writing ${extension} to realtime.messages for topic "${topic}" as ${role}: ${messageOf(inserted.error)}`);
        return false;
      };
      throw new Rollback({
        broadcast: { read: visible.has(idOf('broadcast')), write: await write('broadcast') },
        presence: { read: visible.has(idOf('presence')), write: await write('presence') },
      });
    });
  } catch (outcome) {
    if (outcome instanceof Rollback) return outcome.policies;
    log(`realtime: UnableToSetPolicies for topic "${topic}" as ${role}: ${messageOf(outcome)}`);
    return NO_ACCESS;
  }
  return NO_ACCESS; // unreachable: the transaction always ends by throwing
}
