import { compareByAge, isLiveContact, matchKeys, type MatchableContact } from './match-index';
import { nameKey, type PhoneKey } from './phone-key';

/*
 * The "Possible duplicates" screen: contacts that are probably one person.
 *
 * Two live contacts are linked when they share a phone number (E.164 key), an email address
 * (case-insensitive), or the same full name (accents, case and spacing ignored). Groups are the
 * connected components of those links (union-find), so A–B by phone and B–C by email make one
 * group of three.
 *
 * The name rule: a name links contacts on its own only when it has at least two words ("Jane Doe",
 * "Mary Ann"). A one-word name ("Mom", "Dentist", "John") is a nickname or a half-typed name that
 * hundreds of different people can share; 200 "Mom"s must not become one group. Contacts with a
 * one-word name still group by phone or email, and then 'name' is listed among the reasons when two
 * of them share it.
 *
 * Dismissing: when the member says a group is "not duplicates", the screen keeps its groupKey. A
 * group is hidden while every pair of its members was dismissed together (in one dismissed group or
 * another). So a dismissed group whose member was deleted stays hidden, and a dismissed group that
 * gains a new member comes back (the newcomer has not been looked at).
 *
 * The suggested survivor is the oldest member (created_at, then id). Groups come newest first: the
 * group whose newest member was added last is at the top, where a fresh duplicate is looked for.
 */

export type DuplicateReason = 'phone' | 'email' | 'name';

/** What grouping reads of a contact. */
export type GroupableContact = MatchableContact & { readonly first_name: string; readonly last_name: string };

export type DuplicateGroup<T extends GroupableContact> = {
  /** groupKey of the members' ids: what the screen stores when the member dismisses the group. */
  readonly key: string;
  /** Oldest first; the first is the suggested survivor. */
  readonly members: readonly T[];
  /** What members of the group share, in this order: phone, email, name. */
  readonly reasons: readonly DuplicateReason[];
  readonly survivor_id: string;
};

const GROUP_KEY_SEPARATOR = ',';

/** A stable key for a set of contact ids: the same ids in any order give the same key. */
export function groupKey(ids: readonly string[]): string {
  return [...ids].sort().join(GROUP_KEY_SEPARATOR);
}

/** Groups of live contacts that are probably the same person, hiding the ones dismissed as a whole. */
export function findDuplicateGroups<T extends GroupableContact>(
  contacts: readonly T[],
  phoneKey: PhoneKey,
  dismissed: ReadonlySet<string> = new Set(),
): DuplicateGroup<T>[] {
  const live = contacts.filter(isLiveContact);
  const parent = new Int32Array(live.length);
  for (let index = 0; index < parent.length; index++) parent[index] = index;
  const find = (index: number): number => {
    let root = index;
    while (parent[root]! !== root) root = parent[root]!;
    while (parent[index]! !== root) {
      const next = parent[index]!;
      parent[index] = root;
      index = next;
    }
    return root;
  };

  const keysOf: string[][] = [];
  const firstByKey = new Map<string, number>();
  live.forEach((contact, index) => {
    const keys = matchKeys(contact, phoneKey);
    const name = nameKey(contact.first_name, contact.last_name);
    if (name !== null) keys.push(`n${name}`);
    keysOf.push(keys);
    for (const key of keys) {
      // One-word names are remembered for the reasons but never link on their own.
      if (key.startsWith('n') && !key.includes(' ')) continue;
      const first = firstByKey.get(key);
      if (first === undefined) {
        firstByKey.set(key, index);
        continue;
      }
      const a = find(first);
      const b = find(index);
      if (a !== b) parent[b] = a;
    }
  });

  const membersByRoot = new Map<number, number[]>();
  for (let index = 0; index < live.length; index++) {
    const root = find(index);
    const members = membersByRoot.get(root);
    if (members === undefined) membersByRoot.set(root, [index]);
    else members.push(index);
  }

  const dismissedWith = dismissedGroupsById(dismissed);
  const groups: { group: DuplicateGroup<T>; newest: T }[] = [];
  for (const indexes of membersByRoot.values()) {
    if (indexes.length < 2) continue;
    const members = indexes.map((index) => live[index]!).sort(compareByAge);
    const ids = members.map((member) => member.id);
    if (isDismissed(ids, dismissedWith)) continue;
    groups.push({
      group: { key: groupKey(ids), members, reasons: sharedReasons(indexes.map((index) => keysOf[index]!)), survivor_id: ids[0]! },
      newest: members[members.length - 1]!,
    });
  }
  return groups.sort((a, b) => compareByAge(b.newest, a.newest)).map(({ group }) => group);
}

function sharedReasons(keyLists: readonly (readonly string[])[]): DuplicateReason[] {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const keys of keyLists) {
    for (const key of keys) {
      if (seen.has(key)) shared.add(key.charAt(0));
      else seen.add(key);
    }
  }
  const reasons: DuplicateReason[] = [];
  if (shared.has('p')) reasons.push('phone');
  if (shared.has('e')) reasons.push('email');
  if (shared.has('n')) reasons.push('name');
  return reasons;
}

/** For each contact id, the indexes of the dismissed groups it was in. */
function dismissedGroupsById(dismissed: ReadonlySet<string>): Map<string, Set<number>> {
  const byId = new Map<string, Set<number>>();
  let group = 0;
  for (const key of dismissed) {
    for (const id of key.split(GROUP_KEY_SEPARATOR)) {
      let groups = byId.get(id);
      if (groups === undefined) byId.set(id, (groups = new Set()));
      groups.add(group);
    }
    group++;
  }
  return byId;
}

/** Whether every pair of these contacts was dismissed together. */
function isDismissed(ids: readonly string[], dismissedWith: ReadonlyMap<string, ReadonlySet<number>>): boolean {
  const groups = ids.map((id) => dismissedWith.get(id));
  if (groups.some((entry) => entry === undefined)) return false;
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      let together = false;
      for (const group of groups[i]!) {
        if (groups[j]!.has(group)) {
          together = true;
          break;
        }
      }
      if (!together) return false;
    }
  }
  return true;
}
