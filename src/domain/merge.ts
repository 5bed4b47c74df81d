/*
 * Field-level last-writer-wins, the client half (the server half is sync.merge_row in
 * supabase/migrations). A field takes an incoming value only if the incoming stamp is greater than the
 * stamp it holds (byte-wise string order of HLC stamps). Fields the write does not mention are kept.
 * deleted_at is a field like any other, so an older edit never undoes a newer tombstone. Both halves
 * run tests/fixtures/merge-vectors.json through the code production calls: the Dexie port's
 * applyRemote here (src/db/merge-vectors.test.ts), sync_push there (tests/supabase/merge.test.ts).
 */

type StampedRecord = Readonly<Record<string, unknown>> & { readonly field_stamps?: unknown };

const stampsOf = (row: StampedRecord): Record<string, string> => {
  const stamps = row.field_stamps;
  return stamps !== null && typeof stamps === 'object' ? (stamps as Record<string, string>) : {};
};

/**
 * Merges a whole remote row (values plus `field_stamps`, as sync_pull, sync_push and realtime deliver
 * it) into the local row by that rule, each field with its own stamp. Returns the
 * merged row, or null when the remote row changes nothing (an echo of our own write costs no write).
 * `keep` names fields that must stay local (edits still waiting to be pushed).
 */
export function mergeRemoteRow<T extends StampedRecord>(local: T, remote: StampedRecord, adopt: (field: string, localStamp: string | undefined, remoteStamp: string) => boolean = (_, held, incoming) => held === undefined || incoming > held): T | null {
  const localStamps = stampsOf(local);
  const stamps: Record<string, string> = { ...localStamps };
  const values: Record<string, unknown> = { ...local };
  let changed = false;
  for (const [field, stamp] of Object.entries(stampsOf(remote))) {
    if (typeof stamp !== 'string' || !(field in remote)) continue;
    const held = localStamps[field];
    if (!adopt(field, held, stamp)) continue;
    values[field] = remote[field];
    stamps[field] = stamp;
    changed = true;
  }
  if (!changed) return null;
  const remoteUpdated = remote['updated_at'];
  if (typeof remoteUpdated === 'string' && (typeof values['updated_at'] !== 'string' || remoteUpdated > values['updated_at'])) values['updated_at'] = remoteUpdated;
  return { ...values, field_stamps: stamps } as unknown as T;
}
