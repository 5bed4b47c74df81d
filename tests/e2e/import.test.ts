import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import type { Page } from 'playwright-core';
import { browserAvailability, launchContext, type LaunchedContext } from '../support/chromium';
import { buildApp } from '../support/build-app';
import { waitForActiveServiceWorker } from '../support/page-helpers';
import { freePort, startPreview } from '../support/preview-server';

const { available } = browserAvailability();
const FIXTURES = join(process.cwd(), 'tests', 'fixtures', 'contacts');
const SHOTS = join(tmpdir(), 'fieldbook-import-shots');

/** The number shown under a label of the preview's counts. */
const stat = (page: Page, label: string) => page.locator('.import__stat', { hasText: label }).locator('.import__stat-value').textContent();

const liveContacts = (page: Page) =>
  page.evaluate(async () => {
    const { db } = (window as unknown as { __fieldbook: { db: { contacts: { toArray: () => Promise<{ first_name: string; deleted_at: string | null }[]> } } } }).__fieldbook;
    return (await db.contacts.toArray()).filter((contact) => contact.deleted_at === null).map((contact) => contact.first_name).sort();
  });

async function chooseFile(page: Page, name: string) {
  await page.locator('input[type="file"]').setInputFiles(join(FIXTURES, name));
  await page.getByRole('heading', { name: new RegExp(name.replace('.', '\\.')) }).waitFor({ timeout: 15_000 });
}

for (const [label, viewport, isMobile] of [
  ['phone', { width: 390, height: 844 }, true],
  ['desktop', { width: 1280, height: 800 }, false],
] as const) {
  describe.skipIf(!available)(`import in Chromium at ${label} size`, () => {
    let server: PreviewServer;
    let url: string;
    let browser: LaunchedContext;

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      const outDir = await buildApp('import', { devTools: true });
      ({ server, url } = await startPreview(outDir, await freePort()));
      browser = await launchContext({ viewport, isMobile });
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('a Google CSV: preview, confirm, toast and list; again: only matches, no duplicates; undo; then a vCard', async () => {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${url}/contacts/import`);
      await page.getByRole('heading', { name: 'Import contacts' }).waitFor();
      await page.waitForFunction(() => '__fieldbook' in window);
      await waitForActiveServiceWorker(page);
      await page.screenshot({ path: join(SHOTS, `${label}-1-choose.png`), fullPage: true });

      await chooseFile(page, 'google.csv');
      expect(await stat(page, 'Found')).toBe('3');
      expect(await stat(page, 'New')).toBe('3');
      expect(await stat(page, 'Already in your list')).toBe('0');
      expect(await page.getByLabel('Lead source').inputValue()).toBe('Google');
      expect(await page.getByLabel('Tag for this batch').inputValue()).toMatch(/^imported \d{4}-\d{2}-\d{2}$/);
      expect(await liveContacts(page)).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `${label}-2-preview.png`), fullPage: true });

      await page.getByRole('button', { name: 'Import 3 contacts' }).click();
      await page.getByText('Imported 3 contacts').waitFor();
      await page.screenshot({ path: join(SHOTS, `${label}-3-imported.png`), fullPage: true });
      await page.getByRole('link', { name: 'Back to contacts' }).click();
      await page.getByRole('link', { name: /Zoë.*Müller/ }).waitFor();
      await page.getByRole('link', { name: /ACME Plumbing/ }).waitFor();
      expect(await liveContacts(page)).toHaveLength(3);

      // The same file again: every row is a contact already in the list, and nothing is duplicated.
      await page.goto(`${url}/contacts/import`);
      await chooseFile(page, 'google.csv');
      expect(await stat(page, 'New')).toBe('0');
      expect(await stat(page, 'Already in your list')).toBe('3');
      await page.getByRole('region', { name: /already in your list/ }).waitFor();
      await page.screenshot({ path: join(SHOTS, `${label}-4-matches.png`), fullPage: true });
      await page.getByRole('button', { name: 'Merge 3 into your list' }).click();
      await page.getByText(/Nothing to import: 3 already up to date/).waitFor();
      expect(await liveContacts(page)).toHaveLength(3);

      // Undo from the list of recent imports.
      const recent = page.getByRole('region', { name: 'Recent imports' });
      await recent.getByRole('button', { name: /Undo the import of 3 contacts from Google/ }).click();
      await page.getByText('Import undone: 3 removed').waitFor();
      expect(await liveContacts(page)).toEqual([]);
      await recent.getByText(/undone/).waitFor();

      // An iPhone vCard, offline after a reload: the screen, its parsing worker and its parsers come from the service worker.
      await browser.context.setOffline(true);
      await page.reload();
      await page.getByRole('heading', { name: 'Import contacts' }).waitFor();
      await chooseFile(page, 'iphone.vcf');
      expect(await stat(page, 'Found')).toBe('3');
      expect(await page.getByLabel('Lead source').inputValue()).toBe('vCard');
      await page.getByRole('button', { name: /^Import/ }).last().click();
      await page.getByText(/^Imported \d+ contacts?/).waitFor();
      await page.screenshot({ path: join(SHOTS, `${label}-5-vcard.png`), fullPage: true });
      expect((await liveContacts(page)).length).toBeGreaterThan(0);
      expect((await liveContacts(page)).some((name) => name.startsWith('José'))).toBe(true);
      await browser.context.setOffline(false);

      expect(errors).toEqual([]);
      await page.close();
    });
  });
}
