import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import { browserAvailability, launchContext, type LaunchedContext } from '../support/chromium';
import { buildApp } from '../support/build-app';
import { freePort, startPreview } from '../support/preview-server';
import { quickAdd, waitForActiveServiceWorker } from '../support/page-helpers';

const { available } = browserAvailability();

describe.skipIf(!available)('in Chromium, built app served by vite preview', () => {
  let server: PreviewServer;
  let url: string;
  let browser: LaunchedContext;

  beforeAll(async () => {
    const outDir = await buildApp('offline-and-tabs');
    ({ server, url } = await startPreview(outDir, await freePort()));
    browser = await launchContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a contact added on the phone survives an offline reload served by the service worker', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url}/today`);
    await expect.poll(() => page.getByRole('heading', { name: 'Today' }).isVisible()).toBe(true);
    expect(await page.getByRole('status').count()).toBe(1);
    await waitForActiveServiceWorker(page);

    await quickAdd(page, 'Jane Doe', '+1 555 010 0199');
    await browser.context.setOffline(true);
    try {
      await page.reload();
      await page.getByRole('link', { name: 'Contacts' }).click();
      await page.getByRole('link', { name: /Jane Doe/ }).waitFor();
      await page.getByRole('link', { name: /Jane Doe/ }).click();
      await expect.poll(() => page.getByRole('heading', { name: 'Jane Doe' }).isVisible()).toBe(true);
      expect(await page.getByText('+1 555 010 0199').isVisible()).toBe(true);
    } finally {
      await browser.context.setOffline(false);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('two tabs see each other’s writes without reloading', async () => {
    const first = await browser.context.newPage();
    const second = await browser.context.newPage();
    await first.goto(`${url}/dashboard`);
    await second.goto(`${url}/contacts`);
    await second.getByRole('searchbox', { name: 'Search contacts' }).waitFor();
    // The stats show a dash until IndexedDB has answered; read the count once it has.
    const contactStat = first.locator('.stat', { hasText: 'Contacts' }).locator('.stat__value');
    await expect.poll(async () => Number.isFinite(Number(await contactStat.textContent()))).toBe(true);
    const before = Number(await contactStat.textContent());

    await quickAdd(first, 'Marcus Reed', '555 010 0142');
    await second.getByRole('link', { name: /Marcus Reed/ }).waitFor({ timeout: 5000 });

    await quickAdd(second, 'Priya Shah', '+44 7700 900123');
    await first.getByRole('link', { name: 'Dashboard' }).click();
    await expect.poll(async () => Number(await contactStat.textContent())).toBe(before + 2);
    await first.getByText('Added Priya Shah').waitFor();
    await first.close();
    await second.close();
  });
});
