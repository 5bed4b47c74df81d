import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { JWTPayload } from 'jose';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Database } from './database';
import type { Keys } from './keys';
import { authorizeTopic, mayJoin, parsePrivate, readRefusal, readRevoked, readWasRevoked, type TopicPolicies } from './realtime-authorization';

/*
 * Supabase Realtime over Phoenix channels, protocol versions 1.0.0 and 2.0.0: heartbeats, joins with
 * postgres_changes bindings (the classic filters eq, neq, lt, lte, gt, gte, in), access_token updates,
 * leave, broadcast (JSON, and binary frames of kind 3 answered as kind 4) and presence.
 *
 * Changes come from realtime.sql's queue after commit. A subscriber hears a change only if its role
 * may SELECT from the table (checked when it joins, and again for every change) and, for INSERT and
 * UPDATE, if the table's row-level security lets it read the row as it was captured: the table's
 * SELECT policies are evaluated against the captured record, with the subscriber's role and claims,
 * never by re-reading the current row (which may since have been deleted, or its id reused by someone
 * else). DELETE carries only the primary key in old_record, is filtered on that alone, and has no RLS
 * check, as on Supabase.
 *
 * Private channels (config.private) are authorized by the policies on realtime.messages, checked at
 * join and again when the channel's access token changes (see realtime-authorization.ts): a client
 * that may read neither broadcast nor presence is refused; broadcasts reach only channels that may
 * read broadcast, presence only those that may read presence; a broadcast from a channel that may not
 * write is dropped (no ack, as hosted), a presence track is answered with an error. A private channel
 * and a public one with the same name are two different channels, as on hosted Realtime.
 */

const MAX_FRAME_BYTES = 1024 * 1024;
const MAX_CHANNELS_PER_SOCKET = 100;
const CLASSIC_OPS = new Set(['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in']);

type Filter = { column: string; op: string; values: string[] };
type Binding = { id: number; event: string; schema: string; table: string; filter: Filter | null; raw: Record<string, unknown> };
type Channel = {
  topic: string;
  joinRef: string | null;
  claims: JWTPayload;
  bindings: Binding[];
  broadcastSelf: boolean;
  broadcastAck: boolean;
  presenceKey: string | null;
  /** config.private: authorized by the policies on realtime.messages. */
  private: boolean;
  /** The access token the claims came from (null: the socket's API key). */
  token: string | null;
  /** What a private channel may do (null on a public one). */
  policies: TopicPolicies | null;
  /** Bumped by every re-authorization, so only the latest one's answer is kept. */
  authorizations: number;
};
type Client = { socket: WebSocket; vsn: '1.0.0' | '2.0.0'; apiClaims: JWTPayload; channels: Map<string, Channel>; lastSeen: number };
type Change = { id: string | number; table_name: string; type: 'INSERT' | 'UPDATE' | 'DELETE'; record: Record<string, unknown> | null; old_record: Record<string, unknown> | null; committed_at: Date | string };
type TableInfo = { columns: { name: string; type: string }[]; primaryKey: string[] };

export type RealtimeOptions = { heartbeatTimeoutMs?: number; log?: (line: string) => void };

function parseFilter(text: unknown): Filter | null | 'invalid' {
  if (text === undefined || text === null || text === '') return null;
  if (typeof text !== 'string') return 'invalid';
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=([a-z]+)\.(.*)$/s.exec(text);
  if (!match || !CLASSIC_OPS.has(match[2] ?? '')) return 'invalid';
  const [, column = '', op = '', raw = ''] = match;
  const unquote = (value: string) => (value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value);
  if (op === 'in') {
    if (!raw.startsWith('(') || !raw.endsWith(')')) return 'invalid';
    const values = raw.slice(1, -1).match(/"(?:[^"\\]|\\.)*"|[^,]+/g)?.map((value) => unquote(value.trim())) ?? [];
    return values.length > 100 ? 'invalid' : { column, op, values };
  }
  return { column, op, values: [unquote(raw)] };
}

function filterMatches(filter: Filter | null, row: Record<string, unknown> | null): boolean {
  if (filter === null) return true;
  if (row === null || !(filter.column in row)) return false;
  const value = row[filter.column];
  if (value === null || value === undefined) return false;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const target = filter.values[0] ?? '';
  const numeric = typeof value === 'number' && target.trim() !== '' && !Number.isNaN(Number(target));
  const compare = numeric ? (value) - Number(target) : text < target ? -1 : text > target ? 1 : 0;
  switch (filter.op) {
    case 'eq':
      return compare === 0;
    case 'neq':
      return compare !== 0;
    case 'lt':
      return compare < 0;
    case 'lte':
      return compare <= 0;
    case 'gt':
      return compare > 0;
    case 'gte':
      return compare >= 0;
    case 'in':
      return filter.values.includes(text);
    default:
      return false;
  }
}

/** The database role a token's claims act as. */
const roleOf = (claims: JWTPayload) => (typeof claims['role'] === 'string' ? claims['role'] : 'anon');

/** The topic a policy sees through realtime.topic(): the channel's name, without `realtime:`. */
const subTopicOf = (topic: string) => topic.replace(/^realtime:/, '');

/** Private and public channels of one name are separate: presence is kept per scope. */
const scopeOf = (topic: string, isPrivate: boolean) => (isPrivate ? `private\u0000${topic}` : topic);

const mayReceive = (channel: Channel, extension: 'broadcast' | 'presence') => !channel.private || channel.policies?.[extension].read === true;
const maySend = (channel: Channel, extension: 'broadcast' | 'presence') => !channel.private || channel.policies?.[extension].write === true;

function bindingId(raw: Record<string, unknown>): number {
  let hash = 0;
  for (const ch of JSON.stringify(raw)) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return Math.abs(hash);
}

export function createRealtime(db: Database, keys: Keys, options: RealtimeOptions = {}) {
  const log = options.log ?? (() => undefined);
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 60_000;
  const clients = new Set<Client>();
  const presence = new Map<string, Map<string, { client: Client; metas: Record<string, unknown>[] }>>();
  const tableInfo = new Map<string, TableInfo>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let queue: Promise<void> = Promise.resolve();
  let presenceRef = 0;

  const send = (client: Client, joinRef: string | null, ref: string | null, topic: string, event: string, payload: unknown) => {
    if (client.socket.readyState !== client.socket.OPEN) return;
    const frame = client.vsn === '2.0.0' ? [joinRef, ref, topic, event, payload] : { topic, event, payload, ref };
    client.socket.send(JSON.stringify(frame));
  };
  const reply = (client: Client, joinRef: string | null, ref: string | null, topic: string, status: 'ok' | 'error', response: unknown) =>
    send(client, joinRef, ref, topic, 'phx_reply', { status, response });

  const validToken = async (token: unknown): Promise<{ claims: JWTPayload } | { reason: string }> => {
    if (typeof token !== 'string' || token === '') return { reason: 'InvalidJWTToken: missing token' };
    const claims = await keys.verify(token);
    if (!claims) return { reason: 'InvalidJWTToken: Token has expired or its signature is invalid' };
    if (typeof claims['role'] !== 'string' || typeof claims.exp !== 'number') return { reason: 'InvalidJWTToken: role and exp are required' };
    if (!['anon', 'authenticated', 'service_role'].includes(claims['role'])) return { reason: `InvalidJWTToken: unknown role "${claims['role']}"` };
    return { claims };
  };

  async function infoFor(table: string): Promise<TableInfo | null> {
    const cached = tableInfo.get(table);
    if (cached) return cached;
    const published = await db.query(`select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = $1`, [table]);
    if (published.rows.length === 0) return null;
    const columns = await db.query<{ name: string; type: string }>(
      `select a.attname as name, t.typname as type from pg_attribute a join pg_type t on t.oid = a.atttypid
       where a.attrelid = format('public.%I', $1::text)::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`,
      [table],
    );
    const primaryKey = await db.query<{ name: string }>(
      `select a.attname as name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
       where i.indrelid = format('public.%I', $1::text)::regclass and i.indisprimary`,
      [table],
    );
    const info = { columns: columns.rows, primaryKey: primaryKey.rows.map((row) => row.name) };
    tableInfo.set(table, info);
    return info;
  }

  async function join(client: Client, joinRef: string | null, ref: string | null, topic: string, payload: Record<string, unknown>) {
    if (!client.channels.has(topic) && client.channels.size >= MAX_CHANNELS_PER_SOCKET)
      return reply(client, joinRef, ref, topic, 'error', { reason: `Too many channels on one connection (max ${MAX_CHANNELS_PER_SOCKET})` });
    const token = payload['access_token'] ?? null;
    const checked = token === null ? { claims: client.apiClaims } : await validToken(token);
    if ('reason' in checked) return reply(client, joinRef, ref, topic, 'error', { reason: checked.reason });
    const rawConfig = payload['config'] ?? {};
    if (typeof rawConfig !== 'object' || Array.isArray(rawConfig))
      return reply(client, joinRef, ref, topic, 'error', { reason: 'InvalidJoinPayload: config: unable to parse, expected a map' });
    const config = rawConfig as Record<string, unknown>;
    // Stricter than hosted, which logs a malformed `private` and joins as public: a client that asked
    // for a private channel must never end up on a public one.
    const isPrivate = parsePrivate(config['private']);
    if (isPrivate === 'invalid') return reply(client, joinRef, ref, topic, 'error', { reason: 'InvalidJoinPayload: config.private: unable to parse, expected boolean' });
    let policies: TopicPolicies | null = null;
    if (isPrivate) {
      const subTopic = subTopicOf(topic);
      if (subTopic === '') return reply(client, joinRef, ref, topic, 'error', { reason: 'TopicNameRequired: You must provide a topic name' });
      policies = await authorizeTopic(db, checked.claims, subTopic, log);
      if (!mayJoin(policies)) {
        // A refused rejoin ends what the topic's previous join allowed.
        const previous = client.channels.get(topic);
        if (previous) {
          untrack(client, topic);
          client.channels.delete(topic);
          send(client, previous.joinRef, previous.joinRef, topic, 'phx_close', {});
        }
        log(`realtime: refused a private join of "${subTopic}" as ${roleOf(checked.claims)}${typeof checked.claims.sub === 'string' ? ` (${checked.claims.sub})` : ''}`);
        return reply(client, joinRef, ref, topic, 'error', { reason: readRefusal(subTopic) });
      }
    }
    const requested = Array.isArray(config['postgres_changes']) ? (config['postgres_changes'] as Record<string, unknown>[]) : [];
    const bindings: Binding[] = [];
    const problems: string[] = [];
    // Every table the join names is checked in one query (a device joins with one binding per synced table).
    const readable = await selectableTables(
      roleOf(checked.claims),
      requested.map((raw) => raw['table']).filter((table): table is string => typeof table === 'string' && table !== '*'),
    );
    for (const raw of requested) {
      const table = typeof raw['table'] === 'string' ? raw['table'] : '*';
      const schema = typeof raw['schema'] === 'string' ? raw['schema'] : 'public';
      const filter = parseFilter(raw['filter']);
      if (filter === 'invalid') problems.push(`Unsupported filter "${String(raw['filter'])}": use column=op.value with eq, neq, lt, lte, gt, gte or in`);
      else if (schema !== 'public' || (table !== '*' && (!readable.has(table) || !(await infoFor(table)))))
        problems.push(`Unable to subscribe to changes with given parameters. Please check Realtime is enabled for ${schema}.${table} and that the role may select from it`);
      bindings.push({ id: bindingId(raw), event: (typeof raw['event'] === 'string' ? raw['event'] : '*').toUpperCase(), schema, table, filter: filter === 'invalid' ? null : filter, raw });
    }
    const previous = client.channels.get(topic);
    if (previous) {
      untrack(client, topic);
      send(client, previous.joinRef, previous.joinRef, topic, 'phx_close', {});
    }
    const broadcast = (config['broadcast'] ?? {}) as Record<string, unknown>;
    const presenceConfig = (config['presence'] ?? {}) as Record<string, unknown>;
    const channel: Channel = {
      topic,
      joinRef,
      claims: checked.claims,
      private: isPrivate,
      token: typeof token === 'string' ? token : null,
      policies,
      authorizations: 0,
      bindings: problems.length > 0 ? [] : bindings,
      broadcastSelf: broadcast['self'] === true,
      broadcastAck: broadcast['ack'] === true,
      presenceKey: presenceConfig['enabled'] === true ? (typeof presenceConfig['key'] === 'string' && presenceConfig['key'] !== '' ? presenceConfig['key'] : crypto.randomUUID()) : null,
    };
    // Checked again: the checks above wait on the database, and joins sent meanwhile on this socket
    // passed the first check too.
    if (!client.channels.has(topic) && client.channels.size >= MAX_CHANNELS_PER_SOCKET)
      return reply(client, joinRef, ref, topic, 'error', { reason: `Too many channels on one connection (max ${MAX_CHANNELS_PER_SOCKET})` });
    // Subscribed before replying, so no change between the reply and the subscription is lost.
    client.channels.set(topic, channel);
    reply(client, joinRef, ref, topic, 'ok', { postgres_changes: bindings.map((binding) => ({ ...binding.raw, id: binding.id })) });
    if (requested.length > 0) {
      const name = topic.replace(/^realtime:/, '');
      if (problems.length > 0) send(client, joinRef, null, topic, 'system', { extension: 'postgres_changes', status: 'error', message: problems.join('; '), channel: name });
      else send(client, joinRef, null, topic, 'system', { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: name });
    }
    if (channel.presenceKey !== null && mayReceive(channel, 'presence')) send(client, joinRef, null, topic, 'presence_state', presenceStateOf(topic, isPrivate));
  }

  function presenceStateOf(topic: string, isPrivate: boolean) {
    const state: Record<string, { metas: Record<string, unknown>[] }> = {};
    for (const [key, entry] of presence.get(scopeOf(topic, isPrivate)) ?? []) state[key] = { metas: entry.metas };
    return state;
  }

  /** To every channel of the topic and scope that has presence on and may read it. */
  function presenceDiff(topic: string, isPrivate: boolean, joins: Record<string, unknown>, leaves: Record<string, unknown>) {
    for (const client of clients) {
      const channel = client.channels.get(topic);
      if (channel?.presenceKey != null && channel.private === isPrivate && mayReceive(channel, 'presence'))
        send(client, channel.joinRef, null, topic, 'presence_diff', { joins, leaves });
    }
  }

  function untrack(client: Client, topic: string) {
    const channel = client.channels.get(topic);
    if (!channel) return;
    const scope = scopeOf(topic, channel.private);
    const entries = presence.get(scope);
    const key = channel.presenceKey;
    if (!entries || !key) return;
    const entry = entries.get(key);
    if (!entry || entry.client !== client) return;
    entries.delete(key);
    if (entries.size === 0) presence.delete(scope);
    presenceDiff(topic, channel.private, {}, { [key]: { metas: entry.metas } });
  }

  /** To every channel of the sender's topic and scope that may read broadcasts (the sender's own only with `self`). */
  function broadcast(sender: Client, topic: string, message: { event: string; payload: unknown }, binary: Buffer | null) {
    const from = sender.channels.get(topic);
    if (!from) return;
    for (const client of clients) {
      const channel = client.channels.get(topic);
      if (!channel || channel.private !== from.private || !mayReceive(channel, 'broadcast') || (client === sender && !from.broadcastSelf)) continue;
      if (binary && client.vsn === '2.0.0') {
        if (client.socket.readyState === client.socket.OPEN) client.socket.send(binary);
      } else send(client, null, null, topic, 'broadcast', { type: 'broadcast', event: message.event, payload: message.payload });
    }
  }

  /** Kind 3 (client → server) to kind 4 (server → client); null when malformed. */
  function decodeBinaryBroadcast(data: Buffer): { joinRef: string; ref: string; topic: string; event: string; payload: unknown; outgoing: Buffer } | null {
    if (data.length < 7 || data[0] !== 3) return null;
    const lengths = [data[1], data[2], data[3], data[4], data[5]] as number[];
    const encoding = data[6];
    let offset = 7;
    const take = (n: number) => {
      const part = data.subarray(offset, offset + n);
      offset += n;
      return part.toString('utf8');
    };
    const [joinRef, ref, topic, event, meta] = lengths.map(take) as [string, string, string, string, string];
    if (offset > data.length) return null;
    const body = data.subarray(offset);
    let payload: unknown = body;
    if (encoding === 1) {
      try {
        payload = JSON.parse(body.toString('utf8')) as unknown;
      } catch {
        return null;
      }
    }
    const topicBytes = Buffer.from(topic);
    const eventBytes = Buffer.from(event);
    const metaBytes = Buffer.from(meta);
    const header = Buffer.from([4, topicBytes.length, eventBytes.length, metaBytes.length, encoding ?? 1]);
    return { joinRef, ref, topic, event, payload, outgoing: Buffer.concat([header, topicBytes, eventBytes, metaBytes, body]) };
  }

  async function onMessage(client: Client, data: RawData, isBinary: boolean) {
    client.lastSeen = Date.now();
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary) {
      const message = decodeBinaryBroadcast(buffer);
      const from = message ? client.channels.get(message.topic) : undefined;
      if (!message || !from) return log('realtime: ignored a malformed or unjoined binary frame');
      // Hosted drops a broadcast the policies do not allow, without an ack.
      if (!maySend(from, 'broadcast')) return log(`realtime: dropped a broadcast to private "${subTopicOf(message.topic)}": no write permission`);
      broadcast(client, message.topic, message, message.outgoing);
      if (client.channels.get(message.topic)?.broadcastAck) reply(client, message.joinRef, message.ref, message.topic, 'ok', {});
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(buffer.toString('utf8')) as unknown;
    } catch {
      return log('realtime: ignored a frame that is not JSON');
    }
    let joinRef: string | null, ref: string | null, topic: unknown, event: unknown, payload: unknown;
    if (Array.isArray(frame) && frame.length === 5) [joinRef, ref, topic, event, payload] = frame as [string | null, string | null, unknown, unknown, unknown];
    else if (typeof frame === 'object' && frame !== null) {
      const object = frame as Record<string, unknown>;
      [joinRef, ref, topic, event, payload] = [(object['join_ref'] as string | null) ?? null, (object['ref'] as string | null) ?? null, object['topic'], object['event'], object['payload']];
    } else return log('realtime: ignored a frame of unknown shape');
    if (typeof topic !== 'string' || typeof event !== 'string' || typeof payload !== 'object' || payload === null) return log('realtime: ignored a frame without topic, event or payload');
    const body = payload as Record<string, unknown>;
    if (topic === 'phoenix' && event === 'heartbeat') return reply(client, null, ref, topic, 'ok', {});
    if (event === 'phx_join') return join(client, joinRef, ref, topic, body);
    const channel = client.channels.get(topic);
    if (event === 'phx_leave') {
      untrack(client, topic);
      client.channels.delete(topic);
      reply(client, joinRef, ref, topic, 'ok', {});
      return send(client, joinRef, joinRef, topic, 'phx_close', {});
    }
    if (!channel) return reply(client, joinRef, ref, topic, 'error', { reason: 'unmatched topic' });
    if (event === 'access_token') {
      const token = body['access_token'];
      if (token === null || token === undefined || (typeof token === 'string' && token.startsWith('sb_'))) return;
      if (token === channel.token) return;
      const checked = await validToken(token);
      if ('reason' in checked) return expire(client, channel, checked.reason);
      channel.claims = checked.claims;
      channel.token = token as string;
      if (channel.private) return reauthorize(client, channel);
      return;
    }
    if (event === 'broadcast') {
      if (!maySend(channel, 'broadcast')) return log(`realtime: dropped a broadcast to private "${subTopicOf(topic)}": no write permission`);
      broadcast(client, topic, { event: typeof body['event'] === 'string' ? body['event'] : '', payload: body['payload'] }, null);
      if (channel.broadcastAck) reply(client, joinRef, ref, topic, 'ok', {});
      return;
    }
    if (event === 'presence') {
      const key = channel.presenceKey ?? crypto.randomUUID();
      channel.presenceKey = key;
      if (body['event'] === 'track') {
        if (!maySend(channel, 'presence')) {
          log(`realtime: refused a presence track on private "${subTopicOf(topic)}": no write permission`);
          return reply(client, joinRef, ref, topic, 'error', { reason: `Unauthorized: You do not have permissions to track presence on this Channel topic: ${subTopicOf(topic)}` });
        }
        const scope = scopeOf(topic, channel.private);
        const entries = presence.get(scope) ?? new Map<string, { client: Client; metas: Record<string, unknown>[] }>();
        presence.set(scope, entries);
        const previous = entries.get(key);
        presenceRef += 1;
        const metas = [{ ...(body['payload'] as Record<string, unknown>), phx_ref: `F${presenceRef}` }];
        entries.set(key, { client, metas });
        presenceDiff(topic, channel.private, { [key]: { metas } }, previous ? { [key]: { metas: previous.metas } } : {});
      } else if (body['event'] === 'untrack') untrack(client, topic);
      return reply(client, joinRef, ref, topic, 'ok', {});
    }
    return reply(client, joinRef, ref, topic, 'error', { reason: `unknown event "${event}"` });
  }

  /**
   * A private channel's token changed: its policies are checked again with the new claims. A read the
   * old token had and the new one has not ends the channel (hosted: "You no longer have permission…").
   */
  async function reauthorize(client: Client, channel: Channel) {
    channel.authorizations += 1;
    const attempt = channel.authorizations;
    const policies = await authorizeTopic(db, channel.claims, subTopicOf(channel.topic), log);
    // Left, rejoined or re-authorized again meanwhile: this answer is stale.
    if (client.channels.get(channel.topic) !== channel || attempt !== channel.authorizations) return;
    const before = channel.policies;
    channel.policies = policies;
    if (before && readWasRevoked(before, policies)) expire(client, channel, readRevoked(subTopicOf(channel.topic)));
  }

  /** Which of these public tables the role may SELECT from at all (a table that does not exist is not). */
  async function selectableTables(role: string, tables: readonly string[]): Promise<Set<string>> {
    if (tables.length === 0) return new Set();
    try {
      const { rows } = await db.query<{ name: string }>(
        `select c.relname as name from pg_class c
         where c.relnamespace = 'public'::regnamespace and c.relname = any($2::text[]) and has_table_privilege($1, c.oid, 'SELECT')`,
        [role, [...new Set(tables)]],
      );
      return new Set(rows.map((row) => row.name));
    } catch {
      return new Set();
    }
  }

  /** May this role SELECT from the table at all? Checked for every DELETE change. */
  async function canSelect(role: string, table: string): Promise<boolean> {
    try {
      const { rows } = await db.query<{ ok: boolean }>(`select has_table_privilege($1, format('public.%I', $2::text), 'SELECT') as ok`, [role, table]);
      return rows[0]?.ok === true;
    } catch {
      return false;
    }
  }

  /**
   * Would row-level security let this subscriber read the captured row? As the subscriber's role and
   * claims: no SELECT privilege, no; a table without RLS, or a role with BYPASSRLS, yes; otherwise the
   * table's SELECT (and ALL) policies that apply to the role (PUBLIC, the role, or a role whose
   * privileges it has, as PostgreSQL decides), permissive ones OR'ed and restrictive ones AND'ed,
   * evaluated against the record itself (as a row of the table's type, named like the table).
   */
  /**
   * What decides visibility for a role on a table, read once and kept until the schema changes (an
   * event trigger notifies on every DDL command): 'none' (no SELECT privilege, or RLS with no policy
   * for the role), 'all' (no RLS, or BYPASSRLS), or the policies' condition as SQL.
   */
  type Access = { readonly kind: 'none' | 'all' } | { readonly kind: 'condition'; readonly sql: string };
  const accessCache = new Map<string, Promise<Access>>();

  async function readAccess(role: string, table: string): Promise<Access> {
    const relation = (
      await db.query<{ can_select: boolean; rls: boolean; bypass: boolean }>(
        `select has_table_privilege($1, c.oid, 'SELECT') as can_select, c.relrowsecurity as rls, r.rolbypassrls as bypass
         from pg_class c, pg_roles r where c.oid = format('public.%I', $2::text)::regclass and r.rolname = $1`,
        [role, table],
      )
    ).rows[0];
    if (!relation?.can_select) return { kind: 'none' };
    if (!relation.rls || relation.bypass) return { kind: 'all' };
    const policies = (
      await db.query<{ permissive: boolean; qual: string }>(
        `select p.polpermissive as permissive, pg_get_expr(p.polqual, p.polrelid) as qual
         from pg_policy p
         where p.polrelid = format('public.%I', $2::text)::regclass and p.polcmd in ('r', '*') and p.polqual is not null
           and (0::oid = any (p.polroles) or exists (select 1 from unnest(p.polroles) g(role) where pg_has_role($1, g.role, 'USAGE')))`,
        [role, table],
      )
    ).rows;
    const permissive = policies.filter((policy) => policy.permissive).map((policy) => `(${policy.qual})`);
    if (permissive.length === 0) return { kind: 'none' }; // RLS with no policy for the role: nothing is visible
    const restrictive = policies.filter((policy) => !policy.permissive).map((policy) => `(${policy.qual})`);
    return { kind: 'condition', sql: [`(${permissive.join(' or ')})`, ...restrictive].join(' and ') };
  }

  function accessOf(role: string, table: string): Promise<Access> {
    const key = `${role}\u0000${table}`;
    let access = accessCache.get(key);
    if (!access) {
      access = readAccess(role, table);
      accessCache.set(key, access);
      access.catch(() => accessCache.delete(key));
    }
    return access;
  }

  /**
   * Which of these captured rows of one table this subscriber may see, in one transaction as the
   * subscriber: the policies evaluated on the rows themselves (not on what the table holds now).
   */
  async function visibleRows(claims: JWTPayload, table: string, records: readonly Record<string, unknown>[]): Promise<boolean[]> {
    return (await visibleRowsOfTables(claims, [{ table, records }]))[0] ?? records.map(() => false);
  }

  /**
   * The same for several tables at once (a push writes a contact and its activity together): one
   * transaction and one statement for all of them. Should that statement fail, each table is asked on
   * its own, so a policy that cannot be evaluated withholds only its own table's changes.
   */
  async function visibleRowsOfTables(claims: JWTPayload, groups: readonly { table: string; records: readonly Record<string, unknown>[] }[]): Promise<boolean[][]> {
    const role = roleOf(claims);
    let accesses: Access[];
    try {
      accesses = await Promise.all(groups.map((group) => accessOf(role, group.table)));
    } catch (error) {
      if (groups.length > 1) return Promise.all(groups.map((group) => visibleRows(claims, group.table, group.records)));
      log(`realtime: visibility check on ${groups[0]?.table ?? '?'} failed, changes withheld: ${String(error)}`);
      return groups.map((group) => group.records.map(() => false));
    }
    const answers = groups.map((group, i) => {
      const access = accesses[i];
      return access?.kind === 'condition' ? null : group.records.map(() => access?.kind === 'all');
    });
    const asked = groups.map((group, i) => ({ ...group, i, access: accesses[i] })).filter((group) => answers[group.i] === null);
    if (asked.length === 0) return answers as boolean[][];
    try {
      const parts = asked.map(({ table, access }, part) => {
        const name = `"${table.replace(/"/g, '""')}"`;
        const sql = access?.kind === 'condition' ? access.sql : 'false';
        return `select ${part}::int as part, ordinality::int as n, (${sql}) as ok from jsonb_populate_recordset(null::public.${name}, $1 -> ${part}) with ordinality as ${name}`;
      });
      const { rows } = await db.query<{ part: number; n: number; ok: boolean | null }>('select part, n, ok from realtime_local.visible($1, $2, $3, $4::jsonb)', [
        role,
        JSON.stringify(claims),
        parts.join('\nunion all\n'),
        JSON.stringify(asked.map(({ records }) => records)),
      ]);
      for (const { i, records } of asked) answers[i] = records.map(() => false);
      for (const row of rows) {
        const target = answers[asked[row.part]?.i ?? -1];
        if (target) target[row.n - 1] = row.ok === true;
      }
      return answers as boolean[][];
    } catch (error) {
      if (asked.length > 1) {
        const each = await Promise.all(asked.map(({ table, records }) => visibleRows(claims, table, records)));
        asked.forEach(({ i }, k) => (answers[i] = each[k] ?? null));
        return answers.map((answer, i) => answer ?? (groups[i]?.records.map(() => false) ?? []));
      }
      log(`realtime: visibility check on ${asked[0]?.table ?? '?'} failed, changes withheld: ${String(error)}`);
      return answers.map((answer, i) => answer ?? (groups[i]?.records.map(() => false) ?? []));
    }
  }

  /**
   * Subscribers whose claims differ only in their token's times and session see the same rows, so
   * they share one check per change (two devices of one member: one check, not two). The sign-in
   * methods (amr) count, the times each one was used do not: they are per session, like iat.
   */
  function identityOf(claims: JWTPayload): string {
    const perToken = new Set(['exp', 'iat', 'nbf', 'jti', 'session_id']);
    const methods = (amr: unknown) => (Array.isArray(amr) ? amr.map((entry: unknown) => (entry !== null && typeof entry === 'object' && 'method' in entry ? { method: entry.method } : entry)) : amr);
    return JSON.stringify(Object.entries(claims).filter(([claim]) => !perToken.has(claim)).map(([claim, value]) => [claim, claim === 'amr' ? methods(value) : value]));
  }

  /*
   * Changes are delivered in batches: every change id notified since the last batch is taken from
   * the queue in one statement, each subscriber identity's visibility is decided for all the rows of
   * a table in one query, and the events go out in commit order.
   */
  async function deliverBatch(notes: readonly string[]) {
    // A notification is the change itself, or the id of a change too big to travel in one.
    const inline: Change[] = [];
    const queued: string[] = [];
    for (const note of notes) {
      if (!note.startsWith('{')) {
        queued.push(note);
        continue;
      }
      try {
        inline.push(JSON.parse(note) as Change);
      } catch {
        log('realtime: ignored a change notification that is not JSON');
      }
    }
    const { rows } = queued.length === 0 ? { rows: [] as Change[] } : await db.query<Change>('delete from realtime_local.changes where id = any($1::bigint[]) returning *', [queued]);
    const changes = [...inline, ...rows].sort((a, b) => Number(a.id) - Number(b.id));
    type Delivery = { client: Client; channel: Channel; ids: number[]; change: Change; info: TableInfo; record: Record<string, unknown> | null; oldRecord: Record<string, unknown> | null; check: string };
    const deliveries: Delivery[] = [];
    // One entry per identity and table: the rows to check, and where each one's answer goes.
    type Check = { claims: JWTPayload; table: string; records: Record<string, unknown>[]; index: Map<string, number>; answers?: boolean[] };
    const checks = new Map<string, Check>();
    const deleteChecks = new Map<string, Promise<boolean>>();
    for (const change of changes) {
      const info = await infoFor(change.table_name);
      if (!info) continue;
      const primary = (row: Record<string, unknown> | null) => (row ? Object.fromEntries(info.primaryKey.map((column) => [column, row[column]])) : null);
      const record = change.record;
      const oldRecord = change.type === 'INSERT' ? null : primary(change.old_record);
      for (const client of clients) {
        for (const channel of client.channels.values()) {
          const matching = channel.bindings.filter(
            (binding) =>
              (binding.table === '*' || binding.table === change.table_name) &&
              (binding.event === '*' || binding.event === change.type) &&
              filterMatches(binding.filter, change.type === 'DELETE' ? oldRecord : record),
          );
          if (matching.length === 0) continue;
          // Subscribers with the same identity share one check per change.
          const key = `${identityOf(channel.claims)}\u0000${change.table_name}`;
          if (change.type === 'DELETE') {
            if (!deleteChecks.has(key)) deleteChecks.set(key, canSelect(roleOf(channel.claims), change.table_name));
          } else if (record) {
            const group = checks.get(key) ?? { claims: channel.claims, table: change.table_name, records: [], index: new Map<string, number>() };
            checks.set(key, group);
            if (!group.index.has(String(change.id))) group.index.set(String(change.id), group.records.push(record) - 1);
          } else continue;
          deliveries.push({ client, channel, ids: matching.map((binding) => binding.id), change, info, record, oldRecord, check: key });
        }
      }
    }
    // Each identity's rows of every table are checked together.
    const byIdentity = new Map<string, Check[]>();
    for (const [key, group] of checks) {
      const identity = key.slice(0, key.lastIndexOf('\u0000'));
      (byIdentity.get(identity) ?? byIdentity.set(identity, []).get(identity)!).push(group);
    }
    for (const groups of byIdentity.values()) {
      const answers = await visibleRowsOfTables(groups[0]!.claims, groups);
      groups.forEach((group, i) => (group.answers = answers[i] ?? group.records.map(() => false)));
    }
    for (const delivery of deliveries) {
      const { change, check } = delivery;
      const group = checks.get(check);
      const allowed = change.type === 'DELETE' ? await (deleteChecks.get(check) ?? Promise.resolve(false)) : (group?.answers?.[group.index.get(String(change.id)) ?? -1] ?? false);
      if (!allowed) continue;
      const data: Record<string, unknown> = {
        schema: 'public',
        table: change.table_name,
        commit_timestamp: new Date(change.committed_at).toISOString(),
        type: change.type,
        columns: delivery.info.columns,
        errors: null,
      };
      if (change.type !== 'DELETE') data['record'] = delivery.record;
      if (change.type !== 'INSERT') data['old_record'] = delivery.oldRecord;
      send(delivery.client, null, null, delivery.channel.topic, 'postgres_changes', { ids: delivery.ids, data });
    }
  }

  const notified: string[] = [];
  let draining = false;
  const drain = async () => {
    while (notified.length > 0) await deliverBatch(notified.splice(0, 1000));
    draining = false;
  };
  const kick = () => {
    if (draining) return;
    draining = true;
    queue = queue.then(drain).catch((error: unknown) => {
      // That batch is lost (realtime has no replay; clients catch up by pulling); the next one goes on.
      draining = false;
      log(`realtime: delivery failed: ${String(error)}`);
      if (notified.length > 0) kick();
    });
  };
  const unlisten = db.listen('realtime_local_changes', (payload) => {
    notified.push(payload);
    kick();
  });
  // Grants, policies and tables may change while the stack runs: what was read of them is read again.
  const unlistenSchema = db.listen('realtime_local_schema', () => {
    accessCache.clear();
    tableInfo.clear();
  });

  /** Ends a channel whose token is no longer valid: a system error, then phx_close (as Realtime does). */
  function expire(client: Client, channel: Channel, reason: string) {
    send(client, channel.joinRef, null, channel.topic, 'system', { extension: 'system', status: 'error', message: reason });
    untrack(client, channel.topic);
    client.channels.delete(channel.topic);
    send(client, channel.joinRef, channel.joinRef, channel.topic, 'phx_close', {});
  }

  // Silent sockets are closed; channels whose token expired stop receiving changes.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const client of clients) {
      if (client.lastSeen < now - heartbeatTimeoutMs) {
        client.socket.terminate();
        continue;
      }
      for (const channel of [...client.channels.values()]) {
        const exp = channel.claims.exp;
        if (typeof exp === 'number' && exp * 1000 <= now) expire(client, channel, `InvalidJWTToken: Token has expired ${Math.round(now / 1000 - exp)} seconds ago`);
      }
    }
  }, Math.min(heartbeatTimeoutMs, 5000));

  wss.on('connection', (socket: WebSocket, client: Client) => {
    clients.add(client);
    socket.on('message', (data, isBinary) => {
      onMessage(client, data, isBinary).catch((error: unknown) => log(`realtime: message failed: ${String(error)}`));
    });
    socket.on('close', () => {
      for (const topic of client.channels.keys()) untrack(client, topic);
      clients.delete(client);
    });
    socket.on('error', () => socket.terminate());
  });

  return {
    /** Accepts a websocket with a valid API key (x-api-key header or ?apikey=); query is the parsed URL's. */
    async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams) {
      const apikey = (req.headers['x-api-key'] as string | undefined) ?? query.get('apikey');
      const checked = await validToken(apikey);
      if ('reason' in checked) {
        socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ error: checked.reason })}`);
        return;
      }
      const vsn = query.get('vsn') === '1.0.0' ? '1.0.0' : '2.0.0';
      wss.handleUpgrade(req, socket, head, (ws) => {
        wss.emit('connection', ws, { socket: ws, vsn, apiClaims: checked.claims, channels: new Map(), lastSeen: Date.now() } satisfies Client);
      });
    },
    /** Ends every channel joined with a token of this user (called when the user is deleted). */
    endUser(userId: string) {
      for (const client of clients)
        for (const channel of [...client.channels.values()]) if (channel.claims.sub === userId) expire(client, channel, 'InvalidJWTToken: the user no longer exists');
    },
    clientCount: () => clients.size,
    async close() {
      clearInterval(sweep);
      await (await unlisten)();
      await (await unlistenSchema)();
      for (const client of clients) client.socket.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await queue;
    },
  };
}
