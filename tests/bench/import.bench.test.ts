// Part of `npm run bench`: importing contacts in Chromium, as a member would (file input, preview,
// confirm). Time to preview a 10,000-row Google CSV and a 10,000-card vCard file, the import commit,
// the longest main-thread task during each (PerformanceObserver 'longtask') and the main thread's
// peak JS heap (CDP). Prints figures and their ratio to the targets; asserts only that the work was done.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import type { CDPSession, Page } from 'playwright-core';
import { browserAvailability, launchContext, type LaunchedContext } from '../support/chromium';
import { buildApp } from '../support/build-app';
import { freePort, startPreview } from '../support/preview-server';

const { available } = browserAvailability();
const ROWS = Number(process.env['BENCH_IMPORT_ROWS'] ?? 10_000);
const figures: string[] = [];

const FIRST = ['Ada', 'Ben', 'Cleo', 'Dmitri', 'Esra', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jana', 'Kofi', 'Lucía', 'Mateo', 'Nour', 'Otto', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tomás', 'Uma', 'Véronique', 'Wen', 'Yui', 'Zoë'];
const LAST = ['Okafor', 'Ito', 'Diaz', 'Novak', 'Yılmaz', 'Haddad', 'Berg', 'Sato', 'Peña', 'Müller', 'Mensah', 'Pérez', 'Rossi', 'Khan', 'Weber', 'Shah', 'Lee', 'Silva', 'Nakamura', 'Ruiz'];
const person = (i: number) => ({ first: FIRST[i % FIRST.length]!, last: `${LAST[(i * 7) % LAST.length]!}`, phone: `+1 415 ${String(200 + Math.floor(i / 10_000)).padStart(3, '0')} ${String(i % 10_000).padStart(4, '0')}` });

function googleCsv(rows: number): string {
  const header = 'First Name,Middle Name,Last Name,Nickname,Organization Name,Organization Title,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Address 1 - Label,Address 1 - Formatted';
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const { first, last, phone } = person(i);
    const notes = i % 5 === 0 ? `"Met at the spring event, ""very keen"".\nCall after 6."` : '';
    lines.push(
      [first, '', last, '', i % 3 === 0 ? 'Acme Wellness' : '', '', i % 4 === 0 ? '1990-05-17' : '', notes, '* myContacts ::: Prospects', '* Home', `${first.toLowerCase()}.${i}@example.com`, 'Mobile', phone, i % 2 === 0 ? 'Work' : '', i % 2 === 0 ? `+1 212 555 ${String(i % 10_000).padStart(4, '0')}` : '', '', ''].join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

function vcards(rows: number): string {
  const cards: string[] = [];
  for (let i = 0; i < rows; i++) {
    const { first, last } = person(i + 50_000);
    cards.push(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        `N:${last};${first};;;`,
        `FN:${first} ${last}`,
        'ORG:Glow Co;Sales;',
        `EMAIL;type=INTERNET;type=HOME;type=pref:${first.toLowerCase()}.v${i}@example.org`,
        `item1.TEL;type=pref:+44 7700 ${String(900_000 + (i % 100_000)).slice(0, 3)} ${String(i % 1000).padStart(3, '0')}`,
        'item1.X-ABLabel:_$!<Mobile>!$_',
        `TEL;type=HOME;type=VOICE:+44 20 7946 ${String(i % 10_000).padStart(4, '0')}`,
        'NOTE:Follow up about the starter kit\\, after payday.',
        'BDAY;X-APPLE-OMIT-YEAR=1604:1604-07-07',
        'END:VCARD',
      ].join('\r\n'),
    );
  }
  return cards.join('\r\n') + '\r\n';
}

type Sample = { longest: number; longTasks: number };

/** Runs `work` while the page records its long tasks (the observer is installed before the app loads). */
async function observe(page: Page, work: () => Promise<void>): Promise<Sample> {
  await page.evaluate(() => {
    (window as unknown as { __longTasks: number[] }).__longTasks.length = 0;
  });
  await work();
  return page.evaluate(() => {
    const tasks = (window as unknown as { __longTasks: number[] }).__longTasks;
    return { longest: Math.max(0, ...tasks), longTasks: tasks.length };
  });
}

/** Runs `work` while polling the main thread's used JS heap over CDP; the peak in MB. */
async function heapPeak<T>(cdp: CDPSession, work: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = 0;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const { metrics } = await cdp.send('Performance.getMetrics');
      peak = Math.max(peak, metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  try {
    const value = await work();
    return { value, peakMb: peak / 1e6 };
  } finally {
    polling = false;
    await poll;
  }
}

describe.skipIf(!available)('import benchmark (Chromium)', () => {
  let server: PreviewServer;
  let url: string;
  let browser: LaunchedContext;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fieldbook-import-bench-'));
    writeFileSync(join(dir, 'google-10000.csv'), googleCsv(ROWS));
    writeFileSync(join(dir, 'iphone-10000.vcf'), vcards(ROWS));
    const outDir = await buildApp('import-bench', { devTools: true });
    ({ server, url } = await startPreview(outDir, await freePort()));
    browser = await launchContext({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(`\nImport of ${ROWS.toLocaleString('en')} contacts in Chromium (file input → preview → confirm)\n${figures.join('\n')}\n`);
  });

  it('previews and imports a Google CSV, then a vCard file against the contacts just imported', async () => {
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      const tasks: number[] = [];
      (window as unknown as { __longTasks: number[] }).__longTasks = tasks;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) (window as unknown as { __longTasks: number[] }).__longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${url}/contacts/import`);
    await page.getByRole('heading', { name: 'Import contacts' }).waitFor();
    await page.waitForFunction(() => '__fieldbook' in window);

    const report = (name: string, ms: number, target: number, sample: Sample, heapMb: number) =>
      figures.push(
        `${name.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms (target ${target} ms, ratio ${(ms / target).toFixed(2)})   longest main-thread task ${sample.longest.toFixed(0).padStart(4)} ms (target 100, ratio ${(sample.longest / 100).toFixed(2)}; ${sample.longTasks} long tasks)   main-thread JS heap peak ${heapMb.toFixed(0)} MB`,
      );

    const timed = (work: () => Promise<void>) =>
      heapPeak(cdp, async () => {
        const started = performance.now();
        const sample = await observe(page, work);
        return { elapsed: performance.now() - started, sample };
      });
    const preview = (file: string) =>
      timed(async () => {
        await page.locator('input[type="file"]').setInputFiles(join(dir, file));
        await page.getByRole('heading', { name: new RegExp(file.replace('.', '\\.')) }).waitFor({ timeout: 120_000 });
      });
    // BENCH_PROFILE=1 prints where the main thread spent the commit (CDP's sampling profiler, self time).
    const profiled = async <T,>(work: () => Promise<T>): Promise<T> => {
      if (!process.env['BENCH_PROFILE']) return work();
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
      const value = await work();
      const { profile } = await cdp.send('Profiler.stop');
      const self = new Map<string, number>();
      const interval = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples?.length ?? 1);
      const byId = new Map(profile.nodes.map((node) => [node.id, node]));
      for (const id of profile.samples ?? []) {
        const frame = byId.get(id)?.callFrame;
        const key = frame ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').at(-1) ?? ''}:${frame.lineNumber}` : '?';
        self.set(key, (self.get(key) ?? 0) + interval);
      }
      figures.push(...[...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([key, ms]) => `    ${ms.toFixed(0).padStart(6)} ms  ${key}`));
      return value;
    };
    const confirm = () =>
      timed(async () => {
        const before = await page.getByText(/^Imported [\d,]+ contacts/).count();
        await page.evaluate(() => {
          performance.clearMarks('import:rows-built');
          performance.mark('import:confirm');
        });
        await profiled(async () => {
          await page.getByRole('button', { name: /^Import / }).click();
          await expect.poll(() => page.getByText(/^Imported [\d,]+ contacts/).count(), { timeout: 120_000, interval: 20 }).toBeGreaterThan(before);
        });
      });

    // Google CSV: preview, then commit.
    const csv = await preview('google-10000.csv');
    expect(await page.locator('.import__stat', { hasText: 'Found' }).locator('.import__stat-value').textContent()).toBe(ROWS.toLocaleString('en-US'));
    report('Preview, Google CSV', csv.value.elapsed, 2000, csv.value.sample, csv.peakMb);
    const buildTime = () =>
      page.evaluate(() => {
        const built = performance.getEntriesByName('import:rows-built').at(-1)?.startTime ?? NaN;
        const confirmed = performance.getEntriesByName('import:confirm').at(-1)?.startTime ?? NaN;
        return built - confirmed;
      });
    const commit = await confirm();
    report('Import commit, Google CSV', commit.value.elapsed, 3000, commit.value.sample, commit.peakMb);
    figures.push(`${''.padEnd(34)} of which building the rows in the worker: ${(await buildTime()).toFixed(0)} ms; writing them (store.importContacts): ${(commit.value.elapsed - (await buildTime())).toFixed(0)} ms`);
    const count = await page.evaluate(async () => {
      const { db } = (window as unknown as { __fieldbook: { db: { contacts: { count: () => Promise<number> } } } }).__fieldbook;
      return db.contacts.count();
    });
    expect(count).toBe(ROWS);
    // The floor: the same contact rows and outbox records written straight into IndexedDB (same
    // indexes, one transaction per 1,000 rows as the import does), with no app code around them.
    const floor = await page.evaluate(async () => {
      type Db = { contacts: { toArray: () => Promise<unknown[]> }; outbox: { toArray: () => Promise<unknown[]> } };
      const { db } = (window as unknown as { __fieldbook: { db: Db } }).__fieldbook;
      const [contacts, records] = [await db.contacts.toArray(), await db.outbox.toArray()];
      const outbox = records.filter((record) => typeof record === 'object' && record !== null && 'items' in record);
      const open = indexedDB.open(`floor-${Math.random()}`, 1);
      open.onupgradeneeded = () => {
        const c = open.result.createObjectStore('contacts', { keyPath: 'id' });
        for (const name of ['next_follow_up_on', 'last_touched_at', 'deleted_at', 'import_id']) c.createIndex(name, name);
        const o = open.result.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        o.createIndex('mutation_id', 'mutation_id', { unique: true });
        o.createIndex('table_row', ['table', 'row_id']);
        o.createIndex('rows', 'rows', { multiEntry: true });
        o.createIndex('size', 'size');
      };
      const idb = await new Promise<IDBDatabase>((resolve) => (open.onsuccess = () => resolve(open.result)));
      const started = performance.now();
      for (let start = 0; start < contacts.length; start += 1000) {
        const tx = idb.transaction(['contacts', 'outbox'], 'readwrite');
        for (const row of contacts.slice(start, start + 1000)) tx.objectStore('contacts').add(row);
        // Batch records hold 250 inserts each (src/db/outbox.ts): the four of these 1,000 rows.
        for (const entry of outbox.slice(start / 250, (start + 1000) / 250) as Record<string, unknown>[]) {
          const copy = { ...entry };
          delete copy['seq'];
          tx.objectStore('outbox').add(copy);
        }
        await new Promise((resolve) => (tx.oncomplete = resolve));
      }
      const ms = performance.now() - started;
      idb.close();
      return ms;
    });
    figures.push(`${''.padEnd(34)} the same rows and outbox records put straight into IndexedDB: ${floor.toFixed(0)} ms (commit/raw ${(commit.value.elapsed / floor).toFixed(2)})`);

    // vCard: preview against the 10,000 contacts now in the list, then commit.
    const vcf = await preview('iphone-10000.vcf');
    expect(await page.locator('.import__stat', { hasText: 'Found' }).locator('.import__stat-value').textContent()).toBe(ROWS.toLocaleString('en-US'));
    report('Preview, vCard (10,000 in the list)', vcf.value.elapsed, 2000, vcf.value.sample, vcf.peakMb);
    const vcfCommit = await confirm();
    report('Import commit, vCard', vcfCommit.value.elapsed, 3000, vcfCommit.value.sample, vcfCommit.peakMb);
    figures.push(`${''.padEnd(34)} of which building the rows in the worker: ${(await buildTime()).toFixed(0)} ms; writing them (store.importContacts): ${(vcfCommit.value.elapsed - (await buildTime())).toFixed(0)} ms`);
    await page.close();
  });
});
