import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import { browserAvailability, launchContext, type LaunchedContext } from '../support/chromium';
import { buildApp } from '../support/build-app';
import { freePort, startPreview } from '../support/preview-server';
import { waitForActiveServiceWorker } from '../support/page-helpers';

const { available } = browserAvailability();

describe.skipIf(!available)('service worker updates in Chromium', () => {
  let server: PreviewServer | undefined;
  let browser: LaunchedContext;
  let port: number;
  let first: string;
  let second: string;

  beforeAll(async () => {
    first = await buildApp('update-a', { buildId: 'build-a' });
    second = await buildApp('update-b', { buildId: 'build-b' });
    port = await freePort();
    browser = await launchContext();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows "Offline ready", then "Update available" for a new build, but not while a form is dirty', async () => {
    server = (await startPreview(first, port)).server;
    const page = await browser.context.newPage();
    await page.goto(`http://127.0.0.1:${port}/today`);
    await page.getByText('Ready to work offline', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'OK' }).click();
    // (The page is reloaded once if the new worker does not control it yet.)
    await waitForActiveServiceWorker(page);

    // A form with unsaved input is open when the new build lands.
    await page.getByRole('button', { name: '+ Quick add' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Half-typed name');

    await server.close();
    server = (await startPreview(second, port)).server;
    // The app checks for updates when the window gains focus.
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await page.waitForFunction(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return registration?.waiting != null;
    });
    await page.waitForTimeout(300);
    expect(await page.getByText('Update available', { exact: true }).count()).toBe(0);

    await page.getByRole('textbox', { name: 'Name' }).fill('');
    await page.getByText('Update available', { exact: true }).waitFor();
    // Reload hands over to the new worker, which reloads the page: wait for that load to finish.
    const reloaded = page.waitForEvent('load');
    await page.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    expect(page.url()).toMatch(/\/contacts\/new/);
    await page.goto(`http://127.0.0.1:${port}/dev`);
    await expect.poll(() => page.getByText('build-b').count(), { timeout: 10_000 }).toBe(1);
    await page.close();
  });
});
