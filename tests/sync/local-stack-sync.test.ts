import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { signedInClient } from '../support/local-stack';
import { freePort } from '../support/preview-server';
import { connectSyncDevice, type SyncClientDevice } from '../support/sync-client';
import { addContact, contactOn } from '../support/sync-device';
import { countWaiting } from '../../src/db/outbox';

/*
 * The engine, the Dexie port and the supabase-js adapter together against the local stack: real
 * HTTP, real realtime websockets, real row-level security. Each device has its own client (its own
 * session) and its own IndexedDB (fake-indexeddb); "offline" cuts that client's fetch and socket.
 * The scenarios every remote must pass (push once, lost answers, offline merge, deletes, catch-up,
 * rejections) are in contract.test.ts; these are the ones only a real stack can show.
 */

const devices: SyncClientDevice[] = [];

async function closeDevices() {
  for (const device of devices.splice(0)) await device.dispose();
}

/** A started device, subscribed and caught up. */
async function connectDevice(stack: LocalStack, email: string, userId: string) {
  const device = await connectSyncDevice(stack, { email, userId }, { engine: { applyWindowMs: 20, fallbackPollMs: 1_000 } });
  devices.push(device);
  device.engine.start();
  await expect.poll(() => device.engine.getSnapshot().realtime, { timeout: 10_000 }).toBe('subscribed');
  await device.engine.idle();
  return device;
}

let stack: LocalStack;
const newMember = (target: LocalStack = stack) => signedInClient(target, 'sync');

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, seed: false });
});

afterEach(closeDevices);

afterAll(async () => {
  await stack.close();
});

describe('sync against the local stack (real supabase-js, fake-indexeddb)', () => {
  it('[G9] member B never receives member A\'s data', async () => {
    const memberA = await newMember();
    const memberB = await newMember();
    const a = await connectDevice(stack, memberA.email, memberA.userId);
    const b = await connectDevice(stack, memberB.email, memberB.userId);
    const mine = await addContact(b, { first_name: 'Mine' });
    await addContact(a, { first_name: 'Secret' });
    await expect.poll(() => countWaiting(a.db), { timeout: 10_000 }).toBe(0);
    b.engine.visible(); // a pull as well as realtime
    await expect.poll(() => countWaiting(b.db), { timeout: 10_000 }).toBe(0);
    await b.engine.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await b.db.contacts.toArray()).map((contact) => contact.id)).toEqual([mine]);
    expect(await b.db.member_activities.count()).toBe(1);
  });

});

describe('sync across a token that expires offline', () => {
  it('[G9] writes queue while the token is expired and push after it is refreshed', async () => {
    const shortLived = await startLocalStack({ port: 0, seed: false, accessTokenSeconds: 2 });
    try {
      const { email, userId } = await newMember(shortLived);
      const a = await connectDevice(shortLived, email, userId);
      await a.goOffline();
      const id = await addContact(a, { first_name: 'Queued' });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(await countWaiting(a.db)).toBe(2);
      a.goOnline();
      await expect.poll(() => countWaiting(a.db), { timeout: 15_000 }).toBe(0);
      const { data } = await a.client.from('contacts').select('first_name').eq('id', id).single();
      expect(data?.first_name).toBe('Queued');
    } finally {
      await closeDevices();
      await shortLived.close();
    }
  }, 40_000);
});

describe('sync across a server restart', () => {
  it('a write made while the server is down pushes after it returns, and realtime resumes', async () => {
    const port = await freePort();
    const dataDir = `/tmp/fieldbook-restart-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    let server = await startLocalStack({ port, dataDir, seed: false });
    try {
      const { email, userId } = await newMember(server);
      const a = await connectDevice(server, email, userId);
      const b = await connectDevice(server, email, userId);
      await server.close();
      const id = await addContact(a, { first_name: 'Survivor' });
      await expect.poll(() => a.engine.getSnapshot().nextRetryAt, { timeout: 10_000 }).not.toBeNull();
      server = await startLocalStack({ port, dataDir, seed: false });
      a.engine.tryNow();
      await expect.poll(() => countWaiting(a.db), { timeout: 20_000 }).toBe(0);
      await expect.poll(async () => (await contactOn(b, id))?.first_name, { timeout: 20_000 }).toBe('Survivor');
    } finally {
      await closeDevices();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
