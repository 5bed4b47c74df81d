import type { SyncedTable } from '../domain/synced-table';
import { createStore, type Subscribable } from '../shared/subscribable';
import type { ConvergenceReport, SyncEngine } from './engine';
import type { ChannelPort, LockPort } from './ports';
import type { SyncStatus } from './status';

export type { ChannelPort, LockPort };

/*
 * One leader per device (SPEC LD1, SYNC.md guarantee 10). Every tab asks for the same Web Lock; the
 * tab holding it runs the engine and broadcasts its status, convergence reports and the tables that
 * remote changes touched. The other tabs follow: their live queries see the leader's writes through
 * IndexedDB, and their commands (a local write, "Try now") travel to the leader over the channel.
 * When the leader tab closes, the browser releases its lock and the next tab in line takes over.
 */

export type Command = 'local-write' | 'try-now' | 'visible' | 'online' | 'offline' | 'check';

export type TabMessage =
  | { readonly type: 'hello' }
  | { readonly type: 'status'; readonly status: SyncStatus }
  | { readonly type: 'convergence'; readonly report: ConvergenceReport }
  | { readonly type: 'remote'; readonly tables: readonly SyncedTable[] }
  | { readonly type: 'command'; readonly command: Command };

export type SyncCoordinator = Subscribable<SyncStatus> & {
  readonly leader: Subscribable<boolean>;
  readonly convergence: Subscribable<ConvergenceReport | null>;
  readonly command: (command: Command) => void;
  /** Tables changed by remote data, in whichever tab applied them. */
  readonly onRemoteChange: (listener: (tables: readonly SyncedTable[]) => void) => () => void;
  readonly stop: () => void;
};

export function createSyncCoordinator(options: {
  readonly lock: LockPort;
  readonly channel: ChannelPort<TabMessage>;
  readonly lockName: string;
  readonly initialStatus: SyncStatus;
  readonly createEngine: () => SyncEngine;
}): SyncCoordinator {
  const { channel } = options;
  const status = createStore<SyncStatus>(options.initialStatus);
  const leader = createStore(false);
  const convergence = createStore<ConvergenceReport | null>(null);
  const listeners = new Set<(tables: readonly SyncedTable[]) => void>();
  let engine: SyncEngine | null = null;
  let release: (() => void) | null = null;
  let stopped = false;
  const cleanups: (() => void)[] = [];

  const remoteChanged = (tables: readonly SyncedTable[]) => {
    for (const listener of [...listeners]) listener(tables);
  };

  const run = (command: Command) => {
    if (!engine) return;
    if (command === 'local-write') engine.localWrite();
    else if (command === 'try-now') engine.tryNow();
    else if (command === 'visible') engine.visible();
    else if (command === 'online' || command === 'offline') engine.setNetwork(command);
    else void engine.checkConvergence();
  };

  cleanups.push(
    channel.onMessage((message) => {
      if (message.type === 'hello' && engine) channel.post({ type: 'status', status: engine.getSnapshot() });
      else if (message.type === 'status' && !engine) status.set(message.status);
      else if (message.type === 'convergence' && !engine) convergence.set(message.report);
      else if (message.type === 'remote' && !engine) remoteChanged(message.tables);
      else if (message.type === 'command') run(message.command);
    }),
  );

  options.lock.request(options.lockName, () => {
    if (stopped) return Promise.resolve();
    const current = options.createEngine();
    engine = current;
    leader.set(true);
    const mirror = () => {
      status.set(current.getSnapshot());
      channel.post({ type: 'status', status: current.getSnapshot() });
    };
    cleanups.push(
      current.subscribe(mirror),
      current.convergence.subscribe(() => {
        const report = current.convergence.getSnapshot();
        convergence.set(report);
        if (report) channel.post({ type: 'convergence', report });
      }),
      current.onRemoteChange((rows) => {
        const tables = [...new Set(rows.map((row) => row.table))];
        remoteChanged(tables);
        channel.post({ type: 'remote', tables });
      }),
    );
    current.start();
    mirror();
    return new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  channel.post({ type: 'hello' });

  return {
    subscribe: status.subscribe,
    getSnapshot: status.getSnapshot,
    leader,
    convergence,
    command(command) {
      if (engine) run(command);
      else channel.post({ type: 'command', command });
    },
    onRemoteChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
      engine?.stop();
      engine = null;
      for (const cleanup of cleanups.splice(0)) cleanup();
      release?.();
      channel.close();
    },
  };
}
