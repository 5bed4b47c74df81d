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

/*
 * Tracked links end to end: a WhatsApp template with two links is sent from the app on the phone (its
 * links rewritten on the device, synced with the send), the links are then followed by a person's
 * browser, by WhatsApp's preview fetcher and by a HEAD request, through the redirect function running
 * in Deno behind the local stack. Only the person's click shows, live, on the member's laptop: a toast,
 * Hot now on Today, the contact's delivery timeline and the template's figures.
 */

const { available } = browserAvailability();
const SHOTS = join(process.cwd(), '.e2e', 'screenshots');
const VIDEO = 'https://video.example.com/watch?v=starter-kit';
const SHOP = 'https://shop.example.com/kit';
const DESKTOP_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const WHATSAPP_UA = 'WhatsApp/2.24.6.77 A';

describe.skipIf(!available)('tracked links in Chromium: sent from the phone, clicked, live on the laptop', () => {
  let stack: LocalStack;
  let server: PreviewServer;
  let url: string;
  let phone: LaunchedContext;
  let laptop: LaunchedContext;
  let a: Page;
  let b: Page;
  const errors: string[] = [];
  const email = `links-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'correct-horse-battery';

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, seed: false, functions: { warm: true } });
    const outDir = await buildApp('tracked-links', { supabase: { url: stack.url, anonKey: stack.anonKey } });
    ({ server, url } = await startPreview(outDir, await freePort()));
    const { error } = await clientFor(stack).auth.signUp({ email, password });
    if (error) throw new Error(error.message);
    phone = await launchContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    laptop = await launchContext({ viewport: { width: 1280, height: 800 } });
    mkdirSync(SHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await phone?.close();
    await laptop?.close();
    await server?.close();
    await stack?.close();
  });

  it('only the person counts: the toast, Hot now, the timeline and the template figures on the other device', async () => {
    a = await phone.context.newPage();
    b = await laptop.context.newPage();
    for (const page of [a, b]) page.on('pageerror', (error) => errors.push(error.message));
    await signIn(a, url, email, password);
    await signIn(b, url, email, password);

    // The template and the contact, made on the phone.
    await a.getByRole('link', { name: 'Templates' }).click();
    await a.getByRole('button', { name: '+ New template' }).click();
    await a.getByRole('textbox', { name: 'Template name' }).fill('Starter kit video');
    await a.getByRole('combobox', { name: 'Channel' }).selectOption('whatsapp');
    await a.getByRole('textbox', { name: 'Message' }).fill(`Hi {{first_name}}, the video: ${VIDEO}. The kit is here (${SHOP}).`);
    expect(await a.getByRole('checkbox', { name: /Track links/ }).isChecked()).toBe(true);
    await a.getByRole('button', { name: 'Save template' }).click();
    await a.getByText('Saved template Starter kit video').waitFor();
    await quickAdd(a, 'Jane Doe', '+1 555 010 0199');

    // Sending from the compose sheet: WhatsApp opens with the links rewritten.
    let opened = '';
    await phone.context.route('https://wa.me/**', async (route) => {
      opened = route.request().url();
      await route.fulfill({ contentType: 'text/plain', body: 'WhatsApp' });
    });
    await a.getByRole('link', { name: 'Contacts' }).click();
    await a.getByRole('link', { name: /Jane Doe/ }).click();
    await a.getByRole('button', { name: 'WhatsApp' }).first().click();
    const sheet = a.getByRole('dialog', { name: 'WhatsApp Jane' });
    await sheet.getByRole('combobox', { name: 'Template' }).selectOption({ label: 'Starter kit video' });
    await expect.poll(() => sheet.getByRole('checkbox', { name: 'Track the 2 links' }).isChecked()).toBe(true);
    await sheet.getByRole('button', { name: 'Open WhatsApp' }).click();
    await expect.poll(() => opened, { timeout: 10_000 }).not.toBe('');
    for (const extra of phone.context.pages()) if (extra !== a) await extra.close();
    const text = new URL(opened).searchParams.get('text') ?? '';
    const links = [...text.matchAll(/https?:\/\/[^\s()]+\/functions\/v1\/r\/[A-Za-z0-9_-]+/g)].map((match) => match[0]);
    expect(links).toHaveLength(2);
    expect(text).not.toContain('video.example.com');
    const [videoLink = '', shopLink = ''] = links;

    // The send and its links reach the server.
    await expect.poll(async () => (await stack.db.query<{ n: number }>('select count(*)::int as n from public.tracked_links where sent_email_id is not null')).rows[0]?.n, { timeout: 20_000 }).toBe(2);
    await b.goto(`${url}/today`);
    await b.getByRole('heading', { name: 'Today' }).waitFor();

    // A preview by WhatsApp, a scanner's HEAD, then the person's browser.
    const follow = (link: string, init: { method?: string; userAgent: string; address: string }) =>
      fetch(link, { method: init.method ?? 'GET', redirect: 'manual', headers: { 'user-agent': init.userAgent, 'x-forwarded-for': init.address } });
    const preview = await follow(videoLink, { userAgent: WHATSAPP_UA, address: '157.240.1.10' });
    const head = await follow(shopLink, { method: 'HEAD', userAgent: DESKTOP_UA, address: '198.51.100.20' });
    expect([preview.status, head.status].every((status) => status >= 300 && status < 400)).toBe(true);
    const person = await follow(videoLink, { userAgent: DESKTOP_UA, address: '203.0.113.50' });
    expect(person.status).toBeGreaterThanOrEqual(300);
    expect(person.status).toBeLessThan(400);
    expect(person.headers.get('location')).toBe(VIDEO);

    // Live on the laptop: one toast, Hot now.
    // The toast itself: the status region repeats its text for screen readers 250 ms later.
    const toast = b.locator('.toast', { hasText: 'Jane Doe opened ‘Starter kit video’' });
    await toast.waitFor({ timeout: 10_000 });
    const hot = b.getByRole('region', { name: /Hot now/ });
    await hot.getByRole('link', { name: /Jane Doe/ }).waitFor({ timeout: 10_000 });
    expect(await hot.getByRole('link').count()).toBe(1);
    await b.screenshot({ path: join(SHOTS, 'tracked-links-hot-now-desktop.png') });
    await expect.poll(async () => (await stack.db.query<{ kind: string }>('select kind from public.email_clicks order by kind')).rows.map((row) => row.kind), { timeout: 10_000 }).toEqual(['person', 'preview', 'scanner']);
    expect(await toast.count()).toBe(1);

    // The contact's timeline: sent, previewed by WhatsApp, opened once; the scanner only counted.
    await hot.getByRole('link', { name: /Jane Doe/ }).click();
    const delivery = b.getByRole('list', { name: 'Delivery of Starter kit video' });
    await delivery.getByText(/Opened by Jane/).waitFor({ timeout: 10_000 });
    expect(await delivery.getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/^Sent from your phone on WhatsApp/),
      expect.stringMatching(/^Preview fetched by WhatsApp/),
      expect.stringMatching(/^Opened by Jane · video\.example\.com\/watch\?v=starter-kit/),
    ]);
    expect(await b.getByText(/Email opens are not tracked/).count()).toBe(1);
    // The feed activity the server wrote for the person's click.
    await b.getByText(/Jane Doe opened a link in ‘Starter kit video’/).first().waitFor({ timeout: 10_000 });
    await b.screenshot({ path: join(SHOTS, 'tracked-links-timeline-desktop.png'), fullPage: true });

    // The template's figures match: one send, clicked by the person; per link, the video clicked, the shop not.
    await b.getByRole('link', { name: 'Templates' }).click();
    const stats = b.getByRole('region', { name: 'Performance of Starter kit video, last 7 days' });
    await stats.waitFor();
    expect(await stats.getByRole('definition').allTextContents()).toEqual(['1', '1', '100%', expect.stringMatching(/min$/)]);
    const rows = (await stats.getByRole('row').allTextContents()).slice(1);
    expect(rows).toEqual([expect.stringMatching(/^video\.example\.com\/watch\?v=starter-kit11100%/), expect.stringMatching(/^shop\.example\.com\/kit100%—$/)]);
    await b.screenshot({ path: join(SHOTS, 'tracked-links-templates-desktop.png') });
    await a.goto(`${url}/today`);
    await a.getByRole('region', { name: /Hot now/ }).waitFor({ timeout: 10_000 });
    await a.screenshot({ path: join(SHOTS, 'tracked-links-hot-now-phone.png') });
    expect(errors).toEqual([]);
  }, 180_000);

  it('a message sent offline and clicked before the phone synced takes the person to the page, and counts once the phone is back', async () => {
    await waitForActiveServiceWorker(a);
    await phone.context.setOffline(true);
    try {
      await a.getByText(/Offline: changes are saved on this device/).waitFor({ timeout: 10_000 });
      // The app hands WhatsApp links to window.open; here it only records them (the phone has no network).
      await a.evaluate(() => Object.assign(window, { open: (target: string) => void document.body.setAttribute('data-opened', target) }));
      await a.getByRole('link', { name: 'Contacts' }).click();
      await a.getByRole('link', { name: /Jane Doe/ }).click();
      await a.getByRole('button', { name: 'WhatsApp' }).first().click();
      const sheet = a.getByRole('dialog', { name: 'WhatsApp Jane' });
      await sheet.getByRole('combobox', { name: 'Template' }).selectOption({ label: 'Starter kit video' });
      await expect.poll(() => sheet.getByRole('checkbox', { name: 'Track the 2 links' }).isChecked()).toBe(true);
      await a.screenshot({ path: join(SHOTS, 'tracked-links-compose-offline-phone.png') });
      await sheet.getByRole('button', { name: 'Open WhatsApp' }).click();
      await expect.poll(() => a.evaluate(() => document.body.getAttribute('data-opened') ?? ''), { timeout: 10_000 }).not.toBe('');
      const text = new URL(await a.evaluate(() => document.body.getAttribute('data-opened') ?? '')).searchParams.get('text') ?? '';
      const [videoLink = ''] = [...text.matchAll(/https?:\/\/[^\s()]+\/functions\/v1\/r\/[A-Za-z0-9_-]+/g)].map((match) => match[0]);
      // The person clicks while the phone is still offline: the server has never heard of this link.
      const person = await fetch(videoLink, { redirect: 'manual', headers: { 'user-agent': DESKTOP_UA, 'x-forwarded-for': '203.0.113.51' } });
      expect(person.headers.get('location')).toBe(VIDEO);
      await expect
        .poll(async () => (await stack.db.query<{ n: number }>("select count(*)::int as n from public.email_clicks where kind = 'person' and sent_email_id is null")).rows[0]?.n, { timeout: 10_000 })
        .toBe(1);
    } finally {
      await phone.context.setOffline(false);
    }
    // Back online: the send and its links reach the server, the click gets its message, the laptop hears of it.
    await expect
      .poll(async () => (await stack.db.query<{ n: number }>("select count(*)::int as n from public.email_clicks where kind = 'person' and sent_email_id is not null")).rows[0]?.n, { timeout: 30_000 })
      .toBe(2);
    await b.goto(`${url}/templates`);
    const stats = b.getByRole('region', { name: 'Performance of Starter kit video, last 7 days' });
    await expect.poll(() => stats.getByRole('definition').allTextContents(), { timeout: 15_000 }).toEqual(['2', '2', '100%', expect.stringMatching(/min$/)]);
    await b.goto(`${url}/activity`);
    await expect.poll(() => b.getByText(/Jane Doe opened a link in ‘Starter kit video’/).count(), { timeout: 15_000 }).toBe(2);
    expect(errors).toEqual([]);
  }, 120_000);
});
