import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDeno, readFunctionsConfig } from '../../supabase/local/functions';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { clientFor, signedInClient } from '../support/local-stack';

/*
 * Edge Functions through the local stack over real HTTP: Deno runs tests/fixtures/functions/* (one
 * process per function, started on the first request). Deno is a dev dependency: when it is missing
 * these tests fail and say how to install it (findDeno's message).
 */

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'functions');
const run = (file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(file, args, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout, stderr })));
  });

let stack: LocalStack;
const logs: string[] = [];
const fn = (path: string, init: RequestInit = {}) => fetch(`${stack.url}/functions/v1/${path}`, { redirect: 'manual', ...init });
type Echo = { method: string; path: string; search: string; headers: Record<string, string>; body: string | null; env: Record<string, string | null>; pid: number };

beforeAll(async () => {
  findDeno(); // Throws with the way to install Deno when it is missing.
  process.env['FIELDBOOK_TEST_PARENT_ONLY'] = 'the stack process only';
  stack = await startLocalStack({
    port: 0,
    seed: false,
    log: (line) => logs.push(line),
    functions: { dir: FIXTURES, configToml: join(FIXTURES, 'config.toml'), env: { EXTRA: 'from the stack options' } },
  });
});

afterAll(async () => {
  delete process.env['FIELDBOOK_TEST_PARENT_ONLY'];
  await stack?.close();
});

describe('Edge Functions in the local stack', () => {
  it('serves the health function (verify_jwt = false) with JSON', async () => {
    const response = await fn('health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { ok: boolean; time: string };
    expect(body.ok).toBe(true);
    expect(Date.now() - Date.parse(body.time)).toBeLessThan(60_000);
  });

  it('passes method, path /<name>/<rest>, query, headers and body through, and the stack secrets as env', async () => {
    const response = await fn('lab/echo/deeper?x=1&y=two', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'kept' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo.method).toBe('POST');
    expect(echo.path).toBe('/lab/echo/deeper');
    expect(echo.search).toBe('?x=1&y=two');
    expect(echo.headers['x-custom']).toBe('kept');
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echo.body).toBe('{"hello":"world"}');
    expect(echo.env).toEqual({
      SUPABASE_URL: stack.url,
      SUPABASE_ANON_KEY: stack.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
      EXTRA: 'from the stack options',
      // Functions get their secrets, not the developer's environment.
      HOME_SECRET: null,
    });
  });

  it('keeps an x-forwarded-for given by a loopback caller (to stand for a client elsewhere)', async () => {
    const echo = (await (await fn('lab/echo', { headers: { 'X-Forwarded-For': '40.107.1.2' } })).json()) as Echo;
    expect(echo.headers['x-forwarded-for']).toBe('40.107.1.2');
  });

  it('passes status, headers and redirects through without following them', async () => {
    const redirect = await fn('lab/redirect');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://example.com/landing?from=lab');
    const teapot = await fn('lab/status', { method: 'POST' });
    expect(teapot.status).toBe(418);
    expect(teapot.headers.get('x-lab')).toBe('yes');
    expect(teapot.headers.get('set-cookie')).toBe('a=1');
    expect(await teapot.text()).toBe('teapot');
  });

  it('answers HEAD like GET without a body', async () => {
    const response = await fn('lab/echo', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('');
  });

  it('rewrites a GET answered with text/html to text/plain, as hosted Supabase does', async () => {
    const get = await fn('lab/html');
    expect(get.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await get.text()).toBe('<p>hello</p>');
    const post = await fn('lab/html', { method: 'POST' });
    expect(post.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('lets OPTIONS (CORS preflight) reach the function', async () => {
    const response = await fn('lab/echo', { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('x-preflight')).toBe('lab');
    const preflight = await fn('private', { method: 'OPTIONS' });
    expect(preflight.status).not.toBe(401);
  });

  it('answers 500 with a logged error when the handler throws, and serves the next request', async () => {
    const before = ((await (await fn('lab/echo')).json()) as Echo).pid;
    const response = await fn('lab/throw');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' });
    expect(logs.some((line) => line.includes('boom from the lab function'))).toBe(true);
    const after = await fn('lab/echo');
    expect(after.status).toBe(200);
    expect(((await after.json()) as Echo).pid).toBe(before);
  });

  it('restarts a function whose process exits', async () => {
    const before = ((await (await fn('lab/echo')).json()) as Echo).pid;
    const crash = await fn('lab/crash');
    expect(crash.status).toBe(500);
    const after = await fn('lab/echo');
    expect(after.status).toBe(200);
    const pid = ((await after.json()) as Echo).pid;
    expect(pid).not.toBe(before);
    expect(stack.functions.running()).toContainEqual({ name: 'lab', pid });
  });

  it('answers 503 BOOT_ERROR for a function that cannot start, and keeps serving the others', async () => {
    const response = await fn('broken');
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe('BOOT_ERROR');
    expect(logs.some((line) => line.includes('broken on purpose'))).toBe(true);
    expect((await fn('health')).status).toBe(200);
  });

  it('answers 404 for an unknown function and for _shared', async () => {
    for (const path of ['nope', '_shared', '_shared/json.ts', '..%2Flab', 'lab%2F..']) {
      const response = await fn(path);
      expect(response.status, path).toBe(404);
    }
    expect(stack.functions.names()).toEqual(['broken', 'health', 'lab', 'private']);
  });

  it('verify_jwt: no token or a bad one gets 401; the anon key, a user token and the service role pass', async () => {
    const missing = await fn('private', { method: 'POST' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ code: 401, message: 'Missing authorization header' });
    const forged = `${stack.anonKey.slice(0, -4)}AAAA`;
    const bad = await fn('private', { method: 'POST', headers: { Authorization: `Bearer ${forged}` } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ code: 401, message: 'Invalid JWT' });

    const anon = await fn('private', { method: 'POST', headers: { Authorization: `Bearer ${stack.anonKey}` } });
    expect(anon.status).toBe(200);
    expect(await anon.json()).toEqual({ ok: true, user: null });
    const service = await fn('private', { method: 'POST', headers: { Authorization: `Bearer ${stack.serviceRoleKey}` } });
    expect(service.status).toBe(200);

    // supabase-js's functions.invoke, signed in: the function sees the user through the stack.
    const { client, userId } = await signedInClient(stack, 'fn');
    const signedIn = await client.functions.invoke<{ ok: boolean; user: string | null }>('private', { body: {} });
    expect(signedIn.error).toBeNull();
    expect(signedIn.data).toEqual({ ok: true, user: userId });
    const anonymous = await clientFor(stack).functions.invoke<{ ok: boolean; user: string | null }>('private', { body: {} });
    expect(anonymous.error).toBeNull();
    expect(anonymous.data).toEqual({ ok: true, user: null });
  });

  it('serves concurrent requests to one function', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => fn(`lab/slow?ms=${20 + i}`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 200));
    await Promise.all(answers.map((answer) => answer.text()));
  });
});

describe('Edge Functions configuration and code', () => {
  it('config.toml: the public functions have verify_jwt = false, others default to true', () => {
    const config = readFunctionsConfig(readFileSync(join(ROOT, 'supabase', 'config.toml'), 'utf8'));
    expect(config.get('health')).toEqual({ verifyJwt: false });
    expect(config.get('r')).toEqual({ verifyJwt: false });
    expect(readFunctionsConfig('[functions."quoted-name"]\nverify_jwt = false # public\n[functions.other]\n[auth]\nverify_jwt = false')).toEqual(
      new Map([
        ['quoted-name', { verifyJwt: false }],
        ['other', { verifyJwt: true }],
      ]),
    );
  });

  it('every function type-checks with deno check, offline', async () => {
    const functionsDir = join(ROOT, 'supabase', 'functions');
    const entries = [
      ...readdirSync(functionsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && !entry.name.startsWith('.'))
        .map((entry) => join(functionsDir, entry.name, 'index.ts')),
      ...['lab', 'private'].map((name) => join(FIXTURES, name, 'index.ts')),
    ];
    const { stderr } = await run(findDeno(), ['check', '--cached-only', '--quiet', '--config', join(functionsDir, 'deno.json'), ...entries], {
      cwd: functionsDir,
      env: { PATH: process.env['PATH'] ?? '', DENO_DIR: join(ROOT, 'node_modules', '.cache', 'deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
    expect(stderr).toBe('');
  });
});

describe('closing the stack', () => {
  it('ends every Deno process it started', async () => {
    const running = stack.functions.running();
    expect(running.map((entry) => entry.name)).toEqual(expect.arrayContaining(['health', 'lab', 'private']));
    await stack.close();
    for (const { pid } of running) expect(() => process.kill(pid, 0), `process ${pid}`).toThrow();
    expect(stack.functions.running()).toEqual([]);
    const { stdout } = await run('ps', ['-eo', 'pid,args']);
    expect(stdout.split('\n').filter((line) => line.includes('edge-runtime.mjs') && line.includes(FIXTURES))).toEqual([]);
  });
});
