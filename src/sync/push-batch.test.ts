import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../domain/synced-table';
import { err, ok } from '../shared/result';
import type { CoalescedMutation } from './coalesce';
import type { OutboxPort, PushResponse, RejectedChange, RemotePort, RemoteRow } from './ports';
import { pushBatch } from './push-batch';

/** An in-memory outbox. */
function fakeOutbox(entries: OutboxEntry[]) {
  const pending = [...entries];
  const rejected: RejectedChange[] = [];
  const stored: RemoteRow[] = [];
  const port: OutboxPort = {
    listPending: (limit) => Promise.resolve(pending.slice(0, limit)),
    acknowledge: (mutations, rows) => {
      for (const id of mutations.flatMap((mutation) => mutation.entry_ids)) pending.splice(pending.findIndex((entry) => entry.mutation_id === id), 1);
      stored.push(...rows);
      return Promise.resolve();
    },
    reject: (changes) => {
      for (const change of changes) for (const id of change.entry_ids) pending.splice(pending.findIndex((entry) => entry.mutation_id === id), 1);
      rejected.push(...changes);
      return Promise.resolve();
    },
  };
  return { port, pending, rejected, stored };
}

/** A fake server that applies each mutation id once, rejects what `reject` says, and can lose its answer. */
function fakeRemote(options: { reject?: (mutation: CoalescedMutation) => string | null } = {}) {
  const applied = new Map<string, CoalescedMutation>();
  let loseNextAnswer = false;
  let offline = false;
  const port: Pick<RemotePort, 'push'> = {
    push: (mutations) => {
      if (offline) return Promise.resolve(err({ kind: 'offline', message: 'no network' }));
      const results: PushResponse['results'][number][] = mutations.map((mutation) => {
        const reason = options.reject?.(mutation) ?? null;
        if (reason !== null) return { mutation_id: mutation.mutation_id, status: 'rejected', reason };
        if (applied.has(mutation.mutation_id)) return { mutation_id: mutation.mutation_id, status: 'duplicate' };
        applied.set(mutation.mutation_id, mutation);
        return { mutation_id: mutation.mutation_id, status: 'applied' };
      });
      if (loseNextAnswer) {
        loseNextAnswer = false;
        return Promise.resolve(err({ kind: 'timeout', message: 'the answer was lost' }));
      }
      const rows = mutations.filter((mutation) => applied.has(mutation.mutation_id)).map((mutation) => ({ table: mutation.table, row: { id: mutation.row_id, ...mutation.changes } }));
      return Promise.resolve(ok({ results, rows, server_time: 1000 }));
    },
  };
  return { port, applied, loseAnswer: () => (loseNextAnswer = true), setOffline: (value: boolean) => (offline = value) };
}

const entry = (mutation_id: string, row_id: string, changes: Record<string, unknown>, op: OutboxEntry['op'] = 'update'): OutboxEntry => ({
  mutation_id,
  table: 'contacts',
  row_id,
  op,
  changes,
  stamp: `0000000000${mutation_id.length}-00000-a`,
  created_at: 0,
});

describe('pushBatch', () => {
  it('[OB3] a push whose answer was lost applies once: the retry is a duplicate and acknowledges', async () => {
    const outbox = fakeOutbox([entry('m1', 'r1', { first_name: 'Jo' }, 'insert')]);
    const remote = fakeRemote();
    remote.loseAnswer();
    expect((await pushBatch(outbox.port, remote.port)).kind).toBe('failed');
    expect(outbox.pending).toHaveLength(1);
    expect(remote.applied.size).toBe(1);
    expect(await pushBatch(outbox.port, remote.port)).toMatchObject({ kind: 'pushed', acknowledged: 1, rejected: 0 });
    expect(outbox.pending).toEqual([]);
    expect(remote.applied.size).toBe(1);
  });

  it('[OB5] a rejected change moves to the rejected list with the reason and does not block the rest', async () => {
    const outbox = fakeOutbox([entry('bad', 'r1', { email: 'nope' }), entry('good', 'r2', { first_name: 'Al' })]);
    const remote = fakeRemote({ reject: (mutation) => (mutation.changes['email'] === 'nope' ? 'Email must look like name@example.com' : null) });
    expect(await pushBatch(outbox.port, remote.port)).toMatchObject({ kind: 'pushed', acknowledged: 1, rejected: 1 });
    expect(outbox.pending).toEqual([]);
    expect(outbox.rejected).toEqual([{ entry_ids: ['bad'], table: 'contacts', row_id: 'r1', changes: { email: 'nope' }, reason: 'Email must look like name@example.com' }]);
  });

  it('[OB4] offline leaves the outbox untouched for the next round', async () => {
    const outbox = fakeOutbox([entry('m1', 'r1', { first_name: 'Jo' })]);
    const remote = fakeRemote();
    remote.setOffline(true);
    expect(await pushBatch(outbox.port, remote.port)).toEqual({ kind: 'failed', error: { kind: 'offline', message: 'no network' } });
    expect(outbox.pending).toHaveLength(1);
    expect(await pushBatch(fakeOutbox([]).port, remote.port)).toEqual({ kind: 'idle' });
  });

  it('[OB2] coalesced entries of one row are acknowledged together and the merged row is stored', async () => {
    const outbox = fakeOutbox([entry('m1', 'r1', { first_name: 'Jo' }, 'insert'), entry('m2', 'r1', { phone: '555 010 0100' })]);
    const remote = fakeRemote();
    expect(await pushBatch(outbox.port, remote.port)).toMatchObject({ kind: 'pushed', acknowledged: 2 });
    expect(outbox.stored).toEqual([{ table: 'contacts', row: { id: 'r1', first_name: 'Jo', phone: '555 010 0100' } }]);
  });

  it('[OB1] a round carries at most maxBytes of JSON; the rest goes next, in order, and one oversized change still goes alone', async () => {
    const notes = '漢'.repeat(3000); // 9 kB of UTF-8 each
    const outbox = fakeOutbox(['a', 'b', 'c', 'd', 'e'].map((id) => entry(`m-${id}`, `r-${id}`, { notes }, 'insert')));
    const sent: string[][] = [];
    const remote = fakeRemote();
    const recording: Pick<RemotePort, 'push'> = { push: (mutations) => (sent.push(mutations.map((mutation) => mutation.row_id)), remote.port.push(mutations)) };
    for (let round = 0; round < 5 && outbox.pending.length > 0; round += 1) await pushBatch(outbox.port, recording, 500, 20_000);
    expect(sent).toEqual([['r-a', 'r-b'], ['r-c', 'r-d'], ['r-e']]);
    expect(outbox.pending).toEqual([]);
    sent.length = 0;
    const big = fakeOutbox([entry('m-big', 'r-big', { notes: notes.repeat(3) }, 'insert'), entry('m-next', 'r-next', { notes: 'short' }, 'insert')]);
    await pushBatch(big.port, recording, 500, 20_000);
    expect(sent).toEqual([['r-big']]);
  });
});
