import { describe, expect, it } from 'vitest';
import { CONTACT_STAGES, CONTACT_TYPES } from '../../src/domain/contact';
import { inspectCsv, readCsv } from '../../src/contacts-io/csv-read';
import { contactsToCsv } from '../../src/contacts-io/csv-write';
import { decodeText } from '../../src/contacts-io/decode-text';
import type { ParseResult } from '../../src/contacts-io/parsed-contact';
import { toContactDraft } from '../../src/contacts-io/to-contact-draft';
import type { ContactFields, DraftDefaults } from '../../src/contacts-io/to-contact-draft';
import { readVcard } from '../../src/contacts-io/vcard-read';
import { contactsToVcard } from '../../src/contacts-io/vcard-write';

/*
 * Property: any contact the app can hold comes back identical from its own CSV and vCard exports.
 * A small seeded generator (mulberry32) makes the contacts; the seed is printed when a run fails, and
 * ROUND_TRIP_SEED=<n> replays it.
 */

const RUNS = 250;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = ReturnType<typeof mulberry32>;
const pick = <T,>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

const PIECES = ['Ana', 'ñ', 'ü', 'Zoë', '日本', '太郎', '🙂', '👩‍👩‍👧', ',', '"', ';', '\\', "'", ':', 'O\'Neil', 'x', 'Müller', 'Ñúñez', ' ', '=', '+', '-', '@', '::', '\t'.replace('\t', ' '), 'São', 'Ł'];
const STARTS = ['', '', '', '=', '+', '-', '@', "'=", '"', ','];

function text(random: Random, maxPieces: number, options: { newlines?: boolean } = {}): string {
  const parts: string[] = [pick(random, STARTS)];
  const count = int(random, 1, maxPieces);
  for (let i = 0; i < count; i++) {
    parts.push(pick(random, PIECES));
    if (options.newlines === true && random() < 0.15) parts.push('\n');
  }
  // The app trims every field and stores single-line values without runs of spaces.
  let value = parts.join('').replace(/ +/g, ' ').trim();
  if (options.newlines !== true) value = value.replace(/\n/g, ' ');
  return value === '' ? 'Ana' : value;
}

function phone(random: Random): string {
  const digits = () => String(int(random, 10_000, 99_999_999));
  return pick(random, [`+44 7700 ${digits()}`, `(555) ${digits()}`, `+1-555-${digits()}`, `0${digits()}`, `+33 6 ${digits()}`, `+49 (0) ${digits()}/12`]);
}

const LABELS = ['mobile', 'home', 'work', 'other', 'Büro', 'WhatsApp', 'Assistant, day', 'casa; 2', '日本', 'Main'];

function contact(random: Random): ContactFields {
  const phones = Array.from({ length: int(random, 0, 4) }, () => ({ label: pick(random, LABELS), value: phone(random) }));
  const emails = Array.from({ length: int(random, 0, 3) }, (_, i) => ({ label: pick(random, LABELS), value: `${pick(random, ['ana', 'j.doe', 'x+tag', 'o_neil'])}${i}${int(random, 0, 999)}@${pick(random, ['example.com', 'mail.example.de', 'b.co'])}` }));
  const uniquePhones = phones.filter((p, i) => phones.findIndex((q) => q.value.replace(/[^\d+]/g, '') === p.value.replace(/[^\d+]/g, '')) === i);
  const tagSet = new Map<string, string>();
  for (let i = int(random, 0, 5); i > 0; i--) {
    const tag = text(random, 3).slice(0, 40).trim().replace(/^\* /, '');
    if (tag !== '' && !tag.includes(':::')) tagSet.set(tag.toLowerCase(), tag);
  }
  return {
    first_name: text(random, 4).slice(0, 100).trim() || 'Ana',
    last_name: random() < 0.2 ? '' : text(random, 4).slice(0, 100).trim(),
    phones: uniquePhones,
    emails,
    stage: pick(random, CONTACT_STAGES),
    contact_type: pick(random, CONTACT_TYPES),
    lead_source: random() < 0.5 ? '' : text(random, 5).slice(0, 100).trim(),
    tags: [...tagSet.values()],
    notes: random() < 0.3 ? '' : text(random, 30, { newlines: true }),
    next_follow_up_on: random() < 0.5 ? null : `20${int(random, 10, 40)}-${String(int(random, 1, 12)).padStart(2, '0')}-${String(int(random, 1, 28)).padStart(2, '0')}`,
  };
}

const EMPTY_DEFAULTS: DraftDefaults = { stage: 'new', contact_type: 'customer', lead_source: '', tag: '' };

function drafts(result: ParseResult): ContactFields[] {
  expect(result.problems).toEqual([]);
  return result.contacts.map((parsed) => {
    const outcome = toContactDraft(parsed, EMPTY_DEFAULTS);
    if (!outcome.ok) throw new Error(`line ${parsed.line}: ${outcome.message}`);
    expect(outcome.warnings).toEqual([]);
    return outcome.draft;
  });
}

const seed = Number(process.env['ROUND_TRIP_SEED'] ?? Date.now() % 1_000_000);

function withSeed(run: (contacts: ContactFields[]) => void): void {
  const random = mulberry32(seed);
  const contacts = Array.from({ length: RUNS }, () => contact(random));
  try {
    run(contacts);
  } catch (error) {
    console.error(`Round trip failed with ROUND_TRIP_SEED=${seed}`);
    throw error;
  }
}

describe(`round trips of generated contacts (seed ${seed})`, () => {
  it('CSV export → bytes → decodeText → inspectCsv → readCsv → toContactDraft gives back identical fields', () => {
    withSeed((contacts) => {
      const bytes = new TextEncoder().encode(contactsToCsv(contacts));
      const { text } = decodeText(bytes);
      const inspection = inspectCsv(text);
      expect(inspection.format).toBe('Fieldbook export');
      expect(drafts(readCsv(text, inspection))).toEqual(contacts);
    });
  });

  it('vCard export → bytes → decodeText → readVcard → toContactDraft gives back identical fields', () => {
    withSeed((contacts) => {
      const { text } = decodeText(new TextEncoder().encode(contactsToVcard(contacts)));
      expect(drafts(readVcard(text))).toEqual(contacts);
    });
  });
});
