import { Dexie, RangeSet, type ObservabilitySet } from 'dexie';
import type { Contact } from '../domain/contact';
import { compareContactsByName, searchTextFor, sortContactsByName, type SearchableContact } from '../domain/contact-search';
import type { Subscribable } from '../shared/subscribable';
import { onRowsCommitted } from './commit-changes';
import type { FieldbookDb } from './fieldbook-db';

export type ContactIndexSnapshot = {
  /** Live contacts in name order with their search text; null until the first load finishes. */
  readonly items: readonly SearchableContact[] | null;
};

export type ContactIndex = Subscribable<ContactIndexSnapshot> & {
  /** Starts loading (and following changes) before anything subscribes. */
  readonly start: () => void;
};

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/** Above this many changed rows a full reload is cheaper than fetching each one. */
const MAX_INCREMENTAL_KEYS = 5000;
const RELOAD_QUIET_MS = 200;
const RELOAD_MAX_WAIT_MS = 2000;
/** Up to this many changed rows each moves to its place; more are sorted and merged in one pass. */
const MAX_SPLICED_KEYS = 64;

const compareItems = (a: SearchableContact, b: SearchableContact) => compareContactsByName(a.contact, b.contact);

function insertionPoint(items: readonly SearchableContact[], item: SearchableContact): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareItems(items[mid] as SearchableContact, item) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

const RELOAD_PAGE = 2000;

/**
 * Every live contact in name order, read RELOAD_PAGE rows at a time: one read of 20,000 rows would
 * hold the main thread for a few hundred ms while the browser turns them back into objects.
 */
async function readLiveContactsInPages(db: FieldbookDb): Promise<Contact[]> {
  const rows: Contact[] = [];
  for (let last: string | null = null; ; ) {
    const page: Contact[] = await (last === null ? db.contacts.orderBy(':id') : db.contacts.where(':id').above(last)).limit(RELOAD_PAGE).toArray();
    for (const row of page) if (row.deleted_at === null) rows.push(row);
    if (page.length < RELOAD_PAGE) return sortContactsByName(rows);
    last = page[page.length - 1]!.id;
  }
}

/** Every write of a row gives some field a newer stamp than it had: with updated_at, the row's version. */
function newestStamp(contact: Contact): string {
  let newest = '';
  for (const stamp of Object.values(contact.field_stamps)) if (stamp > newest) newest = stamp;
  return newest;
}

/** The changed primary keys of `contacts`, or null when a range (clear, deleteRange) or too many rows changed. */
function changedContactKeys(parts: ObservabilitySet, part: string): string[] | null {
  const tree = parts[part];
  if (!tree) return [];
  const keys: string[] = [];
  for (const node of RangeSet(tree)) {
    if (node.from !== node.to || typeof node.from !== 'string' || keys.length >= MAX_INCREMENTAL_KEYS) return null;
    keys.push(node.from);
  }
  return keys;
}

/*
 * An in-memory, always-sorted index of live contacts, for the list and search over 10,000 contacts.
 *
 * Why not a live query: a live query over the whole table re-reads every row after each write
 * (~250 ms for 10,000 rows in Chromium, and that read holds up the next write). This index reads the
 * table once, then listens to Dexie's `storagemutated` event, which reports the primary keys changed by
 * this tab and, over BroadcastChannel, by other tabs; it fetches just those rows and moves them to their
 * sorted place. A range change (clear, bulk delete) or a large batch falls back to one full reload.
 *
 * A large batch this tab committed itself (an import's chunk of 1,000, its undo) is not read back at
 * all: commitChanges hands over every row it stored (onRowsCommitted) in the same task as the
 * transaction's storagemutated event, just after it, so the event is settled a macrotask later with
 * those rows. Dexie reports a bulk write of 50 rows or more as "the whole table changed", which used to
 * mean a reload of every contact per import chunk while the import was still writing.
 */
export function createContactIndex(db: FieldbookDb): ContactIndex {
  const part = `idb://${db.name}/contacts/`;
  const listeners = new Set<() => void>();
  let snapshot: ContactIndexSnapshot = { items: null };
  let byId = new Map<string, SearchableContact>();
  let queue: Promise<void> = Promise.resolve();
  let started = false;
  let stale = false;
  let retryDelay = FIRST_RETRY_MS / 2;
  /** The newest large change of contacts, until its task ends: this tab's commit hands its rows over here. */
  let settling: { rows: readonly Contact[] | null } | null = null;
  /** Changes waiting for their macrotask (see onMutated). */
  let deferred = 0;

  const publish = (items: SearchableContact[]) => {
    snapshot = { items };
    for (const listener of [...listeners]) listener();
  };

  let reloadQueued = false;
  let reloadTimer: ReturnType<typeof setTimeout> | null = null;
  let reloadSince: number | null = null;
  const reloadAll = async () => {
    reloadQueued = false;
    // Rows that did not change since the last load keep their item (and its search text).
    const items = (await readLiveContactsInPages(db)).map((contact) => {
      const known = byId.get(contact.id);
      return known && known.contact.updated_at === contact.updated_at && newestStamp(known.contact) === newestStamp(contact) ? known : { contact, text: searchTextFor(contact) };
    });
    stale = false;
    retryDelay = FIRST_RETRY_MS / 2;
    byId = new Map(items.map((item) => [item.contact.id, item]));
    publish(items);
  };

  const applyRows = (keys: readonly string[], rows: readonly (Contact | undefined)[]) => {
    const fresh: SearchableContact[] = [];
    rows.forEach((row) => {
      if (row && row.deleted_at === null) fresh.push({ contact: row, text: searchTextFor(row) });
    });
    let items: SearchableContact[];
    if (keys.length <= MAX_SPLICED_KEYS) {
      items = snapshot.items ? [...snapshot.items] : [];
      for (const id of keys) {
        const previous = byId.get(id);
        if (!previous) continue;
        let at = insertionPoint(items, previous);
        while (at < items.length && items[at] !== previous) at += 1;
        if (items[at] === previous) items.splice(at, 1);
      }
      for (const item of fresh) items.splice(insertionPoint(items, item), 0, item);
    } else {
      // A large batch (an import, a pull page): one filter, one sort of the new rows, one merge.
      const changed = new Set(keys);
      const kept = (snapshot.items ?? []).filter((item) => !changed.has(item.contact.id));
      fresh.sort(compareItems);
      items = new Array<SearchableContact>(kept.length + fresh.length);
      let i = 0;
      let j = 0;
      for (let at = 0; at < items.length; at += 1) items[at] = j >= fresh.length || (i < kept.length && compareItems(kept[i]!, fresh[j]!) <= 0) ? kept[i++]! : fresh[j++]!;
    }
    for (const id of keys) byId.delete(id);
    for (const item of fresh) byId.set(item.contact.id, item);
    publish(items);
  };

  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((error: unknown) => {
      console.warn('Contact index refresh failed; reloading', error);
      stale = true;
      // Never leave the list stuck on "Loading…": retry the full read (it reopens a closed database).
      retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
      setTimeout(() => {
        if (stale) enqueue(reloadAll);
      }, retryDelay);
    });
  };

  const onMutated = (parts: ObservabilitySet) => {
    if (!parts[part]) return;
    const keys = changedContactKeys(parts, part);
    const large = keys === null || keys.length > MAX_SPLICED_KEYS;
    // Whatever this task's commit hands over belongs to this event (the newest of the task).
    const event: { rows: readonly Contact[] | null } = { rows: null };
    settling = large ? event : null;
    if (!large && deferred === 0) {
      mutated(keys);
      return;
    }
    // A large change is most likely this tab's own commit, whose rows arrive in this same task: settle
    // it a macrotask later. Changes behind it wait their turn, so none is applied out of order.
    deferred += 1;
    setTimeout(() => {
      deferred -= 1;
      if (settling === event) settling = null;
      if (event.rows === null) mutated(keys);
      else if (!reloadQueued && reloadTimer === null) {
        const rows = event.rows;
        enqueue(() => Promise.resolve(applyRows(rows.map((row) => row.id), rows)));
      }
    }, 0);
  };

  /** A change nobody handed the rows of: read them, or reload everything after a range or a burst. */
  const mutated = (keys: string[] | null) => {
    if (keys === null || (stale && keys.length > 0)) {
      // Large batches come in bursts (an import writes one per 1,000 rows): reload once the burst has
      // been quiet for RELOAD_QUIET_MS (at most RELOAD_MAX_WAIT_MS after its first batch), not per batch.
      if (reloadTimer !== null) clearTimeout(reloadTimer);
      reloadSince ??= Date.now();
      const wait = Math.max(0, Math.min(RELOAD_QUIET_MS, reloadSince + RELOAD_MAX_WAIT_MS - Date.now()));
      reloadTimer = setTimeout(() => {
        reloadTimer = null;
        reloadSince = null;
        if (reloadQueued) return;
        reloadQueued = true;
        enqueue(reloadAll);
      }, wait);
    } else if (reloadQueued || reloadTimer !== null) return;
    else if (keys.length > 0) enqueue(async () => applyRows(keys, await db.contacts.bulkGet(keys)));
  };

  const onCommitted = (table: string, rows: readonly unknown[]) => {
    // Every row this tab's commit stored in contacts, in the task of that commit's storagemutated event.
    if (table === 'contacts' && settling !== null && settling.rows === null) settling.rows = rows as readonly Contact[];
  };

  const start = () => {
    if (started) return;
    started = true;
    Dexie.on('storagemutated', onMutated);
    onRowsCommitted(db, onCommitted);
    enqueue(reloadAll);
  };

  return {
    start,
    subscribe(listener) {
      listeners.add(listener);
      start();
      return () => {
        listeners.delete(listener);
      };
    },
    getSnapshot: () => snapshot,
  };
}
