import { describe, expect, it } from 'vitest';
import type { ScopedLogger } from '../shared/logger';
import { createStore } from '../shared/subscribable';
import type { ConvergenceReport, SyncEngine } from './engine';
import { createSyncCoordinator, type ChannelPort, type LockPort, type TabMessage } from './leader';
import { INITIAL_SYNC_STATUS, type SyncStatus } from './status';

/** A channel whose incoming messages the test writes by hand, as raw structured-clone data. */
function rawChannel() {
  const listeners = new Set<(message: unknown) => void>();
  const posted: TabMessage[] = [];
  const port: ChannelPort<TabMessage> = {
    post: (message) => void posted.push(message),
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => listeners.clear(),
  };
  return { port, posted, deliver: (data: unknown) => listeners.forEach((listener) => listener(data)) };
}

const neverLeads: LockPort = { request: () => undefined };
const leadsAtOnce: LockPort = { request: (_name, whileHeld) => void whileHeld() };

function recordingLog() {
  const warnings: string[] = [];
  const log: ScopedLogger = { debug: () => undefined, info: () => undefined, warn: (message) => void warnings.push(message), error: (message) => void warnings.push(message) };
  return { log, warnings };
}

function engineRecording(calls: string[]): SyncEngine {
  const status = createStore<SyncStatus>(INITIAL_SYNC_STATUS);
  return {
    subscribe: status.subscribe,
    getSnapshot: status.getSnapshot,
    start: () => undefined,
    stop: () => undefined,
    localWrite: () => void calls.push('local-write'),
    setNetwork: (network) => void calls.push(network),
    visible: () => void calls.push('visible'),
    tryNow: () => void calls.push('try-now'),
    setAuth: () => undefined,
    setStoragePersisted: () => undefined,
    flush: () => Promise.resolve(),
    checkConvergence: () => {
      calls.push('check');
      return Promise.resolve({} as ConvergenceReport);
    },
    convergence: createStore<ConvergenceReport | null>(null),
    onRemoteChange: () => () => undefined,
    idle: () => Promise.resolve(),
  };
}

const MALFORMED: readonly unknown[] = [
  null,
  'status',
  42,
  {},
  { type: 'shout' },
  { type: 'status' },
  { type: 'status', status: 'online' },
  { type: 'convergence', report: null },
  { type: 'remote', tables: 'contacts' },
  { type: 'remote', tables: ['contacts', 'users'] },
  { type: 'command' },
  { type: 'command', command: 'explode' },
];

describe('messages between tabs (SPEC LD1)', () => {
  it('a follower logs and ignores unknown or malformed messages, and still follows well-formed ones', () => {
    const channel = rawChannel();
    const { log, warnings } = recordingLog();
    const follower = createSyncCoordinator({ lock: neverLeads, channel: channel.port, lockName: 'sync', initialStatus: INITIAL_SYNC_STATUS, createEngine: () => engineRecording([]), log });
    const tables: string[] = [];
    follower.onRemoteChange((changed) => tables.push(...changed));
    for (const message of MALFORMED) expect(() => channel.deliver(message)).not.toThrow();
    expect(follower.getSnapshot()).toEqual(INITIAL_SYNC_STATUS);
    expect(follower.convergence.getSnapshot()).toBeNull();
    expect(tables).toEqual([]);
    expect(warnings).toHaveLength(MALFORMED.length);
    expect(warnings.every((warning) => /ignored/.test(warning))).toBe(true);

    channel.deliver({ type: 'status', status: { ...INITIAL_SYNC_STATUS, pendingCount: 3 } });
    channel.deliver({ type: 'remote', tables: ['contacts'] });
    expect(follower.getSnapshot().pendingCount).toBe(3);
    expect(tables).toEqual(['contacts']);
    expect(warnings).toHaveLength(MALFORMED.length);
    follower.stop();
  });

  it('the leader runs no command for a malformed message, and every known command for a good one', () => {
    const channel = rawChannel();
    const { log, warnings } = recordingLog();
    const calls: string[] = [];
    const leader = createSyncCoordinator({ lock: leadsAtOnce, channel: channel.port, lockName: 'sync', initialStatus: INITIAL_SYNC_STATUS, createEngine: () => engineRecording(calls), log });
    channel.deliver({ type: 'command', command: 'explode' });
    channel.deliver({ type: 'command', command: { name: 'check' } });
    expect(calls).toEqual([]);
    expect(warnings).toHaveLength(2);
    for (const command of ['local-write', 'try-now', 'visible', 'online', 'offline', 'check']) channel.deliver({ type: 'command', command });
    expect(calls).toEqual(['local-write', 'try-now', 'visible', 'online', 'offline', 'check']);
    channel.deliver({ type: 'hello' });
    expect(channel.posted.at(-1)).toMatchObject({ type: 'status' });
    leader.stop();
  });
});
