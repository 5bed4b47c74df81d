import { describe, expect, it } from 'vitest';
import vectors from '../../tests/fixtures/merge-vectors.json';
import { mergeWrite, type StampedRow } from './merge';

describe('mergeWrite (TypeScript half of field-level LWW)', () => {
  for (const vector of vectors.vectors) {
    it(`[G3] ${vector.name}`, () => {
      let row: StampedRow | null = null;
      for (const write of vector.writes) row = mergeWrite(row, write);
      expect(row?.values).toMatchObject(vector.expected);
    });
  }

  it('is independent of arrival order for every permutation of concurrent writes', () => {
    const [insert, ...rest] = vectors.vectors[0]!.writes;
    const orders = [rest, [...rest].reverse()];
    const results = orders.map((order) => [insert!, ...order].reduce<StampedRow | null>((row, write) => mergeWrite(row, write), null));
    expect(results[0]).toEqual(results[1]);
  });
});
