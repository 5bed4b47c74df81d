import { SYNCED_TABLES, type SyncedTable } from '../domain/synced-table';
import type { ScopedLogger } from '../shared/logger';
import { createStore, type Subscribable } from '../shared/subscribable';
import type { ConvergenceReport, SyncEngine } from './engine';
import { createMetricsRelay, type MetricsSnapshot } from './metrics';
import type { ChannelPort, LockPort } from './ports';
import { AUTH_STATES, NETWORK_STATES, REALTIME_STATES, type SyncStatus } from './status';

export type { ChannelPort, LockPort };

/*
 * One leader per device (SPEC LD1). Every tab asks for the same Web Lock; the tab holding it runs the
 * engine and broadcasts its status, convergence reports and the tables that remote changes touched.
 * The other tabs follow: their live queries see the leader's writes through IndexedDB, and their
 * commands (a local write, "Try now") travel to the leader over the channel. When the leader tab
 * closes, the browser releases its lock and the next tab in line takes over.
 *
 * Messages are a closed union handled by an exhaustive switch: a new kind that no branch handles
 * fails the typecheck. What arrives on the channel is untrusted (another build of the app in an old
 * tab, a bug): anything that is not a well-formed message is logged and ignored.
 */

export const COMMANDS = ['local-write', 'try-now', 'visible', 'online', 'offline', 'check'] as const;
export type Command = (typeof COMMANDS)[number];

export type TabMessage =
  | { readonly type: 'hello' }
  | { readonly type: 'status'; readonly status: SyncStatus }
  | { readonly type: 'convergence'; readonly report: ConvergenceReport }
  | { readonly type: 'remote'; readonly tables: readonly SyncedTable[] }
  | { readonly type: 'command'; readonly command: Command };

export type SyncCoordinator = Subscribable<SyncStatus> & {
  /** The engine's connection-quality figures while this tab runs it; null in a tab that follows. */
  readonly metrics: Subscribable<MetricsSnapshot | null>;
  readonly leader: Subscribable<boolean>;
  readonly convergence: Subscribable<ConvergenceReport | null>;
  readonly command: (command: Command) => void;
  /** Tables changed by remote data, in whichever tab applied them. */
  readonly onRemoteChange: (listener: (tables: readonly SyncedTable[]) => void) => () => void;
  readonly stop: () => void;
};

type Fields = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const oneOf = <T extends string>(values: readonly T[], value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);
const isNumberOrNull = (value: unknown) => value === null || typeof value === 'number';

const isSyncStatus = (value: unknown): value is SyncStatus =>
  isObject(value) &&
  oneOf(NETWORK_STATES, value['network']) &&
  oneOf(REALTIME_STATES, value['realtime']) &&
  oneOf(AUTH_STATES, value['auth']) &&
  typeof value['pendingCount'] === 'number' &&
  isNumberOrNull(value['oldestPendingAt']) &&
  typeof value['rejectedCount'] === 'number' &&
  typeof value['pushing'] === 'boolean' &&
  isNumberOrNull(value['lastSyncedAt']) &&
  isNumberOrNull(value['nextRetryAt']) &&
  (value['storagePersisted'] === null || typeof value['storagePersisted'] === 'boolean');

const OUTCOMES: readonly ConvergenceReport['outcome'][] = ['in-step', 'repaired', 'still-different', 'skipped', 'failed'];
const isTables = (value: unknown): value is readonly SyncedTable[] => Array.isArray(value) && value.every((table) => oneOf(SYNCED_TABLES, table));
const isConvergenceReport = (value: unknown): value is ConvergenceReport =>
  isObject(value) && typeof value['at'] === 'number' && oneOf(OUTCOMES, value['outcome']) && typeof value['detail'] === 'string' && isTables(value['tables']);

/** The message, if `data` is a well-formed one; null otherwise. */
export function parseTabMessage(data: unknown): TabMessage | null {
  if (!isObject(data)) return null;
  switch (data['type']) {
    case 'hello':
      return { type: 'hello' };
    case 'status':
      return isSyncStatus(data['status']) ? { type: 'status', status: data['status'] } : null;
    case 'convergence':
      return isConvergenceReport(data['report']) ? { type: 'convergence', report: data['report'] } : null;
    case 'remote':
      return isTables(data['tables']) ? { type: 'remote', tables: data['tables'] } : null;
    case 'command':
      return oneOf(COMMANDS, data['command']) ? { type: 'command', command: data['command'] } : null;
    default:
      return null;
  }
}

const describe = (data: unknown) => (isObject(data) && typeof data['type'] === 'string' ? `"${data['type']}"` : typeof data);

export function createSyncCoordinator(options: {
  readonly lock: LockPort;
  readonly channel: ChannelPort<TabMessage>;
  readonly lockName: string;
  readonly initialStatus: SyncStatus;
  readonly createEngine: () => SyncEngine;
  readonly log?: ScopedLogger;
}): SyncCoordinator {
  const { channel } = options;
  const status = createStore<SyncStatus>(options.initialStatus);
  const leader = createStore(false);
  const metrics = createMetricsRelay();
  const convergence = createStore<ConvergenceReport | null>(null);
  const listeners = new Set<(tables: readonly SyncedTable[]) => void>();
  let engine: SyncEngine | null = null;
  let release: (() => void) | null = null;
  let stopped = false;
  const cleanups: (() => void)[] = [];

  const remoteChanged = (tables: readonly SyncedTable[]) => {
    for (const listener of [...listeners]) listener(tables);
  };

  /** A command runs in the leader's engine; a tab that does not lead has none to run it in. */
  const run = (command: Command) => {
    if (!engine) return;
    switch (command) {
      case 'local-write':
        engine.localWrite();
        return;
      case 'try-now':
        engine.tryNow();
        return;
      case 'visible':
        engine.visible();
        return;
      case 'online':
      case 'offline':
        engine.setNetwork(command);
        return;
      case 'check':
        void engine.checkConvergence();
        return;
      default: {
        const unhandled: never = command;
        options.log?.warn(`tab command ${String(unhandled)} ignored`);
      }
    }
  };

  /** The leader answers hellos and runs commands; the others follow its status and reports. */
  const handle = (message: TabMessage) => {
    switch (message.type) {
      case 'hello':
        if (engine) channel.post({ type: 'status', status: engine.getSnapshot() });
        return;
      case 'status':
        if (!engine) status.set(message.status);
        return;
      case 'convergence':
        if (!engine) convergence.set(message.report);
        return;
      case 'remote':
        if (!engine) remoteChanged(message.tables);
        return;
      case 'command':
        run(message.command);
        return;
      default: {
        const unhandled: never = message;
        options.log?.warn(`tab message ${describe(unhandled)} ignored`);
      }
    }
  };

  cleanups.push(
    channel.onMessage((data) => {
      const message = parseTabMessage(data);
      if (message === null) options.log?.warn(`malformed tab message ${describe(data)} ignored`);
      else handle(message);
    }),
  );

  options.lock.request(options.lockName, () => {
    if (stopped) return Promise.resolve();
    const current = options.createEngine();
    engine = current;
    leader.set(true);
    metrics.attach(current.metrics ?? null);
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
    metrics: metrics.view,
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
      metrics.attach(null);
      for (const cleanup of cleanups.splice(0)) cleanup();
      release?.();
      channel.close();
    },
  };
}
