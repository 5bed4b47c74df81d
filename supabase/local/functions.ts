// Supabase Edge Functions for the local stack: /functions/v1/<name>[/<rest>] runs
// supabase/functions/<name>/index.ts in Deno, one process per function, started on its first request
// (or at start with `warm`), on a free loopback port, and proxied like hosted Supabase does:
// - the function sees the path /<name>/<rest> and the query (hosted strips /functions/v1);
// - method, headers, body and status pass through, redirects are not followed, HEAD works;
// - a GET answered with text/html reaches the client as text/plain (hosted rewrites it too);
// - verify_jwt (config.toml `[functions.<name>]`, true by default) wants a JWT signed by the stack in
//   the Authorization header, anon or user, else 401; OPTIONS (CORS preflight) always reaches the function;
// - a handler that throws answers 500 WORKER_ERROR; a process that exits is started again on the next
//   request; a function that cannot boot answers 503 BOOT_ERROR; its output goes to the stack's log.
// Directories starting with `_` (supabase/functions/_shared) or `.` are not functions.
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bearer, send } from './http';

const LISTENING_MARKER = '__fieldbook_edge_function_listening__';
const RUNTIME = fileURLToPath(new URL('./edge-runtime.mjs', import.meta.url));
const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));
const DEFAULT_DENO_CONFIG = fileURLToPath(new URL('../functions/deno.json', import.meta.url));
/** Hosted function names: a letter or digit, then letters, digits, `-` and `_`. */
const FUNCTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export class DenoMissingError extends Error {
  constructor(detail: string) {
    super(
      `Deno is needed to run Supabase Edge Functions (${detail}). It comes with the project's dev dependencies: ` +
        'run `npm ci` (without --omit=optional: the binary is in an optional platform package such as @deno/linux-x64-glibc), ' +
        'or install Deno 2 yourself and set DENO_BIN=/path/to/deno.',
    );
  }
}

/** The deno binary: DENO_BIN, else the one the `deno` npm package installed for this platform. */
export function findDeno(): string {
  const fromEnv = process.env['DENO_BIN'];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new DenoMissingError(`DENO_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  const exe = process.platform === 'win32' ? 'deno.exe' : 'deno';
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('deno/package.json'));
  } catch {
    throw new DenoMissingError('the deno npm package is not installed');
  }
  // Its postinstall links the binary next to it; without install scripts, the platform package has it.
  const linked = join(packageDir, exe);
  if (existsSync(linked)) return linked;
  const platform = { linux: `linux-${process.arch}-glibc`, darwin: `darwin-${process.arch}`, win32: `win32-${process.arch}` }[process.platform as string];
  if (platform) {
    try {
      const binary = join(dirname(createRequire(join(packageDir, 'package.json')).resolve(`@deno/${platform}/package.json`)), exe);
      if (existsSync(binary)) return binary;
    } catch {
      // Falls through to the error below.
    }
  }
  throw new DenoMissingError(`no deno binary for ${process.platform}-${process.arch} in node_modules`);
}

export type FunctionConfig = { readonly verifyJwt: boolean };

/**
 * The `[functions.<name>]` tables of a Supabase config.toml (only what the stack uses: verify_jwt).
 * A small reader for this file's shape: table headers and `key = true|false|"string"` lines.
 */
export function readFunctionsConfig(toml: string): Map<string, FunctionConfig> {
  const result = new Map<string, FunctionConfig>();
  let current: string | null = null;
  for (const raw of toml.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const table = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (table) {
      const header = /^functions\.(?:"([^"]+)"|([A-Za-z0-9_-]+))$/.exec(table[1]!);
      current = header ? (header[1] ?? header[2])! : null;
      if (current && !result.has(current)) result.set(current, { verifyJwt: true });
      continue;
    }
    const pair = /^verify_jwt\s*=\s*(true|false)$/.exec(line);
    if (current && pair) result.set(current, { verifyJwt: pair[1] === 'true' });
  }
  return result;
}

/** KEY=VALUE lines (supabase/functions/.env, like `supabase functions serve`); `#` comments, optional quotes. */
export function readDotEnv(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const env: Record<string, string> = {};
  for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!match) continue;
    const value = match[2]!;
    env[match[1]!] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value.replace(/\s+#.*$/, '');
  }
  return env;
}

export type FunctionsOptions = {
  /** Where `<name>/index.ts` live (supabase/functions). */
  readonly dir: string;
  /** The config.toml with the `[functions.<name>]` tables; read again when it changes. */
  readonly configToml: string;
  /** SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY and anything else every function gets. */
  readonly env: Readonly<Record<string, string>>;
  /** Checks a bearer token for verify_jwt: the claims, or null. */
  readonly verifyToken: (token: string) => Promise<unknown>;
  readonly log: (line: string) => void;
  /** How long a function may take to listen (10 s by default). */
  readonly bootTimeoutMs?: number;
};

export type RunningFunction = { readonly name: string; readonly pid: number };

export type Functions = {
  /** The functions in the directory (what `npm run dev` lists). */
  readonly names: () => string[];
  /** Whether a function wants a JWT (config.toml `[functions.<name>] verify_jwt`, true by default). */
  readonly verifyJwt: (name: string) => boolean;
  /** Starts a function's process (if not running) and waits until it listens; throws when it cannot boot. */
  readonly warm: (name: string) => Promise<void>;
  /** Serves /functions/v1/<name><rest>; `rest` is '' or starts with '/', `search` is '' or starts with '?'. */
  readonly handle: (req: IncomingMessage, res: ServerResponse, name: string, rest: string, search: string) => Promise<void>;
  readonly running: () => RunningFunction[];
  /** Ends every function process and waits for them. */
  readonly close: () => Promise<void>;
};

type Worker = {
  readonly child: ChildProcess;
  readonly port: Promise<number>;
  readonly exited: Promise<void>;
};

class BootError extends Error {}

export function createFunctions(options: FunctionsOptions): Functions {
  const { dir, log } = options;
  const workers = new Map<string, Worker>();
  const agent = new Agent({ keepAlive: true });
  let closed = false;
  let deno: string | null = null;

  let config: { mtimeMs: number; functions: Map<string, FunctionConfig> } | null = null;
  const functionConfig = (name: string): FunctionConfig => {
    let mtimeMs = -1;
    try {
      mtimeMs = statSync(options.configToml).mtimeMs;
    } catch {
      // No config file: every function verifies JWTs.
    }
    if (!config || config.mtimeMs !== mtimeMs) {
      config = { mtimeMs, functions: mtimeMs < 0 ? new Map<string, FunctionConfig>() : readFunctionsConfig(readFileSync(options.configToml, 'utf8')) };
    }
    return config.functions.get(name) ?? { verifyJwt: true };
  };

  const entryOf = (name: string): string | null => {
    if (!FUNCTION_NAME.test(name)) return null;
    const entry = join(dir, name, 'index.ts');
    return existsSync(entry) ? entry : null;
  };

  const start = (name: string, entry: string): Worker => {
    deno ??= findDeno();
    const denoConfig = existsSync(join(dir, 'deno.json')) ? join(dir, 'deno.json') : DEFAULT_DENO_CONFIG;
    // Deno's own cache (transpiled modules, no downloads) in node_modules/.cache, which git ignores.
    const cacheDir = existsSync(NODE_MODULES) ? join(NODE_MODULES, '.cache', 'deno') : join(tmpdir(), 'fieldbook-deno');
    mkdirSync(cacheDir, { recursive: true });
    const env: Record<string, string> = {
      ...(process.env['PATH'] ? { PATH: process.env['PATH'] } : {}),
      ...(process.env['HOME'] ? { HOME: process.env['HOME'] } : {}),
      ...(process.env['SYSTEMROOT'] ? { SYSTEMROOT: process.env['SYSTEMROOT'] } : {}),
      DENO_DIR: cacheDir,
      DENO_NO_UPDATE_CHECK: '1',
      DENO_NO_PROMPT: '1',
      NO_COLOR: '1',
      ...readDotEnv(join(dir, '.env')),
      ...options.env,
    };
    const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
      deno,
      ['run', '--cached-only', '--no-prompt', '--allow-net', '--allow-env', '--allow-read', '--config', denoConfig, RUNTIME, pathToFileURL(entry).href],
      // Its own process group: a Ctrl-C in the terminal stops the stack, which then stops its functions.
      { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' },
    );
    let resolvePort!: (port: number) => void;
    let rejectPort!: (error: Error) => void;
    const port = new Promise<number>((resolvePromise, rejectPromise) => {
      resolvePort = resolvePromise;
      rejectPort = rejectPromise;
    });
    port.catch(() => undefined);
    let listening = false;
    const timer = setTimeout(() => {
      if (listening) return;
      rejectPort(new BootError(`did not listen within ${options.bootTimeoutMs ?? 10_000} ms`));
      child.kill('SIGKILL');
    }, options.bootTimeoutMs ?? 10_000);
    const onLine = (line: string) => {
      if (!listening && line.startsWith(LISTENING_MARKER)) {
        listening = true;
        clearTimeout(timer);
        resolvePort(Number(line.slice(LISTENING_MARKER.length).trim()));
        return;
      }
      log(`functions/${name}: ${line}`);
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    // Nothing is written to stdin: the process ends when this end closes (see edge-runtime.mjs).
    child.stdin.on('error', () => undefined);
    const exited = new Promise<void>((resolveExit) => {
      child.once('error', (error) => {
        clearTimeout(timer);
        rejectPort(new BootError(`could not start deno: ${error.message}`));
        if (workers.get(name)?.child === child) workers.delete(name);
        resolveExit();
      });
      // 'close' comes after the exit and the last of its output, so its errors are logged first.
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (workers.get(name)?.child === child) workers.delete(name);
        if (!listening) rejectPort(new BootError(`exited while starting (${signal ?? `code ${code}`}); its output is above`));
        if (!closed) log(`functions/${name}: process ${child.pid} exited (${signal ?? `code ${code}`}); it starts again on the next request`);
        resolveExit();
      });
    });
    const worker = { child, port, exited };
    workers.set(name, worker);
    return worker;
  };

  const workerFor = (name: string, entry: string) => workers.get(name) ?? start(name, entry);

  /**
   * Proxies one request. 'refused' when the process no longer listens (it died, and its exit is not yet
   * seen): nothing of the request was sent, so the caller may start another process and try again.
   * 'stale' when a kept-alive connection turned out closed before a bodiless request got an answer;
   * 'broken' when the connection broke under the request (answered 500: the process is going).
   */
  const proxy = (req: IncomingMessage, res: ServerResponse, port: number, path: string) =>
    new Promise<'done' | 'refused' | 'stale' | 'broken'>((resolveProxy) => {
      const headers: OutgoingHttpHeaders = {};
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(key)) headers[key] = value;
      }
      // The client's address, as hosted's gateway passes it; loopback callers (tests, a local proxy) may
      // give their own x-forwarded-for to stand for a client elsewhere.
      const remote = req.socket.remoteAddress ?? '';
      if (!(LOOPBACK.has(remote) && headers['x-forwarded-for'])) headers['x-forwarded-for'] = remote.replace(/^::ffff:/, '');
      let sent = false;
      let abandoned = false;
      const upstream = httpRequest({ host: '127.0.0.1', port, method: req.method ?? 'GET', path, headers, agent }, (answer) => {
        const raw: string[] = [];
        for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
          const key = answer.rawHeaders[i]!;
          let value = answer.rawHeaders[i + 1]!;
          const lower = key.toLowerCase();
          if (HOP_BY_HOP.has(lower)) continue;
          // Hosted Supabase serves no HTML from functions: a GET's text/html becomes text/plain.
          if (lower === 'content-type' && req.method === 'GET' && /^\s*text\/html\b/i.test(value)) value = value.replace(/text\/html/i, 'text/plain');
          raw.push(key, value);
        }
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage ?? '', raw);
        answer.pipe(res);
        answer.once('end', () => resolveProxy('done'));
        answer.once('error', () => {
          res.destroy();
          resolveProxy('done');
        });
      });
      // The body is sent only once connected, so a refused connection leaves it unread for a retry.
      upstream.once('socket', (socket) => {
        const sendBody = () => {
          sent = true;
          req.pipe(upstream);
        };
        if (socket.connecting) socket.once('connect', sendBody);
        else sendBody();
      });
      upstream.once('error', (error: NodeJS.ErrnoException) => {
        if (abandoned) return resolveProxy('done');
        if (!sent && error.code === 'ECONNREFUSED') return resolveProxy('refused');
        // A kept-alive connection to a process that has just died: a request without a body is simply
        // sent again (on a fresh process), as browsers do for a reused connection that was closed.
        const bodiless = req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || req.method === 'DELETE';
        if (upstream.reusedSocket && bodiless && !res.headersSent && (error.code === 'ECONNRESET' || error.message === 'socket hang up')) return resolveProxy('stale');
        if (res.headersSent) res.destroy();
        else {
          log(`functions: ${req.method} ${path} failed: ${error.message}`);
          send(res, 500, { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' });
        }
        // The connection broke under the request: the process is going or gone, whatever its exit says yet.
        resolveProxy(error.code === 'ECONNRESET' || error.message === 'socket hang up' ? 'broken' : 'done');
      });
      res.once('close', () => {
        if (!res.writableFinished) {
          abandoned = true;
          upstream.destroy();
        }
        resolveProxy('done');
      });
    });

  return {
    names: () => {
      if (!existsSync(dir)) return [];
      return readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entryOf(entry.name) !== null)
        .map((entry) => entry.name)
        .sort();
    },
    verifyJwt: (name) => functionConfig(name).verifyJwt,
    warm: async (name) => {
      const entry = entryOf(name);
      if (!entry) throw new Error(`No function ${name} in ${dir}`);
      try {
        await workerFor(name, entry).port;
      } catch (error) {
        throw error instanceof BootError ? new Error(`failed to start: ${error.message}`) : error;
      }
    },
    handle: async (req, res, name, rest, search) => {
      const entry = entryOf(name);
      if (!entry || closed) return send(res, 404, { code: 'NOT_FOUND', message: 'Requested function was not found' });
      if (req.method !== 'OPTIONS' && functionConfig(name).verifyJwt) {
        const token = bearer(req);
        if (!token) return send(res, 401, { code: 401, message: 'Missing authorization header' });
        if (!(await options.verifyToken(token))) return send(res, 401, { code: 401, message: 'Invalid JWT' });
      }
      let retriedStale = false;
      let restarted = false;
      for (;;) {
        let worker: Worker;
        try {
          worker = workerFor(name, entry);
        } catch (error) {
          if (!(error instanceof DenoMissingError)) throw error;
          log(`functions/${name}: ${error.message}`);
          return send(res, 500, { code: 'DENO_MISSING', message: error.message });
        }
        let port: number;
        try {
          port = await worker.port;
        } catch (error) {
          if (!(error instanceof BootError)) throw error;
          log(`functions/${name}: failed to start: ${error.message}`);
          return send(res, 503, { code: 'BOOT_ERROR', message: 'Function failed to start (please check logs)' });
        }
        const outcome = await proxy(req, res, port, `/${name}${rest}${search}`);
        if (outcome === 'done') return;
        if (outcome === 'broken') {
          // Answered 500; the next request starts a fresh process rather than meet this one dying.
          if (workers.get(name) === worker) workers.delete(name);
          worker.child.kill('SIGKILL');
          return;
        }
        // A closed kept-alive connection: try again on a new one (a dead process then refuses it).
        if (outcome === 'stale' && !retriedStale) {
          retriedStale = true;
          continue;
        }
        // Nothing listens on its port any more: the process is gone. Start another, once.
        if (workers.get(name) === worker) workers.delete(name);
        worker.child.kill('SIGKILL');
        if (restarted) {
          log(`functions/${name}: the process does not accept connections`);
          return send(res, 500, { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' });
        }
        restarted = true;
      }
    },
    running: () => [...workers.entries()].flatMap(([name, worker]) => (worker.child.pid === undefined ? [] : [{ name, pid: worker.child.pid }])),
    close: async () => {
      closed = true;
      const all = [...workers.values()];
      for (const worker of all) {
        worker.child.stdin?.end();
        worker.child.kill('SIGTERM');
      }
      const kill = setTimeout(() => all.forEach((worker) => worker.child.kill('SIGKILL')), 2_000);
      await Promise.all(all.map((worker) => worker.exited));
      clearTimeout(kill);
      agent.destroy();
    },
  };
}
