import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SyncedTable } from '../../src/domain/synced-table';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { createFakeSyncServer, type FakeSyncServer } from '../support/fake-sync-server';
import { signedInClient } from '../support/local-stack';
import { postgresAvailability, startPostgres, type PostgresServer } from '../support/postgres-server';
import { connectSyncDevice } from '../support/sync-client';
import { addContact, contactOn, createTestDevice, realTime, type TestDevice } from '../support/sync-device';
import { countWaiting } from '../../src/db/outbox';

/*
 * The remote side's contract, written once and run against its three definitions: the in-memory
 * server the engine's unit tests use (tests/support/fake-sync-server.ts), and the local stack with
 * the real supabase-js client over PGlite and over PostgreSQL 15, which run the migrations' SQL. When
 * the fake drifts from the SQL, a scenario passes on one and fails on the others.
 */

type Device = TestDevice & {
  goOffline(): Promise<void>;
  goOnline(): void;
  /** The next push is applied by the server but its answer never arrives. */
  loseNextPushAnswer(): void;
  /** Only the realtime socket goes down (or comes back); HTTP keeps working. */
  setRealtimeDown(down: boolean): Promise<void>;
  dispose(): Promise<void>;
};

type Member = {
  device(): Promise<Device>;
  /** The row as the server holds it, or undefined. */
  serverRow(table: SyncedTable, id: string): Promise<Record<string, unknown> | undefined>;
  /** A hard DELETE from elsewhere (REST, the dashboard). */
  hardDelete(table: SyncedTable, id: string): Promise<void>;
};

type Backend = { name: string; start(): Promise<void>; stop(): Promise<void>; newMember(): Promise<Member> };

const engineOptions = { applyWindowMs: 20, fallbackPollMs: 1_000 };
const opened: Device[] = [];

async function started(device: Device): Promise<Device> {
  opened.push(device);
  device.engine.start();
  await expect.poll(() => device.engine.getSnapshot().realtime, { timeout: 10_000 }).toBe('subscribed');
  await device.engine.idle();
  return device;
}

function fakeBackend(): Backend {
  let server: FakeSyncServer;
  let members = 0;
  return {
    name: 'the in-memory server',
    start: () => {
      server = createFakeSyncServer({ now: Date.now });
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
    newMember() {
      members += 1;
      const memberId = `00000000-0000-4000-8000-${String(members).padStart(12, '0')}`;
      return Promise.resolve({
        async device() {
          const link = server.connect(memberId);
          const device = createTestDevice({ memberId, remote: link.port, time: realTime, engine: engineOptions });
          let answersToLose = 0;
          return started({
            ...device,
            goOffline() {
              link.setOffline(true);
              device.engine.setNetwork('offline');
              return Promise.resolve();
            },
            goOnline() {
              link.setOffline(false);
              device.engine.setNetwork('online');
            },
            loseNextPushAnswer() {
              answersToLose += 1;
              link.loseAnswers(answersToLose);
            },
            setRealtimeDown(down) {
              link.setRealtimeDown(down);
              return Promise.resolve();
            },
            dispose: () => device.close(),
          });
        },
        serverRow: (table, id) => {
          const row = server.row(table, id);
          return Promise.resolve(row && 'created_at' in row ? row : undefined);
        },
        hardDelete(table, id) {
          server.hardDelete(table, id);
          return Promise.resolve();
        },
      });
    },
  };
}

function stackBackend(name: string, open: () => Promise<{ stack: LocalStack; stop?: () => Promise<void> }>): Backend {
  let stack: LocalStack;
  let stopExtra: (() => Promise<void>) | undefined;
  return {
    name,
    async start() {
      ({ stack, stop: stopExtra } = await open());
    },
    async stop() {
      await stack?.close();
      await stopExtra?.();
    },
    async newMember() {
      const who = await signedInClient(stack, 'contract');
      return {
        async device() {
          const device = await connectSyncDevice(stack, who, { engine: engineOptions });
          return started({
            ...device,
            loseNextPushAnswer() {
              device.link.dropNextPushAnswer = true;
            },
            async setRealtimeDown(down) {
              if (down) await device.client.realtime.disconnect();
              else device.client.realtime.connect();
            },
          });
        },
        async serverRow(table, id) {
          const { data, error } = await who.client.from(table).select('*').eq('id', id).maybeSingle();
          if (error) throw new Error(error.message);
          return (data ?? undefined);
        },
        async hardDelete(table, id) {
          if (table === 'contacts') await who.client.from('member_activities').delete().eq('contact_id', id);
          const { error } = await who.client.from(table).delete().eq('id', id);
          if (error) throw new Error(error.message);
        },
      };
    },
  };
}

const backends: Backend[] = [fakeBackend(), stackBackend('the local stack on PGlite', async () => ({ stack: await startLocalStack({ port: 0, seed: false }) }))];
if (postgresAvailability()) {
  backends.push(
    stackBackend('the local stack on PostgreSQL 15', async () => {
      const server: PostgresServer = await startPostgres({ schema: false });
      try {
        return { stack: await startLocalStack({ port: 0, seed: false, databaseUrl: server.url }), stop: () => server.stop() };
      } catch (error) {
        await server.stop();
        throw error;
      }
    }),
  );
}

const poll = { timeout: 10_000 };

for (const backend of backends) {
  describe(`the sync contract on ${backend.name}`, () => {
    beforeAll(() => backend.start(), 120_000);
    afterAll(() => backend.stop());
    afterEach(async () => {
      for (const device of opened.splice(0)) await device.dispose();
    });

    it('[G1][OB3] a write is pushed once and reaches the member’s other device', async () => {
      const member = await backend.newMember();
      const [a, b] = [await member.device(), await member.device()];
      const id = await addContact(a, { first_name: 'Once' });
      await expect.poll(async () => (await contactOn(b, id))?.first_name, poll).toBe('Once');
      await expect.poll(() => countWaiting(a.db), poll).toBe(0);
      expect(await member.serverRow('contacts', id)).toMatchObject({ id, first_name: 'Once' });
      expect((await b.db.member_activities.toArray()).filter((activity) => activity.contact_id === id)).toHaveLength(1);
    });

    it('[G2] a push whose answer is lost, then an edit, applies each change once', async () => {
      const member = await backend.newMember();
      const a = await member.device();
      a.loseNextPushAnswer();
      const id = await addContact(a, { first_name: 'Lost answer' });
      await expect.poll(() => a.engine.getSnapshot().nextRetryAt, poll).not.toBeNull();
      await a.store.updateContact(id, { notes: 'typed while the answer was lost' });
      a.engine.tryNow();
      await expect.poll(() => countWaiting(a.db), poll).toBe(0);
      expect(await a.db.rejected.count()).toBe(0);
      expect(await member.serverRow('contacts', id)).toMatchObject({ first_name: 'Lost answer', notes: 'typed while the answer was lost' });
      const b = await member.device();
      expect((await b.db.member_activities.toArray()).filter((activity) => activity.contact_id === id && activity.activity_type === 'contact_added')).toHaveLength(1);
      expect(await a.engine.checkConvergence()).toMatchObject({ outcome: 'in-step' });
    });

    it('[G3] offline edits on two devices merge field by field: both fields survive, the same field goes to the later edit', async () => {
      const member = await backend.newMember();
      const [a, b] = [await member.device(), await member.device()];
      const id = await addContact(a);
      await expect.poll(async () => (await contactOn(b, id)) !== undefined, poll).toBe(true);
      await a.goOffline();
      await b.goOffline();
      await a.store.updateContact(id, { phone: '+1 555 010 0001', notes: 'A, earlier' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await b.store.updateContact(id, { email: 'b@example.com', notes: 'B, later' });
      b.goOnline();
      a.goOnline();
      const merged = { phone: '+1 555 010 0001', email: 'b@example.com', notes: 'B, later' };
      for (const device of [a, b]) await expect.poll(() => contactOn(device, id), poll).toMatchObject(merged);
      expect(await member.serverRow('contacts', id)).toMatchObject(merged);
      expect(await b.engine.checkConvergence()).toMatchObject({ outcome: 'in-step' });
    });

    it('[G5] deletes reach every device: a soft delete made while one was offline, and a hard delete from elsewhere', async () => {
      const member = await backend.newMember();
      const [a, b] = [await member.device(), await member.device()];
      const soft = await addContact(a, { first_name: 'Soft' });
      const hard = await addContact(a, { first_name: 'Hard' });
      await expect.poll(() => b.db.contacts.count(), poll).toBe(2);
      await b.goOffline();
      await a.store.deleteContact(soft);
      await expect.poll(() => countWaiting(a.db), poll).toBe(0);
      await member.hardDelete('contacts', hard);
      await expect.poll(() => contactOn(a, hard), poll).toBeUndefined();
      b.goOnline();
      await expect.poll(async () => (await contactOn(b, soft))?.deleted_at ?? null, poll).not.toBeNull();
      await expect.poll(() => contactOn(b, hard), poll).toBeUndefined();
    });

    it('[SV2] an insert retried after a hard delete does not bring the row back; the device drops it', async () => {
      const member = await backend.newMember();
      const a = await member.device();
      a.loseNextPushAnswer();
      const id = await addContact(a, { first_name: 'Deleted elsewhere' });
      await expect.poll(() => a.engine.getSnapshot().nextRetryAt, poll).not.toBeNull();
      await expect.poll(() => member.serverRow('contacts', id).then((row) => row?.['first_name']), poll).toBe('Deleted elsewhere');
      await a.goOffline(); // hears nothing of the delete
      await member.hardDelete('contacts', id);
      await a.store.updateContact(id, { notes: 'an edit that makes the retry a new mutation' });
      a.goOnline();
      a.engine.tryNow();
      await expect.poll(() => countWaiting(a.db), poll).toBe(0);
      await expect.poll(() => contactOn(a, id), poll).toBeUndefined();
      expect(await member.serverRow('contacts', id)).toBeUndefined();
    });

    it('[G7] changes made while a device’s realtime was down arrive with the catch-up when it resubscribes', async () => {
      const member = await backend.newMember();
      const [a, b] = [await member.device(), await member.device()];
      await b.setRealtimeDown(true);
      await expect.poll(() => b.engine.getSnapshot().realtime, poll).not.toBe('subscribed');
      const id = await addContact(a, { first_name: 'Missed' });
      await expect.poll(() => countWaiting(a.db), poll).toBe(0);
      await b.setRealtimeDown(false);
      await expect.poll(async () => (await contactOn(b, id))?.first_name, poll).toBe('Missed');
    });

    it('[G8] a change the server refuses goes to the review list with its reason; the rest of the queue syncs', async () => {
      const member = await backend.newMember();
      const a = await member.device();
      const id = await addContact(a, { first_name: 'Staged' });
      await expect.poll(() => countWaiting(a.db), poll).toBe(0);
      // A value an older or foreign client let through, as it would sit in the outbox.
      await a.db.transaction('rw', a.db.contacts, a.db.outbox, async () => {
        const stamp = a.hlc.next();
        await a.db.contacts.update(id, { stage: 'hot' as never });
        await a.db.outbox.add({ mutation_id: crypto.randomUUID(), table: 'contacts', row_id: id, op: 'update', changes: { stage: 'hot' }, stamp, created_at: Date.now() });
      });
      const fine = await addContact(a, { first_name: 'Fine' });
      await expect.poll(() => a.db.rejected.toArray(), poll).toMatchObject([{ table: 'contacts', row_id: id, reason: 'Choose a stage from the list' }]);
      await expect.poll(() => countWaiting(a.db), poll).toBe(0);
      expect(await member.serverRow('contacts', fine)).toMatchObject({ first_name: 'Fine' });
      expect(await member.serverRow('contacts', id)).toMatchObject({ stage: 'new' });
    });

    it('[CV1] the digests of device and server agree for every synced table after syncing', async () => {
      const member = await backend.newMember();
      const a = await member.device();
      await addContact(a, { first_name: 'Digest' });
      await expect.poll(() => countWaiting(a.db), poll).toBe(0);
      expect(await a.engine.checkConvergence()).toMatchObject({ outcome: 'in-step' });
    });
  });
}
