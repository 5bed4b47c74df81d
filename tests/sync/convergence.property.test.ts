import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { RemoteChange } from '../../src/sync/ports';
import { createFakeSyncServer } from '../support/fake-sync-server';
import { createFakeTime, createTestDevice, type TestDevice } from '../support/sync-device';
import { contactInput } from '../support/test-store';
import { countWaiting } from '../../src/db/outbox';

/*
 * Three devices of one member make random edits while the network drops, push answers are lost,
 * realtime messages are dropped, doubled and reordered, the server restarts (every realtime socket
 * drops), apps restart, and clocks are skewed: one an hour slow, one an hour fast (beyond the server's
 * 60 s clamp). The fast phone starts offline, so its first pushes carry stamps the server clamps.
 *
 * Checked while it runs: no acknowledged write is ever replaced by an older intent. Every edit writes
 * a value never used before, so "older intent" is visible on the server as a value coming back after
 * another write replaced it (a retry of an applied edit, re-clamped, beating what came after it).
 * Checked after healing: every device holds exactly the server's rows and stamps, nothing waits or
 * was rejected, and the digests agree: nothing typed is lost, nothing is doubled.
 */

const MEMBER = '5a0c3e1d-7b2f-4c6a-9d8e-1f2a3b4c5d6e';
const FIELDS = ['first_name', 'phone', 'notes', 'stage'] as const;
/** Fields whose every edit writes a fresh value, so a value's return means an older intent won. */
const TRACKED = ['first_name', 'phone', 'notes'] as const;
const STAGES = ['new', 'contacted', 'presented', 'customer'] as const;
const FAST_PHONE = 2;
const SKEWS = [0, -3_600_000, 3_600_000];

type Command =
  | { kind: 'edit'; device: number; contact: number; field: (typeof FIELDS)[number]; value: number }
  | { kind: 'import'; device: number; count: number }
  | { kind: 'delete' | 'restore'; device: number; contact: number }
  | { kind: 'network'; device: number; offline: boolean; tellEngine: boolean }
  | { kind: 'lose-answers'; device: number; count: number }
  | { kind: 'hold-realtime'; device: number }
  | { kind: 'release-realtime'; device: number; mode: 'deliver' | 'drop' | 'duplicate' | 'reverse' }
  | { kind: 'wait'; ms: number }
  | { kind: 'app-restart'; device: number }
  | { kind: 'phone-online-losing'; count: number }
  | { kind: 'server-restart' };

const device = fc.integer({ min: 0, max: 2 });
const command: fc.Arbitrary<Command> = fc.oneof(
  // Few contacts and fields, so devices often write the same field of the same row.
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), device, contact: fc.integer({ min: 0, max: 3 }), field: fc.constantFrom(...FIELDS), value: fc.integer({ min: 0, max: 99 }) }) },
  // A bulk insert: its outbox entries are stored in one batch record (src/db/outbox.ts).
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('import' as const), device, count: fc.integer({ min: 2, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('delete' as const, 'restore' as const), device, contact: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('network' as const), device, offline: fc.boolean(), tellEngine: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('lose-answers' as const), device, count: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hold-realtime' as const), device }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release-realtime' as const), device, mode: fc.constantFrom('deliver' as const, 'drop' as const, 'duplicate' as const, 'reverse' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 3_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'server-restart' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('app-restart' as const), device }) },
  // The fast phone connects and the answers to its first requests are lost.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('phone-online-losing' as const), count: fc.integer({ min: 1, max: 3 }) }) },
);

const transforms: Record<'deliver' | 'drop' | 'duplicate' | 'reverse', (messages: RemoteChange[]) => RemoteChange[]> = {
  deliver: (messages) => messages,
  drop: (messages) => messages.filter((_, index) => index % 2 === 1),
  duplicate: (messages) => messages.flatMap((message) => [message, message]),
  reverse: (messages) => [...messages].reverse(),
};

let open: TestDevice[] = [];
afterEach(async () => {
  await Promise.all(open.map((d) => d.close()));
  open = [];
});

async function settle(time: ReturnType<typeof createFakeTime>, devices: readonly TestDevice[], ms = 100) {
  for (let round = 0; round < 3; round += 1) {
    await Promise.all(devices.map((d) => d.engine.idle()));
    await time.advance(ms);
  }
  await Promise.all(devices.map((d) => d.engine.idle()));
}

async function runScenario(commands: readonly Command[]) {
  const time = createFakeTime();
  const olderIntents: string[] = [];
  const history = new Map<string, { current: unknown; replaced: Set<unknown> }>();
  const server = createFakeSyncServer({
    now: time.now,
    onStore(table, row) {
      if (table !== 'contacts') return;
      for (const field of TRACKED) {
        const key = `${String(row['id'])}:${field}`;
        const seen = history.get(key) ?? { current: undefined, replaced: new Set<unknown>() };
        history.set(key, seen);
        const value = row[field];
        if (value === seen.current) continue;
        if (seen.replaced.has(value) && value !== '') olderIntents.push(`${key} went back to ${JSON.stringify(value)}`);
        if (seen.current !== undefined) seen.replaced.add(seen.current);
        seen.current = value;
      }
    },
  });
  const devices = SKEWS.map((skewMs, index) => {
    const link = server.connect();
    const created = createTestDevice({ memberId: MEMBER, remote: link.port, time, skewMs, node: `dev${index}` });
    open.push(created);
    return { current: created, link };
  });
  // The fast phone was set up offline: it has never heard the server's time.
  devices[FAST_PHONE]!.link.setOffline(true);
  devices[FAST_PHONE]!.current.engine.setNetwork('offline');
  for (const d of devices) d.current.engine.start();

  // Three contacts, made on the fast phone while offline; the others get them once it syncs.
  const ids: string[] = [];
  for (const name of ['Ana', 'Ben', 'Cy']) {
    const result = await devices[FAST_PHONE]!.current.store.addContact(contactInput({ first_name: name }));
    if (!result.ok) throw new Error(result.error.message);
    ids.push(result.value);
  }
  await settle(time, devices.map((d) => d.current));
  let fresh = 0;

  const deletions = new Map<number, string>();
  for (const step of commands) {
    const d = 'device' in step ? devices[step.device]! : null;
    switch (step.kind) {
      case 'edit': {
        fresh += 1;
        const value = step.field === 'stage' ? STAGES[step.value % STAGES.length] : step.field === 'phone' ? `555 ${String(fresh).padStart(4, '0')}` : `${step.field}-${fresh}`;
        // Contacts 0 and 1; 2 and 3 reach an imported contact once there is one.
        const target = step.contact < 2 || ids.length <= 3 ? step.contact % 2 : 3 + ((step.contact + fresh) % (ids.length - 3));
        await d!.current.store.updateContact(ids[target]!, { [step.field]: value });
        break;
      }
      case 'import': {
        const rows = Array.from({ length: step.count }, (_, i) => ({ kind: 'create' as const, fields: { ...contactInput({ first_name: `Imported ${ids.length + i}` }) } }));
        const result = await d!.current.store.importContacts({ source: 'Phone contacts', fileName: 'contacts.vcf', rows });
        if (!result.ok) throw new Error(result.error.message);
        ids.push(...(await d!.current.db.contacts.where('import_id').equals(result.value.importId).primaryKeys()));
        break;
      }
      case 'delete': {
        const result = await d!.current.store.deleteContact(ids[step.contact]!);
        if (result.ok) deletions.set(step.contact, result.value.activityId);
        break;
      }
      case 'restore':
        await d!.current.store.restoreContact(ids[step.contact]!, deletions.get(step.contact) ?? 'none');
        break;
      case 'network':
        d!.link.setOffline(step.offline);
        if (step.tellEngine) d!.current.engine.setNetwork(step.offline ? 'offline' : 'online');
        break;
      case 'app-restart': {
        // The app is closed mid-whatever and opened again on the same database.
        const offline = d!.current.engine.getSnapshot().network === 'offline';
        d!.current = await d!.current.restart();
        open.push(d!.current);
        if (offline) d!.current.engine.setNetwork('offline');
        d!.current.engine.start();
        break;
      }
      case 'lose-answers':
        d!.link.loseAnswers(step.count);
        break;
      case 'phone-online-losing': {
        const phone = devices[FAST_PHONE]!;
        phone.link.loseAnswers(step.count);
        phone.link.setOffline(false);
        phone.current.engine.setNetwork('online');
        break;
      }
      case 'hold-realtime':
        d!.link.holdRealtime();
        break;
      case 'release-realtime':
        d!.link.releaseRealtime(transforms[step.mode]);
        break;
      case 'wait':
        await time.advance(step.ms);
        break;
      case 'server-restart':
        // Every realtime socket drops (messages in between are lost) and comes back later.
        for (const each of devices) each.link.setRealtimeDown(true);
        await time.advance(500);
        for (const each of devices) each.link.setRealtimeDown(false);
        break;
    }
    await Promise.all(devices.map((each) => each.current.engine.idle()));
  }

  // Heal: network back, held messages delivered, everyone retries and catches up.
  for (const d of devices) {
    d.link.setOffline(false);
    d.link.loseAnswers(0);
    d.link.releaseRealtime();
    d.current.engine.setNetwork('online');
    d.current.engine.tryNow();
  }
  await settle(time, devices.map((d) => d.current), 1_000);
  for (const d of devices) d.current.engine.visible();
  await settle(time, devices.map((d) => d.current), 1_000);

  expect(olderIntents).toEqual([]);
  // Every write was acknowledged; nothing is stuck or rejected.
  for (const { current: d } of devices) {
    expect(await countWaiting(d.db)).toBe(0);
    expect(await d.db.rejected.count()).toBe(0);
  }
  // Every device equals the server: same rows, same values, same stamps.
  for (const { current: d } of devices) {
    for (const table of ['contacts', 'member_activities'] as const) {
      const serverRows = server.rows(table);
      const local = await d.db.table(table).toArray();
      expect(local.length).toBe(serverRows.length);
      for (const serverRow of serverRows) {
        const mine = local.find((row: { id: string }) => row.id === serverRow['id']) as Record<string, unknown> | undefined;
        expect(mine?.['field_stamps']).toEqual(serverRow['field_stamps']);
        for (const field of Object.keys(serverRow['field_stamps'] as object)) expect(mine?.[field]).toEqual(serverRow[field]);
      }
    }
    expect(await d.engine.checkConvergence()).toMatchObject({ outcome: 'in-step' });
  }
}

describe('convergence under chaos (fast-check, seeded)', () => {
  it('[G2][G3][G4][G7][CK3] three devices converge to the server after random edits, drops, duplicates, reorders, lost answers, restarts and skewed clocks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), async (commands) => {
        try {
          await runScenario(commands);
        } finally {
          await Promise.all(open.map((d) => d.close()));
          open = [];
        }
      }),
      { seed: Number(process.env['FIELDBOOK_FC_SEED'] ?? 20261124), numRuns: Number(process.env['FIELDBOOK_FC_RUNS'] ?? 500), endOnFailure: true },
    );
  }, 600_000);
});
