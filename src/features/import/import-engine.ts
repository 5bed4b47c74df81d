import type * as CsvRead from '../../contacts-io/csv-read';
import type { ColumnChoiceId, CsvInspection } from '../../contacts-io/csv-read';
import type * as DecodeText from '../../contacts-io/decode-text';
import type * as MatchIndex from '../../contacts-io/match-index';
import type * as PhoneKeys from '../../contacts-io/phone-key';
import type * as PickedContacts from '../../contacts-io/picked-contacts';
import type * as ToContactDraft from '../../contacts-io/to-contact-draft';
import type * as VcardRead from '../../contacts-io/vcard-read';
import type { LegacyEncoding } from '../../contacts-io/decode-text';
import type { ImportClassification, Matchable } from '../../contacts-io/match-index';
import type { ParsedContact, ParseProblem } from '../../contacts-io/parsed-contact';
import type { PhoneKey } from '../../contacts-io/phone-key';
import type { ContactFields, DraftDefaults } from '../../contacts-io/to-contact-draft';
import type { Contact } from '../../domain/contact';
import { mergeIncoming, type IncomingDraft, type MergeableContact } from '../../domain/contact-merge';
import { MAX_FILE_BYTES, MAX_FILE_LABEL } from './import-limits';
import type { BuiltRow, CsvColumn, ExistingContact, ImportMatch, ImportPreview, ImportRequest, ImportResponse, ImportSource, MatchChoice, PickedContact } from './import-protocol';

/*
 * The import's work, away from the screen: read the file, decode it, parse it record by record,
 * turn each record into a draft (or a problem with its line), classify the drafts against the
 * member's contacts, and finally build the rows to write from the member's choices.
 *
 * Memory: the decoded text lives only while it is parsed (a remap reads the file again); what stays
 * is one ParsedContact per importable record plus its match keys. The screen gets a preview, never
 * the parsed file.
 *
 * `pause` is called between slices of SLICE_MS: in the worker it lets a message in; on the main
 * thread (where there is no worker) it gives the frame back to the browser.
 */

/** Problems listed in the preview; the rest are counted. */
const PROBLEMS_LISTED = 200;
const SAMPLES = 5;
const ROWS_PER_MESSAGE = 1000;

/** Stage, type and lead source only matter at build time; classification needs the phones and emails. */
const PLACEHOLDER_DEFAULTS: DraftDefaults = { stage: 'new', contact_type: 'customer', lead_source: '', tag: '' };

type Modules = {
  readonly decode: typeof DecodeText;
  readonly vcard: typeof VcardRead;
  readonly csv: typeof CsvRead;
  readonly draft: typeof ToContactDraft;
  readonly match: typeof MatchIndex;
  readonly phone: typeof PhoneKeys;
  readonly picked: typeof PickedContacts;
};

const loadModules = async (): Promise<Modules> => {
  const [decode, vcard, csv, draft, match, phone, picked] = await Promise.all([
    import('../../contacts-io/decode-text'),
    import('../../contacts-io/vcard-read'),
    import('../../contacts-io/csv-read'),
    import('../../contacts-io/to-contact-draft'),
    import('../../contacts-io/match-index'),
    import('../../contacts-io/phone-key'),
    import('../../contacts-io/picked-contacts'),
  ]);
  return { decode, vcard, csv, draft, match, phone, picked };
};

type Parsed = {
  format: string;
  encoding: string;
  looksGarbled: boolean;
  contacts: ParsedContact[];
  matchables: Matchable[];
  names: string[];
  problems: ParseProblem[];
};

type Session = {
  readonly fileName: string;
  readonly file: Blob | null;
  readonly legacy: LegacyEncoding | null;
  readonly existing: ReadonlyMap<string, ExistingContact>;
  readonly existingList: readonly ExistingContact[];
  readonly phoneKey: PhoneKey;
  inspection: CsvInspection | null;
  parsed: Parsed;
  classification: ImportClassification;
  source: ImportSource;
};

export type ImportEngine = { readonly handle: (request: ImportRequest) => Promise<void> };

export function createImportEngine(emit: (response: ImportResponse) => void, pause: () => Promise<void>, sliceMs: number): ImportEngine {
  let modules: Promise<Modules> | null = null;
  let session: Session | null = null;
  let sliceStart = performance.now();

  const maybePause = async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await pause();
    sliceStart = performance.now();
  };

  const readText = async (io: Modules, file: Blob, legacy: LegacyEncoding | null) => {
    emit({ type: 'progress', phase: 'reading', done: 0, total: file.size });
    const bytes = new Uint8Array(await file.arrayBuffer());
    return io.decode.decodeText(bytes, legacy ?? 'windows-1252');
  };

  const collect = async (
    io: Modules,
    items: Iterator<ParsedContact | ParseProblem, unknown, undefined>,
    totalLines: number,
    format: string,
    encoding: string,
    looksGarbled: boolean,
  ): Promise<Parsed> => {
    const parsed: Parsed = { format, encoding, looksGarbled, contacts: [], matchables: [], names: [], problems: [] };
    let count = 0;
    for (;;) {
      const step = items.next();
      if (step.done === true) {
        const summary = step.value as { format?: unknown } | undefined;
        if (typeof summary?.format === 'string') parsed.format = summary.format;
        break;
      }
      const item = step.value;
      if ('message' in item) {
        parsed.problems.push(item);
      } else {
        const result = io.draft.toContactDraft(item, PLACEHOLDER_DEFAULTS);
        if (!result.ok) {
          parsed.problems.push({ line: item.line, message: result.message });
        } else {
          parsed.contacts.push(item);
          parsed.matchables.push({ phones: result.draft.phones, emails: result.draft.emails });
          parsed.names.push([result.draft.first_name, result.draft.last_name].filter((part) => part !== '').join(' '));
        }
        if (++count % 500 === 0) emit({ type: 'progress', phase: 'parsing', done: Math.min(item.line, totalLines), total: totalLines });
      }
      await maybePause();
    }
    return parsed;
  };

  const parseText = async (io: Modules, text: string, encoding: string, inspection: CsvInspection | null): Promise<{ parsed: Parsed; inspection: CsvInspection | null }> => {
    const totalLines = countLines(text);
    const looksGarbled = isGarbled(text, encoding);
    if (isVcard(text)) {
      const iterator = io.vcard.iterateVcard(text);
      const parsed = await collect(io, iterator, totalLines, 'vCard', encoding, looksGarbled);
      return { parsed, inspection: null };
    }
    if (text.trim() === '') throw new ReadError('This file is empty: there are no contacts in it.');
    const csvInspection = inspection ?? io.csv.inspectCsv(text);
    const parsed = await collect(io, io.csv.iterateCsv(text, csvInspection), totalLines, csvInspection.format, encoding, looksGarbled);
    return { parsed, inspection: csvInspection };
  };

  const finish = async (io: Modules, next: Omit<Session, 'classification'> & { classification?: ImportClassification }) => {
    emit({ type: 'progress', phase: 'matching', done: 0, total: next.parsed.contacts.length });
    await pause();
    const classification = io.match.classifyImport(next.parsed.matchables, next.existingList, next.phoneKey);
    sliceStart = performance.now();
    session = { ...next, classification };
    emit({ type: 'preview', preview: toPreview(session, io) });
  };

  const open = async (io: Modules, request: Extract<ImportRequest, { type: 'open' }>) => {
    if (request.file.size > MAX_FILE_BYTES) {
      throw new ReadError(`This file is ${formatMegabytes(request.file.size)}; files up to ${MAX_FILE_LABEL} can be imported. Split it into smaller files and import each.`);
    }
    const decoded = await readText(io, request.file, request.legacy);
    const { parsed, inspection } = await parseText(io, decoded.text, decoded.encoding, null);
    const existing = new Map(request.existing.map((contact) => [contact.id, contact]));
    const source = sourceOf(parsed.format, inspection !== null);
    await finish(io, {
      fileName: request.fileName,
      file: request.file,
      legacy: request.legacy,
      existing,
      existingList: request.existing,
      phoneKey: io.phone.createPhoneKey(request.callingCode),
      inspection,
      parsed,
      source,
    });
  };

  const openPicked = async (io: Modules, picked: readonly PickedContact[], callingCode: string, existingList: readonly ExistingContact[]) => {
    const contacts = io.picked.fromPickedContacts(picked);
    const parsed = await collect(io, contacts[Symbol.iterator](), contacts.length, 'Phone contacts', 'utf-8', false);
    await finish(io, {
      fileName: 'Phone contacts',
      file: null,
      legacy: null,
      existing: new Map(existingList.map((contact) => [contact.id, contact])),
      existingList,
      phoneKey: io.phone.createPhoneKey(callingCode),
      inspection: null,
      parsed,
      source: 'Phone contacts',
    });
  };

  const remap = async (io: Modules, choices: readonly (ColumnChoiceId | null)[]) => {
    if (session === null || session.file === null || session.inspection === null) return;
    const inspection = session.inspection;
    const mapping = inspection.mapping.map((role, index) => {
      const choice = choices[index] ?? null;
      return choice === null ? role : io.csv.roleForChoice(choice, inspection.headers[index] ?? '');
    });
    const decoded = await readText(io, session.file, session.legacy);
    const next: CsvInspection = { ...inspection, mapping, unrecognised: inspection.unrecognised };
    const { parsed } = await parseText(io, decoded.text, decoded.encoding, next);
    await finish(io, { ...session, inspection: next, parsed });
  };

  const build = async (io: Modules, request: Extract<ImportRequest, { type: 'build' }>) => {
    if (session === null) throw new ReadError('There is nothing to import: choose a file again.');
    const { parsed, classification, phoneKey } = session;
    const fresh = new Map(request.fresh.map((contact) => [contact.id, contact]));
    const overrides = new Map(request.overrides);
    const total = parsed.contacts.length;
    // The first row of each person, with what its repeats add folded in.
    const people: (Pseudo | null)[] = new Array<Pseudo | null>(total).fill(null);
    for (let row = 0; row < total; row++) {
      const contact = parsed.contacts[row]!;
      const result = io.draft.toContactDraft(contact, request.defaults);
      if (!result.ok) continue;
      const kind = classification.rows[row];
      if (kind?.kind === 'repeat') {
        const first = people[kind.first_row];
        if (first) people[kind.first_row] = fold(first, incoming(result.draft, contact), phoneKey);
      } else {
        people[row] = pseudo(result.draft, contact);
      }
      if (row % 1000 === 999) emit({ type: 'progress', phase: 'building', done: row + 1, total });
      await maybePause();
    }
    let rows: BuiltRow[] = [];
    let unchanged = 0;
    let skipped = 0;
    // Rows matching the same contact (by different numbers or addresses) are merged into it one after
    // another and written as one change, so none of them overwrites what an earlier one added.
    const merges = new Map<string, Partial<ContactFields>>();
    for (let row = 0; row < total; row++) {
      const person = people[row];
      const kind = classification.rows[row];
      if (!person || kind === undefined || kind.kind === 'repeat') continue;
      const choice: MatchChoice = kind.kind === 'match' ? (overrides.get(row) ?? request.choice) : 'new';
      const target = kind.kind === 'match' ? (fresh.get(kind.contact_id) ?? session.existing.get(kind.contact_id)) : undefined;
      if (choice === 'skip') {
        skipped++;
      } else if (choice === 'merge' && target !== undefined && target.deleted_at === null) {
        const earlier = merges.get(target.id);
        const base = earlier === undefined ? target : { ...target, ...earlier };
        const fields = contactFieldsOf(mergeIncoming(base, incoming(person, { stage: person.fileStage }), phoneKey));
        if (Object.keys(fields).length > 0) merges.set(target.id, { ...earlier, ...fields });
        else if (earlier === undefined) unchanged++;
      } else {
        rows.push({ kind: 'create', fields: contactFieldsOf(person) as ContactFields });
      }
      if (rows.length >= ROWS_PER_MESSAGE) {
        emit({ type: 'rows', rows, last: false, unchanged: 0, skipped: 0 });
        rows = [];
      }
      await maybePause();
    }
    for (const [contactId, fields] of merges) {
      rows.push({ kind: 'merge', contactId, fields });
      if (rows.length >= ROWS_PER_MESSAGE) {
        emit({ type: 'rows', rows, last: false, unchanged: 0, skipped: 0 });
        rows = [];
      }
    }
    emit({ type: 'rows', rows, last: true, unchanged, skipped });
  };

  const handle = async (request: ImportRequest) => {
    sliceStart = performance.now();
    try {
      modules ??= loadModules();
      const io = await modules;
      switch (request.type) {
        case 'open':
          session = null;
          return await open(io, request);
        case 'picked':
          session = null;
          return await openPicked(io, request.picked, request.callingCode, request.existing);
        case 'remap':
          return await remap(io, request.choices);
        case 'build':
          return await build(io, request);
      }
    } catch (error) {
      emit({ type: 'failed', message: error instanceof ReadError ? error.message : `This file could not be read (${error instanceof Error ? error.message : String(error)}). Nothing was imported.` });
    }
  };

  return { handle };
}

class ReadError extends Error {}

/** A draft as a mergeable contact, so repeats inside the file merge with the rules of a real merge. */
type Pseudo = MergeableContact & { readonly tagsFromFile: boolean; readonly fileStage: Contact['stage'] | undefined; readonly contact_type: Contact['contact_type'] };

function pseudo(draft: ContactFields, parsed: ParsedContact): Pseudo {
  return {
    ...draft,
    id: '',
    phone: draft.phones[0]?.value ?? '',
    email: draft.emails[0]?.value ?? '',
    created_at: '',
    last_touched_at: '',
    tagsFromFile: true,
    fileStage: parsed.stage,
  };
}

function incoming(draft: Pick<ContactFields, keyof IncomingDraft & keyof ContactFields>, parsed: { readonly stage?: Contact['stage'] | undefined }): IncomingDraft {
  const rest: IncomingDraft = { ...draft };
  delete (rest as { stage?: unknown }).stage;
  return parsed.stage === undefined ? rest : { ...rest, stage: parsed.stage };
}

function fold(first: Pseudo, repeat: IncomingDraft, phoneKey: PhoneKey): Pseudo {
  return { ...first, ...mergeIncoming(first, repeat, phoneKey) };
}

const CONTACT_FIELD_KEYS = ['first_name', 'last_name', 'phones', 'emails', 'stage', 'contact_type', 'lead_source', 'tags', 'notes', 'next_follow_up_on'] as const;

function contactFieldsOf(fields: Partial<Record<string, unknown>>): Partial<ContactFields> {
  const picked: Record<string, unknown> = {};
  for (const key of CONTACT_FIELD_KEYS) if (key in fields) picked[key] = fields[key];
  return picked;
}

function toPreview(session: Session, io: Modules): ImportPreview {
  const { parsed, classification } = session;
  const repeatsOf = new Map<number, number>();
  for (const kind of classification.rows) if (kind.kind === 'repeat') repeatsOf.set(kind.first_row, (repeatsOf.get(kind.first_row) ?? 0) + 1);
  const matches: ImportMatch[] = [];
  classification.rows.forEach((kind, row) => {
    if (kind.kind !== 'match') return;
    const existing = session.existing.get(kind.contact_id);
    const existingName = existing === undefined ? '' : [existing.first_name, existing.last_name].filter((part) => part !== '').join(' ');
    matches.push({ row, line: parsed.contacts[row]?.line ?? 0, name: parsed.names[row] ?? '', contactId: kind.contact_id, existingName, by: kind.by, repeats: repeatsOf.get(row) ?? 0 });
  });
  const problems = [...parsed.problems].sort((a, b) => a.line - b.line);
  return {
    fileName: session.fileName,
    format: parsed.format,
    source: session.source,
    encoding: parsed.encoding,
    looksGarbled: parsed.looksGarbled,
    found: parsed.contacts.length + parsed.problems.length,
    importable: parsed.contacts.length,
    newCount: classification.counts.new,
    matchCount: classification.counts.matches,
    repeatCount: classification.counts.repeats,
    problems: problems.slice(0, PROBLEMS_LISTED),
    moreProblems: Math.max(0, problems.length - PROBLEMS_LISTED),
    matches,
    samples: parsed.contacts.slice(0, SAMPLES).map((contact, index) => {
      const name = parsed.names[index] ?? '';
      const details = [contact.phones[0]?.value, contact.emails[0]?.value].filter((value): value is string => value !== undefined && value.trim() !== '' && value.trim() !== name);
      return { name, detail: details.join(' · ') };
    }),
    columns: session.inspection === null ? null : columnsOf(session.inspection, io),
    columnChoices: session.inspection === null ? [] : io.csv.COLUMN_CHOICES,
    needsMapping: session.inspection !== null && (session.inspection.format.startsWith('Spreadsheet') || session.inspection.unrecognised.length > 0),
  };
}

function columnsOf(inspection: CsvInspection, io: Modules): CsvColumn[] {
  const unrecognised = new Set(inspection.unrecognised);
  return inspection.headers.map((header, index) => ({
    index,
    header,
    samples: inspection.sample.map((row) => row[index] ?? '').filter((cell) => cell.trim() !== '').slice(0, 3),
    choice: inspection.mapping[index] === undefined ? 'ignore' : io.csv.choiceForRole(inspection.mapping[index]),
    unrecognised: unrecognised.has(index),
  }));
}

function sourceOf(format: string, isCsv: boolean): ImportSource {
  if (!isCsv) return 'vCard';
  if (format.startsWith('Google')) return 'Google';
  if (format.startsWith('Outlook')) return 'Outlook';
  if (format.startsWith('HubSpot')) return 'HubSpot';
  if (format.startsWith('Fieldbook')) return 'Fieldbook';
  return 'Spreadsheet';
}

function isVcard(text: string): boolean {
  return /^\s*BEGIN:VCARD/i.test(text.slice(0, 2000));
}

function countLines(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

/**
 * U+FFFD, UTF-8 read as a Western code page ("Ã©", "â€™"), or a legacy file read as Western with
 * runs of accented letters (Japanese or Cyrillic bytes look like that): offer another encoding.
 */
function isGarbled(text: string, encoding: string): boolean {
  const head = text.slice(0, 200_000);
  if (head.includes('\ufffd') || /Ã[\u0080-\u00bf]|â€/.test(head)) return true;
  // Western words hold an accented letter here and there; three in a row is another script's bytes.
  return encoding === 'windows-1252' && /[\u0080-\uffff]{3,}/.test(head);
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
