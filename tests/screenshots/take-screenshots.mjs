// Renders the main screens at phone size (390×844) and desktop size into tests/screenshots/out/.
// Usage: npm run screenshots (builds with dev tools enabled, serves with vite preview, drives Chromium).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const outDir = join(process.cwd(), '.e2e', 'screenshots-build');
const shots = join(process.cwd(), 'tests', 'screenshots', 'out');
mkdirSync(shots, { recursive: true });
process.env.VITE_DEV_TOOLS = 'true';
await build({ logLevel: 'warn', build: { outDir, emptyOutDir: true } });
const server = await preview({ logLevel: 'silent', build: { outDir }, preview: { port: 4391, strictPort: true, host: '127.0.0.1' } });
const base = 'http://127.0.0.1:4391';
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function seed(page) {
  await page.evaluate(async () => {
    const { store, db } = window.__fieldbook;
    const day = (offset) => {
      const d = new Date();
      d.setDate(d.getDate() + offset);
      return d.toISOString().slice(0, 10);
    };
    const people = [
      ['Jane', 'Doe', '+1 555 010 0199', 'jane@example.com', 'presented', 'business', -2, ['vip', 'wellness']],
      ['Marcus', 'Reed', '(555) 010-0142', 'marcus@example.com', 'follow_up', 'customer', 0, []],
      ['Priya', 'Shah', '+44 7700 900123', '', 'contacted', 'business', 0, ['team']],
      ['Tom', 'Nguyen', '555 010 0177', 'tom@example.com', 'new', 'customer', null, []],
      ['Olivia', 'Martin', '', 'olivia@example.com', 'customer', 'customer', 3, ['reorder']],
    ];
    for (const [first_name, last_name, phone, email, stage, contact_type, follow, tags] of people) {
      await store.addContact({ first_name, last_name, phone, email, stage, contact_type, lead_source: 'Instagram', tags, notes: first_name === 'Jane' ? 'Loves the skincare line. Ask about the starter kit after payday.' : '', next_follow_up_on: follow === null ? null : day(follow) });
    }
    await store.seedContacts(40, '');
    const old = new Date(Date.now() - 30 * 86400000).toISOString();
    const ids = (await db.contacts.toArray()).slice(0, 6).map((c) => c.id);
    await db.contacts.where('id').anyOf(ids.slice(3)).modify({ last_touched_at: old });
    await store.saveTemplate(null, { name: 'Welcome', channel: 'email', subject: 'Great to meet you, {{first_name}}', body: 'Hi {{first_name|there}},\n\nLovely to meet you today! Here is the info I promised.\n\n{{my_name}}' });
    await store.saveTemplate(null, { name: 'Quick check-in', channel: 'sms', subject: '', body: 'Hey {{first_name}}, just checking in. Did you get a chance to try the samples?' });
    const jane = (await db.contacts.toArray()).find((c) => c.first_name === 'Jane');
    await store.logOutreach(jane.id, 'call', 'no_answer', day(-2));
    await store.recordEmailSent(jane.id, { id: crypto.randomUUID(), name: 'Welcome' }, jane.email, 'Great to meet you', 'Hi');
    await store.saveProfile({ full_name: 'Sam Lee', company: 'Glow Co', phone: '+1 555 010 0000', timezone: 'America/New_York' });
  });
}

for (const [label, viewport, mobile] of [
  ['phone', { width: 390, height: 844 }, true],
  ['desktop', { width: 1280, height: 800 }, false],
]) {
  const dir = mkdtempSync(join(tmpdir(), 'fieldbook-shots-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', headless: true, args, viewport, ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`${base}/today`);
  await page.waitForFunction(() => window.__fieldbook !== undefined);
  await seed(page);
  const snap = async (name, path) => {
    await page.goto(`${base}${path}`);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(shots, `${label}-${name}.png`) });
  };
  await snap('today', '/today');
  await snap('contacts', '/contacts');
  const janeId = await page.evaluate(async () => (await window.__fieldbook.db.contacts.toArray()).find((c) => c.first_name === 'Jane').id);
  await snap('contact', `/contacts/${janeId}`);
  await snap('dashboard', '/dashboard');
  await snap('feed', '/activity');
  await snap('templates', '/templates');
  await snap('settings', '/settings');
  await snap('quick-add', '/contacts/new');
  await page.getByRole('button', { name: 'Save contact' }).click();
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(shots, `${label}-quick-add-error.png`) });
  await snap('dev', '/dev');
  // Import: the start, then a spreadsheet nobody recognised (column mapper open) with a row that cannot be imported.
  await snap('import', '/contacts/import');
  const sheet = ['Who,Mobile number,Area,Met at', 'Lucía Pérez,+34 612 345 678,North,Spring fair', 'Tom Nguyen,555 010 0177,South,Webinar', ',,East,', 'Jane Doe,+1 555 010 0199,West,Coffee'].join('\n');
  await page.locator('input[type="file"]').setInputFiles({ name: 'team-list.csv', mimeType: 'text/csv', buffer: Buffer.from(sheet) });
  await page.getByRole('heading', { name: /team-list\.csv/ }).waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, `${label}-import-preview.png`), fullPage: true });
  await page.getByRole('region', { name: /already in your list/ }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, `${label}-import-matches.png`) });
  await page.locator('.import__mapper').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, `${label}-import-columns.png`) });
  await context.close();
  rmSync(dir, { recursive: true, force: true });
}
await server.close();
console.log(`Screenshots in ${shots}`);
