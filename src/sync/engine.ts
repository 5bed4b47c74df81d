/*
 * The sync engine core (SPEC.md): it wires the lanes, owns the status object and runs server work
 * one job at a time. The lanes live in their own modules:
 *
 *   push-queue.ts      the outbox, batch after batch, with its backoff (OB1-OB5)
 *   pull.ts            catch-up from the saved cursor, page after page; periodic and fallback polls (PL1-PL2)
 *   realtime-inbox.ts  realtime changes: held during a catch-up, then applied per window (AP1, G7)
 *   convergence.ts     the digest check and the repair of a table that differs (CV1)
 *
 * The engine's states. `realtime`, `network`, `auth` and `nextRetryAt` in the status show where it is.
 *
 *                  start()
 *   +---------+ -------------> +----------------------------+
 *   | stopped |                | starting / catching up     |  push and pull queued; realtime
 *   +---------+ <------------- | realtime: connecting       |  changes held in the inbox
 *        stop(), from any state +----------------------------+
 *                                   |  channel subscribed, and the catch-up pull read every page
 *                                   v  (the held changes are applied)
 *                              +----------------------------+
 *            +---------------> | live                       |  realtime applied per 40 ms window;
 *            | subscribed:     | realtime: subscribed       |  pull every 5 min, digest check hourly
 *            | catch up again  +----------------------------+
 *            |                      |  channel reconnecting or closed
 *            |                      v
 *            |                 +----------------------------+
 *            +---------------- | realtime down: polling     |  pull every 10 s until resubscribed
 *                              | realtime: reconnecting     |
 *                              +----------------------------+
 *
 * Alongside those, three conditions stop or delay server work (canTalk() is false in the first two):
 *
 *   online  --setNetwork('offline')-->  offline         writes queue in the outbox; nothing is sent
 *   offline --setNetwork('online')--->  online          push and pull at once (kickAll)
 *
 *   signed-in     --a lane is answered 'auth'-->  token-expired    waiting for a token; the queue stays
 *   token-expired --setAuth('signed-in')------->  signed-in        the app refreshed the token: kickAll
 *   token-expired --setAuth('signed-out')------>  signed-out       the refresh was refused: sign in again
 *
 *   lane idle    --transient failure (offline, timeout, 5xx, 4xx of the whole request)-->  lane backoff
 *   lane backoff --its timer (1 s, 2 s, 4 s … 60 s, jittered)-->  lane retried
 *   lane backoff --online, visible, "Try now"-->  retried at once, attempts forgotten
 *
 * Push and pull back off separately (nextRetryAt is the earlier of the two), so a push the server keeps
 * refusing never stops changes coming in. The clock (CK2): every push and pull answer carries the
 * server time, and the offset corrects the HLC.
 */
import type { HlcClock } from '../domain/hlc';
import type { ScopedLogger } from '../shared/logger';
import { createStore, type Subscribable } from '../shared/subscribable';
import type { LaneBackoff } from './backoff';
import { createSyncMetrics, measuredRemote, type MetricsSnapshot } from './metrics';
import { createConvergenceCheck, FIRST_DIGEST_DELAY_MS, type ConvergenceReport } from './convergence';
import type { EngineContext, Lane } from './engine-context';
import type { ChannelState, LocalPort, RemoteError, RemotePort, RemoteRow, TimePort } from './ports';
import { createPuller } from './pull';
import { createPushQueue } from './push-queue';
import { createRealtimeInbox } from './realtime-inbox';
import { INITIAL_SYNC_STATUS, type AuthState, type NetworkState, type SyncStatus } from './status';

export { DEFAULT_APPLY_WINDOW_MS } from './realtime-inbox';
export { FALLBACK_POLL_MS, PULL_INTERVAL_MS, PULL_PAGE_SIZE } from './pull';
export { DIGEST_INTERVAL_MS, type ConvergenceReport } from './convergence';

/** Every answer carries the server time; an offset within this of the stored one is not worth a write. */
export const OFFSET_STORE_THRESHOLD_MS = 1000;

export type SyncEngineOptions = {
  readonly remote: RemotePort;
  readonly local: LocalPort;
  readonly clock: Pick<HlcClock, 'receive' | 'setOffset'>;
  readonly time: TimePort;
  readonly random?: () => number;
  readonly log?: ScopedLogger;
  /** How long remote changes gather before one apply transaction (SPEC AP1). */
  readonly applyWindowMs?: number;
  readonly pullIntervalMs?: number;
  readonly digestIntervalMs?: number;
  readonly fallbackPollMs?: number;
  readonly pushBatchSize?: number;
  readonly network?: NetworkState;
  readonly auth?: AuthState;
};

export type SyncEngine = Subscribable<SyncStatus> & {
  readonly start: () => void;
  readonly stop: () => void;
  /** A local write was committed: push soon. */
  readonly localWrite: () => void;
  readonly setNetwork: (network: NetworkState) => void;
  /** The app became visible again: catch up and push at once. */
  readonly visible: () => void;
  /** "Try now": retry at once, forgetting the backoff. */
  readonly tryNow: () => void;
  readonly setAuth: (auth: AuthState) => void;
  readonly setStoragePersisted: (persisted: boolean | null) => void;
  /** Applies buffered remote changes now instead of at the end of the window (the seed's flush). */
  readonly flush: () => Promise<void>;
  readonly checkConvergence: () => Promise<ConvergenceReport>;
  readonly convergence: Subscribable<ConvergenceReport | null>;
  /** Remote changes that altered local rows, after they are applied (the seed's realtime hooks). */
  readonly onRemoteChange: (listener: (rows: readonly RemoteRow[]) => void) => () => void;
  /** Resolves when no push, pull or apply is running or queued (tests and benchmarks). */
  readonly idle: () => Promise<void>;
  /** Connection quality over the last hour and day (metrics.ts); optional only so that test doubles may leave it out. */
  readonly metrics?: Subscribable<MetricsSnapshot>;
};

/** The newest stamp in a set of rows, so the clock can move past everything it has seen (SPEC CK1). */
function newestStamp(rows: readonly RemoteRow[]): string | null {
  let newest: string | null = null;
  for (const { row } of rows) {
    const stamps = row['field_stamps'];
    if (stamps === null || typeof stamps !== 'object') continue;
    for (const stamp of Object.values(stamps as Record<string, unknown>)) if (typeof stamp === 'string' && (newest === null || stamp > newest)) newest = stamp;
  }
  return newest;
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine & { readonly metrics: Subscribable<MetricsSnapshot> } {
  const { remote, local, clock, time, log } = options;
  const status = createStore<SyncStatus>({ ...INITIAL_SYNC_STATUS, network: options.network ?? 'online', auth: options.auth ?? 'signed-in' });
  const patch = (next: Partial<SyncStatus>) => status.set((previous) => ({ ...previous, ...next }));
  const remoteListeners = new Set<(rows: readonly RemoteRow[]) => void>();
  const metrics = createSyncMetrics({ time });

  let running = false;
  let unsubscribe: (() => void) | null = null;
  /** The job chain: push, pull and the convergence check run one at a time, so the cursor and the outbox never race. */
  let chain: Promise<unknown> = Promise.resolve();
  const queued: Record<Lane, boolean> = { push: false, pull: false };

  const canTalk = () => running && status.getSnapshot().network === 'online' && status.getSnapshot().auth === 'signed-in';

  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = chain.then(job);
    chain = run.catch((error: unknown) => log?.error('sync job failed', { error: String(error) }));
    return run;
  };

  /** Queues one push or pull behind the running job; asking again while one is queued adds nothing. */
  const request = (lane: Lane) => {
    if (queued[lane]) return;
    queued[lane] = true;
    void serial(async () => {
      queued[lane] = false;
      await (lane === 'push' ? push.run() : puller.run());
    });
  };

  const refreshSummary = async () => {
    try {
      const summary = await local.summary();
      patch({ pendingCount: summary.count, oldestPendingAt: summary.oldestAt, rejectedCount: summary.rejected });
      metrics.oldestPending(summary.oldestAt);
    } catch (error) {
      log?.warn('could not count the waiting changes', { error: String(error) }); // the next write tries again
    }
  };

  /** The offset stored on the device (null: none yet, the clock's 0); undefined until read at start. */
  let storedOffset: number | null | undefined;
  const loadStoredOffset = () =>
    local.loadClockOffset().then(
      (stored) => {
        if (storedOffset === undefined) storedOffset = stored;
      },
      (error: unknown) => log?.warn('could not read the stored clock offset', { error: String(error) }),
    );

  /** Corrects the clock by the server time (CK2), and stores the offset when it moved by more than a second. */
  const learnOffset = (startedAt: number, serverTime: number) => {
    const midpoint = (startedAt + time.now()) / 2;
    const offset = Math.round(serverTime - midpoint);
    clock.setOffset(offset);
    if (storedOffset !== undefined && Math.abs(offset - (storedOffset ?? 0)) <= OFFSET_STORE_THRESHOLD_MS) return;
    storedOffset = offset;
    local.saveClockOffset(offset).catch((error: unknown) => log?.warn('could not store the clock offset', { error: String(error) }));
  };

  const received = (rows: readonly RemoteRow[], remoteChange = true) => {
    const newest = newestStamp(rows);
    if (newest !== null) clock.receive(newest);
    if (rows.length === 0 || !remoteChange) return;
    for (const listener of [...remoteListeners]) listener(rows);
  };

  /** nextRetryAt is the earlier retry of the two lanes. */
  const publishRetry = () => {
    const times = [push.backoff.retryAt(), puller.backoff.retryAt()].filter((at): at is number => at !== null);
    patch({ nextRetryAt: times.length > 0 ? Math.min(...times) : null });
  };

  /*
   * An auth failure waits for a fresh token (the queue stays). Every other failure retries with
   * backoff: offline, timeouts and 5xx obviously; a request-level 400/403/409 too, because it means
   * the request as a whole was refused (a server not yet migrated, a proxy), not one change: those are
   * rejected one by one in the answer. Retrying at most once a minute costs little and heals itself.
   */
  const failed = (lane: Lane, backoff: LaneBackoff, error: RemoteError) => {
    if (error.kind === 'auth') {
      log?.warn(`${lane} needs a fresh sign-in; changes stay queued`, { message: error.message });
      patch({ auth: 'token-expired' });
      return;
    }
    const { attempt, delay } = backoff.schedule();
    log?.warn(`${lane} failed (${error.kind}); retry in ${Math.round(delay / 1000)} s`, { message: error.message, attempt });
  };

  const succeeded = (backoff: LaneBackoff) => {
    backoff.reset();
    publishRetry();
    patch({ lastSyncedAt: time.now() });
  };

  const ctx: EngineContext = {
    remote: measuredRemote(remote, metrics, time, learnOffset),
    local,
    time,
    random: options.random ?? Math.random,
    log,
    metrics,
    status: status.getSnapshot,
    patch,
    running: () => running,
    canTalk,
    request,
    serial,
    received,
    refreshSummary,
    failed,
    succeeded,
  };
  const inbox = createRealtimeInbox(ctx, options.applyWindowMs === undefined ? {} : { windowMs: options.applyWindowMs });
  const push = createPushQueue(ctx, { onRetryAtChange: publishRetry, ...(options.pushBatchSize === undefined ? {} : { batchSize: options.pushBatchSize }) });
  const puller = createPuller(ctx, inbox, {
    onRetryAtChange: publishRetry,
    ...(options.pullIntervalMs === undefined ? {} : { intervalMs: options.pullIntervalMs }),
    ...(options.fallbackPollMs === undefined ? {} : { fallbackPollMs: options.fallbackPollMs }),
  });
  const convergence = createConvergenceCheck(ctx, { puller, inbox, ...(options.digestIntervalMs === undefined ? {} : { intervalMs: options.digestIntervalMs }) });

  /** The realtime channel's state: subscribed means live after a catch-up; anything else means polling. */
  const onChannelState = (state: ChannelState, detail?: string) => {
    if (!running) return;
    if (state === 'subscribed') {
      puller.realtimeUp();
      log?.info('realtime subscribed; catching up');
      patch({ realtime: 'subscribed' });
      inbox.beginCatchUp();
      request('pull');
      return;
    }
    log?.warn(`realtime ${state}`, detail === undefined ? undefined : { detail });
    if (status.getSnapshot().realtime === 'subscribed') metrics.count('reconnects');
    patch({ realtime: state === 'reconnecting' ? 'reconnecting' : 'connecting' });
    puller.pollWhileDown();
  };

  /** Online, visible, "Try now", a fresh token: both lanes at once, their backoff forgotten. */
  const kickAll = () => {
    push.backoff.reset();
    puller.backoff.reset();
    publishRetry();
    request('push');
    request('pull');
  };

  return {
    subscribe: status.subscribe,
    getSnapshot: status.getSnapshot,
    convergence: convergence.reports,
    metrics: { subscribe: metrics.subscribe, getSnapshot: metrics.getSnapshot },
    start() {
      if (running) return;
      running = true;
      inbox.beginCatchUp();
      void refreshSummary();
      void serial(loadStoredOffset); // first on the chain: every answer's learnOffset comes after it
      unsubscribe = remote.subscribe({ onChange: inbox.receive, onState: onChannelState, onHeartbeat: (ms) => metrics.latency('roundTrip', ms) });
      request('push');
      request('pull');
      puller.start();
      convergence.start(options.digestIntervalMs === undefined ? FIRST_DIGEST_DELAY_MS : options.digestIntervalMs);
    },
    stop() {
      running = false;
      unsubscribe?.();
      unsubscribe = null;
      push.backoff.reset();
      puller.stop();
      convergence.stop();
      void inbox.flush();
      patch({ realtime: 'disabled', nextRetryAt: null });
    },
    localWrite() {
      void refreshSummary();
      request('push');
    },
    setNetwork(network) {
      if (status.getSnapshot().network === network) return;
      patch({ network });
      log?.info(network === 'online' ? 'back online: pushing and catching up' : 'offline: changes queue on this device');
      if (network === 'online') kickAll();
    },
    visible: kickAll,
    tryNow: kickAll,
    setAuth(auth) {
      const before = status.getSnapshot().auth;
      patch({ auth });
      if (auth === 'signed-in' && before !== 'signed-in') kickAll();
    },
    setStoragePersisted(storagePersisted) {
      patch({ storagePersisted });
    },
    flush: inbox.flush,
    checkConvergence: convergence.check,
    onRemoteChange(listener) {
      remoteListeners.add(listener);
      return () => remoteListeners.delete(listener);
    },
    async idle() {
      for (let round = 0; round < 100; round += 1) {
        const before = chain;
        await chain;
        await inbox.flush();
        if (before === chain && !queued.push && !queued.pull && !inbox.hasWaiting()) return;
      }
    },
  };
}
