import type { ContactPoint } from './contact-points';
import type { Contact } from './contact-schema';
import { LIMITS } from './limits';

export const CONTACT_STAGES = ['new', 'contacted', 'presented', 'follow_up', 'customer', 'team_member', 'not_interested'] as const;
export type ContactStage = (typeof CONTACT_STAGES)[number];

export const STAGE_LABELS: Readonly<Record<ContactStage, string>> = {
  new: 'New',
  contacted: 'Contacted',
  presented: 'Presented',
  follow_up: 'Follow-up',
  customer: 'Customer',
  team_member: 'Team member',
  not_interested: 'Not interested',
};

export const CONTACT_TYPES = ['customer', 'business'] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];

export const CONTACT_TYPE_LABELS: Readonly<Record<ContactType, string>> = {
  customer: 'Customer path',
  business: 'Business path',
};

/** Field limits of a contact (the one source is limits.ts). */
export const CONTACT_LIMITS = LIMITS.contact;

export type { Contact, ContactInput, ContactInputDraft, QuickAddInput } from './contact-schema';

/**
 * A contact's own fields, as file readers and writers, imports and merges deal in them (no phone or
 * email: those follow the lists, see contact-points.ts).
 */
export type ContactFields = {
  readonly first_name: string;
  readonly last_name: string;
  readonly phones: readonly ContactPoint[];
  readonly emails: readonly ContactPoint[];
  readonly stage: ContactStage;
  readonly contact_type: ContactType;
  readonly lead_source: string;
  readonly tags: readonly string[];
  readonly notes: string;
  readonly next_follow_up_on: string | null;
};

export function contactFullName(contact: Pick<Contact, 'first_name' | 'last_name'>): string {
  return [contact.first_name, contact.last_name].filter((part) => part.trim() !== '').join(' ');
}

/** Quick add takes one name field: the first word is the first name, the rest the last name. */
export function splitFullName(fullName: string): { first_name: string; last_name: string } {
  const trimmed = fullName.trim().replace(/\s+/g, ' ');
  const space = trimmed.indexOf(' ');
  if (space === -1) return { first_name: trimmed, last_name: '' };
  return { first_name: trimmed.slice(0, space), last_name: trimmed.slice(space + 1) };
}

/** Comma-separated tags as typed into a form, de-duplicated case-insensitively. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim();
    if (tag === '' || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  return tags;
}

