// npm run dev [-- --reset]: the local Supabase stack and the Vite dev server together, the app
// configured to use the stack (VITE_SUPABASE_URL / VITE_SUPABASE_ANON_KEY). The database persists in
// .local/db; --reset deletes it first and starts from an empty database (see main.ts).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServer } from 'vite';
import { MigrationHistoryError } from './database';
import { devVapidEnv } from './dev-vapid';
import { functionUrls, startLocalStack, type LocalStack } from './server';

const { values } = parseArgs({ options: { reset: { type: 'boolean', default: false } } });

let stack: LocalStack;
try {
  stack = await startLocalStack({
    port: Number(process.env['SUPABASE_LOCAL_PORT'] ?? 54321),
    dataDir: join(process.cwd(), '.local', 'db'),
    reset: values.reset,
    log: (line) => console.log(`[stack] ${line}`),
    functions: { warm: true, env: devVapidEnv({ functionsDir: join(process.cwd(), 'supabase', 'functions'), stateFile: join(process.cwd(), '.local', 'vapid.json') }) },
  });
} catch (error) {
  if (!(error instanceof MigrationHistoryError) && !values.reset) throw error;
  console.error(`\n[stack] ${(error as Error).message}\n`);
  process.exit(1);
}
process.env['VITE_SUPABASE_URL'] ??= stack.url;
process.env['VITE_SUPABASE_ANON_KEY'] ??= stack.anonKey;
const vite = await createServer({ server: { host: process.env['HOST'] ?? 'localhost' } });
await vite.listen();
console.log(`\n[stack] Supabase API ${stack.url} (anon key ${stack.anonKey.slice(0, 24)}…)`);
console.log(`[stack] Edge Functions (supabase/functions, run in Deno):\n${functionUrls(stack, '[stack]   ')}`);
vite.printUrls();

const stop = async () => {
  await vite.close();
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
