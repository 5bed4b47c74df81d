import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuth } from './auth';
import { openDatabase, type Database } from './database';
import { createFunctions, type Functions } from './functions';
import { CORS_HEADERS, HttpError, send } from './http';
import { createKeys, DEFAULT_JWT_SECRET } from './keys';
import { createRealtime } from './realtime';
import { createRest } from './rest';
import { createScheduler, writeStackSecrets, type Cron, type Net } from './scheduler';

export type LocalStackOptions = {
  /** 54321 like the Supabase CLI; 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Persist the database here; in memory when absent. */
  readonly dataDir?: string;
  /** A PostgreSQL server to use instead of PGlite (postgres://…). */
  readonly databaseUrl?: string;
  readonly jwtSecret?: string;
  /** Access-token lifetime (Supabase's auth.jwt_expiry); 3600 s by default. */
  readonly accessTokenSeconds?: number;
  readonly seed?: boolean;
  /** Delete dataDir first (it must be a local database directory) and start from scratch. */
  readonly reset?: boolean;
  /** Where config, migrations/, seed.sql and local/ live (this repository's supabase/ by default). */
  readonly supabaseDir?: string;
  /** Close sockets silent for this long (the client beats every 25 s). */
  readonly heartbeatTimeoutMs?: number;
  readonly log?: (line: string) => void;
  /** Edge Functions, run in Deno (see functions.ts). */
  readonly functions?: {
    /** Where `<name>/index.ts` live; `<supabaseDir>/functions` by default. */
    readonly dir?: string;
    /** The config.toml with `[functions.<name>] verify_jwt`; `<supabaseDir>/config.toml` by default. */
    readonly configToml?: string;
    /** More environment for every function (SUPABASE_URL and the keys always come from the stack). */
    readonly env?: Readonly<Record<string, string>>;
    /** Start every function with the stack instead of on its first request. */
    readonly warm?: boolean;
  };
  /** Supabase Cron and pg_net (scheduler.ts). */
  readonly scheduler?: {
    /**
     * Run cron jobs every minute and queued HTTP requests every second by themselves. On by default,
     * off under Vitest, where a test calls stack.cron.runDue(at) and stack.net.drain() itself.
     */
    readonly timers?: boolean;
  };
};

/** The Edge Functions' URLs, one a line, for the startup banner of `npm run stack` and `npm run dev`. */
export function functionUrls(stack: LocalStack, indent = ''): string {
  const names = stack.functions.names();
  if (names.length === 0) return `${indent}(none in supabase/functions)`;
  return names
    .map((name) => `${indent}${stack.url}/functions/v1/${name}${stack.functions.verifyJwt(name) ? '' : '   (public: verify_jwt = false)'}`)
    .join('\n');
}

export type LocalStack = {
  readonly url: string;
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  readonly db: Database;
  /** The email OTP last sent to an address (development only). */
  readonly lastOtp: (email: string) => string | null;
  /** The Edge Functions: their names, the running Deno processes. */
  readonly functions: Pick<Functions, 'names' | 'running' | 'verifyJwt' | 'warm'>;
  /** Supabase Cron: runDue(at) runs the jobs due at that minute now (then drains net). */
  readonly cron: Cron;
  /** pg_net: drain() performs the queued requests and resolves once the queue is empty. */
  readonly net: Net;
  readonly close: () => Promise<void>;
};

/** One Node process speaking the Supabase protocols supabase-js uses, over embedded Postgres. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const db = await openDatabase({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.supabaseDir ? { supabaseDir: options.supabaseDir } : {}),
    seed: options.seed ?? true,
    reset: options.reset ?? false,
    log,
  });
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 54321, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  const keys = await createKeys(options.jwtSecret ?? DEFAULT_JWT_SECRET, `${url}/auth/v1`);
  const realtime = createRealtime(db, keys, { log, ...(options.heartbeatTimeoutMs ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {}) });
  const auth = createAuth(db, keys, {
    onOtp: (email, code) => log(`email code for ${email}: ${code}`),
    onUserDeleted: (userId) => realtime.endUser(userId),
    ...(options.accessTokenSeconds === undefined ? {} : { accessTokenSeconds: options.accessTokenSeconds }),
  });
  const rest = createRest(db, keys);
  const supabaseDir = options.supabaseDir ?? fileURLToPath(new URL('..', import.meta.url));
  const functions = createFunctions({
    dir: options.functions?.dir ?? join(supabaseDir, 'functions'),
    configToml: options.functions?.configToml ?? join(supabaseDir, 'config.toml'),
    env: {
      ...options.functions?.env,
      SUPABASE_URL: url,
      SUPABASE_ANON_KEY: keys.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey,
      ...(options.databaseUrl ? { SUPABASE_DB_URL: options.databaseUrl } : {}),
    },
    verifyToken: keys.verify,
    log,
  });
  /** The request's URL, or null when it cannot be parsed (`GET //[` for one): such requests get a 400. */
  const requestUrl = (req: IncomingMessage) => {
    try {
      return new URL(req.url ?? '/', url);
    } catch {
      return null;
    }
  };

  server.on('upgrade', (req, socket, head) => {
    const parsed = requestUrl(req);
    if (!parsed) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (parsed.pathname !== '/realtime/v1/websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    realtime.upgrade(req, socket, head, parsed.searchParams).catch((error: unknown) => {
      log(`realtime: upgrade failed: ${String(error)}`);
      socket.destroy();
    });
  });

  server.on('request', (req, res) => {
    const parsed = requestUrl(req);
    if (!parsed) return send(res, 400, { code: 'PGRST100', message: 'The request URL is malformed', details: null, hint: null });
    const path = parsed.pathname;
    const handle = async () => {
      // Functions answer their own OPTIONS (CORS preflight), as on hosted Supabase.
      const fn = /^\/functions\/v1\/([^/]+)(\/.*)?$/.exec(path);
      if (fn) return functions.handle(req, res, fn[1]!, fn[2] ?? '', parsed.search);
      if (req.method === 'OPTIONS') return send(res, 204, undefined, CORS_HEADERS);
      if (path === '/health' || path === '/rest/v1/' || path === '/auth/v1/health') return send(res, 200, { status: 'ok', url });
      if (path.startsWith('/auth/v1/')) return auth.handle(req, res, path.slice('/auth/v1'.length), parsed.searchParams);
      if (path.startsWith('/rest/v1/')) return rest.handle(req, res, path.slice('/rest/v1'.length), parsed.searchParams);
      if (path === '/_dev/otp' && req.method === 'GET') {
        // Development only: loopback callers, and no CORS, so a web page cannot read another user's code.
        const remote = req.socket.remoteAddress ?? '';
        if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remote)) throw new HttpError(403, { code: 'forbidden', message: 'The code endpoint answers loopback callers only' });
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
        return res.end(JSON.stringify({ email: parsed.searchParams.get('email'), code: auth.lastOtp(parsed.searchParams.get('email') ?? '') }));
      }
      throw new HttpError(404, { code: 'not_found', message: `Nothing at ${path}` });
    };
    handle().catch((error: unknown) => {
      if (res.headersSent) {
        log(`error after the response was sent on ${req.method} ${path}: ${String(error)}`);
        return res.end();
      }
      if (error instanceof HttpError) return send(res, error.status, error.body, error.headers);
      log(`error on ${req.method} ${path}: ${error instanceof Error ? error.stack : String(error)}`);
      return send(res, 500, { code: 'XX000', message: 'Internal error in the local stack', details: null, hint: null });
    });
  });

  // The vault secrets the migrations' cron jobs read: where the functions are, and the key to call them.
  const scheduler = createScheduler(db, { log });
  try {
    await writeStackSecrets(db, { fieldbook_functions_url: `${url}/functions/v1`, fieldbook_cron_key: keys.serviceRoleKey });
  } catch (error) {
    server.close();
    await db.close().catch(() => undefined);
    throw error;
  }
  if (options.scheduler?.timers ?? process.env['VITEST'] === undefined) scheduler.start();

  if (options.functions?.warm) {
    await Promise.all(functions.names().map((name) => functions.warm(name).catch((error: unknown) => log(`functions/${name}: ${(error as Error).message}`))));
  }

  let closing: Promise<void> | null = null;
  return {
    url,
    anonKey: keys.anonKey,
    serviceRoleKey: keys.serviceRoleKey,
    db,
    lastOtp: auth.lastOtp,
    functions: { names: functions.names, running: functions.running, verifyJwt: functions.verifyJwt, warm: functions.warm },
    cron: scheduler.cron,
    net: scheduler.net,
    close: () =>
      (closing ??= (async () => {
        await scheduler.close();
        await functions.close();
        await realtime.close();
        await rest.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // Closing PGlite after the last request flushes and closes the data directory cleanly.
        await db.close();
      })()),
  };
}
