import type { HlcClock } from '../domain/hlc';
import type { SyncedTable } from '../domain/synced-table';
import { SYNCED_TABLES } from '../domain/synced-table';
import type { ScopedLogger } from '../shared/logger';
import { createStore, type Subscribable } from '../shared/subscribable';
import { backoffDelay } from './backoff';
import type { ChannelState, Digest, LocalPort, PullCursor, RemoteChange, RemoteError, RemotePort, RemoteRow, TimePort } from './ports';
import { pushBatch, PUSH_BATCH_SIZE } from './push-batch';
import { INITIAL_SYNC_STATUS, type AuthState, type NetworkState, type SyncStatus } from './status';

export const DEFAULT_APPLY_WINDOW_MS = 40;
export const PULL_PAGE_SIZE = 1000;
export const PULL_INTERVAL_MS = 5 * 60_000;
export const DIGEST_INTERVAL_MS = 60 * 60_000;
/** While realtime is down, changes from other devices still arrive by polling this often. */
export const FALLBACK_POLL_MS = 10_000;

export type ConvergenceReport = {
  readonly at: number;
  readonly outcome: 'in-step' | 'repaired' | 'still-different' | 'skipped' | 'failed';
  readonly detail: string;
  /** Tables whose digest differed before repair. */
  readonly tables: readonly SyncedTable[];
};

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
};

/** Realtime changes held during one catch-up beyond this are dropped; the pull after it brings them. */
const MAX_HELD = 5000;

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

/*
 * The sync engine (SPEC.md). Work that touches the server runs one job at a time (push, pull,
 * convergence check), so the pull cursor and the outbox never race with themselves; remote changes
 * from realtime apply on their own short window so they are not held behind a long push.
 *
 * - Push (OB1-OB5): pushBatch until the outbox is empty; a transient failure schedules a retry with
 *   backoff, an auth failure waits for a fresh token, rejections go to the rejected list.
 * - Pull (PL1-PL2): sync_pull pages until has_more is false, each page applied with its cursor in one
 *   transaction; on start, on every (re)subscribe, on online, on visible and on a slow timer.
 * - Realtime (G7): changes are buffered while a catch-up pull runs, then applied in one window.
 * - Clock (CK2): every push and pull answer carries the server time; the offset corrects the HLC.
 */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { remote, local, clock, time, log } = options;
  const random = options.random ?? Math.random;
  const windowMs = options.applyWindowMs ?? DEFAULT_APPLY_WINDOW_MS;
  const status = createStore<SyncStatus>({ ...INITIAL_SYNC_STATUS, network: options.network ?? 'online', auth: options.auth ?? 'signed-in' });
  const patch = (next: Partial<SyncStatus>) => status.set((previous) => ({ ...previous, ...next }));
  const convergence = createStore<ConvergenceReport | null>(null);
  const remoteListeners = new Set<(rows: readonly RemoteRow[]) => void>();

  let running = false;
  let unsubscribe: (() => void) | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  const queued = { push: false, pull: false };
  // Push and pull back off separately, so a push the server keeps refusing never stops changes coming in.
  type Lane = 'push' | 'pull';
  const retries: Record<Lane, { attempt: number; timer: unknown; at: number | null }> = {
    push: { attempt: 0, timer: null, at: null },
    pull: { attempt: 0, timer: null, at: null },
  };
  let heldOverflow = false;
  let pullTimer: unknown = null;
  let digestTimer: unknown = null;
  let fallbackTimer: unknown = null;
  let catchingUp = true;
  const held: RemoteRow[] = [];
  let windowRows: RemoteRow[] = [];
  let windowTimer: unknown = null;
  let flushQueued = false;
  let lastFlushAt = Number.NEGATIVE_INFINITY;
  let applying: Promise<void> = Promise.resolve();

  const canTalk = () => running && status.getSnapshot().network === 'online' && status.getSnapshot().auth === 'signed-in';

  /** Runs server work one job at a time; a job never throws out of the chain. */
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = chain.then(job);
    chain = run.catch((error: unknown) => log?.error('sync job failed', { error: String(error) }));
    return run;
  };

  const refreshSummary = async () => {
    try {
      const summary = await local.summary();
      patch({ pendingCount: summary.count, oldestPendingAt: summary.oldestAt, rejectedCount: summary.rejected });
    } catch (error) {
      log?.warn('could not count the waiting changes', { error: String(error) }); // the next write tries again
    }
  };

  const learnOffset = (startedAt: number, serverTime: number) => {
    const midpoint = (startedAt + time.now()) / 2;
    clock.setOffset(Math.round(serverTime - midpoint));
  };

  const publishRetry = () => {
    const times = [retries.push.at, retries.pull.at].filter((at): at is number => at !== null);
    patch({ nextRetryAt: times.length > 0 ? Math.min(...times) : null });
  };

  const resetRetry = (lane: Lane) => {
    const retry = retries[lane];
    if (retry.timer !== null) time.clearTimeout(retry.timer);
    retries[lane] = { attempt: 0, timer: null, at: null };
  };

  const succeeded = (lane: Lane) => {
    resetRetry(lane);
    publishRetry();
    patch({ lastSyncedAt: time.now() });
  };

  /*
   * An auth failure waits for a fresh token (the queue stays). Every other failure retries with
   * backoff: offline, timeouts and 5xx obviously; a request-level 400/403/409 too, because it means
   * the request as a whole was refused (a server not yet migrated, a proxy), not one change: those are
   * rejected one by one in the answer. Retrying at most once a minute costs little and heals itself.
   */
  const failed = (lane: Lane, error: RemoteError) => {
    if (error.kind === 'auth') {
      log?.warn(`${lane} needs a fresh sign-in; changes stay queued`, { message: error.message });
      patch({ auth: 'token-expired' });
      return;
    }
    const retry = retries[lane];
    const attempt = retry.attempt + 1;
    const delay = backoffDelay(attempt, random);
    log?.warn(`${lane} failed (${error.kind}); retry in ${Math.round(delay / 1000)} s`, { message: error.message, attempt });
    if (retry.timer !== null) time.clearTimeout(retry.timer);
    const timer = time.setTimeout(() => {
      retries[lane] = { attempt, timer: null, at: null };
      publishRetry();
      request(lane);
    }, delay);
    retries[lane] = { attempt, timer, at: time.now() + delay };
    publishRetry();
  };

  const waiting = (lane: Lane) => retries[lane].timer !== null;

  const pushAll = async () => {
    if (!canTalk() || waiting('push')) return;
    patch({ pushing: true });
    try {
      for (;;) {
        const startedAt = time.now();
        const result = await pushBatch(local, remote, options.pushBatchSize ?? PUSH_BATCH_SIZE);
        if (result.kind === 'idle') break;
        if (result.kind === 'failed') {
          failed('push', result.error);
          break;
        }
        learnOffset(startedAt, result.serverTime);
        received(result.rows, false);
        log?.info(`pushed ${result.acknowledged} change(s)${result.rejected > 0 ? `, ${result.rejected} rejected` : ''}`, { ms: time.now() - startedAt });
        succeeded('push');
        await refreshSummary();
        if (!canTalk()) break;
      }
    } finally {
      patch({ pushing: false });
      await refreshSummary();
    }
  };

  /**
   * Pulls every page after the cursor; returns false when a page failed. The next page is fetched
   * while the current one is applied, so the server and IndexedDB work at the same time.
   */
  const pullFrom = async (start: PullCursor, onPage: (rows: readonly RemoteRow[], cursor: PullCursor) => Promise<void>): Promise<boolean> => {
    const fetchPage = (cursor: PullCursor) => {
      const startedAt = time.now();
      return remote.pull(cursor, PULL_PAGE_SIZE).then((page) => ({ page, startedAt }));
    };
    let next = fetchPage(start);
    for (;;) {
      const { page, startedAt } = await next;
      if (!page.ok) {
        failed('pull', page.error);
        return false;
      }
      learnOffset(startedAt, page.value.server_time);
      if (page.value.has_more && running) next = fetchPage(page.value.next_cursor);
      await onPage(page.value.rows, page.value.next_cursor);
      if (!page.value.has_more) return true;
      if (!running) return false;
    }
  };

  const pullAll = async () => {
    if (!canTalk() || waiting('pull')) return;
    const startedAt = time.now();
    let pulled = 0;
    let changed = 0;
    const done = await pullFrom(await local.loadCursor(), async (rows, cursor) => {
      pulled += rows.length;
      const applied = await local.applyRemote(rows, cursor);
      changed += applied.length;
      received(applied);
    });
    if (!done) return;
    log?.info(`pulled ${pulled} row(s), ${changed} changed here`, { ms: time.now() - startedAt });
    succeeded('pull');
    if (heldOverflow) {
      // Too much arrived during the catch-up to hold: what was dropped comes with one more pull.
      heldOverflow = false;
      held.length = 0;
      request('pull');
      return;
    }
    if (catchingUp) {
      catchingUp = false;
      if (held.length > 0) {
        log?.debug(`applying ${held.length} realtime change(s) held during catch-up`);
        windowRows.push(...held.splice(0));
        await flush();
      }
    }
  };

  const received = (rows: readonly RemoteRow[], remoteChange = true) => {
    const newest = newestStamp(rows);
    if (newest !== null) clock.receive(newest);
    if (rows.length === 0 || !remoteChange) return;
    for (const listener of [...remoteListeners]) listener(rows);
  };

  /** Queues one push or pull behind the running job; asking again while one is queued adds nothing. */
  function request(lane: Lane) {
    if (queued[lane]) return;
    queued[lane] = true;
    void serial(async () => {
      queued[lane] = false;
      await (lane === 'push' ? pushAll() : pullAll());
    });
  }

  const flush = (): Promise<void> => {
    if (windowTimer !== null) time.clearTimeout(windowTimer);
    windowTimer = null;
    lastFlushAt = time.now();
    const rows = windowRows;
    windowRows = [];
    if (rows.length === 0) return applying;
    applying = applying.then(async () => {
      const startedAt = time.now();
      try {
        const changed = await local.applyRemote(rows);
        log?.debug(`applied ${rows.length} realtime change(s), ${changed.length} changed here`, { ms: time.now() - startedAt });
        received(changed);
      } catch (error) {
        // The rows are not lost: the next pull brings them again.
        log?.error('applying realtime changes failed; the next pull repairs it', { error: String(error) });
        request('pull');
      }
    });
    return applying;
  };

  const onChange = (change: RemoteChange) => {
    if (change.kind === 'delete') {
      log?.debug(`realtime: rows deleted from ${change.table}; pulling their tombstones`);
      request('pull');
      return;
    }
    const row: RemoteRow = { table: change.table, row: change.row };
    if (catchingUp) {
      if (held.length < MAX_HELD) held.push(row);
      else heldOverflow = true;
      return;
    }
    windowRows.push(row);
    scheduleFlush();
  };

  /*
   * SPEC AP1: a change after a quiet spell applies at once (with whatever arrived in the same tick);
   * changes that follow within the window gather and apply together when it ends, so a burst costs
   * one transaction and one re-render instead of one per row.
   */
  function scheduleFlush() {
    if (flushQueued || windowTimer !== null) return;
    const wait = windowMs - (time.now() - lastFlushAt);
    if (wait <= 0) {
      flushQueued = true;
      void Promise.resolve().then(() => {
        flushQueued = false;
        return flush();
      });
    } else windowTimer = time.setTimeout(() => void flush(), wait);
  }

  /** Realtime is a hint (G7): while it is down, poll so other devices' changes still arrive. */
  const pollWhileDown = () => {
    if (fallbackTimer !== null || !running) return;
    fallbackTimer = time.setTimeout(() => {
      fallbackTimer = null;
      if (status.getSnapshot().realtime === 'subscribed' || !running) return;
      request('pull');
      pollWhileDown();
    }, options.fallbackPollMs ?? FALLBACK_POLL_MS);
  };

  const onState = (state: ChannelState, detail?: string) => {
    if (!running) return;
    if (state === 'subscribed') {
      if (fallbackTimer !== null) time.clearTimeout(fallbackTimer);
      fallbackTimer = null;
      log?.info('realtime subscribed; catching up');
      patch({ realtime: 'subscribed' });
      catchingUp = true;
      request('pull');
      return;
    }
    log?.warn(`realtime ${state}`, detail === undefined ? undefined : { detail });
    patch({ realtime: state === 'reconnecting' ? 'reconnecting' : 'connecting' });
    pollWhileDown();
  };

  const kickAll = () => {
    resetRetry('push');
    resetRetry('pull');
    publishRetry();
    request('push');
    request('pull');
  };

  const schedulePeriodic = () => {
    pullTimer = time.setTimeout(() => {
      request('pull');
      schedulePeriodic();
    }, options.pullIntervalMs ?? PULL_INTERVAL_MS);
  };

  const scheduleDigest = (delay: number) => {
    digestTimer = time.setTimeout(() => {
      void checkConvergence();
      scheduleDigest(options.digestIntervalMs ?? DIGEST_INTERVAL_MS);
    }, delay);
  };

  const differing = (server: Digest, here: Digest): SyncedTable[] =>
    SYNCED_TABLES.filter((table) => server[table]?.hash !== here[table]?.hash || server[table]?.count !== here[table]?.count);

  const checkConvergence = (): Promise<ConvergenceReport> =>
    serial(async () => {
      const report = (outcome: ConvergenceReport['outcome'], detail: string, tables: readonly SyncedTable[] = []) => {
        const value: ConvergenceReport = { at: time.now(), outcome, detail, tables };
        convergence.set(value);
        log?.[outcome === 'in-step' || outcome === 'repaired' || outcome === 'skipped' ? 'info' : 'warn'](`digest: ${detail}`);
        return value;
      };
      if (!canTalk()) return report('skipped', 'not connected');
      await flush();
      const summary = await local.summary();
      if (summary.count > 0) return report('skipped', `${summary.count} change(s) still waiting to push`);
      const compare = async (): Promise<SyncedTable[] | null> => {
        const server = await remote.digest();
        if (!server.ok) return null;
        return differing(server.value, await local.digest());
      };
      let tables = await compare();
      if (tables === null) return report('failed', 'the server digest could not be read');
      if (tables.length === 0) return report('in-step', 'every table matches the server');
      // A change may have landed between the two digests: catch up once before calling it a difference.
      await pullAll();
      await flush();
      const first = await compare();
      if (first === null) return report('failed', 'the server digest could not be read');
      if (first.length === 0) return report('in-step', 'every table matches the server after a catch-up pull');
      tables = first;
      log?.warn(`digest differs for ${tables.join(', ')}; re-pulling`);
      const rowsByTable = new Map<SyncedTable, RemoteRow[]>(tables.map((table) => [table, []]));
      const done = await pullFrom(null, (rows) => {
        for (const row of rows) rowsByTable.get(row.table)?.push(row);
        return Promise.resolve();
      });
      if (!done) return report('failed', 'the repair pull failed', tables);
      for (const [table, rows] of rowsByTable) {
        // On the apply chain, so a realtime change is never applied and then replaced by this older snapshot.
        const repair = applying.then(() => local.replaceTable(table, rows));
        applying = repair.catch(() => undefined);
        await repair;
      }
      // Anything that changed on the server while the snapshot was read.
      await pullAll();
      await flush();
      const after = await compare();
      if (after === null) return report('failed', 'the server digest could not be read', tables);
      return after.length === 0 ? report('repaired', `re-pulled ${tables.join(', ')}; now in step`, tables) : report('still-different', `${after.join(', ')} still differ`, tables);
    });

  return {
    subscribe: status.subscribe,
    getSnapshot: status.getSnapshot,
    convergence,
    start() {
      if (running) return;
      running = true;
      catchingUp = true;
      void refreshSummary();
      unsubscribe = remote.subscribe({ onChange, onState });
      request('push');
      request('pull');
      schedulePeriodic();
      scheduleDigest(options.digestIntervalMs === undefined ? 30_000 : options.digestIntervalMs);
    },
    stop() {
      running = false;
      unsubscribe?.();
      unsubscribe = null;
      resetRetry('push');
      resetRetry('pull');
      for (const timer of [pullTimer, digestTimer, windowTimer, fallbackTimer]) if (timer !== null) time.clearTimeout(timer);
      pullTimer = digestTimer = fallbackTimer = null;
      void flush();
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
    flush,
    checkConvergence,
    onRemoteChange(listener) {
      remoteListeners.add(listener);
      return () => remoteListeners.delete(listener);
    },
    async idle() {
      for (let round = 0; round < 100; round += 1) {
        const before = chain;
        await chain;
        await flush();
        if (before === chain && !queued.push && !queued.pull && windowRows.length === 0) return;
      }
    },
  };
}
