import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { buildApp } from '../support/build-app';
import { browserAvailability, launchContext, type LaunchedContext } from '../support/chromium';
import { clientFor } from '../support/local-stack';
import { signIn, waitForActiveServiceWorker } from '../support/page-helpers';
import { freePort, startPreview } from '../support/preview-server';

/*
 * Settings → Notifications in Chromium against the local stack, at phone and desktop size: nothing is
 * asked on load; the daily email is saved to the server; turning push on from a tap reaches the
 * browser's push service, which cannot be reached from this machine, so the screen must say why inline
 * and nothing breaks (on a connected device the same tap subscribes: see the README).
 */

const { available } = browserAvailability();
const SHOTS = join(process.cwd(), 'tests', 'screenshots', 'out');

describe.skipIf(!available)('notifications in Settings, in Chromium against the local stack', () => {
  let stack: LocalStack;
  let server: PreviewServer;
  let url: string;
  const email = `notify-${Math.random().toString(36).slice(2, 8)}@example.com`;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, seed: false, functions: { env: { VAPID_PUBLIC_KEY: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', VAPID_PRIVATE_KEY: 'unused-here', VAPID_SUBJECT: 'mailto:test@example.com' } } });
    const outDir = await buildApp('notifications', { supabase: { url: stack.url, anonKey: stack.anonKey } });
    ({ server, url } = await startPreview(outDir, await freePort()));
    const { error } = await clientFor(stack).auth.signUp({ email, password: 'correct-horse-battery' });
    if (error) throw new Error(error.message);
    mkdirSync(SHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    await stack?.close();
  });

  for (const size of [
    { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
    { name: 'desktop', viewport: { width: 1280, height: 900 }, isMobile: false },
  ] as const) {
    it(`at ${size.name} size: the daily email saves${size.name === 'phone' ? ', and turning push on explains what went wrong' : ''}`, async () => {
      let browser: LaunchedContext | undefined;
      try {
        browser = await launchContext({ viewport: size.viewport, isMobile: size.isMobile });
        await browser.context.grantPermissions(['notifications'], { origin: url });
        const page = await browser.context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await signIn(page, url, email);
        await waitForActiveServiceWorker(page);
        await page.getByRole('link', { name: 'Settings' }).click();
        const card = page.getByRole('region', { name: 'Notifications' });
        await card.getByRole('button', { name: 'Turn on notifications on this device' }).waitFor();
        expect(await page.evaluate(() => Notification.permission)).toBe('granted'); // granted by the test, never asked

        await card.getByRole('checkbox', { name: /Email me a daily digest/ }).check();
        await card.getByRole('combobox', { name: 'Send it at' }).selectOption('06:00');
        await card.getByRole('button', { name: 'Save daily email' }).click();
        await card.getByText('Saved.').waitFor({ timeout: 10_000 });
        await card.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SHOTS, `notifications-settings-${size.name}.png`) });

        // The push service cannot be reached from here: waiting for it once (at phone size) is enough.
        if (size.name === 'desktop') return;
        await card.getByRole('button', { name: 'Turn on notifications on this device' }).click();
        await card.getByRole('alert').waitFor({ timeout: 30_000 });
        expect(await card.getByRole('alert').textContent()).toMatch(/could not turn on notifications|push service did not answer/);
        await page.screenshot({ path: join(SHOTS, `notifications-settings-error-${size.name}.png`) });
        expect(errors).toEqual([]);
      } finally {
        await browser?.close();
      }
    }, 120_000);
  }
});
