import { expect } from 'vitest';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { createSupabaseRemote } from '../../src/adapters/supabase/supabase-remote';
import type { Database } from '../../src/adapters/supabase/database.types';
import type { SyncEngineOptions } from '../../src/sync/engine';
import type { StackAddress } from './local-stack';
import { createTestDevice, realTime } from './sync-device';
import { countWaiting } from '../../src/db/outbox';

/** What the test does to one device's network: cut it, or lose the answer of the next push. */
export type Link = { offline: boolean; dropNextPushAnswer: boolean; pushes: number };

/**
 * A device of a member against the local stack: its own supabase-js client (its own session, the ws
 * transport, a fetch the test can cut), the real supabase-js adapter, and its own IndexedDB
 * (fake-indexeddb). Not started: the caller decides when.
 */
export async function connectSyncDevice(
  stack: StackAddress,
  who: { readonly email: string; readonly userId: string },
  options: {
    engine?: Partial<SyncEngineOptions>;
    /** Answers a request in place of the stack when it returns a response (a benchmark's pages served from memory). */
    answer?: (url: string) => Response | undefined;
  } = {},
) {
  const link: Link = { offline: false, dropNextPushAnswer: false, pushes: 0 };
  const client = createClient<Database>(stack.url, stack.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket, reconnectAfterMs: () => 200 },
    global: {
      fetch: async (input, init) => {
        if (link.offline) throw new TypeError('fetch failed');
        const url = String(input instanceof Request ? input.url : input);
        const response = options.answer?.(url) ?? (await fetch(input, init));
        if (url.includes('/rpc/sync_push')) {
          link.pushes += 1;
          if (link.dropNextPushAnswer) {
            link.dropNextPushAnswer = false;
            throw new TypeError('fetch failed'); // the server applied it; the answer never arrived
          }
        }
        return response;
      },
    },
  });
  const { error } = await client.auth.signInWithPassword({ email: who.email, password: 'correct-horse-battery' });
  if (error) throw new Error(error.message);
  const device = createTestDevice({
    memberId: who.userId,
    remote: createSupabaseRemote(client, who.userId),
    time: realTime,
    ...(options.engine ? { engine: options.engine } : {}),
  });
  return {
    ...device,
    client,
    link,
    async goOffline() {
      link.offline = true;
      device.engine.setNetwork('offline');
      await client.realtime.disconnect();
    },
    goOnline() {
      link.offline = false;
      client.realtime.connect();
      device.engine.setNetwork('online');
    },
    async dispose() {
      await client.removeAllChannels();
      await device.close();
    },
  };
}

export type SyncClientDevice = Awaited<ReturnType<typeof connectSyncDevice>>;

const SETTLE_POLL = { timeout: 15_000 };

/**
 * A started device of a member, with a short apply window and poll, once its realtime channel is
 * subscribed and its first sync is done; added to `devices` so the test's afterEach disposes it.
 */
export async function startedSyncDevice(stack: StackAddress, who: { readonly email: string; readonly userId: string }, devices: SyncClientDevice[]): Promise<SyncClientDevice> {
  const device = await connectSyncDevice(stack, who, { engine: { applyWindowMs: 20, fallbackPollMs: 1_000 } });
  devices.push(device);
  device.engine.start();
  await expect.poll(() => device.engine.getSnapshot().realtime, SETTLE_POLL).toBe('subscribed');
  await device.engine.idle();
  return device;
}

/** Every device has pushed everything and pulled what the others did (a catch-up pull as well as realtime). */
export async function settle(...all: SyncClientDevice[]): Promise<void> {
  for (const device of all) await expect.poll(() => countWaiting(device.db), SETTLE_POLL).toBe(0);
  for (const device of all) {
    device.engine.visible();
    await device.engine.idle();
  }
}
