import type { Page } from 'playwright-core';

/** Waits until this page's service worker is activated (ready resolves while it may still be activating). */
/**
 * Waits until the service worker is active and controls the page, so what the page loads next (lazy
 * screens) comes from the precache, offline too. The worker that installs on a first visit does not
 * take charge of that page (no clientsClaim: updates wait for the member's Reload), so the page is
 * reloaded once when it is not controlled yet.
 */
export async function waitForActiveServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (!worker || worker.state === 'activated') return;
    await new Promise<void>((resolve) => {
      worker.addEventListener('statechange', () => worker.state === 'activated' && resolve());
    });
  });
  if (await page.evaluate(() => navigator.serviceWorker.controller !== null)) return;
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null && document.getElementById('main') !== null);
}

export async function quickAdd(page: Page, name: string, phone: string): Promise<void> {
  await page.getByRole('link', { name: 'Contacts' }).click();
  await page.getByRole('button', { name: '+ Quick add' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('textbox', { name: 'Phone' }).fill(phone);
  await page.getByRole('button', { name: 'Save contact' }).click();
  await page.getByText(`Added ${name}`).first().waitFor();
}

/** Signs in on /account; signing in reloads into the member's own database, and the chip then says it is in step. */
export async function signIn(page: Page, url: string, email: string, password = 'correct-horse-battery'): Promise<void> {
  await page.goto(`${url}/account`);
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('.sync-chip', { hasText: 'Synced' }).waitFor({ timeout: 20_000 });
}
