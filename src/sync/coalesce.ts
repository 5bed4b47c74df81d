import type { OutboxEntry } from '../domain/synced-table';

/** One push mutation built from one or more outbox entries of the same row. */
export type CoalescedMutation = {
  readonly mutation_id: string;
  readonly table: OutboxEntry['table'];
  readonly row_id: string;
  readonly op: OutboxEntry['op'];
  readonly changes: Readonly<Record<string, unknown>>;
  /** The latest stamp of the merged entries. */
  readonly stamp: string;
  /** Each field's own stamp: coalescing must not make an older edit of a field look newer. */
  readonly stamps: Readonly<Record<string, string>>;
  /** Every outbox entry this mutation stands for; all leave the outbox when it is acknowledged. */
  readonly entry_ids: readonly string[];
};

/*
 * Coalescing (SPEC OB2). Several pending edits of one row become one mutation: the fields merge with
 * the later entry winning, the op is `insert` if the first entry was, and each field keeps the stamp
 * of its own last edit (sent as `stamps`), so a concurrent remote edit made between two local edits
 * still wins the fields it should. The mutation takes the id of the LAST entry: a retry of the same
 * entries is recognised as a duplicate, while a retry that gained a new edit (made after an answer
 * was lost) is a new mutation and applies; the older edits it repeats merge as no-ops, their stamps
 * being already there. (Keeping the first id made the server answer "duplicate" and drop the new
 * edit: found by the convergence property test.) Rows keep the order in which they first appear, so
 * an activity never arrives before the contact it refers to.
 */
export function coalesceOutbox(entries: readonly OutboxEntry[]): CoalescedMutation[] {
  const byRow = new Map<string, { first: OutboxEntry; changes: Record<string, unknown>; stamps: Record<string, string>; stamp: string; ids: string[] }>();
  const stampsOf = (entry: OutboxEntry) => Object.fromEntries(Object.keys(entry.changes).map((field) => [field, entry.stamp]));
  for (const entry of entries) {
    const key = `${entry.table}:${entry.row_id}`;
    const current = byRow.get(key);
    if (!current) {
      byRow.set(key, { first: entry, changes: { ...entry.changes }, stamps: stampsOf(entry), stamp: entry.stamp, ids: [entry.mutation_id] });
      continue;
    }
    Object.assign(current.changes, entry.changes);
    Object.assign(current.stamps, stampsOf(entry));
    if (entry.stamp > current.stamp) current.stamp = entry.stamp;
    current.ids.push(entry.mutation_id);
  }
  return [...byRow.values()].map(({ first, changes, stamps, stamp, ids }) => ({
    mutation_id: ids.at(-1) ?? first.mutation_id,
    table: first.table,
    row_id: first.row_id,
    op: first.op,
    changes,
    stamp,
    stamps,
    entry_ids: ids,
  }));
}
