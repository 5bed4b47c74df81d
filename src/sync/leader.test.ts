import { describe, expect, it } from 'vitest';
import { createStore } from '../shared/subscribable';
import type { ConvergenceReport, SyncEngine } from './engine';
import type { MetricsSnapshot } from './metrics';
import { createSyncCoordinator, type ChannelPort, type LockPort, type TabMessage } from './leader';
import { INITIAL_SYNC_STATUS, type SyncStatus } from './status';

const STATUS = INITIAL_SYNC_STATUS;

/** Web Locks as the browser gives them: one holder, the others queue in order. */
function fakeLocks() {
  let held = false;
  const queue: (() => Promise<void>)[] = [];
  const next = () => {
    const waiter = queue.shift();
    if (!waiter) return;
    held = true;
    void waiter().then(() => {
      held = false;
      next();
    });
  };
  const port: LockPort = {
    request: (_name, whileHeld) => {
      queue.push(whileHeld);
      if (!held) next();
    },
  };
  return port;
}

/** A BroadcastChannel bus: a message reaches every other open channel, not the sender. */
function fakeBus() {
  const channels = new Set<{ deliver: (message: TabMessage) => void }>();
  return (): ChannelPort<TabMessage> => {
    const listeners = new Set<(message: TabMessage) => void>();
    const self = { deliver: (message: TabMessage) => listeners.forEach((listener) => listener(structuredClone(message))) };
    channels.add(self);
    return {
      post: (message) => channels.forEach((channel) => channel !== self && channel.deliver(message)),
      onMessage: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close: () => channels.delete(self),
    };
  };
}

function fakeEngine(log: string[], name: string): SyncEngine {
  const status = createStore<SyncStatus>(STATUS);
  const remote = new Set<(rows: readonly { table: 'contacts'; row: Record<string, unknown> }[]) => void>();
  return {
    subscribe: status.subscribe,
    getSnapshot: status.getSnapshot,
    start: () => log.push(`${name} start`),
    stop: () => log.push(`${name} stop`),
    localWrite: () => log.push(`${name} local-write`),
    setNetwork: (network) => status.set((s) => ({ ...s, network })),
    visible: () => log.push(`${name} visible`),
    tryNow: () => {
      log.push(`${name} try-now`);
      status.set((s) => ({ ...s, pendingCount: s.pendingCount + 1 }));
      remote.forEach((listener) => listener([{ table: 'contacts', row: { id: 'x' } }]));
    },
    setAuth: () => undefined,
    setStoragePersisted: () => undefined,
    flush: () => Promise.resolve(),
    checkConvergence: () => Promise.resolve({} as ConvergenceReport),
    convergence: createStore<ConvergenceReport | null>(null),
    onRemoteChange: (listener) => {
      remote.add(listener);
      return () => remote.delete(listener);
    },
    idle: () => Promise.resolve(),
  };
}

describe('createSyncCoordinator', () => {
  it('[LD1][G10] one tab runs the engine; the other follows its status and sends it commands; takeover when the leader closes', async () => {
    const locks = fakeLocks();
    const bus = fakeBus();
    const log: string[] = [];
    const tab = (name: string) => createSyncCoordinator({ lock: locks, channel: bus(), lockName: 'sync', initialStatus: STATUS, createEngine: () => fakeEngine(log, name) });
    const first = tab('first');
    const second = tab('second');
    expect(first.leader.getSnapshot()).toBe(true);
    expect(second.leader.getSnapshot()).toBe(false);
    expect(log).toEqual(['first start']);

    const tablesSeen: string[] = [];
    second.onRemoteChange((tables) => tablesSeen.push(...tables));
    second.command('try-now');
    expect(log).toEqual(['first start', 'first try-now']);
    expect(second.getSnapshot().pendingCount).toBe(1);
    expect(tablesSeen).toEqual(['contacts']);

    first.stop();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(second.leader.getSnapshot()).toBe(true);
    expect(log).toEqual(['first start', 'first try-now', 'first stop', 'second start']);
    second.command('local-write');
    expect(log.at(-1)).toBe('second local-write');
    second.stop();
  });

  it("shows the engine's connection-quality figures only in the tab that runs it, and moves them on takeover", async () => {
    const locks = fakeLocks();
    const bus = fakeBus();
    const withMetrics = (name: string): SyncEngine => ({ ...fakeEngine([], name), metrics: createStore({ name } as unknown as MetricsSnapshot) });
    const tab = (name: string) => createSyncCoordinator({ lock: locks, channel: bus(), lockName: 'sync', initialStatus: STATUS, createEngine: () => withMetrics(name) });
    const first = tab('first');
    const second = tab('second');
    const seen: unknown[] = [];
    second.metrics.subscribe(() => seen.push(second.metrics.getSnapshot()));
    expect(first.metrics.getSnapshot()).toEqual({ name: 'first' });
    expect(second.metrics.getSnapshot()).toBeNull();
    first.stop();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(first.metrics.getSnapshot()).toBeNull();
    expect(second.metrics.getSnapshot()).toEqual({ name: 'second' });
    expect(seen).toEqual([{ name: 'second' }]);
    second.stop();
  });
});
