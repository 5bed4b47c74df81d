import { describe, expect, it } from 'vitest';
import { expandStamps, pullPageSchema } from './sync-wire-schema';

const page = (rows: unknown[]) => ({ rows, has_more: false, next_cursor: null, server_time: 1 });
const id = '8d3c1e2a-7b4f-4c6a-9d8e-1f2a3b4c5d6e';

describe('the pull page on arrival', () => {
  it('refuses rows without an id, with stamps that are not text, or of unknown tables', () => {
    for (const bad of [
      { table: 'contacts', row: { first_name: 'No id' } },
      { table: 'contacts', row: { id, field_stamps: { first_name: 7 } } },
      { table: 'contacts', row: { id, field_stamps: ['a'] } },
      { table: 'contacts', row: [id] },
      { table: 'secrets', row: { id } },
    ])
      expect(pullPageSchema.safeParse(page([bad])).success, JSON.stringify(bad)).toBe(false);
  });

  it('expands shared stamps to every stamped column, and keeps a field’s own stamp', () => {
    const row = { id, member_id: id, created_at: 'c', updated_at: 'u', first_name: 'Ana', notes: '', deleted_at: null, field_stamps: { '': 's1', notes: 's2' } };
    expect(expandStamps(row).field_stamps).toEqual({ first_name: 's1', notes: 's2', deleted_at: 's1' });
    const parsed = pullPageSchema.parse(page([{ table: 'contacts', row }]));
    expect(parsed.rows[0]?.row.field_stamps).toEqual({ first_name: 's1', notes: 's2', deleted_at: 's1' });
    const whole = { id, first_name: 'Ana', field_stamps: { first_name: 's1' } };
    expect(expandStamps(whole)).toBe(whole);
  });
});
