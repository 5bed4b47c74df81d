import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium to drive: $CHROME_PATH, then Debian's /usr/bin/chromium; null when there is none. */
export function findChromium(): string | null {
  const candidates = [process.env['CHROME_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((path): path is string => Boolean(path));
  return candidates.find((path) => existsSync(path)) ?? null;
}

/**
 * Whether browser tests can run. Outside CI a missing browser skips them with a loud notice; under CI
 * it is a failure, because .ci/run installs Chromium first.
 */
export function browserAvailability(): { available: boolean; reason: string } {
  const path = findChromium();
  if (path) return { available: true, reason: path };
  const reason = 'No Chromium found. Install it with `sudo apt-get install -y chromium` (or set CHROME_PATH) to run the browser tests.';
  if (process.env['CI']) throw new Error(`${reason} CI must have a browser.`);
  console.warn(`\n\n!!! SKIPPING BROWSER TESTS: ${reason}\n\n`);
  return { available: false, reason };
}

export type LaunchedContext = { context: BrowserContext; close: () => Promise<void> };

/** A fresh persistent profile per context, so service workers and IndexedDB behave as in a real browser. */
export async function launchContext(options: { viewport?: { width: number; height: number }; isMobile?: boolean } = {}): Promise<LaunchedContext> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('Chromium not found');
  const dir = mkdtempSync(join(tmpdir(), 'fieldbook-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    ...(options.isMobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
