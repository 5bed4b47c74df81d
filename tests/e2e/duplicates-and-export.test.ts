import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import type { Page } from 'playwright-core';
import { browserAvailability, launchContext } from '../support/chromium';
import { buildApp } from '../support/build-app';
import { freePort, startPreview } from '../support/preview-server';

const { available } = browserAvailability();
const SHOTS = join(tmpdir(), 'fieldbook-duplicates-shots');
const LONG_NOTE = 'Met at the Saturday market stall; wants the starter kit for her sister in Lagos, call back after payday — très intéressée';

/** Downloads what the Export menu item gives, as bytes, with the file name the browser was offered. */
async function exportFile(page: Page, item: string): Promise<{ name: string; bytes: Buffer }> {
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: item }).first().click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

async function openContacts(page: Page) {
  await page.getByRole('link', { name: 'Contacts', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search contacts' }).waitFor();
}

describe.skipIf(!available)('duplicates and export in Chromium', () => {
  let server: PreviewServer;
  let url: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const outDir = await buildApp('duplicates-and-export');
    ({ server, url } = await startPreview(outDir, await freePort()));
  });

  afterAll(async () => {
    await server?.close();
  });

  for (const [label, viewport, isMobile] of [
    ['phone', { width: 390, height: 844 }, true],
    ['desktop', { width: 1280, height: 800 }, false],
  ] as const) {
    it(`at ${label} size: two entries for one person are found, merged, undone, and the list exports as CSV and vCard`, async () => {
      const browser = await launchContext({ viewport, isMobile });
      try {
        const page = await browser.context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`${url}/contacts`);
        await page.getByRole('searchbox', { name: 'Search contacts' }).waitFor();

        // The same number written two ways; the second entry also has a work number and a long note.
        await page.getByRole('button', { name: '+ Quick add' }).click();
        await page.getByRole('textbox', { name: 'Name' }).fill('Ada Okafor');
        await page.getByRole('textbox', { name: 'Phone' }).fill('+1 415 555 0101');
        await page.getByRole('button', { name: 'Save contact' }).click();
        await page.getByText('Added Ada Okafor').first().waitFor();

        await page.getByRole('textbox', { name: 'Name' }).fill('Ada O');
        await page.getByRole('textbox', { name: 'Phone' }).fill('(415) 555-0101');
        await page.getByRole('button', { name: 'More details' }).click();
        await page.getByRole('button', { name: '+ Add phone' }).click();
        await page.getByRole('textbox', { name: 'Phone 2', exact: true }).fill('+1 212 555 0199');
        await page.getByRole('combobox', { name: 'Phone 2 label' }).selectOption('work');
        await page.getByRole('textbox', { name: 'Email', exact: true }).fill('ada.o@example.com');
        await page.getByRole('textbox', { name: 'Notes' }).fill(LONG_NOTE);
        await page.getByRole('group', { name: 'Phone numbers' }).scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SHOTS, `${label}-1-form.png`), fullPage: true });
        await page.getByRole('button', { name: 'Save contact' }).click();
        await page.getByRole('heading', { name: 'Ada O' }).waitFor();
        await page.screenshot({ path: join(SHOTS, `${label}-2-contact.png`), fullPage: true });

        await openContacts(page);
        const link = page.getByRole('link', { name: 'Possible duplicates (1)' });
        await link.waitFor({ timeout: 15_000 });
        await page.screenshot({ path: join(SHOTS, `${label}-3-list.png`), fullPage: true });
        await link.click();
        await page.getByRole('button', { name: 'Review and merge' }).click();
        const preview = page.getByRole('region', { name: 'After merging' });
        await preview.waitFor();
        expect(await preview.textContent()).toMatch(/\+1 415 555 0101.*\+1 212 555 0199/);
        await page.screenshot({ path: join(SHOTS, `${label}-4-merge.png`), fullPage: true });
        await page.getByRole('button', { name: 'Merge 2 contacts' }).click();
        await page.getByText('Merged 2 contacts into Ada Okafor').waitFor();
        await page.getByText('No duplicates found').waitFor();

        // One contact with both numbers; the old link to the merged-away entry opens it too.
        await openContacts(page);
        await expect.poll(() => page.getByTestId('contact-count').textContent()).toBe('1 contact');
        await page.getByRole('link', { name: /Ada Okafor/ }).click();
        await page.getByRole('heading', { name: 'Ada Okafor' }).waitFor();
        const numbers = page.getByRole('list', { name: 'Phone numbers and email addresses' });
        await expect.poll(() => numbers.textContent()).toMatch(/\+1 415 555 0101.*\+1 212 555 0199.*ada\.o@example\.com/);
        await page.screenshot({ path: join(SHOTS, `${label}-5-merged.png`), fullPage: true });

        await page.getByRole('button', { name: 'Undo' }).click();
        await page.getByText('Merge undone: 2 contacts are back').waitFor();
        await openContacts(page);
        await expect.poll(() => page.getByTestId('contact-count').textContent()).toBe('2 contacts');
        await page.getByRole('link', { name: /Ada O\b/ }).first().waitFor();

        // "Merge with…" from a contact offers the same side-by-side view for a contact the member picks.
        await page.getByRole('link', { name: /Ada O\b/ }).first().click();
        await page.getByRole('button', { name: 'Merge with…' }).click();
        await page.getByRole('searchbox', { name: 'Find the other contact' }).fill('okafor');
        await page.getByRole('list', { name: 'Matching contacts' }).getByRole('button', { name: /Ada Okafor/ }).click();
        await page.getByRole('region', { name: 'After merging' }).waitFor();
        await page.screenshot({ path: join(SHOTS, `${label}-6-merge-with.png`), fullPage: true });
        await page.getByRole('button', { name: 'Cancel' }).click();
        await openContacts(page);

        // The way out: all contacts as CSV and vCard, then the filtered list.
        const csv = await exportFile(page, 'CSV (Google, Excel)');
        expect(csv.name).toMatch(/^fieldbook-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
        expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const csvText = csv.bytes.toString('utf8').slice(1);
        const csvLines = csvText.split('\r\n');
        expect(csvLines[0]).toMatch(/^First Name,Middle Name,Last Name,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,/);
        expect(csvLines[0]).toContain('Phone 2 - Value');
        expect(csvText.replace(/\r\n/g, '')).not.toMatch(/\n/);
        expect(csvText).toContain('très intéressée');
        expect(csvLines.filter((line) => line.startsWith('Ada,'))).toHaveLength(2);

        const vcard = await exportFile(page, 'vCard (iPhone, Android)');
        expect(vcard.name).toMatch(/^fieldbook-contacts-\d{4}-\d{2}-\d{2}\.vcf$/);
        const card = vcard.bytes.toString('utf8');
        expect(card.startsWith('BEGIN:VCARD\r\nVERSION:3.0\r\n')).toBe(true);
        expect(card.match(/BEGIN:VCARD/g)).toHaveLength(2);
        expect(card.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
        const physical = card.split('\r\n');
        expect(physical.every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
        // The long note is folded onto continuation lines, which unfold back to the note.
        expect(physical.some((line) => line.startsWith(' '))).toBe(true);
        expect(card.replace(/\r\n /g, '')).toContain('TEL;TYPE=WORK');
        expect(card.replace(/\r\n /g, '')).toMatch(/NOTE:Met at the Saturday market stall\\; wants the starter kit/);

        await page.getByRole('searchbox', { name: 'Search contacts' }).fill('Okafor');
        await expect.poll(() => page.getByTestId('contact-count').textContent()).toBe('1 of 2 contacts');
        await page.getByRole('button', { name: 'Export', exact: true }).click();
        await page.getByRole('group', { name: 'Export contacts' }).waitFor();
        await page.screenshot({ path: join(SHOTS, `${label}-7-export-menu.png`), fullPage: true });
        await page.getByRole('button', { name: 'Export', exact: true }).click();
        const filtered = await exportFile(page, 'CSV (Google, Excel)');
        expect(filtered.bytes.toString('utf8').split('\r\n').filter((line) => line.startsWith('Ada,'))).toHaveLength(1);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 120_000);
  }
});
