import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { buildApp } from '../support/build-app';
import { browserAvailability, launchContext, type LaunchedContext } from '../support/chromium';
import { clientFor } from '../support/local-stack';
import { quickAdd, signIn, waitForActiveServiceWorker } from '../support/page-helpers';
import { freePort, startPreview } from '../support/preview-server';

const { available } = browserAvailability();
const SHOTS = join(process.cwd(), '.e2e', 'screenshots');

describe.skipIf(!available)('sync in Chromium: two devices of one member against the local stack', () => {
  let stack: LocalStack;
  let server: PreviewServer;
  let url: string;
  let phone: LaunchedContext;
  let laptop: LaunchedContext;
  const email = `e2e-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'correct-horse-battery';

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, seed: false });
    const outDir = await buildApp('sync', { supabase: { url: stack.url, anonKey: stack.anonKey } });
    ({ server, url } = await startPreview(outDir, await freePort()));
    const { error } = await clientFor(stack).auth.signUp({ email, password });
    if (error) throw new Error(error.message);
    phone = await launchContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    laptop = await launchContext({ viewport: { width: 1280, height: 800 } });
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await phone?.close();
    await laptop?.close();
    await server?.close();
    await stack?.close();
  });

  it('adds on A show on B; A offline adds and edits with the banner and markers showing; back online they clear and B gets both', async () => {
    const a = await phone.context.newPage();
    const b = await laptop.context.newPage();
    const errors: string[] = [];
    for (const page of [a, b]) page.on('pageerror', (error) => errors.push(error.message));
    await a.goto(`${url}/account`);
    await a.getByRole('heading', { name: 'Sign in to sync' }).waitFor();
    await a.screenshot({ path: join(SHOTS, 'sync-sign-in-phone.png') });
    await signIn(a, url, email, password);
    await signIn(b, url, email, password);

    await quickAdd(a, 'Rosa Diaz', '+1 555 010 0111');
    await b.getByRole('link', { name: 'Contacts' }).click();
    await b.getByRole('link', { name: /Rosa Diaz/ }).waitFor({ timeout: 10_000 });

    // The app's code is cached before the phone goes offline (the edit screen loads on first use).
    await waitForActiveServiceWorker(a);
    await phone.context.setOffline(true);
    try {
      await a.getByText(/Offline: changes are saved on this device/).waitFor({ timeout: 10_000 });
      await quickAdd(a, 'Olly Offline', '+1 555 010 0122');
      // An edit while offline, through the edit form.
      await a.getByRole('link', { name: 'Contacts' }).click();
      await a.getByRole('link', { name: /Rosa Diaz/ }).click();
      await a.getByRole('button', { name: 'Edit' }).click();
      await a.getByRole('textbox', { name: 'Phone' }).fill('+1 555 010 0999');
      await a.getByRole('button', { name: 'Save changes' }).click();
      await a.getByRole('heading', { name: 'Rosa Diaz' }).waitFor();
      await a.getByText(/Offline: changes are saved on this device \(\d+ waiting\)/).waitFor();
      await a.getByRole('link', { name: 'Contacts' }).click();
      await a.getByRole('link', { name: /Olly Offline \(not synced yet\)/ }).waitFor();
      await a.getByRole('link', { name: /Rosa Diaz \(not synced yet\)/ }).waitFor();
      await a.screenshot({ path: join(SHOTS, 'sync-offline-phone.png') });
      await b.screenshot({ path: join(SHOTS, 'sync-desktop.png') });
      expect(await b.getByRole('link', { name: /Olly Offline/ }).count()).toBe(0);
    } finally {
      await phone.context.setOffline(false);
    }
    await expect.poll(() => a.getByText(/Offline: changes are saved/).count(), { timeout: 10_000 }).toBe(0);
    await b.getByRole('link', { name: /Olly Offline/ }).waitFor({ timeout: 15_000 });
    await b.getByRole('link', { name: /Rosa Diaz/ }).click();
    await b.getByText('+1 555 010 0999').waitFor({ timeout: 15_000 });
    await a.locator('.sync-chip', { hasText: 'Synced' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => a.getByRole('link', { name: /not synced yet/ }).count(), { timeout: 10_000 }).toBe(0);
    await a.screenshot({ path: join(SHOTS, 'sync-back-online-phone.png') });
    expect(errors).toEqual([]);
  });

  it('[OW1] a value typed offline that loses to a later edit elsewhere is named in a notice with Restore mine', async () => {
    const a = await phone.context.newPage();
    const b = await laptop.context.newPage();
    const errors: string[] = [];
    for (const page of [a, b]) page.on('pageerror', (error) => errors.push(error.message));
    const editEmail = async (page: Page, value: string) => {
      await page.goto(`${url}/contacts`);
      await page.getByRole('link', { name: /Rosa Diaz/ }).click();
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('textbox', { name: 'Email' }).fill(value);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('heading', { name: 'Rosa Diaz' }).waitFor();
    };
    // One tab per device here: the notice shows in the tab that runs the sync engine.
    for (const [context, page] of [[phone.context, a], [laptop.context, b]] as const) for (const other of context.pages()) if (other !== page) await other.close();
    await b.goto(url);
    await a.goto(url);
    await a.locator('.sync-chip', { hasText: 'Synced' }).waitFor({ timeout: 20_000 });
    await waitForActiveServiceWorker(a);
    await phone.context.setOffline(true);
    try {
      await a.getByText(/Offline: changes are saved on this device/).waitFor({ timeout: 10_000 });
      await editEmail(a, 'rosa.phone@example.com');
      await editEmail(b, 'rosa.laptop@example.com');
      await b.locator('.sync-chip', { hasText: 'Synced' }).waitFor({ timeout: 15_000 });
    } finally {
      await phone.context.setOffline(false);
    }
    // The notice is loaded when the first one is due: this is that first time in this page.
    const notice = 'Email of Rosa Diaz was changed on another device.';
    await a.locator('span').filter({ hasText: notice }).waitFor({ timeout: 20_000 });
    // Screen readers hear it too, once.
    await expect.poll(() => a.getByRole('status').filter({ hasText: notice }).count()).toBe(1);
    await a.getByRole('button', { name: 'Restore mine' }).waitFor();
    await a.screenshot({ path: join(SHOTS, 'sync-overwritten-phone.png') });
    await a.getByText('rosa.laptop@example.com').waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  });
});
