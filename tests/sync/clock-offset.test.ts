import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createFieldbookDb, type FieldbookDb } from '../../src/db/fieldbook-db';
import { createLocalStore } from '../../src/db/local-store';
import { createDeviceClock, createSyncLocal } from '../../src/db/sync-local';
import { parseHlc, type HlcClock } from '../../src/domain/hlc';
import { ok } from '../../src/shared/result';
import { createSyncEngine } from '../../src/sync/engine';
import type { LocalPort, RemotePort } from '../../src/sync/ports';
import { createFakeTime, type FakeTime } from '../support/sync-device';
import { contactInput } from '../support/test-store';
import { allEntries } from '../../src/db/outbox-entries';

/*
 * SPEC CK2 across a restart: the offset the engine learns from the server is kept on the device, and
 * the clock of the next start uses it before any write, so an app restarted offline still stamps
 * with the corrected time.
 */

const MEMBER = '7d1e4c52-3a4b-4c8e-9f1a-0b2c3d4e5f60';
const HOUR = 3_600_000;
const dbs: FieldbookDb[] = [];

afterEach(async () => {
  for (const db of dbs.splice(0)) {
    db.close();
    await db.delete();
  }
});

function openDb() {
  const db = createFieldbookDb(`fieldbook-clock-${process.pid}-${Math.random().toString(36).slice(2)}`);
  dbs.push(db);
  return db;
}

/** A server that only answers pulls (nothing to pull) with its time, `serverAhead` ms past the test's time. */
function serverClock(time: FakeTime, serverAhead: () => number): RemotePort {
  return {
    push: () => Promise.resolve(ok({ results: [], rows: [], server_time: time.now() + serverAhead() })),
    pull: () => Promise.resolve(ok({ rows: [], has_more: false, next_cursor: null, server_time: time.now() + serverAhead() })),
    digest: () => Promise.resolve(ok({})),
    subscribe: () => () => undefined,
  };
}

/** The LocalPort over Dexie, counting the offsets it is asked to store. */
function countingLocal(db: FieldbookDb) {
  const local = createSyncLocal(db);
  const saved: number[] = [];
  const port: LocalPort = {
    ...local,
    saveClockOffset: (offsetMs) => {
      saved.push(offsetMs);
      return local.saveClockOffset(offsetMs);
    },
  };
  return { port, saved };
}

/** Starts an engine over `db` (with a clock of its own unless given one), lets it sync, and stops it. */
async function syncOnce(db: FieldbookDb, time: FakeTime, remote: RemotePort, local: LocalPort, options: { now?: () => number; clock?: HlcClock } = {}) {
  const now = options.now ?? time.now;
  const clock = options.clock ?? (await createDeviceClock(db, { now, node: 'dev1' }));
  const engine = createSyncEngine({ remote, local, clock, time: { ...time.port, now }, random: () => 0.5 });
  engine.start();
  await engine.idle();
  engine.stop();
}

describe('the server-time offset survives a restart (SPEC CK2)', () => {
  it('[CK2] a device an hour slow, restarted offline, stamps its next write with the corrected time', async () => {
    const time = createFakeTime();
    const deviceNow = () => time.now() - HOUR;
    const db = openDb();

    await syncOnce(db, time, serverClock(time, () => 0), createSyncLocal(db), { now: deviceNow });

    // The restart: a new clock and store over the same database, no engine, no network.
    const clock = await createDeviceClock(db, { now: deviceNow, node: 'dev1' });
    const store = createLocalStore(db, { memberId: MEMBER, clock, now: deviceNow, newId: () => crypto.randomUUID() });
    const added = await store.addContact(contactInput());
    expect(added.ok).toBe(true);
    const [entry] = await allEntries(db);
    const physical = parseHlc(entry!.stamp)?.physical ?? 0;
    expect(Math.abs(physical - time.now())).toBeLessThan(1_000);
  });

  it('stores the offset when it moves by more than a second, not on every answer', async () => {
    const time = createFakeTime();
    const db = openDb();
    let serverAhead = HOUR;
    const first = countingLocal(db);
    const clock = await createDeviceClock(db, { now: time.now, node: 'dev1' });
    const engine = createSyncEngine({ remote: serverClock(time, () => serverAhead), local: first.port, clock, time: time.port, random: () => 0.5 });
    engine.start();
    await engine.idle();
    expect(first.saved).toEqual([HOUR]);
    for (const jitter of [120, -300, 800]) {
      serverAhead = HOUR + jitter;
      engine.visible();
      await engine.idle();
    }
    expect(first.saved).toEqual([HOUR]);
    serverAhead = HOUR + 5_000;
    engine.visible();
    await engine.idle();
    expect(first.saved).toEqual([HOUR, HOUR + 5_000]);
    engine.stop();

    // A restart knows what is stored: an answer within a second of it writes nothing.
    serverAhead = HOUR + 5_400;
    const second = countingLocal(db);
    const restarted = createSyncEngine({ remote: serverClock(time, () => serverAhead), local: second.port, clock, time: time.port, random: () => 0.5 });
    restarted.start();
    await restarted.idle();
    restarted.stop();
    expect(second.saved).toEqual([]);
  });

  it('[CK2] a page fetched ahead, then kept waiting while the one before it applies, is timed by its own round trip', async () => {
    const time = createFakeTime();
    const db = openDb();
    // A server whose clock is the test's, answering three pages at once; applying a page takes 10 s.
    let asked = 0;
    const remote: RemotePort = {
      ...serverClock(time, () => 0),
      pull: () => {
        asked += 1;
        return Promise.resolve(ok({ rows: [], has_more: asked < 3, next_cursor: { page: asked }, server_time: time.now() }));
      },
    };
    const local = countingLocal(db);
    const slow: LocalPort = {
      ...local.port,
      applyRemote: async (rows, cursor, run) => {
        // The next page's answer arrives first (a macrotask later), then the apply takes its time.
        await new Promise((resolve) => setImmediate(resolve));
        await time.advance(10_000);
        return local.port.applyRemote(rows, cursor, run);
      },
    };
    await syncOnce(db, time, remote, slow);
    expect(asked).toBeGreaterThanOrEqual(3);
    // The clocks agree: no page may make the device think the server is seconds behind.
    expect(local.saved.filter((offset) => Math.abs(offset) > 1_000)).toEqual([]);
  });

  it('[CK2] a push is timed by its request alone, not by the outbox work after it', async () => {
    const time = createFakeTime();
    const db = openDb();
    const remote: RemotePort = {
      ...serverClock(time, () => 0),
      push: (mutations) => Promise.resolve(ok({ results: mutations.map(({ mutation_id }) => ({ mutation_id, status: 'applied' as const })), rows: [], server_time: time.now() })),
    };
    const local = countingLocal(db);
    let acknowledged = 0;
    const slow: LocalPort = {
      ...local.port,
      acknowledge: async (mutations, rows) => {
        await time.advance(10_000); // a big batch on a slow phone
        acknowledged += mutations.length;
        return local.port.acknowledge(mutations, rows);
      },
    };
    const clock = await createDeviceClock(db, { now: time.now, node: 'dev1' });
    const store = createLocalStore(db, { memberId: MEMBER, clock, now: time.now, newId: () => crypto.randomUUID() });
    expect((await store.addContact(contactInput())).ok).toBe(true);
    await syncOnce(db, time, remote, slow, { clock });
    expect(acknowledged).toBeGreaterThan(0);
    expect(local.saved.filter((offset) => Math.abs(offset) > 1_000)).toEqual([]);
  });
});
