import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../domain/synced-table';
import { coalesceOutbox } from './coalesce';

const entry = (mutation_id: string, row_id: string, op: OutboxEntry['op'], changes: Record<string, unknown>, stamp: string, table: OutboxEntry['table'] = 'contacts'): OutboxEntry => ({
  mutation_id,
  table,
  row_id,
  op,
  changes,
  stamp,
  created_at: 0,
});

describe('coalesceOutbox', () => {
  it('[OB2] merges pending edits of one row into one mutation, later fields winning', () => {
    const result = coalesceOutbox([
      entry('m1', 'r1', 'insert', { first_name: 'Jo', phone: '1' }, 's1'),
      entry('m2', 'r1', 'update', { phone: '2' }, 's2'),
      entry('m3', 'r1', 'update', { email: 'jo@example.com' }, 's3'),
    ]);
    expect(result).toEqual([
      { mutation_id: 'm3', table: 'contacts', row_id: 'r1', op: 'insert', changes: { first_name: 'Jo', phone: '2', email: 'jo@example.com' }, stamp: 's3', stamps: { first_name: 's1', phone: 's2', email: 's3' }, entry_ids: ['m1', 'm2', 'm3'] },
    ]);
  });

  it('[OB3] the same entries keep the same id, and a new edit makes a new id (so it is never taken for a duplicate)', () => {
    const first = coalesceOutbox([entry('m1', 'r1', 'update', { first_name: 'A' }, 's1')]);
    const again = coalesceOutbox([entry('m1', 'r1', 'update', { first_name: 'A' }, 's1')]);
    const grown = coalesceOutbox([entry('m1', 'r1', 'update', { first_name: 'A' }, 's1'), entry('m2', 'r1', 'update', { first_name: 'B' }, 's2')]);
    expect(again[0]?.mutation_id).toBe(first[0]?.mutation_id);
    expect(grown[0]?.mutation_id).not.toBe(first[0]?.mutation_id);
  });

  it('[OB1] keeps rows in the order they first appear, so parents precede children', () => {
    const result = coalesceOutbox([
      entry('c1', 'contact', 'insert', { first_name: 'A' }, 's1'),
      entry('a1', 'activity', 'insert', { contact_id: 'contact' }, 's2', 'member_activities'),
      entry('c2', 'contact', 'update', { stage: 'customer' }, 's3'),
    ]);
    expect(result.map((mutation) => mutation.row_id)).toEqual(['contact', 'activity']);
  });
});
