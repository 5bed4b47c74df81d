// npm run stack [-- --port 54321 --data-dir .local/db | --memory | --database-url postgres://… --jwt-secret ... --reset --env]
// Starts the Supabase-compatible local stack and prints its URL and keys (like `supabase start`).
// With --env, prints SUPABASE_URL=…, SUPABASE_ANON_KEY=…, SUPABASE_SERVICE_ROLE_KEY=… and exits.
// Edge Functions (supabase/functions/<name>/index.ts) are served at /functions/v1/<name>, run in Deno
// (functions.ts); their processes start with the stack and their URLs are printed.
//
// Migrations are append-only: when a migration already applied to the local database has changed (or
// its file is gone), the stack refuses to start and says so. --reset then deletes the local PGlite data
// directory (after checking that it is one) and starts from an empty database. With --database-url,
// --reset refuses: the stack never deletes a server's data; drop and recreate that database yourself.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devVapidEnv } from './dev-vapid';
import { MigrationHistoryError } from './database';
import { createKeys, DEFAULT_JWT_SECRET } from './keys';
import { functionUrls, startLocalStack, type LocalStack } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'database-url': { type: 'string' },
    memory: { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
    'supabase-dir': { type: 'string' },
    'jwt-secret': { type: 'string' },
    env: { type: 'boolean', default: false },
  },
});

const port = Number(values.port ?? process.env['SUPABASE_LOCAL_PORT'] ?? 54321);
const host = values.host ?? '127.0.0.1';
const jwtSecret = values['jwt-secret'] ?? process.env['SUPABASE_JWT_SECRET'] ?? DEFAULT_JWT_SECRET;

if (values.env) {
  const url = `http://${host}:${port}`;
  const keys = await createKeys(jwtSecret, `${url}/auth/v1`);
  console.log(`SUPABASE_URL=${url}\nSUPABASE_ANON_KEY=${keys.anonKey}\nSUPABASE_SERVICE_ROLE_KEY=${keys.serviceRoleKey}`);
  process.exit(0);
}

const databaseUrl = values['database-url'] ?? process.env['SUPABASE_LOCAL_DATABASE_URL'];
const dataDir = values.memory || databaseUrl ? undefined : (values['data-dir'] ?? join(process.cwd(), '.local', 'db'));
let stack: LocalStack;
try {
  stack = await startLocalStack({
    port,
    host,
    jwtSecret,
    ...(dataDir ? { dataDir } : {}),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(values['supabase-dir'] ? { supabaseDir: values['supabase-dir'] } : {}),
    reset: values.reset,
    log: (line) => console.log(`[stack] ${line}`),
    // Edge Functions start with the stack, so a function that cannot boot says so now.
    functions: { warm: true, env: devVapidEnv({ functionsDir: join(process.cwd(), 'supabase', 'functions'), stateFile: join(process.cwd(), '.local', 'vapid.json') }) },
  });
} catch (error) {
  // A refusal the developer can act on is a message, not a stack trace.
  console.error(`\n[stack] ${error instanceof MigrationHistoryError || values.reset ? (error as Error).message : String((error as Error).stack ?? error)}\n`);
  process.exit(1);
}
console.log(`
Fieldbook local Supabase stack is running.

  API URL          ${stack.url}
  anon key         ${stack.anonKey}
  service_role key ${stack.serviceRoleKey}
  database         ${databaseUrl ? databaseUrl.replace(/:[^:@/]*@/, ':***@') : (dataDir ?? 'in memory (PGlite)')}
  email codes      printed here, and at ${stack.url}/_dev/otp?email=<address>
  Edge Functions   supabase/functions/<name>/index.ts, run in Deno:
${functionUrls(stack, '                   ')}
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('[stack] shutting down');
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
