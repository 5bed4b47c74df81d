import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWTPayload } from 'jose';
import { sqlLiteral, type Database, type SqlValue, type Tx } from './database';
import { bearer, HttpError, readJson, send, sendJsonText } from './http';
import type { Keys } from './keys';

/*
 * The part of PostgREST that supabase-js uses here: table reads with filters, ordering, paging and
 * counts; inserts, upserts, updates and deletes; RPC; `.single()`. Every request runs in one
 * transaction as the JWT's role, with request.jwt.claims and the role's statement_timeout set
 * transaction-locally, so row-level security is Postgres's own. Syntax this subset does not support is
 * answered with a PostgREST-shaped 400 that names it, never with wrong data.
 */

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPS: Readonly<Record<string, string>> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'like', ilike: 'ilike' };
const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'on_conflict', 'columns']);

const pgrst = (status: number, code: string, message: string, details: string | null = null, hint: string | null = null) =>
  new HttpError(status, { code, message, details, hint });
const unsupported = (what: string) => pgrst(400, 'PGRST100', `Unsupported by the local stack: ${what}`, null, 'Supported: eq, neq, gt, gte, lt, lte, like, ilike, is, in, not.<op>, or=(...), and=(...)');

/**
 * A column (or table, argument) name as SQL. Plain names are letters, digits and underscores; a name
 * in double quotes, as PostgREST accepts them ("_modified"), may hold anything but NUL (which no
 * PostgreSQL name can hold) and stays one name.
 */
const ident = (name: string, what = 'column') => {
  const quoted = name.length >= 2 && name.startsWith('"') && name.endsWith('"');
  const bare = quoted ? name.slice(1, -1).replace(/\\"/g, '"') : name;
  if (quoted ? bare === '' || bare.includes('\0') : !IDENT.test(bare)) throw pgrst(400, 'PGRST100', `"${name}" is not a valid ${what} name`);
  return `"${bare.replace(/"/g, '""')}"`;
};

/** Splits `column.op.value` (the column may be double-quoted and contain dots) into column and `op.value`. */
function splitColumn(part: string): [string, string] | null {
  if (part.startsWith('"')) {
    const close = /^"(?:[^"\\]|\\.)*"/.exec(part)?.[0].length ?? -1;
    return close > 2 && part[close] === '.' ? [part.slice(0, close), part.slice(close + 1)] : null;
  }
  const dot = part.indexOf('.');
  return dot < 1 ? null : [part.slice(0, dot), part.slice(dot + 1)];
}

/** Splits on commas that are not inside parentheses or double quotes. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '(') depth += 1;
    if (!quoted && ch === ')') depth -= 1;
    if (!quoted && depth === 0 && ch === ',') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.filter((part) => part !== '');
}

const unquote = (value: string) => (value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\"/g, '"') : value);

/** A percent-decoded path segment; a malformed encoding is the client's error, not the stack's. */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw pgrst(400, 'PGRST100', `"${part}" is not a valid percent-encoded name`);
  }
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** One filter, "column=op.value" or a logic tree "or=(a.eq.1,and(b.gt.2,c.is.null))". */
function filterSql(column: string, expression: string, params: Params): string {
  if (column === 'or' || column === 'and' || column === 'not.or' || column === 'not.and') {
    const negate = column.startsWith('not.');
    const joiner = column.endsWith('or') ? ' or ' : ' and ';
    if (!expression.startsWith('(') || !expression.endsWith(')')) throw pgrst(400, 'PGRST100', `"${column}" needs a parenthesised list`);
    const inner = splitTop(expression.slice(1, -1)).map((part) => {
      const nested = /^(not\.)?(or|and)(\(.*\))$/.exec(part);
      if (nested) return filterSql(`${nested[1] ?? ''}${nested[2]}`, nested[3] ?? '', params);
      const split = splitColumn(part);
      if (!split) throw pgrst(400, 'PGRST100', `"${part}" is not a filter`);
      return filterSql(split[0], split[1], params);
    });
    return `${negate ? 'not ' : ''}(${inner.join(joiner)})`;
  }
  const col = ident(column);
  let rest = expression;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  const op = dot === -1 ? rest : rest.slice(0, dot);
  const value = dot === -1 ? '' : rest.slice(dot + 1);
  let sql: string;
  if (op in OPS) {
    const operand = op === 'like' || op === 'ilike' ? unquote(value).replace(/\*/g, '%') : unquote(value);
    sql = `${col} ${OPS[op]} ${params.add(operand)}`;
  } else if (op === 'is') {
    const literal = value.toLowerCase();
    if (!['null', 'true', 'false', 'unknown'].includes(literal)) throw pgrst(400, 'PGRST100', `"is" takes null, true, false or unknown, not "${value}"`);
    sql = `${col} is ${literal}`;
  } else if (op === 'in') {
    if (!value.startsWith('(') || !value.endsWith(')')) throw pgrst(400, 'PGRST100', `"in" needs a parenthesised list`);
    const items = splitTop(value.slice(1, -1)).map(unquote);
    sql = items.length === 0 ? 'false' : `${col}::text = any(${params.add(items)}::text[])`;
  } else {
    throw unsupported(`the "${op}" operator`);
  }
  return negate ? `not (${sql})` : sql;
}

function whereSql(query: URLSearchParams, params: Params): string {
  const clauses: string[] = [];
  for (const [key, value] of query) {
    if (RESERVED.has(key)) continue;
    clauses.push(filterSql(key, value, params));
  }
  return clauses.length === 0 ? '' : ` where ${clauses.join(' and ')}`;
}

function selectList(select: string | null): string {
  if (select === null || select.trim() === '' || select.trim() === '*') return '*';
  return splitTop(select)
    .map((item) => {
      const trimmed = item.trim();
      if (trimmed.includes('(')) throw unsupported(`embedded resources ("${trimmed}")`);
      if (trimmed.includes(':') || trimmed.includes('->')) throw unsupported(`aliases, casts and JSON paths in select ("${trimmed}")`);
      return trimmed === '*' ? '*' : ident(trimmed);
    })
    .join(', ');
}

function orderSql(order: string | null): string {
  if (!order) return '';
  const terms = splitTop(order).map((term) => {
    const [column = '', ...modifiers] = term.split('.');
    let sql = ident(column);
    for (const modifier of modifiers) {
      if (modifier === 'asc' || modifier === 'desc') sql += ` ${modifier}`;
      else if (modifier === 'nullsfirst') sql += ' nulls first';
      else if (modifier === 'nullslast') sql += ' nulls last';
      else throw unsupported(`order modifier "${modifier}"`);
    }
    return sql;
  });
  return ` order by ${terms.join(', ')}`;
}

function intParam(query: URLSearchParams, name: string): number | null {
  const raw = query.get(name);
  if (raw === null) return null;
  if (!/^\d+$/.test(raw)) throw pgrst(400, 'PGRST100', `"${name}" must be a non-negative integer`);
  return Number(raw);
}

function parsePrefer(req: IncomingMessage): Map<string, string> {
  const header = req.headers.prefer;
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return new Map(
    text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [key = '', value = ''] = part.split('=');
        return [key.trim(), value.trim()] as const;
      }),
  );
}

type PgError = { code?: string; message?: string; detail?: string; hint?: string };

function toHttpError(error: unknown, role: string): HttpError {
  if (error instanceof HttpError) return error;
  const pg = error as PgError;
  const code = pg.code ?? 'XX000';
  const status =
    code === '23505' || code === '23503'
      ? 409
      : code === '42501'
        ? role === 'anon'
          ? 401
          : 403
        : code === '42P01'
          ? 404
          : code === '42883'
            ? 404
            : code === '25006'
              ? 405
              : code === '57014'
                ? 500
                : 400;
  return new HttpError(status, { code, message: pg.message ?? String(error), details: pg.detail ?? null, hint: pg.hint ?? null });
}

function groupByKeys(rows: Record<string, unknown>[]): { keys: string[]; rows: Record<string, unknown>[] }[] {
  const groups = new Map<string, { keys: string[]; rows: Record<string, unknown>[] }>();
  for (const row of rows) {
    const keys = Object.keys(row).sort();
    const id = keys.join(',');
    if (!groups.has(id)) groups.set(id, { keys, rows: [] });
    groups.get(id)?.rows.push(row);
  }
  return [...groups.values()];
}

/**
 * Holds a response until the request's transaction has committed. A client must never hear "applied"
 * for a change whose COMMIT then failed: it would drop the change from its outbox, and the change
 * would be lost.
 */
function bufferedResponse() {
  let captured: { status: number; headers: Record<string, string>; body: string } | null = null;
  const fake = {
    writeHead(status: number, headers: Record<string, string>) {
      captured = { status, headers, body: '' };
      return fake;
    },
    end(body?: string) {
      if (captured) captured.body = body ?? '';
    },
  };
  return {
    response: fake as unknown as ServerResponse,
    flush(res: ServerResponse) {
      if (!captured) return;
      res.writeHead(captured.status, captured.headers);
      res.end(captured.body);
    },
  };
}

export function createRest(db: Database, keys: Keys) {
  async function roleOf(req: IncomingMessage): Promise<{ role: string; claims: JWTPayload }> {
    const token = bearer(req) ?? (typeof req.headers.apikey === 'string' ? req.headers.apikey : null);
    if (!token) return { role: 'anon', claims: { role: 'anon' } };
    const claims = await keys.verify(token);
    if (!claims) throw new HttpError(401, { code: 'PGRST301', message: 'JWT could not be verified or has expired', details: null, hint: null }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    const role = typeof claims['role'] === 'string' ? claims['role'] : 'anon';
    if (!['anon', 'authenticated', 'service_role'].includes(role)) throw new HttpError(401, { code: 'PGRST302', message: `Unknown role "${role}"`, details: null, hint: null });
    return { role, claims };
  }

  /**
   * The request roles' statement_timeout from their role settings (a database-specific setting before
   * a role-wide one, as PostgreSQL does), read once, at start. PostgREST applies these when it switches
   * to the request's role; SET ROLE alone does not, so requestSettings() sets them per transaction.
   * Should the read at start fail, the next request reads them again (before its transaction: PGlite
   * would deadlock on a query outside it from inside one).
   */
  const readTimeouts = (target: Pick<Tx, 'query'>) =>
    target
      .query<{ role: string; value: string }>(
        `select distinct on (r.rolname) r.rolname as role, substr(c.setting, length('statement_timeout=') + 1) as value
         from pg_db_role_setting s join pg_roles r on r.oid = s.setrole, unnest(s.setconfig) c(setting)
         where s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
           and r.rolname in ('anon', 'authenticated', 'service_role') and c.setting like 'statement_timeout=%'
         order by r.rolname, s.setdatabase desc`,
      )
      .then(({ rows }) => new Map(rows.map((row) => [row.role, row.value])));
  let timeouts: Promise<Map<string, string> | null> = readTimeouts(db).catch(() => null);
  const roleTimeouts = async () => {
    const known = await timeouts;
    if (known) return known;
    const read = readTimeouts(db);
    timeouts = read.catch(() => null);
    return read;
  };

  /**
   * What a request's transaction sets first, as PostgREST does: the role, the claims, the method and
   * path, the role's statement_timeout, and read-only for reads. Literals, not parameters, so that it
   * travels with BEGIN (one round trip on a server).
   */
  async function requestSettings(req: IncomingMessage, role: string, claims: JWTPayload, path: string, readOnly: boolean): Promise<string> {
    const timeout = (await roleTimeouts()).get(role) ?? null;
    const settings: [string, string][] = [
      ['search_path', 'public, extensions'],
      ['role', role],
      ['request.jwt.claims', JSON.stringify({ ...claims, role })],
      ['request.method', req.method ?? 'GET'],
      ['request.path', path],
      ...(timeout === null ? [] : [['statement_timeout', timeout] as [string, string]]),
    ];
    return `${readOnly ? 'set transaction read only; ' : ''}select ${settings.map(([name, value]) => `set_config(${sqlLiteral(name)}, ${sqlLiteral(value)}, true)`).join(', ')}`;
  }

  /*
   * A schema cache, as PostgREST keeps one: which tables and functions exist is read once, and read
   * again after any DDL command (supabase/local/realtime.sql's event trigger notifies on each).
   */
  const knownTables = new Set<string>();
  type Proc = { volatility: string; retset: boolean; rettype: string; args: string[] };
  const knownProcs = new Map<string, Proc>();
  const unlistenSchema = db.listen('realtime_local_schema', () => {
    knownTables.clear();
    knownProcs.clear();
  });

  async function assertTable(tx: Tx, table: string) {
    if (knownTables.has(table)) return;
    const { rows } = await tx.query(`select 1 from pg_class where relnamespace = 'public'::regnamespace and relname = $1 and relkind in ('r', 'v', 'm', 'p')`, [table]);
    if (rows.length === 0) throw pgrst(404, 'PGRST205', `Could not find the table 'public.${table}' in the schema cache`);
    knownTables.add(table);
  }

  async function procOf(tx: Tx, fn: string): Promise<Proc | undefined> {
    const known = knownProcs.get(fn);
    if (known) return known;
    const { rows } = await tx.query<Proc>(
      `select provolatile as volatility, proretset as retset, format_type(prorettype, null) as rettype, coalesce(proargnames, '{}') as args
       from pg_proc where pronamespace = 'public'::regnamespace and proname = $1`,
      [fn],
    );
    if (rows[0]) knownProcs.set(fn, rows[0]);
    return rows[0];
  }

  function respondRows(req: IncomingMessage, res: ServerResponse, status: number, rows: unknown[], headers: Record<string, string> = {}) {
    const accept = req.headers.accept ?? '';
    if (accept.includes('application/vnd.pgrst.object+json')) {
      if (rows.length !== 1)
        throw pgrst(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${rows.length} rows`);
      return send(res, status === 201 ? 201 : 200, rows[0], headers);
    }
    return send(res, status, rows, headers);
  }

  async function table(req: IncomingMessage, res: ServerResponse, name: string, query: URLSearchParams, role: string, claims: JWTPayload) {
    const method = req.method ?? 'GET';
    const prefer = parsePrefer(req);
    const tableSql = `public.${ident(name, 'table')}`;
    const params = new Params();
    const returning = prefer.get('return') === 'representation';
    const select = selectList(query.get('select'));
    const body = method === 'POST' || method === 'PATCH' ? await readJson(req) : undefined;

    const prelude = await requestSettings(req, role, claims, `/rest/v1/${name}`, method === 'GET' || method === 'HEAD');
    if (method === 'POST') return insert(req, res, name, query, body, { prelude, prefer, select, tableSql, returning });
    await db.transaction(async (tx) => {
      await assertTable(tx, name);
      if (method === 'GET' || method === 'HEAD') {
        const where = whereSql(query, params);
        const limit = intParam(query, 'limit');
        const offset = intParam(query, 'offset') ?? 0;
        const sql = `select coalesce(jsonb_agg(to_jsonb(r)), '[]') as rows from (select ${select} from ${tableSql}${where}${orderSql(query.get('order'))}${limit !== null ? ` limit ${limit}` : ''}${offset ? ` offset ${offset}` : ''}) r`;
        const rows = (await tx.query<{ rows: unknown[] }>(sql, params.values)).rows[0]?.rows ?? [];
        let range = rows.length === 0 ? '*' : `${offset}-${offset + rows.length - 1}`;
        let status = 200;
        if (prefer.has('count')) {
          const total = (await tx.query<{ n: number }>(`select count(*)::int as n from ${tableSql}${where}`, params.values)).rows[0]?.n ?? 0;
          range = `${range}/${total}`;
          if (rows.length < total && (limit !== null || offset > 0)) status = 206;
        } else range = `${range}/*`;
        if (method === 'HEAD') return send(res, status, undefined, { 'Content-Range': range });
        return respondRows(req, res, status, rows, { 'Content-Range': range });
      }
      if (method === 'PATCH' || method === 'DELETE') {
        if (method === 'PATCH' && (typeof body !== 'object' || body === null || Array.isArray(body))) throw pgrst(400, 'PGRST102', 'PATCH needs a JSON object body');
        const where = whereSql(query, params);
        let sql: string;
        if (method === 'PATCH') {
          const keys = Object.keys(body as object);
          if (keys.length === 0) return send(res, 204, undefined);
          const cols = keys.map((key) => ident(key));
          const source = params.add(JSON.stringify(body));
          sql = `with written as (update ${tableSql} set (${cols.join(', ')}) = (select ${cols.map((c) => `p.${c}`).join(', ')} from jsonb_populate_record(null::${tableSql}, ${source}::jsonb) p)${where} returning *)`;
        } else {
          sql = `with written as (delete from ${tableSql}${where} returning *)`;
        }
        const written = (await tx.query<{ rows: unknown[] }>(`${sql} select coalesce(jsonb_agg(to_jsonb(r)), '[]') as rows from (select ${select} from written) r`, params.values)).rows[0]?.rows ?? [];
        if (!returning) return send(res, 204, undefined);
        return respondRows(req, res, 200, written);
      }
      throw pgrst(405, 'PGRST117', `Unsupported HTTP method ${method}`);
    }, { prelude });
  }

  /**
   * POST /rest/v1/<table>: inserts the body's row or rows, as one statement (one round trip on a
   * server) unless Prefer: missing=default splits them into groups by their keys.
   */
  async function insert(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    query: URLSearchParams,
    body: unknown,
    options: { prelude: string; prefer: Map<string, string>; select: string; tableSql: string; returning: boolean },
  ) {
    const { prelude, prefer, select, tableSql, returning } = options;
    // Read before the transaction, as procOf is (PGlite would deadlock on a query outside it from inside one).
    await assertTable(db, name);
    const rows = Array.isArray(body) ? body : body === undefined ? [] : [body];
    if (rows.some((row) => typeof row !== 'object' || row === null || Array.isArray(row))) throw pgrst(400, 'PGRST102', 'All object keys must match');
    const columnsParam = query.get('columns');
    const keys = columnsParam ? splitTop(columnsParam).map(unquote) : [...new Set(rows.flatMap((row) => Object.keys(row as object)))];
    if (rows.length === 0) return send(res, 201, returning ? [] : undefined);
    const conflict = query.get('on_conflict');
    const resolution = prefer.get('resolution');
    const target = conflict ? splitTop(conflict).map((c) => ident(c)).join(', ') : null;
    let onConflict = '';
    if (resolution === 'merge-duplicates' || resolution === 'ignore-duplicates') {
      const conflictTarget = target ?? (await primaryKey(db, name));
      const updates = keys.filter((key) => !conflictTarget.includes(`"${key}"`)).map((key) => `${ident(key)} = excluded.${ident(key)}`);
      onConflict = resolution === 'ignore-duplicates' || updates.length === 0 ? ` on conflict (${conflictTarget}) do nothing` : ` on conflict (${conflictTarget}) do update set ${updates.join(', ')}`;
    }
    // Missing keys become NULL, as in PostgREST; with Prefer: missing=default each group of rows
    // with the same keys is inserted on its own, so absent columns take their defaults.
    const groups = prefer.get('missing') === 'default' ? groupByKeys(rows as Record<string, unknown>[]) : [{ keys, rows }];
    const insertSql = (group: (typeof groups)[number], value: (v: SqlValue) => string) => {
      const columns = group.keys.map((key) => ident(key)).join(', ');
      // Rows with no keys (`{}`) take every column's default, as PostgREST inserts them.
      const source =
        group.keys.length === 0
          ? `select from jsonb_array_elements(${value(JSON.stringify(group.rows))}::jsonb)`
          : `(${columns}) select ${columns} from jsonb_populate_recordset(null::${tableSql}, ${value(JSON.stringify(group.rows))}::jsonb)`;
      const insert = `insert into ${tableSql} as t ${source}${onConflict}`;
      // As PostgREST: RETURNING only when the rows go back. RETURNING needs the new rows to pass the
      // SELECT policies, and an insert-only table (a lead form's) has an INSERT policy alone.
      if (!returning) return insert;
      return `with written as (${insert} returning *)
              select coalesce(jsonb_agg(to_jsonb(r)), '[]') as rows from (select ${select} from written) r`;
    };
    const [only] = groups;
    const written: unknown[] =
      groups.length === 1 && only
        ? ((await db.statement<{ rows: unknown[] }>(prelude, (value) => insertSql(only, value))).rows[0]?.rows ?? [])
        : await db.transaction(async (tx) => {
            const all: unknown[] = [];
            for (const group of groups) {
              const params = new Params();
              all.push(...((await tx.query<{ rows: unknown[] }>(insertSql(group, (value) => params.add(value)), params.values)).rows[0]?.rows ?? []));
            }
            return all;
          }, { prelude });
    if (!returning) return send(res, 201, undefined);
    return respondRows(req, res, 201, written);
  }

  async function primaryKey(tx: Pick<Tx, 'query'>, table: string): Promise<string> {
    const { rows } = await tx.query<{ name: string }>(
      `select a.attname as name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
       where i.indrelid = format('public.%I', $1::text)::regclass and i.indisprimary`,
      [table],
    );
    return rows.map((row) => `"${row.name}"`).join(', ');
  }

  async function rpc(req: IncomingMessage, res: ServerResponse, fn: string, query: URLSearchParams, role: string, claims: JWTPayload) {
    const method = req.method ?? 'POST';
    // As PostgREST: POST, and GET or HEAD for a function that changes nothing.
    if (method !== 'POST' && method !== 'GET' && method !== 'HEAD') throw pgrst(405, 'PGRST117', `Unsupported HTTP method ${method}`);
    const fnSql = `public.${ident(fn, 'function')}`;
    const body = method === 'POST' ? await readJson(req) : undefined;
    const args: Record<string, unknown> = method === 'POST' ? ((body ?? {}) as Record<string, unknown>) : Object.fromEntries(query);
    if (typeof args !== 'object' || args === null || Array.isArray(args)) throw pgrst(400, 'PGRST102', 'RPC arguments must be a JSON object');
    const proc = await procOf(db, fn);
    if (!proc) throw pgrst(404, 'PGRST202', `Could not find the function public.${fn} in the schema cache`);
    const unknownArg = Object.keys(args).find((name) => !proc.args.includes(name));
    if (unknownArg) throw pgrst(404, 'PGRST202', `Could not find the function public.${fn}(${Object.keys(args).join(', ')}) in the schema cache`);
    const readOnly = method !== 'POST' || proc.volatility !== 'v';
    if (method !== 'POST' && proc.volatility === 'v') throw pgrst(405, 'PGRST101', `A volatile function cannot be called with ${method}`);
    const prelude = await requestSettings(req, role, claims, `/rest/v1/rpc/${fn}`, readOnly);
    // As PostgREST does, a JSON result goes out as the database wrote it.
    const asText = !proc.retset && (proc.rettype === 'json' || proc.rettype === 'jsonb');
    const { rows } = await db.statement<{ r: unknown }>(prelude, (value) => {
      const named = Object.entries(args).map(([name, arg]) => `${ident(name, 'argument')} => ${value(typeof arg === 'object' && arg !== null ? JSON.stringify(arg) : (arg as SqlValue))}`);
      const call = `${fnSql}(${named.join(', ')})`;
      if (proc.rettype === 'void') return `select ${call}`;
      if (asText) return `select (${call})::text as r`;
      return proc.retset ? `select coalesce(jsonb_agg(to_jsonb(r)), '[]') as r from ${call} r` : `select to_jsonb(${call}) as r`;
    });
    if (proc.rettype === 'void') return send(res, 204, undefined);
    if (asText) return sendJsonText(res, 200, (rows[0]?.r as string | null | undefined) ?? 'null');
    return send(res, 200, rows[0]?.r ?? null);
  }

  return {
    /** Stops listening for schema changes. */
    async close() {
      await (await unlistenSchema)();
    },
    async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
      const { role, claims } = await roleOf(req);
      const out = bufferedResponse();
      try {
        const rpcMatch = /^\/rpc\/([^/]+)$/.exec(path);
        const tableMatch = /^\/([^/]+)$/.exec(path);
        if (rpcMatch) await rpc(req, out.response, decodePathPart(rpcMatch[1] ?? ''), query, role, claims);
        else if (tableMatch) await table(req, out.response, decodePathPart(tableMatch[1] ?? ''), query, role, claims);
        else throw pgrst(404, 'PGRST125', `Invalid path ${path}`);
        out.flush(res);
      } catch (error) {
        throw toHttpError(error, role);
      }
    },
  };
}
