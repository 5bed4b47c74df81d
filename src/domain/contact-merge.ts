import { CONTACT_LIMITS, type ContactStage, type ContactType } from './contact';
import type { ContactPoint } from './contact-points';

/*
 * Merging contacts that are one person, as pure functions returning only the fields to write.
 *
 * mergeContacts (the "Possible duplicates" screen): the survivor takes what the others know.
 *   - phones and emails: the union, the survivor's own list first and untouched (its primary stays
 *     primary), then the others' entries not already there (phones by E.164 key when a key function
 *     is given, else by digits; emails case-insensitively). Lists hold at most CONTACT_LIMITS.points
 *     entries; what does not fit is written into the notes, so a merge never loses a number.
 *   - tags: the union, case-insensitive, survivor's order first, at most CONTACT_LIMITS.tags.
 *   - stage: the most advanced (STAGE_RANK). 'not_interested' ranks LOWEST: it is a past answer,
 *     and any record showing the person moving on (contacted, customer, …) is newer evidence.
 *   - created_at: the earliest (the person has been known since then); last_touched_at: the latest;
 *     next_follow_up_on: the earliest set date (no follow-up is missed).
 *   - lead_source: the first non-empty one in order of creation (where the person first came from).
 *   - first_name / last_name: the survivor's unless empty, then the first non-empty of the others.
 *   - notes: the survivor's, then each other's non-empty notes after a blank line, skipping a note
 *     already present as a whole paragraph (a second merge adds nothing), cut to
 *     CONTACT_LIMITS.notes with a marker.
 *   - contact_type: the survivor's (never written).
 *   "The others" are taken oldest first, whatever order they were passed in.
 *
 * mergeIncoming (an import row matched an existing contact): only adds. New phones, emails and
 * tags; empty first/last name, lead source and follow-up date filled; notes not already there
 * appended. A non-empty field is never overwritten and the stage never goes down: the draft's stage
 * counts only when the file said something ('new' is every draft's default) and it is more advanced.
 *
 * Both return only the fields whose value changes, so a merge that adds nothing writes nothing;
 * `phone`/`email` (the primary's mirror) are among them when the primary changes.
 */

/**
 * How far along a person is. 'not_interested' ranks below 'new': when one record says "not
 * interested" and another shows any activity, the activity wins a merge.
 */
export const STAGE_RANK: Readonly<Record<ContactStage, number>> = {
  not_interested: 0,
  new: 1,
  contacted: 2,
  presented: 3,
  follow_up: 4,
  customer: 5,
  team_member: 6,
};

/** The most advanced of the stages (by STAGE_RANK), or null for none. */
export function mostAdvancedStage(stages: readonly ContactStage[]): ContactStage | null {
  let best: ContactStage | null = null;
  for (const stage of stages) {
    if (best === null || STAGE_RANK[stage] > STAGE_RANK[best]) best = stage;
  }
  return best;
}

/** The fields a merge may write on the surviving contact. */
export type ContactMergeFields = {
  readonly first_name: string;
  readonly last_name: string;
  readonly phone: string;
  readonly email: string;
  readonly phones: readonly ContactPoint[];
  readonly emails: readonly ContactPoint[];
  readonly stage: ContactStage;
  readonly lead_source: string;
  readonly tags: readonly string[];
  readonly notes: string;
  readonly next_follow_up_on: string | null;
  readonly created_at: string;
  readonly last_touched_at: string;
};

/** What a merge reads of a contact. */
export type MergeableContact = ContactMergeFields & { readonly id: string; readonly contact_type: ContactType };

/** What a merge reads of an import draft: whatever the file gave. */
export type IncomingDraft = Partial<
  Pick<ContactMergeFields, 'first_name' | 'last_name' | 'phone' | 'email' | 'phones' | 'emails' | 'stage' | 'lead_source' | 'tags' | 'notes' | 'next_follow_up_on'>
>;

type PhoneKeyFunction = (raw: string) => string | null;

export const NOTES_SHORTENED_MARKER = '\n… (shortened when merging)';

/** The fields to write on `survivor` so it holds what `others` know; {} when they add nothing. */
export function mergeContacts(survivor: MergeableContact, others: readonly MergeableContact[], phoneKey?: PhoneKeyFunction): Partial<ContactMergeFields> {
  const oldestFirst = [...others].sort(olderFirst);
  const everyone = [survivor, ...oldestFirst].sort(olderFirst);
  const overflow: string[] = [];
  const phones = unionPoints(
    [pointsOf(survivor, 'phones'), ...oldestFirst.map((other) => pointsOf(other, 'phones'))],
    phonePointKey(phoneKey),
    'Phone',
    overflow,
  );
  const emails = unionPoints([pointsOf(survivor, 'emails'), ...oldestFirst.map((other) => pointsOf(other, 'emails'))], emailPointKey, 'Email', overflow);
  const next: ContactMergeFields = {
    first_name: firstNonEmpty([survivor.first_name, ...oldestFirst.map((other) => other.first_name)]),
    last_name: firstNonEmpty([survivor.last_name, ...oldestFirst.map((other) => other.last_name)]),
    phones,
    emails,
    phone: phones[0]?.value ?? survivor.phone,
    email: emails[0]?.value ?? survivor.email,
    stage: mostAdvancedStage(everyone.map((contact) => contact.stage)) ?? survivor.stage,
    lead_source: firstNonEmpty(everyone.map((contact) => contact.lead_source)),
    tags: unionTags([survivor.tags, ...oldestFirst.map((other) => other.tags)]),
    notes: appendNotes(survivor.notes, [...oldestFirst.map((other) => other.notes), overflow.join('\n')]),
    next_follow_up_on: extreme(everyone.map((contact) => contact.next_follow_up_on), 'earliest') ?? null,
    created_at: extreme(everyone.map((contact) => contact.created_at), 'earliest') ?? survivor.created_at,
    last_touched_at: extreme(everyone.map((contact) => contact.last_touched_at), 'latest') ?? survivor.last_touched_at,
  };
  return changedFields(survivor, next);
}

/** The fields an import writes on the existing contact a row matched; {} when the row adds nothing. */
export function mergeIncoming(existing: MergeableContact, draft: IncomingDraft, phoneKey?: PhoneKeyFunction): Partial<ContactMergeFields> {
  const overflow: string[] = [];
  const phones = unionPoints([pointsOf(existing, 'phones'), pointsOf(draft, 'phones')], phonePointKey(phoneKey), 'Phone', overflow);
  const emails = unionPoints([pointsOf(existing, 'emails'), pointsOf(draft, 'emails')], emailPointKey, 'Email', overflow);
  const stage =
    draft.stage !== undefined && draft.stage !== 'new' && STAGE_RANK[draft.stage] > STAGE_RANK[existing.stage] ? draft.stage : existing.stage;
  const next: ContactMergeFields = {
    first_name: firstNonEmpty([existing.first_name, draft.first_name ?? '']),
    last_name: firstNonEmpty([existing.last_name, draft.last_name ?? '']),
    phones,
    emails,
    phone: phones[0]?.value ?? existing.phone,
    email: emails[0]?.value ?? existing.email,
    stage,
    lead_source: firstNonEmpty([existing.lead_source, draft.lead_source ?? '']),
    tags: unionTags([existing.tags, draft.tags ?? []]),
    notes: appendNotes(existing.notes, [draft.notes ?? '', overflow.join('\n')]),
    next_follow_up_on: existing.next_follow_up_on ?? draft.next_follow_up_on ?? null,
    created_at: existing.created_at,
    last_touched_at: existing.last_touched_at,
  };
  return changedFields(existing, next);
}

/*
 * Undoing a merge field by field. `applied` is what the merge wrote, `before` what those fields
 * held before it. A field goes back to `before` only while it still holds exactly what the merge
 * wrote (arrays and {label, value} lists compared by content); a field changed since the merge (by
 * the member, another device, a later import) keeps that later change, because undo must never
 * destroy work done after the merge. Returns only the fields to write.
 */
export function undoMergeFields<T extends object>(current: T, applied: Partial<T>, before: Partial<T>): Partial<T> {
  const restore: Partial<T> = {};
  for (const key of Object.keys(applied) as (keyof T)[]) {
    if (!Object.prototype.hasOwnProperty.call(before, key)) continue;
    if (isDeepEqual(current[key], applied[key])) restore[key] = before[key];
  }
  return restore;
}

/** Equality by content for the values contacts hold: primitives, arrays, plain objects. */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => isDeepEqual(item, b[index]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && isDeepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function changedFields(current: ContactMergeFields, next: ContactMergeFields): Partial<ContactMergeFields> {
  const changed: Partial<Record<keyof ContactMergeFields, unknown>> = {};
  for (const key of Object.keys(next) as (keyof ContactMergeFields)[]) {
    if (!isDeepEqual(current[key], next[key])) changed[key] = next[key];
  }
  return changed as Partial<ContactMergeFields>;
}

function olderFirst(a: { readonly created_at: string; readonly id?: string }, b: { readonly created_at: string; readonly id?: string }): number {
  const difference = Date.parse(a.created_at) - Date.parse(b.created_at);
  if (difference !== 0 && !Number.isNaN(difference)) return difference;
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  const [aId, bId] = [a.id ?? '', b.id ?? ''];
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

/** The earliest or latest of some timestamps or days (as instants when they parse), ignoring nulls. */
function extreme(values: readonly (string | null)[], which: 'earliest' | 'latest'): string | undefined {
  let best: string | undefined;
  for (const value of values) {
    if (value === null) continue;
    if (best === undefined) {
      best = value;
      continue;
    }
    const order = olderFirst({ created_at: value }, { created_at: best });
    if (which === 'earliest' ? order < 0 : order > 0) best = value;
  }
  return best;
}

function firstNonEmpty(values: readonly string[]): string {
  return values.find((value) => value.trim() !== '') ?? values[0] ?? '';
}

/** A contact's list, or (for a row written before lists existed) its single value as the list. */
function pointsOf(contact: IncomingDraft, kind: 'phones' | 'emails'): readonly ContactPoint[] {
  const list = contact[kind] ?? [];
  const single = kind === 'phones' ? contact.phone : contact.email;
  if (list.length > 0 || single === undefined || single.trim() === '') return list;
  return [{ label: kind === 'phones' ? 'mobile' : 'home', value: single }];
}

function phonePointKey(phoneKey: PhoneKeyFunction | undefined): (value: string) => string {
  return (value) => {
    const key = phoneKey?.(value) ?? null;
    if (key !== null) return key;
    const digits = value.replace(/\D/g, '');
    return digits === '' ? value.trim().toLowerCase() : digits;
  };
}

function emailPointKey(value: string): string {
  return value.trim().toLowerCase();
}

/** The lists joined in order without repeats (the first list kept as it is); what passes the limit goes to `overflow` as note lines. */
function unionPoints(lists: readonly (readonly ContactPoint[])[], keyOf: (value: string) => string, noun: string, overflow: string[]): ContactPoint[] {
  const [own = [], ...rest] = lists;
  const union = [...own];
  const seen = new Set(own.map((point) => keyOf(point.value)));
  for (const list of rest) {
    for (const point of list) {
      if (point.value.trim() === '') continue;
      const key = keyOf(point.value);
      if (seen.has(key)) continue;
      seen.add(key);
      if (union.length < CONTACT_LIMITS.points) union.push(point);
      else overflow.push(`${noun}${point.label.trim() === '' ? '' : ` (${point.label.trim()})`}: ${point.value.trim()}`);
    }
  }
  return union;
}

function unionTags(lists: readonly (readonly string[])[]): string[] {
  const [own = [], ...rest] = lists;
  const tags = [...own];
  const seen = new Set(own.map((tag) => tag.trim().toLowerCase()));
  for (const list of rest) {
    for (const tag of list) {
      const key = tag.trim().toLowerCase();
      if (key === '' || seen.has(key) || tags.length >= CONTACT_LIMITS.tags) continue;
      seen.add(key);
      tags.push(tag.trim());
    }
  }
  return tags;
}

/** Paragraph-level text: line endings unified, trailing spaces and runs of blank lines collapsed. */
function paragraphs(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** `base` with each addition not already present (as whole paragraphs) after a blank line, within the notes limit. */
function appendNotes(base: string, additions: readonly string[]): string {
  let notes = base;
  for (const addition of additions) {
    const text = paragraphs(addition);
    if (text === '' || `\n\n${paragraphs(notes)}\n\n`.includes(`\n\n${text}\n\n`)) continue;
    notes = notes.trim() === '' ? text : `${notes.trimEnd()}\n\n${text}`;
  }
  if (notes === base || notes.length <= CONTACT_LIMITS.notes) return notes;
  let cut = CONTACT_LIMITS.notes - NOTES_SHORTENED_MARKER.length;
  // Do not split a surrogate pair (an emoji) in two.
  if (/[\uD800-\uDBFF]/.test(notes.charAt(cut - 1))) cut--;
  return notes.slice(0, cut) + NOTES_SHORTENED_MARKER;
}
