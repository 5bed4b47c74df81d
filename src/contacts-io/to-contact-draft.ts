import { joinLines } from './join-lines';
import { CONTACT_LIMITS } from '../domain/contact';
import type { ContactFields, ContactStage, ContactType } from '../domain/contact';
import { emailFieldSchema } from '../domain/contact-schema';
import { PHONE_CHARS, withinYears } from '../domain/limits';
import type { ContactPoint, ParsedContact } from './parsed-contact';

/*
 * From what a file said to what a contact may hold. The file is never rejected for a detail: a phone
 * with "ext. 12" is cut to the number and the original goes to the notes, an address that is not an
 * email goes to the notes, the eleventh phone goes to the notes, a long name is cut. Only a record
 * with nothing to call the person by and no way to reach them is refused. The same input always gives
 * the same draft.
 */

export type { ContactFields };

/** What the person chose for the whole import; the file's own values win over these. */
export type DraftDefaults = {
  readonly stage: ContactStage;
  readonly contact_type: ContactType;
  readonly lead_source: string;
  /** Added to every imported contact so the batch can be found again ('' for none). */
  readonly tag: string;
};

export type DraftResult =
  | { readonly ok: true; readonly draft: ContactFields; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly message: string };

/** Phones and emails beyond this many per contact go to the notes. */
export const MAX_POINTS = 10;
const LABEL_MAX = 40;
const TRUNCATED_MARKER = '\n[… notes cut: the file had more]';

export function toContactDraft(parsed: ParsedContact, defaults: DraftDefaults): DraftResult {
  const warnings: string[] = [];
  const noteLines: string[] = [];

  const phones = cleanPoints(parsed.phones, cleanPhone, 'Phone', noteLines, warnings);
  const emails = cleanPoints(parsed.emails, cleanEmail, 'Email', noteLines, warnings);

  let first = oneLine(parsed.first_name);
  let last = oneLine(parsed.last_name);
  const organization = oneLine(parsed.organization);
  let namedAfterOrganization = false;
  if (first === '' && last !== '') [first, last] = [last, ''];
  if (first === '' && organization !== '') {
    first = organization;
    namedAfterOrganization = true;
  }
  if (first === '') first = emails[0]?.value.split('@')[0] ?? phones[0]?.value ?? '';
  if (first === '') {
    return { ok: false, message: 'Not imported: this record has no name, phone number or email address.' };
  }
  if (first.length > CONTACT_LIMITS.name || last.length > CONTACT_LIMITS.name) warnings.push(`The name was cut to ${CONTACT_LIMITS.name} characters.`);
  first = cut(first, CONTACT_LIMITS.name).trim();
  last = cut(last, CONTACT_LIMITS.name).trim();

  if (organization !== '' && !namedAfterOrganization) noteLines.unshift(`Organization: ${organization}`);
  for (const [label, value] of parsed.extra) {
    const text = joinLines(value);
    if (text !== '') noteLines.push(`${oneLine(label)}: ${text}`);
  }

  const tags = cleanTags(parsed.tags, defaults.tag, noteLines, warnings);

  let followUp: string | null = null;
  const day = parsed.next_follow_up_on?.trim() ?? '';
  if (isDay(day)) followUp = day;
  else if (day !== '') noteLines.push(`Follow-up: ${day}`);

  const fileLeadSource = oneLine(parsed.lead_source ?? '');
  let leadSource = fileLeadSource !== '' ? fileLeadSource : defaults.lead_source.trim();
  if (leadSource.length > CONTACT_LIMITS.lead_source) {
    noteLines.push(`Lead source: ${leadSource}`);
    warnings.push(`The lead source was cut to ${CONTACT_LIMITS.lead_source} characters (the whole of it is in the notes).`);
    leadSource = cut(leadSource, CONTACT_LIMITS.lead_source).trim();
  }

  const parts = [parsed.notes.replace(CONTROL, '').trim(), noteLines.join('\n')].filter((part) => part !== '');
  let notes = parts.join('\n\n');
  if (notes.length > CONTACT_LIMITS.notes) {
    notes = cut(notes, CONTACT_LIMITS.notes - TRUNCATED_MARKER.length).trimEnd() + TRUNCATED_MARKER;
    warnings.push(`The notes were cut to ${CONTACT_LIMITS.notes} characters.`);
  }

  return {
    ok: true,
    draft: {
      first_name: first,
      last_name: last,
      phones,
      emails,
      stage: parsed.stage ?? defaults.stage,
      contact_type: parsed.contact_type ?? defaults.contact_type,
      lead_source: leadSource,
      tags,
      notes,
      next_follow_up_on: followUp,
    },
    warnings,
  };
}

type Cleaned = { readonly value: string; readonly key: string; readonly exact: boolean } | null;

function cleanPoints(
  points: readonly ContactPoint[],
  clean: (raw: string) => Cleaned,
  kind: 'Phone' | 'Email',
  noteLines: string[],
  warnings: string[],
): ContactPoint[] {
  const kept: ContactPoint[] = [];
  const seen = new Set<string>();
  for (const point of points) {
    const raw = oneLine(point.value);
    if (raw === '') continue;
    const label = cleanLabel(point.label);
    const cleaned = clean(raw);
    const noted = `${kind} (${label}): ${raw}`;
    if (cleaned === null) {
      noteLines.push(noted);
      warnings.push(`${kind} "${raw}" is not valid; it was kept in the notes.`);
      continue;
    }
    if (seen.has(cleaned.key)) continue;
    if (kept.length >= MAX_POINTS) {
      noteLines.push(noted);
      continue;
    }
    if (!cleaned.exact) {
      noteLines.push(noted);
      warnings.push(`${kind} "${raw}" was saved as "${cleaned.value}"; the original is in the notes.`);
    }
    seen.add(cleaned.key);
    kept.push({ label, value: cleaned.value });
  }
  if (kept.length >= MAX_POINTS && points.length > MAX_POINTS) warnings.push(`Only ${MAX_POINTS} ${kind === 'Phone' ? 'phone numbers' : 'email addresses'} are kept; the others are in the notes.`);
  return kept;
}

function isPhone(value: string): boolean {
  return value.length <= CONTACT_LIMITS.phone && PHONE_CHARS.test(value) && value.replace(/\D/g, '').length >= CONTACT_LIMITS.phoneMinDigits;
}

/**
 * A phone as our rules allow it. Full-width digits and odd spaces are normalised; otherwise the number
 * is cut before the first character the rules do not allow ("+1 555 0100 ext. 12", "0800 FLOWERS").
 */
function cleanPhone(raw: string): Cleaned {
  const normalised = raw.normalize('NFKC').replace(/[\u2010-\u2015\u2212]/g, '-').replace(/\s+/g, ' ').trim();
  const key = (value: string) => value.replace(/[^\d+]/g, '');
  if (isPhone(normalised)) return { value: normalised, key: key(normalised), exact: true };
  const prefix = /^[0-9+()\-. /]*/.exec(normalised)?.[0].trim().replace(/[-./(]+$/, '').trim() ?? '';
  if (prefix !== '' && isPhone(prefix)) return { value: prefix, key: key(prefix), exact: false };
  return null;
}

function cleanEmail(raw: string): Cleaned {
  const value = raw.replace(/^mailto:/i, '').trim();
  if (value === '' || !emailFieldSchema.safeParse(value).success) return null;
  return { value, key: value.toLowerCase(), exact: true };
}

function cleanLabel(label: string): string {
  const text = oneLine(label);
  if (text === '') return 'other';
  return cut(text, LABEL_MAX).trim();
}

function cleanTags(fileTags: readonly string[], batchTag: string, noteLines: string[], warnings: string[]): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  const dropped: string[] = [];
  const batch = cut(oneLine(batchTag), CONTACT_LIMITS.tag).trim();
  const room = CONTACT_LIMITS.tags - (batch === '' ? 0 : 1);
  for (const raw of fileTags) {
    const whole = oneLine(raw);
    if (whole === '') continue;
    const tag = cut(whole, CONTACT_LIMITS.tag).trim();
    if (seen.has(tag.toLowerCase()) || tag.toLowerCase() === batch.toLowerCase()) continue;
    if (tags.length >= room) {
      dropped.push(whole);
      continue;
    }
    if (tag !== whole) warnings.push(`The tag "${whole}" was cut to ${CONTACT_LIMITS.tag} characters.`);
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  if (batch !== '') tags.push(batch);
  if (dropped.length > 0) {
    noteLines.push(`More tags: ${dropped.join(', ')}`);
    warnings.push(`Only ${CONTACT_LIMITS.tags} tags are kept; the others are in the notes.`);
  }
  return tags;
}

function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !withinYears(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Control characters a database text column refuses or a person cannot see (NUL above all); tabs and line breaks stay. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** A single-line value: control characters dropped, tabs and line breaks become spaces, the ends trimmed. */
function oneLine(text: string): string {
  return text.replace(CONTROL, '').split(/[\r\n\t]+/).map((part) => part.trim()).filter((part) => part !== '').join(' ');
}

/** The first `max` UTF-16 units, never ending in half a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
