import { joinLines } from './join-lines';
import { CONTACT_STAGES, CONTACT_TYPES, splitFullName } from '../domain/contact';
import type { ContactStage, ContactType } from '../domain/contact';
import { decodeWindows1252 } from './decode-text';
import type { ContactPoint, ParsedContact, ParseProblem, ParseResult } from './parsed-contact';

/*
 * A tolerant vCard reader for what phones and mail programs really write, not only what the RFCs
 * say: vCard 2.1 (Android, Outlook) with quoted-printable values whose soft line breaks continue on
 * an unindented line, bare parameters (TEL;CELL;PREF) and a CHARSET per value; 3.0 (iPhone, iCloud,
 * Google) with itemN.X-ABLabel custom labels and repeated type= parameters; 4.0 with tel: URIs and
 * quoted parameter lists. Line ends may be CRLF, LF, CR or the doubled CR CR LF some Windows tools
 * write.
 *
 * It walks the text one physical line at a time and holds only the current card's values, so a
 * caller can stop between cards. Photos, logos, sounds and keys are skipped line by line without
 * ever joining their base64 (an iPhone card may carry hundreds of lines of it).
 */

type Param = { readonly key: string; readonly value: string };

type Property = {
  readonly group: string;
  readonly name: string;
  readonly params: readonly Param[];
  /** Lower-case TYPE values, including 2.1's bare parameters (TEL;CELL;PREF). */
  readonly types: readonly string[];
  readonly value: string;
};

type PendingPoint = { readonly value: string; readonly typeLabel: string; readonly group: string; readonly rank: number };
type PendingExtra = { readonly label: string; readonly typeLabel: string; readonly group: string; readonly value: string };

/** Properties whose value is binary data nobody imports. */
const BINARY = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY']);
/** A value longer than this is cut: no field keeps more than a few thousand characters anyway. */
const MAX_VALUE_CHARS = 200_000;
/** A card with more properties than this is not a contact but a broken or hostile file. */
const MAX_PROPERTIES = 5_000;

const LINE_END = /\r\r\n|\r\n|\n|\r/g;

export type VcardSummary = { readonly format: string };

/**
 * The contacts of a vCard file, one card at a time, with a problem (and its line) for each card that
 * cannot be read. The generator's return value names the versions found ("vCard 3.0").
 */
export function* iterateVcard(text: string): Generator<ParsedContact | ParseProblem, VcardSummary, undefined> {
  const versions = new Set<string>();
  let pos = 0;
  let lineNumber = 0;
  // The current physical line: [lineStart, lineEnd) in `text`, 1-based `lineNumber`.
  let lineStart = 0;
  let lineEnd = 0;
  let hasLine = false;

  const advance = (): boolean => {
    if (pos >= text.length) {
      hasLine = false;
      return false;
    }
    LINE_END.lastIndex = pos;
    const match = LINE_END.exec(text);
    lineStart = pos;
    lineEnd = match === null ? text.length : match.index;
    pos = match === null ? text.length : match.index + match[0].length;
    lineNumber++;
    hasLine = true;
    return true;
  };

  const firstCharIsFold = (): boolean => {
    const code = text.charCodeAt(lineStart);
    return lineEnd > lineStart && (code === 0x20 || code === 0x09);
  };

  const lineHasColon = (): boolean => {
    for (let i = lineStart; i < lineEnd; i++) if (text.charCodeAt(i) === 0x3a) return true;
    return false;
  };

  const lineIs = (word: string): boolean => text.slice(lineStart, lineEnd).trim().toUpperCase() === word;

  let card: CardBuilder | null = null;
  let sawCard = false;
  advance();
  while (hasLine) {
    if (lineIs('BEGIN:VCARD')) {
      if (card !== null) yield finishCard(card);
      card = createCard(lineNumber);
      sawCard = true;
      advance();
      continue;
    }
    if (card === null) {
      advance(); // text outside a card: ignored
      continue;
    }
    if (lineIs('END:VCARD')) {
      yield finishCard(card);
      card = null;
      advance();
      continue;
    }
    if (lineEnd === lineStart || !lineHasColon()) {
      advance(); // a blank line or stray text inside a card
      continue;
    }
    // One logical line: its head decides how its continuation lines are treated.
    const head = parseHead(text, lineStart, lineEnd);
    if (head === null) {
      advance();
      continue;
    }
    if (BINARY.has(head.name)) {
      // Skip the data: folded lines, blank lines and unindented base64 (no colon) until the next property.
      while (advance() && (firstCharIsFold() || lineEnd === lineStart || !lineHasColon()));
      continue;
    }
    const isQuotedPrintable = head.params.some(
      (p) => p.value.toUpperCase() === 'QUOTED-PRINTABLE' && (p.key === 'ENCODING' || p.key === ''),
    );
    const parts: string[] = [text.slice(head.valueStart, lineEnd)];
    let length = parts[0]!.length;
    for (;;) {
      if (!advance()) break;
      const last = parts[parts.length - 1]!;
      if (isQuotedPrintable && last.endsWith('=') && !lineIs('END:VCARD')) {
        // A soft line break: the value continues on the next line, indented or not.
        parts[parts.length - 1] = last.slice(0, -1);
        if (length < MAX_VALUE_CHARS) parts.push(text.slice(lineStart, lineEnd));
      } else if (firstCharIsFold()) {
        if (length < MAX_VALUE_CHARS) parts.push(text.slice(lineStart + 1, lineEnd));
      } else {
        break;
      }
      length += lineEnd - lineStart;
    }
    if (card.propertyCount >= MAX_PROPERTIES) {
      card.tooLarge = true;
      continue;
    }
    card.propertyCount++;
    let raw = parts.join('');
    if (raw.length > MAX_VALUE_CHARS) raw = raw.slice(0, MAX_VALUE_CHARS);
    const version = head.name === 'VERSION' ? raw.trim() : card.version;
    if (head.name === 'VERSION') {
      card.version = version;
      if (version !== '') versions.add(version);
    }
    try {
      addProperty(card, { group: head.group, name: head.name, params: head.params, types: typesOf(head.params), value: decodeValue(raw, head.params, isQuotedPrintable) });
    } catch (error) {
      card.failure = error instanceof Error ? error.message : String(error);
    }
  }
  if (card !== null) yield finishCard(card); // the file ended without END:VCARD: keep what was read
  if (!sawCard && text.trim() !== '') yield { line: 1, message: 'No contact found: a vCard file starts each contact with BEGIN:VCARD, and this file has none.' };
  const list = [...versions].sort();
  return { format: list.length === 0 ? 'vCard' : `vCard ${list.join(', ')}` };
}

/** Every contact and problem of a vCard file. */
export function readVcard(text: string): ParseResult {
  const contacts: ParsedContact[] = [];
  const problems: ParseProblem[] = [];
  const iterator = iterateVcard(text);
  for (;;) {
    const step = iterator.next();
    if (step.done === true) return { format: step.value.format, contacts, problems };
    if ('message' in step.value) problems.push(step.value);
    else contacts.push(step.value);
  }
}

type Head = { readonly group: string; readonly name: string; readonly params: readonly Param[]; readonly valueStart: number };

/** `group.NAME;param;key=value;key="a,b":` up to the first colon outside quotes. */
function parseHead(text: string, start: number, end: number): Head | null {
  let inQuotes = false;
  let colon = -1;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) inQuotes = !inQuotes;
    else if (code === 0x3a && !inQuotes) {
      colon = i;
      break;
    }
  }
  if (colon === -1) return null;
  const segments = splitOutsideQuotes(text.slice(start, colon), ';');
  const fullName = (segments[0] ?? '').trim();
  const dot = fullName.lastIndexOf('.');
  const name = (dot === -1 ? fullName : fullName.slice(dot + 1)).toUpperCase();
  if (name === '') return null;
  const params = segments.slice(1).flatMap((segment): Param[] => {
    const equals = segment.indexOf('=');
    if (equals === -1) return [{ key: '', value: segment.trim() }];
    return [{ key: segment.slice(0, equals).trim().toUpperCase(), value: segment.slice(equals + 1).trim() }];
  });
  return { group: dot === -1 ? '' : fullName.slice(0, dot).toLowerCase(), name, params, valueStart: colon + 1 };
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let inQuotes = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') inQuotes = !inQuotes;
    else if (char === separator && !inQuotes) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

function typesOf(params: readonly Param[]): string[] {
  return params.flatMap((p) => {
    if (p.key === 'TYPE' || p.key === '') return p.value.replace(/"/g, '').split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
    return [];
  });
}

function paramValue(params: readonly Param[], key: string): string | undefined {
  return params.find((p) => p.key === key)?.value.replace(/"/g, '');
}

function decodeValue(raw: string, params: readonly Param[], isQuotedPrintable: boolean): string {
  const charset = paramValue(params, 'CHARSET');
  if (isQuotedPrintable) return decodeBytes(quotedPrintableBytes(raw), charset);
  const encoding = paramValue(params, 'ENCODING')?.toUpperCase();
  if (encoding === 'B' || encoding === 'BASE64') {
    try {
      const binary = atob(raw.replace(/\s+/g, ''));
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return decodeBytes(bytes, charset);
    } catch {
      return raw;
    }
  }
  return raw;
}

function quotedPrintableBytes(raw: string): Uint8Array {
  const encoder = new TextEncoder();
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 0x3d && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      const point = raw.codePointAt(i) ?? code;
      for (const byte of encoder.encode(String.fromCodePoint(point))) bytes.push(byte);
      if (point > 0xffff) i++;
    }
  }
  return Uint8Array.from(bytes);
}

/** Bytes in the value's CHARSET; without one, UTF-8 when they are valid UTF-8, else Windows-1252 (Outlook). */
function decodeBytes(bytes: Uint8Array, charset: string | undefined): string {
  const name = charset?.toLowerCase();
  if (name === undefined || name === 'utf-8' || name === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return decodeWindows1252(bytes);
    }
  }
  if (name === 'windows-1252' || name === 'cp1252' || name === 'iso-8859-1' || name === 'latin1' || name === 'us-ascii' || name === 'ascii') return decodeWindows1252(bytes);
  try {
    return new TextDecoder(name).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Undoes vCard escaping: `\,` `\;` `\\` always, `\n` `\N` too (2.1 writers use them as well); other backslashes stay. */
function unescapeText(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\([\\,;nN:])/g, (_, char: string) => (char === 'n' || char === 'N' ? '\n' : char));
}

/** Splits a structured value (N, ADR, ORG) on semicolons that are not escaped, then unescapes each part. */
function splitStructured(value: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '\\') i++;
    else if (char === ';') {
      parts.push(value.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(value.slice(from));
  return parts.map((part) => unescapeText(part).trim());
}

/** Splits a list value (CATEGORIES) on commas that are not escaped. */
function splitList(value: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '\\') i++;
    else if (char === ',') {
      parts.push(value.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(value.slice(from));
  return parts.map((part) => unescapeText(part).trim()).filter((part) => part !== '');
}

type CardBuilder = {
  readonly line: number;
  version: string;
  propertyCount: number;
  tooLarge: boolean;
  failure: string | null;
  structuredName: string[] | null;
  formattedName: string;
  organization: string;
  readonly phones: PendingPoint[];
  readonly emails: PendingPoint[];
  readonly tags: string[];
  readonly notes: string[];
  readonly extra: PendingExtra[];
  readonly addressLabels: PendingExtra[];
  /** itemN group to its X-ABLabel text. */
  readonly groupLabels: Map<string, string>;
  stage?: ContactStage;
  contactType?: ContactType;
  leadSource?: string;
  followUp?: string;
};

function createCard(line: number): CardBuilder {
  return {
    line,
    version: '',
    propertyCount: 0,
    tooLarge: false,
    failure: null,
    structuredName: null,
    formattedName: '',
    organization: '',
    phones: [],
    emails: [],
    tags: [],
    notes: [],
    extra: [],
    addressLabels: [],
    groupLabels: new Map(),
  };
}

/** X-MS-* and similar properties worth keeping, with the words to keep them under. */
const EXTRA_PROPERTIES: Readonly<Record<string, string>> = {
  TITLE: 'Job title',
  ROLE: 'Role',
  NICKNAME: 'Nickname',
  URL: 'Website',
  IMPP: 'IM',
  'X-MS-IMADDRESS': 'IM',
  'X-AIM': 'AIM',
  'X-SKYPE': 'Skype',
  'X-SKYPE-USERNAME': 'Skype',
  'X-JABBER': 'Jabber',
  'X-MS-SPOUSE': 'Spouse',
  'X-SPOUSE': 'Spouse',
  'X-MS-MANAGER': 'Manager',
  'X-MANAGER': 'Manager',
  'X-MS-ASSISTANT': 'Assistant',
  'X-ASSISTANT': 'Assistant',
  ANNIVERSARY: 'Anniversary',
  'X-ANNIVERSARY': 'Anniversary',
  'X-MS-ANNIVERSARY': 'Anniversary',
  'X-SOCIALPROFILE': 'Social profile',
  'X-ABDATE': 'Date',
  'X-ABRELATEDNAMES': 'Related name',
};

function addProperty(card: CardBuilder, property: Property): void {
  const { name, value, types, group, params } = property;
  switch (name) {
    case 'N':
      card.structuredName = splitStructured(value);
      return;
    case 'FN':
      card.formattedName = unescapeText(value).trim();
      return;
    case 'ORG': {
      const [organization = '', ...units] = splitStructured(value);
      if (organization !== '') card.organization = organization;
      const department = units.filter((unit) => unit !== '').join(', ');
      if (department !== '') card.extra.push({ label: 'Department', typeLabel: '', group, value: department });
      return;
    }
    case 'TEL': {
      const phone = telValue(unescapeText(value).trim(), paramValue(params, 'VALUE'));
      if (phone !== '') card.phones.push({ value: phone, typeLabel: phoneLabel(types), group, rank: prefRank(types, params) });
      return;
    }
    case 'EMAIL': {
      const email = unescapeText(value).trim().replace(/^mailto:/i, '');
      if (email !== '') card.emails.push({ value: email, typeLabel: placeLabel(types), group, rank: prefRank(types, params) });
      return;
    }
    case 'NOTE': {
      const note = unescapeText(value).replace(/\r\n?/g, '\n').trim();
      if (note !== '') card.notes.push(note);
      return;
    }
    case 'CATEGORIES':
      card.tags.push(...splitList(value));
      return;
    case 'BDAY': {
      const birthday = formatBirthday(unescapeText(value).trim(), paramValue(params, 'X-APPLE-OMIT-YEAR'));
      if (birthday !== '') card.extra.push({ label: 'Birthday', typeLabel: '', group, value: birthday });
      return;
    }
    case 'ADR': {
      const address = formatAddress(splitStructured(value));
      if (address !== '') card.extra.push({ label: 'Address', typeLabel: placeLabel(types, ''), group, value: address });
      return;
    }
    case 'LABEL': {
      const address = joinLines(unescapeText(value));
      if (address !== '') card.addressLabels.push({ label: 'Address', typeLabel: placeLabel(types, ''), group, value: address });
      return;
    }
    case 'X-ABLABEL':
      if (group !== '') card.groupLabels.set(group, unescapeText(value).trim());
      return;
    case 'X-FIELDBOOK-STAGE': {
      const stage = unescapeText(value).trim();
      if ((CONTACT_STAGES as readonly string[]).includes(stage)) card.stage = stage as ContactStage;
      else if (stage !== '') card.extra.push({ label: 'Stage', typeLabel: '', group, value: stage });
      return;
    }
    case 'X-FIELDBOOK-TYPE': {
      const type = unescapeText(value).trim();
      if ((CONTACT_TYPES as readonly string[]).includes(type)) card.contactType = type as ContactType;
      else if (type !== '') card.extra.push({ label: 'Type', typeLabel: '', group, value: type });
      return;
    }
    case 'X-FIELDBOOK-LEAD-SOURCE':
      card.leadSource = unescapeText(value).trim();
      return;
    case 'X-FIELDBOOK-FOLLOW-UP': {
      const day = unescapeText(value).trim();
      if (/^\d{4}-\d{2}-\d{2}$/.test(day)) card.followUp = day;
      else if (day !== '') card.extra.push({ label: 'Follow-up', typeLabel: '', group, value: day });
      return;
    }
    default: {
      const label = EXTRA_PROPERTIES[name];
      if (label === undefined) return; // PRODID, REV, UID, X-MS-OL-DESIGN, X-ABUID, …: nothing a person wrote
      const text = joinLines(unescapeText(value));
      if (text !== '') card.extra.push({ label, typeLabel: name === 'X-SOCIALPROFILE' ? (types[0] ?? '') : '', group, value: text });
    }
  }
}

function telValue(value: string, valueType: string | undefined): string {
  if (valueType?.toLowerCase() !== 'uri' && !/^tel:/i.test(value)) return value;
  const uri = value.replace(/^tel:/i, '');
  const [number = '', ...uriParams] = uri.split(';');
  const extension = uriParams.find((p) => p.toLowerCase().startsWith('ext='))?.slice(4);
  return extension === undefined || extension === '' ? number : `${number} ext. ${extension}`;
}

/** A PREF type or PREF=1 puts a value first; lower PREF numbers (vCard 4.0) before higher ones. */
function prefRank(types: readonly string[], params: readonly Param[]): number {
  const pref = paramValue(params, 'PREF');
  if (pref !== undefined && /^\d+$/.test(pref)) return Number(pref);
  return types.includes('pref') ? 0 : Number.POSITIVE_INFINITY;
}

function phoneLabel(types: readonly string[]): string {
  const has = (type: string) => types.includes(type);
  if (has('cell') || has('mobile') || has('iphone')) return 'mobile';
  if (has('fax')) return has('home') ? 'Home fax' : has('work') ? 'Work fax' : 'Fax';
  if (has('pager')) return 'Pager';
  if (has('main')) return 'Main';
  return placeLabel(types);
}

function placeLabel(types: readonly string[], fallback = 'other'): string {
  if (types.includes('home')) return 'home';
  if (types.includes('work')) return 'work';
  if (types.includes('other')) return 'other';
  return fallback;
}

/** iPhone's `_$!<Mobile>!$_` names a built-in label; anything else is the person's own text. */
function labelFromAppleLabel(text: string): string {
  const builtIn = /^_\$!<(.*)>!\$_$/.exec(text);
  const word = (builtIn?.[1] ?? text).trim();
  switch (word.toLowerCase()) {
    case 'mobile':
    case 'iphone':
    case 'cell':
      return 'mobile';
    case 'home':
    case 'work':
    case 'other':
      return word.toLowerCase();
    case 'homefax':
      return 'Home fax';
    case 'workfax':
      return 'Work fax';
    case 'otherfax':
      return 'Fax';
    default:
      return word;
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * `1985-03-15`, `19850315`, `1985-03-15T00:00:00Z` become `1985-03-15`; a day without a year (`--03-15`,
 * `--0315`, or iPhone's `1604-03-15` with X-APPLE-OMIT-YEAR=1604) becomes "March 15".
 */
function formatBirthday(value: string, omitYear: string | undefined): string {
  const full = /^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$/.exec(value);
  const partial = /^--(\d{2})-?(\d{2})$/.exec(value);
  const [year, month, day] = full !== null ? [full[1], full[2], full[3]] : partial !== null ? [undefined, partial[1], partial[2]] : [undefined, undefined, undefined];
  if (month === undefined || day === undefined) return value;
  const monthName = MONTHS[Number(month) - 1];
  if (monthName === undefined) return value;
  if (year === undefined || year === omitYear) return `${monthName} ${Number(day)}`;
  return `${year}-${month}-${day}`;
}

/** ADR is post-office box; extended; street; locality; region; postal code; country. */
function formatAddress(parts: readonly string[]): string {
  const [box = '', extended = '', street = '', locality = '', region = '', code = '', country = ''] = parts;
  const cityLine = [locality, [region, code].filter((p) => p !== '').join(' ')].filter((p) => p !== '').join(', ');
  return [box, extended, street, cityLine, country]
    .map((part) => joinLines(part))
    .filter((part) => part !== '')
    .join(', ');
}

function finishCard(card: CardBuilder): ParsedContact | ParseProblem {
  if (card.failure !== null) return { line: card.line, message: `This contact could not be read (${card.failure}); fix or remove it and import again.` };
  if (card.tooLarge) return { line: card.line, message: `This contact has more than ${MAX_PROPERTIES} lines of details, too many to be a real contact; remove it from the file or split it.` };
  const labelOf = (point: { typeLabel: string; group: string }) => {
    const custom = point.group === '' ? undefined : card.groupLabels.get(point.group);
    return custom === undefined || custom === '' ? point.typeLabel : labelFromAppleLabel(custom);
  };
  const points = (list: readonly PendingPoint[]): ContactPoint[] =>
    list
      .map((point, index) => ({ point, index }))
      .sort((a, b) => a.point.rank - b.point.rank || a.index - b.index)
      .map(({ point }) => ({ label: labelOf(point) || 'other', value: point.value }));

  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = card.structuredName ?? [];
  const fromStructured = given !== '' || family !== '';
  const name = fromStructured ? { first_name: [given, middle].filter((p) => p !== '').join(' '), last_name: family } : splitFullName(card.formattedName);
  const nameExtra: (readonly [string, string])[] = [];
  if (fromStructured && prefix !== '') nameExtra.push(['Name prefix', prefix]);
  if (fromStructured && suffix !== '') nameExtra.push(['Name suffix', suffix]);

  const addresses = card.extra.some((e) => e.label === 'Address') ? [] : card.addressLabels;
  const extra = [...nameExtra, ...[...card.extra, ...addresses].map((entry): readonly [string, string] => {
    const place = labelOf(entry);
    return [place === '' ? entry.label : `${entry.label} (${place})`, entry.value];
  })];

  const contact: ParsedContact = {
    line: card.line,
    first_name: name.first_name,
    last_name: name.last_name,
    organization: card.organization,
    phones: points(card.phones),
    emails: points(card.emails),
    tags: card.tags,
    notes: card.notes.join('\n'),
    extra,
    ...(card.stage === undefined ? {} : { stage: card.stage }),
    ...(card.contactType === undefined ? {} : { contact_type: card.contactType }),
    ...(card.leadSource === undefined ? {} : { lead_source: card.leadSource }),
    ...(card.followUp === undefined ? {} : { next_follow_up_on: card.followUp }),
  };
  const isEmpty = contact.first_name === '' && contact.last_name === '' && contact.organization === '' && contact.phones.length === 0 && contact.emails.length === 0 && contact.notes === '' && contact.extra.length === 0 && contact.tags.length === 0;
  if (isEmpty) return { line: card.line, message: 'This contact is empty: it has no name, phone number, email address or other details.' };
  return contact;
}
