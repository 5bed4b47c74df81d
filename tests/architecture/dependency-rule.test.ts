import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The dependency rule of STYLE.md, checked on every import in src/ and supabase/local. A failure names
 * the file, the import and the rule it breaks.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');

type Layer = 'app' | 'features' | 'charts' | 'hooks' | 'db' | 'sync' | 'adapters/supabase' | 'adapters/browser' | 'domain' | 'contacts-io' | 'ui' | 'shared' | 'main' | 'supabase/local';

/*
 * `lazy`: layers this one may load only with a dynamic import() or as types, so their code (and the
 * packages they bring, such as papaparse and libphonenumber-js) stays out of the app's first load.
 */
const ALLOWED: Readonly<Record<Layer, { layers: readonly Layer[]; packages: readonly RegExp[]; typeOnly?: readonly Layer[]; lazy?: readonly Layer[] }>> = {
  main: { layers: ['app', 'ui'], packages: [/^react$/, /^react-dom\/client$/] },
  app: { layers: ['features', 'hooks', 'db', 'sync', 'adapters/supabase', 'adapters/browser', 'domain', 'ui', 'shared'], packages: [/.*/] },
  features: { layers: ['hooks', 'ui', 'charts', 'domain', 'shared'], packages: [/^react$/, /^@tanstack\/react-virtual$/], lazy: ['contacts-io'] },
  hooks: { layers: ['db', 'sync', 'domain', 'shared'], packages: [/^react$/, /^dexie-react-hooks$/] },
  db: { layers: ['domain', 'shared'], packages: [/^dexie$/], typeOnly: ['sync'] },
  'adapters/supabase': { layers: ['domain', 'shared'], packages: [/^@supabase\//], typeOnly: ['sync'] },
  'adapters/browser': { layers: ['domain', 'shared'], packages: [], typeOnly: ['sync'] },
  sync: { layers: ['domain', 'shared'], packages: [] },
  domain: { layers: ['shared'], packages: [/^zod$/] },
  // Reading and writing contact files (vCard, CSV, iCalendar), phone normalisation and matching.
  'contacts-io': { layers: ['domain', 'shared'], packages: [/^papaparse$/, /^libphonenumber-js(\/.*)?$/, /^zod$/] },
  ui: { layers: ['shared'], packages: [/^react$/] },
  // Charts drawn as SVG with d3's scales and shapes; only screens loaded on demand use them.
  charts: { layers: ['ui', 'shared'], packages: [/^react$/, /^d3-scale$/, /^d3-shape$/] },
  shared: { layers: [], packages: [] },
  'supabase/local': { layers: ['domain', 'shared'], packages: [/.*/] },
};

function layerOf(file: string): Layer | null {
  const rel = relative(ROOT, file).replace(/\\/g, '/');
  if (rel.startsWith('supabase/local/')) return 'supabase/local';
  if (!rel.startsWith('src/')) return null;
  const inner = rel.slice(4);
  if (inner === 'main.tsx') return 'main';
  if (inner.startsWith('adapters/supabase/')) return 'adapters/supabase';
  if (inner.startsWith('adapters/browser/')) return 'adapters/browser';
  const top = inner.split('/')[0] as Layer;
  return top in ALLOWED ? top : null;
}

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mjs|js)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /import\(\s*['"]([^'"]+)['"]\s*\)/g;

type Violation = string;

function findViolations(files: readonly string[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const from = layerOf(file);
    if (from === null) continue;
    const rule = ALLOWED[from];
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(IMPORT)].map((m) => ({ spec: m[3] ?? '', typeOnly: Boolean(m[2]), dynamic: false }));
    for (const m of text.matchAll(DYNAMIC_IMPORT)) specifiers.push({ spec: m[1] ?? '', typeOnly: false, dynamic: true });
    for (const { spec, typeOnly, dynamic } of specifiers) {
      const where = `${relative(ROOT, file)} imports '${spec}'`;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        const to = layerOf(`${target}.ts`);
        if (from === 'supabase/local') {
          if (target.startsWith(join(ROOT, 'src')) && to !== 'domain' && to !== 'shared') violations.push(`${where}: supabase/local may import only domain and shared from src`);
          continue;
        }
        if (to === null) {
          if (target.startsWith(join(ROOT, 'supabase', 'local'))) violations.push(`${where}: src must never import supabase/local`);
          continue;
        }
        if (to === from) continue;
        if (rule.layers.includes(to)) continue;
        if ((dynamic || typeOnly) && rule.lazy?.includes(to)) continue;
        if (!dynamic && !typeOnly && rule.lazy?.includes(to)) {
          violations.push(`${where}: ${from} may load ${to} only with a dynamic import() or as types (it stays out of the first load)`);
          continue;
        }
        if (typeOnly && rule.typeOnly?.includes(to) && spec.includes('sync/ports')) continue;
        violations.push(`${where}: ${from} may import ${[...rule.layers, ...(rule.typeOnly ?? []).map((l) => `types from ${l}/ports`)].join(', ') || 'nothing'}, not ${to}`);
      } else if (!spec.startsWith('node:') || from !== 'supabase/local') {
        if (spec.startsWith('virtual:') && from === 'app') continue;
        if (!rule.packages.some((pattern) => pattern.test(spec))) violations.push(`${where}: ${from} may not depend on '${spec}'`);
      }
    }
  }
  return violations;
}

const BROWSER_ONLY = /\bnavigator\.|\bwindow\.addEventListener|\bvisibilityState\b|\bBroadcastChannel\b|\blocalStorage\b/;

function findBrowserGlobalUse(files: readonly string[]): Violation[] {
  return files.flatMap((file) => {
    const layer = layerOf(file);
    if (layer === null || layer === 'adapters/browser' || layer === 'app' || layer === 'main') return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => (BROWSER_ONLY.test(line) && !line.trim().startsWith('//') && !line.trim().startsWith('*') ? [`${relative(ROOT, file)}:${index + 1} uses a browser global; only adapters/browser and app may`] : []));
  });
}

const files = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'supabase', 'local'))];

describe('architecture', () => {
  it('every import follows the dependency rule of STYLE.md', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(findViolations(files)).toEqual([]);
  });

  it('only adapters/browser and app touch navigator, window events, visibility, storage and BroadcastChannel', () => {
    expect(findBrowserGlobalUse(files)).toEqual([]);
  });

  it('src has no default exports and no barrel files', () => {
    const offenders = files.filter((file) => layerOf(file) !== 'supabase/local' && (/^export default /m.test(readFileSync(file, 'utf8')) || /\/index\.tsx?$/.test(file)));
    expect(offenders.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('the checker catches a forbidden import (so the rule can fail)', () => {
    const probe = join(ROOT, 'src', 'domain', '__probe__.ts');
    const text = "import { useState } from 'react';\nimport { listContacts } from '../db/queries';\n";
    const violations = findViolationsInText(probe, text);
    expect(violations).toHaveLength(2);
    expect(violations[0]).toMatch(/domain may not depend on 'react'/);
    expect(violations[1]).toMatch(/domain may import shared, not db/);
  });

  it('features load contacts-io lazily only', () => {
    const probe = join(ROOT, 'src', 'features', '__probe__.ts');
    const eager = "import { readVcard } from '../contacts-io/vcard-read';\n";
    expect(findViolationsInText(probe, eager)).toEqual([expect.stringMatching(/only with a dynamic import\(\)/)]);
    const lazy = "import type { ParsedContact } from '../contacts-io/parsed-contact';\nconst load = () => import('../contacts-io/vcard-read');\n";
    expect(findViolationsInText(probe, lazy)).toEqual([]);
  });
});

function findViolationsInText(file: string, text: string): Violation[] {
  writeFileSync(file, text);
  try {
    return findViolations([file]);
  } finally {
    rmSync(file);
  }
}
