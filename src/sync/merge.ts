/*
 * Field-level last-writer-wins, the client half (the server half is sync.merge_row in
 * supabase/migrations). A field takes an incoming value only if the incoming stamp is greater than the
 * stamp it holds (byte-wise string order of HLC stamps). Fields the write does not mention are kept.
 * deleted_at is a field like any other, so an older edit never undoes a newer tombstone. Both halves
 * are checked against tests/fixtures/merge-vectors.json.
 */

export type StampedRow = {
  readonly values: Readonly<Record<string, unknown>>;
  readonly stamps: Readonly<Record<string, string>>;
};

export type StampedWrite = { readonly changes: Readonly<Record<string, unknown>>; readonly stamp: string };

export function mergeWrite(current: StampedRow | null, write: StampedWrite): StampedRow {
  const values: Record<string, unknown> = { ...(current?.values ?? {}) };
  const stamps: Record<string, string> = { ...(current?.stamps ?? {}) };
  for (const [field, value] of Object.entries(write.changes)) {
    const held = stamps[field];
    if (held !== undefined && !(write.stamp > held)) continue;
    values[field] = value;
    stamps[field] = write.stamp;
  }
  return { values, stamps };
}
