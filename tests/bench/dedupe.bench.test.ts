// Part of `npm run bench` (not of npm test): de-duplication at 10,000 contacts. classifyImport of a
// 10,000-row file against 10,000 contacts, and findDuplicateGroups over 10,000, each with a fresh
// phone key function (so phone normalisation is in the time). Prints figures and the ratio to the
// 500 ms target; asserts only that the work was done.
import { describe, expect, it } from 'vitest';
import { findDuplicateGroups, type GroupableContact } from '../../src/contacts-io/duplicate-groups';
import { classifyImport } from '../../src/contacts-io/match-index';
import { createPhoneKey } from '../../src/contacts-io/phone-key';

const COUNT = 10_000;
const TARGET_MS = 500;
const ROUNDS = 5;

/** A small seeded generator (mulberry32), so every run measures the same data. */
function createRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Jane', 'John', 'Amira', 'Chen', 'Olu', 'María', 'Søren', 'Priya', 'Tom', 'Zoë', 'Mom', 'Dentist'];
const LAST = ['Doe', 'Smith', 'Okafor', 'García', 'Nguyen', 'Müller', 'Patel', 'Brown', 'Kowalski', ''];

/** One UK mobile (national significant number, 10 digits) written one of the ways people write it. */
function writeUkMobile(national: string, way: number): string {
  const [a, b] = [national.slice(0, 4), national.slice(4)];
  switch (way % 6) {
    case 0:
      return `0${a} ${b}`;
    case 1:
      return `+44 ${a} ${b}`;
    case 2:
      return `0044 ${a}-${b.slice(0, 3)}-${b.slice(3)}`;
    case 3:
      return `(+44) (0)${a} ${b}`;
    case 4:
      return `0${national}`;
    default:
      return `+44${national} ext. ${way}`;
  }
}

type Point = { readonly label: string; readonly value: string };
type BenchRow = { readonly phones: readonly Point[]; readonly emails: readonly Point[] };
type BenchContact = GroupableContact & BenchRow;

function generate() {
  const random = createRandom(20240601);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const national = (n: number) => String(7400000000 + n * 7919).slice(0, 10);
  const existing: BenchContact[] = [];
  for (let i = 0; i < COUNT; i++) {
    const phones = [{ label: 'mobile', value: writeUkMobile(national(i), Math.floor(random() * 6)) }];
    if (random() < 0.2) phones.push({ label: 'work', value: `+1 (202) 555-${String(1000 + (i % 9000)).padStart(4, '0')}` });
    const emails = random() < 0.5 ? [{ label: 'home', value: `person${i}@example.com` }] : [];
    existing.push({
      id: `c-${String(i).padStart(5, '0')}`,
      first_name: pick(FIRST),
      last_name: pick(LAST),
      created_at: new Date(Date.UTC(2022, 0, 1) + i * 60_000).toISOString(),
      deleted_at: random() < 0.02 ? '2024-01-01T00:00:00.000Z' : null,
      phones,
      emails,
    });
  }
  const incoming: BenchRow[] = [];
  for (let i = 0; i < COUNT; i++) {
    const roll = random();
    if (roll < 0.3) {
      // Someone the member already has, their number written another way.
      const n = Math.floor(random() * COUNT);
      incoming.push({ phones: [{ label: 'mobile', value: writeUkMobile(national(n), Math.floor(random() * 6) + 1) }], emails: [] });
    } else if (roll < 0.4) {
      const n = Math.floor(random() * COUNT);
      incoming.push({ phones: [], emails: [{ label: 'home', value: `  Person${n}@Example.COM` }] });
    } else if (roll < 0.45 && i > 0) {
      // A repeat of an earlier row of the same file.
      incoming.push(incoming[Math.floor(random() * i)]!);
    } else {
      const phones = [{ label: 'mobile', value: writeUkMobile(national(COUNT + i), Math.floor(random() * 6)) }];
      incoming.push({ phones, emails: random() < 0.3 ? [{ label: 'home', value: `new${i}@example.org` }] : [] });
    }
  }
  return { existing, incoming };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

describe('de-duplication at 10,000 contacts', () => {
  it('classifies a 10,000-row import against 10,000 contacts and groups 10,000 contacts', () => {
    const { existing, incoming } = generate();
    const importTimes: number[] = [];
    const groupTimes: number[] = [];
    let counts = { found: 0, new: 0, matches: 0, repeats: 0 };
    let groups = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let started = performance.now();
      counts = { ...classifyImport(incoming, existing, createPhoneKey('44')).counts };
      importTimes.push(performance.now() - started);
      started = performance.now();
      groups = findDuplicateGroups(existing, createPhoneKey('44')).length;
      groupTimes.push(performance.now() - started);
    }

    const line = (name: string, times: readonly number[]) =>
      `${name.padEnd(46)} first ${times[0]!.toFixed(0).padStart(5)} ms   median ${median(times).toFixed(0).padStart(5)} ms   target ${TARGET_MS} ms   ratio ${(median(times) / TARGET_MS).toFixed(2)}`;
    console.log(
      [
        '',
        line('classifyImport 10,000 rows × 10,000 contacts', importTimes),
        `${''.padEnd(46)} ${counts.new} new, ${counts.matches} matches, ${counts.repeats} repeats`,
        line('findDuplicateGroups over 10,000 contacts', groupTimes),
        `${''.padEnd(46)} ${groups} groups`,
        '',
      ].join('\n'),
    );
    expect(counts.found).toBe(COUNT);
    expect(counts.matches).toBeGreaterThan(COUNT * 0.2);
    expect(groups).toBeGreaterThan(0);
  });
});
