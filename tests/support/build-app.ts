import { join } from 'node:path';
import { build } from 'vite';

/**
 * Builds the app into .e2e/<name> with `vite build`, the way users get it (service worker included).
 * `buildId` changes the bundle, so two builds make a real update for the service worker to find.
 */
export async function buildApp(name: string, options: { buildId?: string; devTools?: boolean } = {}): Promise<string> {
  const outDir = join(process.cwd(), '.e2e', name);
  const saved = { id: process.env['FIELDBOOK_BUILD_ID'], dev: process.env['VITE_DEV_TOOLS'] };
  process.env['FIELDBOOK_BUILD_ID'] = options.buildId ?? name;
  if (options.devTools) process.env['VITE_DEV_TOOLS'] = 'true';
  else delete process.env['VITE_DEV_TOOLS'];
  try {
    await build({ logLevel: 'error', configFile: join(process.cwd(), 'vite.config.ts'), build: { outDir, emptyOutDir: true } });
  } finally {
    restore('FIELDBOOK_BUILD_ID', saved.id);
    restore('VITE_DEV_TOOLS', saved.dev);
  }
  return outDir;
}

function restore(key: string, value: string | undefined) {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
