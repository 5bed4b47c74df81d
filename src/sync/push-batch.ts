import { coalesceOutbox, type CoalescedMutation } from './coalesce';
import type { OutboxPort, RejectedChange, RemoteError, RemotePort, RemoteRow } from './ports';

export const PUSH_BATCH_SIZE = 500;
/**
 * A push carries at most this much JSON (the server refuses more than 8 MB, and proxies less): 500
 * long notes in a language of multi-byte letters would otherwise make a request that fails every time.
 */
export const PUSH_BATCH_BYTES = 1_000_000;

/** The first mutations whose JSON fits in `maxBytes` (at least one: the server judges a single one). */
function withinBytes(mutations: readonly CoalescedMutation[], maxBytes: number): readonly CoalescedMutation[] {
  const encoder = new TextEncoder();
  let bytes = 0;
  let count = 0;
  for (const mutation of mutations) {
    bytes += encoder.encode(JSON.stringify(mutation)).length;
    if (count > 0 && bytes > maxBytes) break;
    count += 1;
  }
  return mutations.slice(0, count);
}

export type PushBatchResult =
  | { readonly kind: 'idle' }
  | { readonly kind: 'pushed'; readonly acknowledged: number; readonly rejected: number; readonly rows: readonly RemoteRow[] }
  | { readonly kind: 'failed'; readonly error: RemoteError };

/*
 * One push round (SPEC OB1-OB5). The oldest pending entries are coalesced per row and sent together,
 * as many as fit in PUSH_BATCH_BYTES.
 * Each mutation's outcome is handled on its own: applied or duplicate (a retry of a push whose answer
 * was lost) removes its entries from the outbox; rejected moves them to the rejected list with the
 * server's reason. So one bad change never blocks the rest of the queue. A failed request changes
 * nothing locally: the same entries, with the same mutation ids, go again on the next round, and the
 * server's applied-id record makes that safe.
 */
export async function pushBatch(outbox: OutboxPort, remote: Pick<RemotePort, 'push'>, batchSize = PUSH_BATCH_SIZE, maxBytes = PUSH_BATCH_BYTES): Promise<PushBatchResult> {
  const entries = await outbox.listPending(batchSize);
  if (entries.length === 0) return { kind: 'idle' };
  // Mutations left out for size go in the next round, in the same order.
  const mutations = withinBytes(coalesceOutbox(entries), maxBytes);
  const response = await remote.push(mutations);
  if (!response.ok) return { kind: 'failed', error: response.error };

  const outcomes = new Map(response.value.results.map((outcome) => [outcome.mutation_id, outcome]));
  const acknowledged: CoalescedMutation[] = [];
  const rejected: RejectedChange[] = [];
  for (const mutation of mutations) {
    const outcome = outcomes.get(mutation.mutation_id);
    if (outcome === undefined) continue; // not answered: stays pending, goes again
    if (outcome.status === 'rejected')
      rejected.push({ entry_ids: mutation.entry_ids, table: mutation.table, row_id: mutation.row_id, changes: mutation.changes, reason: outcome.reason });
    else acknowledged.push(mutation);
  }
  if (rejected.length > 0) await outbox.reject(rejected);
  if (acknowledged.length > 0) await outbox.acknowledge(acknowledged, response.value.rows);
  const acknowledgedEntries = acknowledged.reduce((sum, mutation) => sum + mutation.entry_ids.length, 0);
  return { kind: 'pushed', acknowledged: acknowledgedEntries, rejected: rejected.length, rows: response.value.rows };
}
