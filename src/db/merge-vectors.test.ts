import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import vectors from '../../tests/fixtures/merge-vectors.json';
import { parseHlc } from '../domain/hlc';
import type { RemoteRow } from '../sync/ports';
import { createFieldbookDb, type FieldbookDb } from './fieldbook-db';
import { createSyncLocal } from './sync-local';

/*
 * The shared merge vectors through the merge the app runs: each write arrives as a remote row and is
 * applied by the Dexie port's applyRemote, exactly as a pull or a realtime change is. The SQL half
 * runs the same vectors through sync_push (tests/supabase/merge.test.ts).
 */

type Write = { readonly changes: Readonly<Record<string, unknown>>; readonly stamp: string; readonly stamps?: Readonly<Record<string, string>> };

let db: FieldbookDb | null = null;
afterEach(async () => {
  db?.close();
  await db?.delete();
  db = null;
});

const asRemote = (id: string, write: Write): RemoteRow => ({
  table: 'contacts',
  row: { id, created_at: '2026-11-24T09:00:00.000Z', updated_at: new Date(parseHlc(write.stamp)!.physical).toISOString(), ...write.changes, field_stamps: write.stamps ?? Object.fromEntries(Object.keys(write.changes).map((field) => [field, write.stamp])) },
});

let echoes: number[] = [];

async function applyInOrder(writes: readonly Write[]) {
  echoes = [];
  db = createFieldbookDb(`merge-vectors-${crypto.randomUUID()}`);
  const local = createSyncLocal(db);
  const id = crypto.randomUUID();
  let newestChange = '';
  for (const write of writes) {
    const remote = asRemote(id, write);
    if ((await local.applyRemote([remote])).length > 0 && String(remote.row['updated_at']) > newestChange) newestChange = String(remote.row['updated_at']);
    // The same change again (an echo, a duplicated message) changes nothing and costs no write.
    echoes.push((await local.applyRemote([asRemote(id, write)])).length);
  }
  const row = (await db.contacts.get(id)) as unknown as Record<string, unknown> | undefined;
  db.close();
  await db.delete();
  db = null;
  if (row === undefined) return undefined;
  // updated_at (what the screens show as "edited") is the newest time among the writes that changed something.
  expect(row['updated_at']).toBe(newestChange);
  return Object.fromEntries(Object.entries(row).filter(([field]) => field !== 'id'));
}

describe('[MG1] merge vectors through the Dexie port (applyRemote)', () => {
  for (const vector of vectors.vectors) {
    it(`[G3] ${vector.name}`, async () => {
      expect(await applyInOrder(vector.writes)).toMatchObject(vector.expected);
      expect(echoes).toEqual(vector.writes.map(() => 0));
    });
  }

  it('[G3] the result does not depend on the order concurrent writes arrive in', async () => {
    for (const vector of vectors.vectors) {
      const [first, ...rest] = vector.writes;
      const forward = await applyInOrder([first!, ...rest]);
      const backward = await applyInOrder([first!, ...[...rest].reverse()]);
      expect(backward).toEqual(forward);
    }
  });
});
