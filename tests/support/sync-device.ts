import 'fake-indexeddb/auto';
import type { Contact, ContactInput } from '../../src/domain/contact';
import { contactInput } from './test-store';
import { createHlcClock, type HlcClock } from '../../src/domain/hlc';
import { createFieldbookDb, type FieldbookDb } from '../../src/db/fieldbook-db';
import { createLocalStore, type LocalStore } from '../../src/db/local-store';
import { createSyncLocal, type Overwritten } from '../../src/db/sync-local';
import { coalesceOutbox } from '../../src/sync/coalesce';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../../src/sync/engine';
import type { RemotePort, TimePort } from '../../src/sync/ports';

/** Timers the test moves by hand; the wall clock may be skewed per device. */
export function createFakeTime(start = Date.parse('2026-11-24T09:00:00.000Z')) {
  let current = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const port: TimePort = {
    now: () => current,
    setTimeout: (run, ms) => {
      nextId += 1;
      timers.set(nextId, { at: current + ms, run });
      return nextId;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  };
  return {
    port,
    now: () => current,
    /** Moves time forward, firing due timers in order. */
    async advance(ms: number) {
      const end = current + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        current = Math.max(current, due[1].at);
        due[1].run();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      current = end;
    },
    pending: () => timers.size,
  };
}

export type FakeTime = ReturnType<typeof createFakeTime>;

/** The real clock and timers, for devices that talk to a real server. */
export const realTime: Pick<FakeTime, 'port' | 'now'> = {
  port: { now: () => Date.now(), setTimeout: (run, ms) => setTimeout(run, ms), clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) },
  now: () => Date.now(),
};

let counter = 0;

export type TestDevice = {
  overwritten: Overwritten[];
  db: FieldbookDb;
  store: LocalStore;
  engine: SyncEngine;
  hlc: HlcClock;
  name: string;
  close: () => Promise<void>;
  /** Closes the app (engine stopped, database closed, nothing else) and opens it again on the same database. */
  restart: () => Promise<TestDevice>;
};

/**
 * One device of a member: its own IndexedDB (fake-indexeddb), store, HLC clock (optionally skewed)
 * and engine, talking to `remote`. Local writes kick the engine as the app's do.
 */
type TestDeviceOptions = {
  memberId: string;
  remote: RemotePort;
  time: Pick<FakeTime, 'port' | 'now'>;
  node?: string;
  skewMs?: number;
  engine?: Partial<SyncEngineOptions>;
};

export function createTestDevice(options: TestDeviceOptions, reopen?: { name: string; newestStamp: string | undefined }): TestDevice {
  counter += 1;
  const name = reopen?.name ?? `fieldbook-sync-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  const node = options.node ?? `dev${counter}`;
  const db = createFieldbookDb(name);
  const deviceNow = () => options.time.now() + (options.skewMs ?? 0);
  const hlc = createHlcClock({ now: deviceNow, node });
  // As the app starts: past the newest stamp this device issued.
  if (reopen?.newestStamp !== undefined) hlc.receive(reopen.newestStamp);
  const store = createLocalStore(db, { memberId: options.memberId, clock: hlc, now: deviceNow, newId: () => crypto.randomUUID() });
  const overwritten: Overwritten[] = [];
  const engine = createSyncEngine({
    remote: options.remote,
    local: createSyncLocal(db, { onOverwritten: (items) => overwritten.push(...items) }),
    clock: hlc,
    time: { ...options.time.port, now: deviceNow },
    random: () => 0.5,
    ...options.engine,
  });
  store.onCommit(() => engine.localWrite());
  return {
    overwritten,
    db,
    store,
    engine,
    hlc,
    name,
    async close() {
      engine.stop();
      db.close();
      await db.delete();
    },
    async restart() {
      engine.stop();
      const newestStamp = (await db.outbox.orderBy('seq').last())?.stamp;
      db.close();
      return createTestDevice({ ...options, node }, { name, newestStamp });
    },
  };
}

/** The contact as this device holds it. */
export const contactOn = (device: TestDevice, id: string) => device.db.contacts.get(id) as Promise<Contact | undefined>;

/** Adds a contact through the store (row, activity and outbox entries, as the app does); returns its id. */
export async function addContact(device: TestDevice, overrides: Partial<ContactInput> = {}): Promise<string> {
  const result = await device.store.addContact(contactInput(overrides));
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/**
 * The mutations the app pushes when a contact is added (the contact, then its activity), as they
 * leave a fresh device's outbox, in the wire's shape. The device is gone afterwards.
 */
export async function addedContactMutations(memberId: string, options: { skewMs?: number; input?: Partial<ContactInput> } = {}) {
  const device = createTestDevice({ memberId, remote: {} as never, time: realTime, ...(options.skewMs === undefined ? {} : { skewMs: options.skewMs }) });
  try {
    const added = await device.store.addContact(contactInput(options.input));
    if (!added.ok) throw new Error(added.error.message);
    const entries = await createSyncLocal(device.db).listPending(100);
    return coalesceOutbox(entries).map(({ mutation_id, table, row_id, op, changes, stamp, stamps }) => ({ mutation_id, table, row_id, op, changes, stamp, stamps }));
  } finally {
    await device.close();
  }
}
