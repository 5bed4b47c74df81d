import { describe, expect, it } from 'vitest';
import { pullPageSchema } from './sync-wire-schema';

const id = '8d3c1e2a-7b4f-4c6a-9d8e-1f2a3b4c5d6e';
const columns = ['id', 'member_id', 'first_name', 'notes', 'created_at', 'updated_at', 'deleted_at', 'field_stamps'];
const page = (tables: unknown[], deleted: unknown[] = []) => ({ tables, deleted, has_more: false, next_cursor: null, server_time: 1 });
const contacts = (rows: unknown, names: string[] = columns) => ({ table: 'contacts', columns: names, rows });

describe('the pull page (columns) on arrival', () => {
  it('builds each row from its table’s columns; one shared stamp goes back to every stamped column; a field’s own stamps stay', () => {
    const parsed = pullPageSchema.parse(
      page(
        [contacts([
          [id, id, 'Ana', '', 'c', 'u', null, 's1'],
          ['c0ffee00-0000-4000-8000-000000000000', id, 'Bo', 'x', 'c', 'u', null, { first_name: 's1', notes: 's2', deleted_at: 's1' }],
        ])],
        [['contacts', 'dead0000-0000-4000-8000-000000000000', id, '2026-11-30T05:00:00Z', 's9']],
      ),
    );
    expect(parsed.rows).toEqual([
      { table: 'contacts', row: { id, member_id: id, first_name: 'Ana', notes: '', created_at: 'c', updated_at: 'u', deleted_at: null, field_stamps: { first_name: 's1', notes: 's1', deleted_at: 's1' } } },
      { table: 'contacts', row: { id: 'c0ffee00-0000-4000-8000-000000000000', member_id: id, first_name: 'Bo', notes: 'x', created_at: 'c', updated_at: 'u', deleted_at: null, field_stamps: { first_name: 's1', notes: 's2', deleted_at: 's1' } } },
      { table: 'contacts', row: { id: 'dead0000-0000-4000-8000-000000000000', member_id: id, deleted_at: '2026-11-30T05:00:00Z', field_stamps: { deleted_at: 's9' } } },
    ]);
  });

  it('refuses the whole page for a row that does not fit its columns, lacks an id, has stamps that are not text, or an unsafe or unknown name', () => {
    const good = [id, id, 'Ana', '', 'c', 'u', null, 's1'];
    for (const bad of [
      page([contacts([good.slice(0, -1)])]),
      page([contacts([[7, ...good.slice(1)]])]),
      page([contacts([[...good.slice(0, -1), { first_name: 7 }]])]),
      page([contacts([[...good.slice(0, -1), ['s1']]])]),
      page([contacts([{ id }])]),
      page([contacts([good], ['id', '__proto__', 'first_name', 'notes', 'created_at', 'updated_at', 'deleted_at', 'field_stamps'])]),
      page([contacts([good], ['member_id', 'id', 'first_name', 'notes', 'created_at', 'updated_at', 'field_stamps', 'deleted_at'])]),
      page([contacts([[id, id, 'Ana', 7, 'c', 'u', null, 's1']], ['id', 'member_id', 'first_name', 'id', 'created_at', 'updated_at', 'deleted_at', 'field_stamps'])]),
      page([contacts([[id, id, 'Ana', '', 'x', 'u', null, 's1']], ['id', 'member_id', 'first_name', 'notes', 'made_at', 'updated_at', 'deleted_at', 'field_stamps'])]),
      page([{ ...contacts([good]), table: 'secrets' }]),
      page([contacts('not rows')]),
      page([], [['contacts', id, id, null, 's1']]),
    ])
      expect(pullPageSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
