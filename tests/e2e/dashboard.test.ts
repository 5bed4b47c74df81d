import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import type { Page } from 'playwright-core';
import { browserAvailability, launchContext } from '../support/chromium';
import { buildApp } from '../support/build-app';
import { freePort, startPreview } from '../support/preview-server';

const { available } = browserAvailability();
const SHOTS = process.env['DASHBOARD_SHOTS'] ?? join(tmpdir(), 'fieldbook-dashboard-shots');

const FIGURES = ['Goal progress this week', 'Follow-ups due', 'Activity over the last 30 days', 'Pipeline', 'Where your'] as const;

/**
 * A realistic month: 24 contacts across the stages and lead sources, follow-ups around today, daily
 * goals from this Monday, and activity of every kind over the last 30 days (real rows from the store,
 * copied onto earlier days).
 */
async function seed(page: Page): Promise<void> {
  await page.evaluate(async () => {
    type Row = Record<string, unknown> & { id: string; activity_type: string };
    const { store, db } = (window as unknown as {
      __fieldbook: {
        store: Record<string, (...args: unknown[]) => Promise<{ ok: boolean; value?: string }>>;
        db: { member_activities: { toArray: () => Promise<Row[]>; bulkAdd: (rows: Row[]) => Promise<unknown> } };
      };
    }).__fieldbook;
    const pad = (n: number) => String(n).padStart(2, '0');
    const dayAt = (offset: number) => {
      const d = new Date();
      d.setDate(d.getDate() + offset);
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    };
    const weekday = (new Date().getDay() + 6) % 7; // 0 = Monday
    const people: [string, string, string, string, number | null][] = [
      ['Jane', 'Doe', 'presented', 'Instagram', -2],
      ['Marcus', 'Reed', 'follow_up', 'Facebook', 0],
      ['Priya', 'Shah', 'contacted', 'Referral', 0],
      ['Tom', 'Nguyen', 'new', 'Instagram', null],
      ['Olivia', 'Martin', 'customer', 'Instagram', 3],
      ['Ken', 'Adams', 'customer', 'Facebook', 1],
      ['Lena', 'Berg', 'team_member', 'Referral', 5],
      ['Omar', 'Haddad', 'customer', '', null],
      ['Rosa', 'Lima', 'customer', 'Farmers market stall', 6],
      ['Ivy', 'Chen', 'team_member', 'Instagram', null],
      ['Sam', 'Park', 'customer', 'School gate', 2],
      ['Nina', 'Kova', 'customer', 'Gym', null],
      ['Ada', 'Okafor', 'customer', 'Church group', -9],
      ['Ben', 'Ito', 'team_member', 'Podcast', null],
      ['Cleo', 'Diaz', 'new', 'Facebook', 1],
      ['Dev', 'Rao', 'new', 'Instagram', null],
      ['Eli', 'Moss', 'contacted', '', -1],
      ['Fay', 'Wong', 'contacted', 'Referral', 2],
      ['Gus', 'Hart', 'follow_up', 'Instagram', 4],
      ['Hana', 'Sato', 'not_interested', 'Facebook', null],
      ['Ian', 'Cole', 'not_interested', '', null],
      ['Joy', 'Pike', 'contacted', 'Instagram', 0],
      ['Kai', 'Ross', 'new', '', 1],
      ['Liv', 'Sand', 'follow_up', 'Referral', -4],
    ];
    const ids: string[] = [];
    for (const [first_name, last_name, stage, lead_source, follow] of people) {
      const result = await store['addContact']!({ first_name, last_name, phone: '', email: `${first_name.toLowerCase()}@example.com`, stage, contact_type: 'customer', lead_source, tags: [], notes: '', next_follow_up_on: follow === null ? null : dayAt(follow) });
      ids.push(result.value ?? '');
    }
    await store['saveGoals']!({ preset: 'custom', conversations: 3, invitations: 0, follow_ups: 2, presentations: 1, new_customers: 0, new_team_members: 0, work_days: [1, 2, 3, 4, 5], week_min_days: 3, review_day: 7 }, dayAt(-weekday));
    // One real row of each kind, through the store (Jane is "presented": her touches are follow-ups).
    await store['logOutreach']!(ids[0], 'call', 'connected', dayAt(-2));
    await store['logOutreach']!(ids[0], 'text', 'replied', dayAt(-2));
    await store['logOutreach']!(ids[0], 'whatsapp', 'connected', dayAt(-2));
    await store['recordEmailSent']!(ids[0], null, 'jane@example.com', 'Hello', 'Hi');
    await store['updateContact']!(ids[17], { stage: 'presented' });
    const rows = await db.member_activities.toArray();
    const template = (type: string) => rows.find((row) => row.activity_type === type) ?? rows[0]!;
    const kinds = ['call', 'text', 'whatsapp', 'email_sent', 'stage_changed', 'call', 'text', 'call'];
    const copies: Row[] = [];
    for (let back = 1; back < 30; back += 1) {
      const count = (back * 7) % 6 + (back % 4 === 0 ? 0 : 2);
      for (let i = 0; i < count; i += 1) {
        const type = kinds[(back + i) % kinds.length] as string;
        const at = new Date(Date.now() - back * 86_400_000 + i * 60_000).toISOString();
        copies.push({ ...template(type), id: crypto.randomUUID(), occurred_at: at, created_at: at });
      }
      if (back % 5 === 0) copies.push({ ...template('call'), activity_type: 'note', id: crypto.randomUUID(), occurred_at: new Date(Date.now() - back * 86_400_000).toISOString() });
      if (back % 3 === 0) copies.push({ ...template('call'), activity_type: 'link_opened', id: crypto.randomUUID(), occurred_at: new Date(Date.now() - back * 86_400_000).toISOString() });
    }
    await db.member_activities.bulkAdd(copies);
  });
}

/** Text boxes that overlap or touch (less than 2 px apart) inside any one chart, as "chart: a / b". */
async function overlappingLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const svg of document.querySelectorAll('.chart__plot svg')) {
      const boxes = [...svg.querySelectorAll('text')].map((text) => ({ text: text.textContent ?? '', box: text.getBoundingClientRect() })).filter(({ box }) => box.width > 0);
      for (let i = 0; i < boxes.length; i += 1)
        for (let j = i + 1; j < boxes.length; j += 1) {
          const a = boxes[i]!.box;
          const b = boxes[j]!.box;
          if (a.left < b.right + 2 && b.left < a.right + 2 && a.top < b.bottom - 1 && b.top < a.bottom - 1) problems.push(`${svg.closest('figure')?.querySelector('figcaption')?.textContent}: "${boxes[i]!.text}" / "${boxes[j]!.text}"`);
        }
    }
    return problems;
  });
}

/** Text drawn outside its chart's SVG (clipped axis labels). */
async function clippedLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const svg of document.querySelectorAll('.chart__plot svg')) {
      const frame = svg.getBoundingClientRect();
      for (const text of svg.querySelectorAll('text')) {
        const box = text.getBoundingClientRect();
        if (box.width > 0 && (box.left < frame.left - 1 || box.right > frame.right + 1 || box.top < frame.top - 1 || box.bottom > frame.bottom + 1)) problems.push(`"${text.textContent}"`);
      }
    }
    return problems;
  });
}

describe.skipIf(!available)('the dashboard as pictures in Chromium', () => {
  let server: PreviewServer;
  let url: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const outDir = await buildApp('dashboard', { devTools: true });
    ({ server, url } = await startPreview(outDir, await freePort()));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('at phone size with nothing yet: no empty axes, a sentence for each chart, and nothing wider than the screen', async () => {
    const browser = await launchContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${url}/dashboard`);
      await page.getByRole('figure', { name: /^Pipeline: 0 contacts/ }).waitFor();
      // The activity chart follows the goal counts, read on their own: wait for it as well.
      await page.getByText(/^Nothing logged in the last 30 days yet/).waitFor();
      expect(await page.getByText('No contacts were added in the last 90 days.').count()).toBe(1);
      expect(await page.getByRole('figure', { name: 'Where customers and team members came from: none yet.' }).count()).toBe(1);
      expect(await page.getByRole('link', { name: 'Set your daily goals' }).count()).toBe(1);
      expect(await page.locator('.chart__plot svg').count()).toBe(0);
      expect(await page.getByText('Nothing due in the next 7 days and nothing overdue.').count()).toBe(1);
      expect(await page.getByText(/^Nothing logged in the last 30 days yet/).count()).toBe(1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(await clippedLabels(page)).toEqual([]);
      // Open every table for the picture: they must fit or scroll inside their card.
      await page.evaluate(() => document.querySelectorAll('details.chart-table').forEach((details) => details.setAttribute('open', '')));
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      const tall = await page.evaluate(() => Math.ceil((document.querySelector('.main')?.scrollHeight ?? 0) + (document.querySelector('.main')?.getBoundingClientRect().top ?? 0) + 80));
      await page.setViewportSize({ width: 390, height: Math.max(844, tall) });
      await page.screenshot({ path: join(SHOTS, 'phone-empty-tables.png') });
    } finally {
      await browser.close();
    }
  });

  for (const [label, viewport, isMobile] of [
    ['phone', { width: 390, height: 844 }, true],
    ['desktop', { width: 1280, height: 800 }, false],
  ] as const) {
    it(`at ${label} size: every chart draws non-zero bars with readable labels, and its table says the same`, async () => {
      const browser = await launchContext({ viewport, isMobile });
      try {
        const page = await browser.context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`${url}/today`);
        await page.waitForFunction(() => '__fieldbook' in window);
        await seed(page);
        await page.getByRole('link', { name: 'Dashboard' }).first().click();
        await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();

        // Every figure is there, named by its summary, with bars taller or wider than nothing.
        for (const name of FIGURES) {
          const figure = page.getByRole('figure', { name: new RegExp(`^${name}`) });
          await figure.waitFor();
          await expect.poll(() => figure.locator('rect.chart-bar').count(), { message: name }).toBeGreaterThan(0);
          const sizes = await figure.locator('rect.chart-bar').evaluateAll((rects) => rects.map((rect) => rect.getBoundingClientRect()).map((box) => Math.min(box.width, box.height)));
          expect(Math.max(...sizes), `${name}: a bar of some size`).toBeGreaterThan(1);
          expect(await figure.getByRole('table', { includeHidden: true }).count(), `${name}: a table`).toBe(1);
        }
        await expect.poll(() => page.getByRole('figure', { name: /^Activity over the last 30 days/ }).locator('rect.chart-bar').count()).toBeGreaterThan(40);
        expect(await page.getByRole('figure', { name: /^Pipeline: 24 contacts; New 4, Contacted 3, Presented 2, Follow-up 3, Customer 7, Team member 3, Not interested 2\./ }).count()).toBe(1);

        // The tables open and hold the numbers the bars show.
        const pipeline = page.getByRole('figure', { name: /^Pipeline/ });
        await pipeline.getByText('Show as table').click();
        const customers = pipeline.getByRole('row', { name: /^Customer / });
        await expect.poll(() => customers.locator('td').allTextContents()).toEqual(['7', '29%']);
        const sources = page.getByRole('figure', { name: /^Where your 10 customers and team members came from: Instagram 2, Church group 1,/ });
        await sources.getByText('Show as table').click();
        expect(await sources.getByRole('row', { name: /^Not recorded / }).locator('td').allTextContents()).toEqual(['1', '10%']);
        expect(await sources.getByRole('row', { name: /^Other / }).locator('td').allTextContents()).toEqual(['3', '30%']);
        const followUps = page.getByRole('figure', { name: /^Follow-ups due: 4 overdue, 3 today,/ });
        expect(await followUps.count()).toBe(1);

        // Readable at this width: nothing wider than the screen, no labels on top of each other or cut off.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        expect(await overlappingLabels(page)).toEqual([]);
        expect(await clippedLabels(page)).toEqual([]);
        const smallest = await page.evaluate(() => Math.min(...[...document.querySelectorAll('.chart__plot svg text')].map((text) => text.getBoundingClientRect().height).filter((h) => h > 0)));
        expect(smallest, 'chart text is at least 11 px tall on screen').toBeGreaterThanOrEqual(11);

        // The screen scrolls inside <main>: make the window as tall as the content for one picture of it all.
        await page.evaluate(() => document.querySelectorAll('details.chart-table').forEach((details) => details.removeAttribute('open')));
        const tall = await page.evaluate(() => Math.ceil((document.querySelector('.main')?.scrollHeight ?? 0) + (document.querySelector('.main')?.getBoundingClientRect().top ?? 0) + 80));
        await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, tall) });
        await page.screenshot({ path: join(SHOTS, `${label}-dashboard.png`) });
        const figures = page.locator('figure.chart');
        for (let i = 0; i < (await figures.count()); i += 1) await figures.nth(i).screenshot({ path: join(SHOTS, `${label}-chart-${i + 1}.png`) });
        await page.setViewportSize(viewport);

        // Live: a call logged now lands in today's activity bar without a reload.
        const todayCalls = async () =>
          page.evaluate(() => {
            const table = [...document.querySelectorAll('table')].find((t) => t.caption?.textContent?.startsWith('Activities per day'));
            const row = [...(table?.querySelectorAll('tbody tr') ?? [])].find((tr) => tr.querySelector('th')?.textContent?.includes('(today)'));
            return Number(row?.querySelectorAll('td')[0]?.textContent ?? 'NaN');
          });
        const before = await todayCalls();
        await page.evaluate(async () => {
          const { store, contactIndex } = (window as unknown as { __fieldbook: { store: { logOutreach: (...args: unknown[]) => Promise<unknown> }; contactIndex: { getSnapshot: () => { items: { contact: { id: string } }[] | null } } } }).__fieldbook;
          const first = contactIndex.getSnapshot().items?.[0]?.contact.id;
          await store.logOutreach(first, 'call', 'no_answer', null);
        });
        await expect.poll(todayCalls).toBe(before + 1);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  }
});
