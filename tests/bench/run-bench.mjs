// npm run bench: the app's speed with 10,000 contacts in Chromium, and the size of its initial JavaScript.
// Prints figures and their ratio to the targets of issue 2; never fails on time (these machines are noisy).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const ROOT = process.cwd();
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const chrome = [process.env.CHROME_PATH, '/usr/bin/chromium'].find(Boolean);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const p95 = (values) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)];
const rows = [];
const report = (name, values, target, unit = 'ms') => {
  const med = median(values);
  rows.push({ name, median: med, p95: p95(values), n: values.length, target, unit });
};

async function buildInto(dir, devTools) {
  if (devTools) process.env.VITE_DEV_TOOLS = 'true';
  else delete process.env.VITE_DEV_TOOLS;
  await build({ logLevel: 'error', build: { outDir: dir, emptyOutDir: true } });
  delete process.env.VITE_DEV_TOOLS;
}

function initialJsGzip(dir) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g)].map((m) => m[1]);
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(join(dir, file)), { level: 9 }).length, 0);
}

const prodDir = join(ROOT, '.bench', 'prod');
const benchDir = join(ROOT, '.bench', 'app');
await buildInto(prodDir, false);
await buildInto(benchDir, true);
const gzipBytes = initialJsGzip(prodDir);

const server = await preview({ logLevel: 'silent', build: { outDir: benchDir }, preview: { port: 0, host: '127.0.0.1' } });
const address = server.httpServer.address();
const base = `http://127.0.0.1:${address.port}`;
const profile = mkdtempSync(join(tmpdir(), 'fieldbook-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chrome,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
});
const page = context.pages()[0] ?? (await context.newPage());
page.on('pageerror', (error) => console.error('page error:', error.message));

try {
  await page.goto(`${base}/today`);
  await page.waitForFunction(() => window.__fieldbook !== undefined);
  const seedMs = await page.evaluate(async (count) => {
    const started = performance.now();
    const result = await window.__fieldbook.store.seedContacts(count);
    if (!result.ok) throw new Error(result.error.message);
    return performance.now() - started;
  }, CONTACTS);

  // Time to first render of the list: click Contacts, wait for the first row to be painted.
  const navigateToList = () =>
    page.evaluate(async () => {
      const link = [...document.querySelectorAll('nav a')].find((a) => a.textContent.includes('Contacts'));
      const started = performance.now();
      link.click();
      await new Promise((resolve) => {
        const check = () => (document.querySelector('.contact-row') ? resolve() : requestAnimationFrame(check));
        check();
      });
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return performance.now() - started;
    });
  const listTimes = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    await page.getByRole('link', { name: 'Today' }).click();
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    listTimes.push(await navigateToList());
  }
  // The first visit also loads the in-memory contact index (every row read once); later visits reuse it.
  report('contact list, first visit (index loads)', listTimes.slice(0, 1), null);
  report(`contact list first render (${CONTACTS.toLocaleString('en')} contacts)`, listTimes.slice(1), 200);

  // Cold start straight onto the list: from navigation start to the first row.
  const coldTimes = [];
  for (let i = 0; i < 5; i += 1) {
    await page.goto(`${base}/contacts`);
    coldTimes.push(
      await page.evaluate(
        () =>
          new Promise((resolve) => {
            const check = () => (document.querySelector('.contact-row') ? resolve(performance.now()) : requestAnimationFrame(check));
            check();
          }),
      ),
    );
  }
  report('cold load to first contact row', coldTimes, null);

  // Search keystroke to results on screen.
  await page.getByRole('searchbox', { name: 'Search contacts' }).waitFor();
  const queries = ['a', 'av', 'ava', 'ava a', 'b', 'ben', 'chl', '555', '555 1', 'vip', 'starter', 'contact12', 'zz', 'e', 'el', 'ele', 'priya', 'o'];
  const searchTimes = [];
  for (const query of queries) {
    for (const value of [query, '']) {
      searchTimes.push(
        await page.evaluate(async (text) => {
          const input = document.querySelector('input[type=search]');
          const count = document.querySelector('[data-testid=contact-count]');
          const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
          const started = performance.now();
          setter.call(input, text);
          input.dispatchEvent(new Event('input', { bubbles: true }));
          await new Promise((resolve) => {
            const deadline = started + 2000;
            // Results are on screen once the list reflects the (deferred) query; then wait for the paint.
            const check = () => (count.dataset.query === text || performance.now() > deadline ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(check));
            check();
          });
          return performance.now() - started;
        }, value),
      );
    }
  }
  report('search keystroke to results', searchTimes, 50);

  // A local write until it is visible in a live query (the list, then the dashboard count).
  const writeTimes = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    writeTimes.push(
      await page.evaluate(async (n) => {
        const name = `Aaron Bench${String(n).padStart(3, '0')}`;
        const started = performance.now();
        await window.__fieldbook.store.quickAddContact(name, '555 000 0000');
        await new Promise((resolve) => {
          const check = () => ([...document.querySelectorAll('.contact-row__name')].some((el) => el.textContent === name) ? resolve() : requestAnimationFrame(check));
          check();
        });
        return performance.now() - started;
      }, i),
    );
  }
  report('write to visible in contact list', writeTimes, 30);

  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.locator('.stat__value').first().waitFor();
  const dashTimes = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    dashTimes.push(
      await page.evaluate(async () => {
        const value = document.querySelector('.stat__value');
        const before = value.textContent;
        const started = performance.now();
        await window.__fieldbook.store.quickAddContact('Dash Bench', '');
        await new Promise((resolve) => {
          const check = () => (value.textContent !== before ? resolve() : requestAnimationFrame(check));
          check();
        });
        return performance.now() - started;
      }),
    );
  }
  report('write to visible in dashboard count', dashTimes, 30);

  // The dashboard's charts over ACTIVITIES activities (spread over a year, written straight to the
  // database: this measures reading and drawing, not the outbox) and the contacts above.
  const ACTIVITIES = Number(process.env.BENCH_ACTIVITIES ?? 100_000);
  await page.evaluate(async (count) => {
    const { db } = window.__fieldbook;
    const contactIds = (await db.contacts.limit(2000).primaryKeys());
    const memberId = window.__fieldbook.store.memberId;
    const types = ['call', 'call', 'text', 'whatsapp', 'email_sent', 'stage_changed', 'note', 'contact_updated'];
    const outcomes = ['connected', 'no_answer', 'booked', 'replied', 'left_message'];
    const stages = ['contacted', 'presented', 'customer', 'team_member', 'follow_up'];
    const now = Date.now();
    for (let start = 0; start < count; start += 5000) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + 5000); i += 1) {
        const type = types[i % types.length];
        // Spread evenly over the last year (7919 is prime, so i × 7919 mod count visits every slot once).
        const at = new Date(now - Math.floor((((i * 7919) % count) / count) * 365 * 86_400_000)).toISOString();
        const metadata = { contact_name: 'Bench Person' };
        if (type === 'call' || type === 'text' || type === 'whatsapp') Object.assign(metadata, { outcome: outcomes[i % outcomes.length], from_stage: i % 3 ? 'contacted' : 'new' });
        if (type === 'stage_changed') metadata.stage = stages[i % stages.length];
        rows.push({ id: crypto.randomUUID(), member_id: memberId, contact_id: contactIds[i % contactIds.length] ?? null, activity_type: type, metadata, occurred_at: at, created_at: at, updated_at: at, deleted_at: null, field_stamps: {} });
      }
      await db.member_activities.bulkPut(rows);
    }
  }, ACTIVITIES);

  const ACTIVITY_CHART = 'figure[aria-label^="Activity over the last 30 days"]';
  const waitForCharts = () =>
    page.evaluate(
      (selector) =>
        new Promise((resolve) => {
          const check = () => (document.querySelector(`${selector} svg rect`) ? requestAnimationFrame(() => resolve(performance.now())) : requestAnimationFrame(check));
          check();
        }),
      ACTIVITY_CHART,
    );
  // Cold: the app opened on the dashboard, the goal ledger reading every row of the last 400 days.
  const coldDash = [];
  for (let i = 0; i < 3; i += 1) {
    await page.goto(`${base}/dashboard`);
    coldDash.push(await waitForCharts());
  }
  report(`dashboard charts, cold load (${(ACTIVITIES / 1000).toFixed(0)}k activities)`, coldDash, null);
  // Warm: from Today (whose goal rings keep the ledger loaded) to the dashboard's charts drawn.
  const warmDash = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    await page.getByRole('link', { name: 'Today' }).click();
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await page.waitForTimeout(200);
    const started = await page.evaluate(() => {
      const link = [...document.querySelectorAll('nav a')].find((a) => a.textContent.includes('Dashboard'));
      const at = performance.now();
      link.click();
      return at;
    });
    warmDash.push((await waitForCharts()) - started);
  }
  report('dashboard first render, charts drawn', warmDash, 300);
  // A call logged: until the activity chart's summary (today's count) changes.
  const contactId = await page.evaluate(async () => (await window.__fieldbook.db.contacts.limit(1).primaryKeys())[0]);
  const newActivity = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    // One call at a time, as a person logs them: the previous one has settled (its row read back).
    await page.waitForTimeout(500);
    newActivity.push(
      await page.evaluate(
        async ({ selector, id }) => {
          const figure = document.querySelector(selector);
          const before = figure.getAttribute('aria-label');
          const started = performance.now();
          await window.__fieldbook.store.logOutreach(id, 'call', 'connected', null);
          await new Promise((resolve) => {
            const check = () => (document.querySelector(selector)?.getAttribute('aria-label') !== before ? resolve() : requestAnimationFrame(check));
            check();
          });
          return performance.now() - started;
        },
        { selector: ACTIVITY_CHART, id: contactId },
      ),
    );
  }
  report('new activity to visible in the charts', newActivity, 100);

  const fmt = (v) => (v === null ? '—' : v.toFixed(1).padStart(7));
  console.log(`\nFieldbook benchmark: Chromium ${context.browser()?.version() ?? ''}, 390×844, ${CONTACTS.toLocaleString('en')} contacts (seeded through the outbox in ${(seedMs / 1000).toFixed(2)} s)\n`);
  console.log('measure'.padEnd(44), 'median'.padStart(8), 'p95'.padStart(8), '   n', ' target', '  median/target');
  for (const row of rows) {
    const ratio = row.target ? (row.median / row.target).toFixed(2) : '—';
    console.log(row.name.padEnd(44), fmt(row.median), fmt(row.p95), String(row.n).padStart(4), row.target ? `${String(row.target).padStart(5)}ms` : '      —', `  ${ratio}`);
  }
  const kb = gzipBytes / 1024;
  console.log('initial JavaScript (gzip, production build)'.padEnd(44), `${kb.toFixed(1)} KB`.padStart(8), ''.padStart(8), '    ', '  130KB', `  ${(kb / 130).toFixed(2)}`);
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
