import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * src/sync/SPEC.md numbers the guarantees (G1-G13) and the rules that meet them; tests cite them as
 * "[OB3]". Every rule must be cited by at least one test, and every citation must name a rule.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const spec = readFileSync(join(ROOT, 'src', 'sync', 'SPEC.md'), 'utf8');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return testFiles(path);
    return /\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const rules = new Set([...spec.matchAll(/\*\*([A-Z]{1,3}\d{1,2})\*\*/g)].map((match) => match[1]!));
const citations = new Map<string, string[]>();
for (const file of [...testFiles(join(ROOT, 'src')), ...testFiles(join(ROOT, 'tests'))]) {
  for (const match of readFileSync(file, 'utf8').matchAll(/\[([A-Z]{1,3}\d{1,2})\]/g)) {
    const list = citations.get(match[1]!) ?? [];
    list.push(relative(ROOT, file));
    citations.set(match[1]!, list);
  }
}

describe('the sync rules of src/sync/SPEC.md', () => {
  it('names the guarantees and rules', () => {
    expect([...rules]).toEqual(expect.arrayContaining(['G1', 'G13', 'OB1', 'CK3', 'SV1']));
  });

  it('every rule is cited by at least one test', () => {
    expect([...rules].filter((rule) => !citations.has(rule))).toEqual([]);
  });

  it('every citation in a test names a rule of the spec', () => {
    expect([...citations.entries()].filter(([rule]) => !rules.has(rule)).map(([rule, files]) => `${rule} in ${files[0]}`)).toEqual([]);
  });
});
