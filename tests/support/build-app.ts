import { join } from 'node:path';
import { build } from 'vite';

/**
 * Builds the app into .e2e/<name> with `vite build`, the way users get it (service worker included).
 * `buildId` changes the bundle, so two builds make a real update for the service worker to find.
 */
export async function buildApp(name: string, options: { buildId?: string; devTools?: boolean; supabase?: { url: string; anonKey: string } } = {}): Promise<string> {
  const outDir = join(process.cwd(), '.e2e', name);
  const keys = ['FIELDBOOK_BUILD_ID', 'VITE_DEV_TOOLS', 'VITE_SUPABASE_URL', 'VITE_SUPABASE_ANON_KEY', 'NODE_ENV'] as const;
  const saved = Object.fromEntries(keys.map((key) => [key, process.env[key]]));
  process.env['FIELDBOOK_BUILD_ID'] = options.buildId ?? name;
  // vitest sets NODE_ENV=test, which would make a development build (import.meta.env.DEV, React's dev build).
  process.env['NODE_ENV'] = 'production';
  set('VITE_DEV_TOOLS', options.devTools ? 'true' : undefined);
  // Without a backend the build is local-only, whatever the shell running the tests has set.
  set('VITE_SUPABASE_URL', options.supabase?.url);
  set('VITE_SUPABASE_ANON_KEY', options.supabase?.anonKey);
  try {
    await build({ logLevel: 'error', configFile: join(process.cwd(), 'vite.config.ts'), build: { outDir, emptyOutDir: true } });
  } finally {
    for (const key of keys) set(key, saved[key]);
  }
  return outDir;
}

function set(key: string, value: string | undefined) {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
