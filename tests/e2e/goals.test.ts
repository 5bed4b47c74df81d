import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../support/build-app';
import { browserAvailability, launchContext, type LaunchedContext } from '../support/chromium';
import { freePort, startPreview } from '../support/preview-server';

/*
 * Daily goals in Chromium, in the production build (local-only workspace, dev tools on for seeding):
 * set goals on the goals screen, log a call as connected through the outcome sheet and see the ring
 * advance on Today; reach the goal while Today is open and hear it announced once. Screenshots of
 * Today, the goals screen and the weekly review at 390×844 and 1280×800 go to tests/screenshots/out/.
 */

const { available } = browserAvailability();
const SHOTS = join(process.cwd(), 'tests', 'screenshots', 'out');

type Seeded = { ids: Record<string, string> };

/** Five people, some due for a follow-up, two gone quiet. */
async function seedContacts(page: Page): Promise<Seeded> {
  return page.evaluate(async () => {
    type Store = {
      addContact: (input: unknown) => Promise<{ ok: boolean; value: string }>;
      updateContact: (id: string, patch: unknown) => Promise<unknown>;
    };
    type Db = { contacts: { where: (index: string) => { anyOf: (keys: string[]) => { modify: (changes: unknown) => Promise<number> } } } };
    const { store, db } = (window as unknown as { __fieldbook: { store: Store; db: Db } }).__fieldbook;
    const day = (offset: number) => {
      const d = new Date(Date.now() + offset * 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    const people: [string, string, string, string, number | null][] = [
      ['Jane', 'Doe', '+1 555 010 0199', 'contacted', 3],
      ['Marcus', 'Reed', '+1 555 010 0142', 'follow_up', 0],
      ['Priya', 'Shah', '+44 7700 900123', 'new', 5],
      ['Tom', 'Nguyen', '+1 555 010 0177', 'presented', null],
      ['Olivia', 'Martin', '+1 555 010 0188', 'customer', null],
    ];
    const ids: Record<string, string> = {};
    for (const [first_name, last_name, phone, stage, follow] of people) {
      const result = await store.addContact({ first_name, last_name, phone, email: '', stage, contact_type: 'business', lead_source: 'Instagram', tags: [], notes: '', next_follow_up_on: follow === null ? null : day(follow) });
      ids[first_name] = result.value;
    }
    const old = new Date(Date.now() - 30 * 86_400_000).toISOString();
    await db.contacts.where('id').anyOf([ids['Tom'] as string, ids['Olivia'] as string]).modify({ last_touched_at: old });
    return { ids };
  });
}

/**
 * Goals since three weeks ago (part-time) and the last twelve days of activity, backdated, so the
 * streaks and the weekly review have something to show.
 */
async function seedHistory(page: Page, { ids }: Seeded): Promise<void> {
  await page.evaluate(async (ids) => {
    type Store = {
      saveGoals: (input: unknown, startsOn: string) => Promise<unknown>;
      logOutreach: (id: string, channel: string, outcome: string | null, next: string | null) => Promise<unknown>;
      updateContact: (id: string, patch: unknown) => Promise<unknown>;
      saveTemplate: (id: null, input: unknown) => Promise<{ value: string }>;
      recordEmailSent: (contactId: string, template: { id: string; name: string }, to: string, subject: string, body: string) => Promise<unknown>;
    };
    type Table = { toArray: () => Promise<{ id: string }[]>; where: (index: string) => { anyOf: (keys: string[]) => { modify: (changes: unknown) => Promise<number> } } };
    const { store, db } = (window as unknown as { __fieldbook: { store: Store; db: { member_activities: Table; sent_emails: Table } } }).__fieldbook;
    const DAY = 86_400_000;
    const day = (offset: number) => {
      const d = new Date(Date.now() + offset * DAY);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    await store.saveGoals({ preset: 'part_time', conversations: 2, invitations: 1, follow_ups: 2, presentations: 0, new_customers: 0, new_team_members: 0, work_days: [1, 2, 3, 4, 5], week_min_days: 4, review_day: 7 }, day(-21));
    const id = (name: string) => ids[name] as string;
    const invite = { id: (await store.saveTemplate(null, { name: 'Open evening', channel: 'email', subject: 'Come along on Thursday?', body: 'Hi {{first_name}}, join us on Thursday.', track_links: true, is_invitation: true })).value, name: 'Open evening' };
    for (let back = 12; back >= 1; back -= 1) {
      const before = new Set((await db.member_activities.toArray()).map((row) => row.id));
      const sentBefore = new Set((await db.sent_emails.toArray()).map((row) => row.id));
      // An invitation most days (not on the days divisible by 5).
      if (back % 5 !== 0) await store.recordEmailSent(id('Tom'), invite, 'tom@example.com', 'Come along on Thursday?', 'Hi Tom, join us on Thursday.');
      await store.logOutreach(id('Marcus'), 'call', 'connected', null);
      await store.logOutreach(id('Priya'), 'whatsapp', back % 3 === 0 ? 'no_answer' : 'replied', null);
      if (back % 2 === 0) await store.logOutreach(id('Jane'), 'text', 'connected', null);
      if (back === 9) await store.updateContact(id('Jane'), { stage: 'presented' });
      if (back === 4) await store.updateContact(id('Jane'), { stage: 'customer' });
      const fresh = (await db.member_activities.toArray()).filter((row) => !before.has(row.id)).map((row) => row.id);
      const at = new Date(Date.now() - back * DAY + 60_000).toISOString();
      await db.member_activities.where('id').anyOf(fresh).modify({ occurred_at: at });
      const sent = (await db.sent_emails.toArray()).filter((row) => !sentBefore.has(row.id)).map((row) => row.id);
      await db.sent_emails.where('id').anyOf(sent).modify({ sent_at: at });
    }
    // Follow-ups for next week (logging cleared them).
    await store.updateContact(id('Jane'), { next_follow_up_on: day(3) });
    await store.updateContact(id('Priya'), { next_follow_up_on: day(5) });
    await store.updateContact(id('Marcus'), { next_follow_up_on: day(0) });
  }, ids);
}

/** The whole screen: the app scrolls inside <main>, so the viewport grows to fit it for the picture. */
async function fullShot(page: Page, path: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  const extra = await page.evaluate(() => {
    const main = document.querySelector('main');
    return main ? main.scrollHeight - main.clientHeight : 0;
  });
  await page.setViewportSize({ width: size.width, height: size.height + extra });
  await page.waitForTimeout(200);
  await page.screenshot({ path });
  // And the same in viewport-sized parts, readable at a glance.
  const total = size.height + extra;
  for (let top = 0, part = 1; top < total; top += size.height, part += 1) {
    await page.screenshot({ path: path.replace(/\.png$/, `-part${part}.png`), clip: { x: 0, y: top, width: size.width, height: Math.min(size.height, total - top) } });
  }
  await page.setViewportSize(size);
}

/** Visible controls without a name or smaller than 44×44 px (links inside running text excepted), as in accessibility.test.ts. */
async function smallOrUnnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>('main a[href], main button, main input, main select, main textarea, main summary')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || element.closest('.visually-hidden')) continue;
      const labels = [...((element as HTMLInputElement).labels ?? [])].map((label) => label.textContent ?? '').join(' ');
      const name = `${element.getAttribute('aria-label') ?? ''}${labels}${element.textContent ?? ''}`.trim();
      const what = `${element.tagName.toLowerCase()} "${name.slice(0, 30)}"`;
      if (name === '') problems.push(`${what}: no name`);
      const inline = element.tagName === 'A' && element.closest('p, dd') !== null;
      if (!inline && (box.width < 44 || box.height < 44)) problems.push(`${what}: ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    return problems;
  });
}

const ringCount = (page: Page, kind: string) => page.locator(`.goal-ring[data-kind="${kind}"] .goal-ring__count`);

describe.skipIf(!available)('daily goals in Chromium', () => {
  let server: PreviewServer;
  let url: string;
  let phone: LaunchedContext;
  let desktop: LaunchedContext;
  const errors: string[] = [];

  beforeAll(async () => {
    const outDir = await buildApp('goals', { devTools: true });
    ({ server, url } = await startPreview(outDir, await freePort()));
    phone = await launchContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    desktop = await launchContext({ viewport: { width: 1280, height: 800 } });
    mkdirSync(SHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await phone?.close();
    await desktop?.close();
    await server?.close();
  });

  it('on a phone: set goals, log a call as connected, the ring advances; reaching the goal is announced once', async () => {
    const page = await phone.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url}/today`);
    await page.waitForFunction(() => '__fieldbook' in window);
    const seeded = await seedContacts(page);

    // No goals yet: the presets are on Today.
    await page.getByRole('heading', { name: 'Set daily goals' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'phone-goals-setup.png') });

    await seedHistory(page, seeded);
    await page.getByRole('heading', { name: "Today's goals" }).waitFor();

    // Set goals on the goals screen: Full-time, five conversations a day from today.
    await page.getByRole('link', { name: 'Edit goals' }).click();
    await page.getByRole('heading', { name: 'Daily goals' }).waitFor();
    await page.getByRole('button', { name: 'Full-time' }).click();
    expect(await page.getByRole('spinbutton', { name: 'Conversations' }).inputValue()).toBe('5');
    await fullShot(page, join(SHOTS, 'phone-goals.png'));
    // Working two days cannot make a four-day week: the message shows beside the field, nothing is lost.
    for (const day of ['Monday', 'Tuesday', 'Wednesday']) await page.getByRole('button', { name: day }).click();
    await page.getByRole('button', { name: 'Save goals' }).click();
    const weekField = page.getByRole('spinbutton', { name: 'A good week = at least' });
    expect(await weekField.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('A week cannot need more days than you work').waitFor();
    await weekField.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'phone-goals-error.png') });
    expect(await page.getByRole('heading', { name: 'Daily goals' }).count()).toBe(1);
    for (const day of ['Monday', 'Tuesday', 'Wednesday']) await page.getByRole('button', { name: day }).click();
    await page.getByRole('button', { name: 'Save goals' }).click();
    await page.locator('.toast', { hasText: 'Goals saved — they count from today' }).waitFor();
    await page.getByRole('heading', { name: "Today's goals" }).waitFor();
    await expect.poll(() => ringCount(page, 'conversations').textContent()).toBe('0 / 5');

    // A call to Marcus, logged as connected in the outcome sheet when the app is visible again.
    await page.goto(`${url}/contacts/${seeded.ids['Marcus']}`);
    await page.waitForFunction(() => '__fieldbook' in window);
    // Headless Chromium has no phone app: the tel: link is recorded instead of followed.
    await page.evaluate(() => {
      const { platform } = (window as unknown as { __fieldbook: { platform: { openExternal: (url: string) => void } } }).__fieldbook;
      platform.openExternal = (target: string) => document.body.setAttribute('data-opened', target);
    });
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    expect(await page.evaluate(() => document.body.getAttribute('data-opened'))).toBe('tel:+15550100142');
    await page.waitForTimeout(1700);
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    const sheet = page.getByRole('dialog', { name: 'How did the call with Marcus go?' });
    await sheet.getByRole('button', { name: 'Connected' }).click();
    await sheet.getByRole('button', { name: 'Save' }).click();
    await page.locator('.toast', { hasText: 'Logged: connected' }).waitFor();

    await page.getByRole('link', { name: 'Today' }).first().click();
    await expect.poll(() => ringCount(page, 'conversations').textContent(), { timeout: 10_000 }).toBe('1 / 5');
    await page.screenshot({ path: join(SHOTS, 'phone-goals-today.png') });

    // Four more while Today is open: the ring completes, with a check and one announcement.
    const status = page.getByRole('status');
    await page.evaluate(async (id) => {
      const { store } = (window as unknown as { __fieldbook: { store: { logOutreach: (id: string, channel: string, outcome: string, next: null) => Promise<unknown> } } }).__fieldbook;
      for (let i = 0; i < 4; i += 1) await store.logOutreach(id, 'call', 'connected', null);
    }, seeded.ids['Marcus'] as string);
    await expect.poll(() => ringCount(page, 'conversations').textContent(), { timeout: 10_000 }).toBe('5 / 5');
    await expect.poll(() => status.textContent(), { timeout: 5_000 }).toMatch(/^Conversations goal reached\b/);
    expect(await page.locator('.goal-ring[data-kind="conversations"].goal-ring--celebrate .goal-check').count()).toBe(1);
    expect(await page.locator('.goal-ring[data-kind="conversations"].goal-ring--celebrate .goal-ring__dial').evaluate((dial) => getComputedStyle(dial).animationName)).toBe('goal-pop');
    await page.waitForTimeout(1000);
    await fullShot(page, join(SHOTS, 'phone-goals-today-reached.png'));

    // Reloading shows it reached, without celebrating again.
    await page.reload();
    await expect.poll(() => ringCount(page, 'conversations').textContent(), { timeout: 10_000 }).toBe('5 / 5');
    await page.waitForTimeout(600);
    expect(await page.locator('.goal-ring--celebrate').count()).toBe(0);
    expect(await page.locator('.goal-ring[data-kind="conversations"] .goal-check').count()).toBe(1);

    await page.goto(`${url}/review`);
    await page.getByRole('heading', { name: 'Lead measures' }).waitFor();
    await fullShot(page, join(SHOTS, 'phone-review.png'));

    // Every control on the three screens has a name and a 44 px touch target.
    const problems: string[] = [];
    for (const path of ['/today', '/goals', '/review']) {
      await page.goto(`${url}${path}`);
      await page.locator('.goal-ring, .goals-form, .review-table').first().waitFor();
      problems.push(...(await smallOrUnnamedControls(page)).map((problem) => `${path}: ${problem}`));
    }
    expect(problems).toEqual([]);
    // The audit can fail: a small unnamed button is reported twice.
    await page.evaluate(() => document.querySelector('main')?.insertAdjacentHTML('afterbegin', '<button style="width:20px;height:20px;padding:0"></button>'));
    expect(await smallOrUnnamedControls(page)).toEqual(['button "": no name', 'button "": 20×20']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('at desktop width: Today with rings and streaks, the goals screen and the review', async () => {
    const page = await desktop.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url}/today`);
    await page.waitForFunction(() => '__fieldbook' in window);
    const seeded = await seedContacts(page);
    await seedHistory(page, seeded);
    await page.evaluate(async (id) => {
      const { store } = (window as unknown as { __fieldbook: { store: { logOutreach: (id: string, channel: string, outcome: string, next: null) => Promise<unknown> } } }).__fieldbook;
      await store.logOutreach(id, 'call', 'connected', null);
    }, seeded.ids['Jane'] as string);
    await expect.poll(() => ringCount(page, 'conversations').textContent(), { timeout: 10_000 }).toBe('1 / 2');
    // Twelve days of activity make a streak (days off skipped).
    await expect.poll(() => page.locator('.streak strong').first().textContent()).toMatch(/^\d+-day streak$/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'desktop-goals-today.png') });
    // The explanations open in place.
    await page.locator('summary', { hasText: 'How streaks work' }).click();
    await page.locator('summary', { hasText: 'What counts' }).click();
    await fullShot(page, join(SHOTS, 'desktop-goals-today-help.png'));

    // With reduced motion, reaching a goal shows the check and says so, without animation.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.evaluate(async (id) => {
      const { store } = (window as unknown as { __fieldbook: { store: { logOutreach: (id: string, channel: string, outcome: string, next: null) => Promise<unknown> } } }).__fieldbook;
      await store.logOutreach(id, 'whatsapp', 'replied', null);
    }, seeded.ids['Priya'] as string);
    await expect.poll(() => ringCount(page, 'conversations').textContent(), { timeout: 10_000 }).toBe('2 / 2');
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 5_000 }).toMatch(/^Conversations goal reached\b/);
    const dial = page.locator('.goal-ring[data-kind="conversations"].goal-ring--celebrate .goal-ring__dial');
    expect(await dial.evaluate((element) => getComputedStyle(element).animationName)).toBe('none');
    expect(await page.locator('.goal-ring[data-kind="conversations"] .goal-check').count()).toBe(1);
    await page.emulateMedia({ reducedMotion: null });

    await page.goto(`${url}/goals`);
    await page.getByRole('spinbutton', { name: 'Conversations' }).waitFor();
    await fullShot(page, join(SHOTS, 'desktop-goals.png'));

    await page.goto(`${url}/review`);
    await page.getByRole('heading', { name: 'Lead measures' }).waitFor();
    const conversations = page.getByRole('table', { name: 'Lead measures against goals' }).getByRole('row', { name: /Conversations/ });
    // Last week's five working days: a goal of 2 a day makes 10.
    expect(await conversations.getByRole('cell').nth(1).textContent()).toBe('10');
    await fullShot(page, join(SHOTS, 'desktop-review.png'));
    expect(errors).toEqual([]);
    await page.close();
  });
});
