import { emailKey, type PhoneKey } from './phone-key';

/*
 * Which rows of an import are new people, which are people the member already has, and which
 * repeat an earlier row of the same file.
 *
 * A row matches an existing contact when they share a phone number (by E.164 key) or an email
 * address (case-insensitive). A name alone never matches: an import of 2,000 cards holds several
 * "John"s, and merging a stranger into a contact is much worse than one duplicate the
 * "Possible duplicates" screen can still catch.
 *
 * Rows that share a phone or an email with each other are one person written twice. They form a
 * cluster (union-find, so a row that links two earlier rows joins them both); the cluster's first
 * row stands for it and every later row is a 'repeat' of that first row, even when it is linked to
 * it only through another row. The import merges repeats into the first row, and the first row
 * carries the cluster's match: if ANY row of the cluster matches an existing contact, the first row
 * is a 'match', so two half-rows of one person do not end up as a new contact beside the old one.
 *
 * When a cluster matches several existing contacts, the oldest (created_at, then id) is the one
 * the import merges into; the others are reported so the preview can say so.
 *
 * Linear: each contact's keys are computed once (phone keys are memoised by the key function),
 * existing contacts go into one Map from key to contacts, rows into one Map from key to first row.
 */

type ContactPointLike = { readonly value: string };

/** What matching reads of an incoming row. The single `phone`/`email` are read too when present. */
export type Matchable = {
  readonly phones: readonly ContactPointLike[];
  readonly emails: readonly ContactPointLike[];
  readonly phone?: string;
  readonly email?: string;
};

/** What matching reads of an existing contact. Deleted and merged-away contacts never match. */
export type MatchableContact = Matchable & {
  readonly id: string;
  readonly created_at: string;
  readonly deleted_at: string | null;
  readonly merged_into?: string | null;
};

export type MatchReason = 'phone' | 'email';

export type ImportRowClass =
  | { readonly kind: 'new' }
  | {
      readonly kind: 'match';
      /** The existing contact this row (and its repeats) merges into. */
      readonly contact_id: string;
      /** What it shares with that contact (any row of the cluster counts), phone first. */
      readonly by: readonly MatchReason[];
      /** Other existing contacts the cluster also matches, oldest first. */
      readonly other_contact_ids: readonly string[];
    }
  | {
      readonly kind: 'repeat';
      /** Index (into the incoming array, 0-based) of the first row of the same person. */
      readonly first_row: number;
    };

export type ImportClassification = {
  /** One entry per incoming row, in order. */
  readonly rows: readonly ImportRowClass[];
  readonly counts: { readonly found: number; readonly new: number; readonly matches: number; readonly repeats: number };
};

/** The match keys of a contact: 'p' + E.164 for phones, 'e' + lower-cased address for emails, without repeats. */
export function matchKeys(contact: Matchable, phoneKey: PhoneKey): string[] {
  const keys: string[] = [];
  const add = (key: string) => {
    if (!keys.includes(key)) keys.push(key);
  };
  for (const point of contact.phones) {
    const key = phoneKey(point.value);
    if (key !== null) add(`p${key}`);
  }
  if (contact.phone !== undefined && contact.phone !== '') {
    const key = phoneKey(contact.phone);
    if (key !== null) add(`p${key}`);
  }
  for (const point of contact.emails) {
    const key = emailKey(point.value);
    if (key !== null) add(`e${key}`);
  }
  if (contact.email !== undefined && contact.email !== '') {
    const key = emailKey(contact.email);
    if (key !== null) add(`e${key}`);
  }
  return keys;
}

/** Whether a contact can take part in de-duplication: not deleted, not merged into another. */
export function isLiveContact(contact: MatchableContact): boolean {
  return contact.deleted_at === null && (contact.merged_into ?? null) === null;
}

/** Oldest first by created_at (as instants, so differently written timestamps compare right), then id. */
export function compareByAge(a: { readonly created_at: string; readonly id: string }, b: { readonly created_at: string; readonly id: string }): number {
  if (a.created_at !== b.created_at) {
    const difference = Date.parse(a.created_at) - Date.parse(b.created_at);
    if (difference !== 0 && !Number.isNaN(difference)) return difference;
    return a.created_at < b.created_at ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Classifies every incoming row as new, a match of an existing contact, or a repeat of an earlier row. */
export function classifyImport(incoming: readonly Matchable[], existing: readonly MatchableContact[], phoneKey: PhoneKey): ImportClassification {
  const existingByKey = new Map<string, MatchableContact[]>();
  for (const contact of existing) {
    if (!isLiveContact(contact)) continue;
    for (const key of matchKeys(contact, phoneKey)) {
      const holders = existingByKey.get(key);
      if (holders === undefined) existingByKey.set(key, [contact]);
      else holders.push(contact);
    }
  }

  // Union-find over rows; the root of a cluster is always its smallest row index.
  const parent = new Int32Array(incoming.length);
  for (let row = 0; row < parent.length; row++) parent[row] = row;
  const find = (row: number): number => {
    let root = row;
    while (parent[root]! !== root) root = parent[root]!;
    while (parent[row]! !== root) {
      const next = parent[row]!;
      parent[row] = root;
      row = next;
    }
    return root;
  };
  const rowKeys: string[][] = [];
  const firstRowByKey = new Map<string, number>();
  incoming.forEach((row, index) => {
    const keys = matchKeys(row, phoneKey);
    rowKeys.push(keys);
    for (const key of keys) {
      const first = firstRowByKey.get(key);
      if (first === undefined) {
        firstRowByKey.set(key, index);
        continue;
      }
      const a = find(first);
      const b = find(index);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  });

  // Existing contacts each cluster matches, with what it shares with each.
  const matchesByRoot = new Map<number, Map<MatchableContact, Set<MatchReason>>>();
  rowKeys.forEach((keys, index) => {
    for (const key of keys) {
      const holders = existingByKey.get(key);
      if (holders === undefined) continue;
      const root = find(index);
      let matches = matchesByRoot.get(root);
      if (matches === undefined) matchesByRoot.set(root, (matches = new Map<MatchableContact, Set<MatchReason>>()));
      for (const contact of holders) {
        let reasons = matches.get(contact);
        if (reasons === undefined) matches.set(contact, (reasons = new Set<MatchReason>()));
        reasons.add(key.startsWith('p') ? 'phone' : 'email');
      }
    }
  });

  const counts = { found: incoming.length, new: 0, matches: 0, repeats: 0 };
  const rows = rowKeys.map((_, index): ImportRowClass => {
    const root = find(index);
    if (root !== index) {
      counts.repeats++;
      return { kind: 'repeat', first_row: root };
    }
    const matches = matchesByRoot.get(root);
    if (matches === undefined) {
      counts.new++;
      return { kind: 'new' };
    }
    const [chosen, ...others] = [...matches.keys()].sort(compareByAge);
    const reasons = matches.get(chosen!)!;
    counts.matches++;
    return {
      kind: 'match',
      contact_id: chosen!.id,
      by: (['phone', 'email'] as const).filter((reason) => reasons.has(reason)),
      other_contact_ids: others.map((contact) => contact.id),
    };
  });
  return { rows, counts };
}
