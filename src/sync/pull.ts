import { createLaneBackoff, type LaneBackoff } from './backoff';
import type { EngineContext } from './engine-context';
import type { PullCursor, RemoteRow } from './ports';
import type { RealtimeInbox } from './realtime-inbox';

export const PULL_PAGE_SIZE = 1000;
/**
 * A pull's first page is this small and each next one twice the last, up to PULL_PAGE_SIZE (PL1): the
 * device waits for the first page only (each next one is fetched while the one before is applied),
 * and a small page comes back sooner. Once pages are full size, applying one takes longer than
 * fetching the next.
 */
export const FIRST_PULL_PAGE_SIZE = 250;
export const PULL_INTERVAL_MS = 5 * 60_000;
/** While realtime is down, changes from other devices still arrive by polling this often. */
export const FALLBACK_POLL_MS = 10_000;

export type Puller = {
  /** Catches up from the saved cursor: every page is applied with its cursor in one transaction. */
  readonly run: () => Promise<void>;
  /**
   * Pulls every page after `start`, handing each to `onPage`; false when a page failed (the lane
   * then backs off) or the engine stopped. The convergence repair uses it from a null cursor.
   */
  readonly pullFrom: (start: PullCursor, onPage: (rows: readonly RemoteRow[], cursor: PullCursor) => Promise<void>) => Promise<boolean>;
  readonly backoff: LaneBackoff;
  /** Starts the slow periodic pull. */
  readonly start: () => void;
  /** Realtime went down: poll every FALLBACK_POLL_MS until it is back (G7: realtime is only a hint). */
  readonly pollWhileDown: () => void;
  /** Realtime is back: stop polling. */
  readonly realtimeUp: () => void;
  readonly stop: () => void;
};

/*
 * The pull lane and catch-up (SPEC PL1, PL2). sync_pull pages after the saved commit-safe cursor
 * until has_more is false; the next page is fetched while the current one is applied, so the server
 * and IndexedDB work at the same time. A pull runs on start, on every realtime (re)subscribe, on
 * online and visible, every PULL_INTERVAL_MS, and every FALLBACK_POLL_MS while realtime is down. When
 * a pull has read every page, the realtime inbox applies what it held meanwhile.
 */
export function createPuller(
  ctx: EngineContext,
  inbox: RealtimeInbox,
  options: { readonly intervalMs?: number; readonly fallbackPollMs?: number; readonly onRetryAtChange: () => void },
): Puller {
  const { local, remote, time, log } = ctx;
  const backoff = createLaneBackoff({ time, random: ctx.random, retry: () => ctx.request('pull'), onChange: options.onRetryAtChange });
  let periodicTimer: unknown = null;
  let fallbackTimer: unknown = null;
  /** The first pull after start catches up on the time the app was closed: realtime could not have missed that. */
  let caughtUpSinceStart = false;

  const pullFrom: Puller['pullFrom'] = async (start, onPage) => {
    // The remote learns the server's clock from each answer on arrival (engine.ts, measuredRemote).
    let pageSize = FIRST_PULL_PAGE_SIZE;
    const fetchPage = (cursor: PullCursor) => {
      const page = remote.pull(cursor, pageSize);
      pageSize = Math.min(PULL_PAGE_SIZE, pageSize * 2);
      return page;
    };
    let next = fetchPage(start);
    for (;;) {
      const page = await next;
      if (!page.ok) {
        ctx.failed('pull', backoff, page.error);
        return false;
      }
      if (page.value.has_more && ctx.running()) next = fetchPage(page.value.next_cursor);
      await onPage(page.value.rows, page.value.next_cursor);
      if (!page.value.has_more) return true;
      if (!ctx.running()) return false;
    }
  };

  const run = async () => {
    if (!ctx.canTalk() || backoff.waiting()) return;
    const startedAt = time.now();
    let pulled = 0;
    let changed = 0;
    const thisRun = {};
    const done = await pullFrom(await local.loadCursor(), async (rows, cursor) => {
      pulled += rows.length;
      const applied = await local.applyRemote(rows, cursor, thisRun);
      changed += applied.length;
      if (caughtUpSinceStart) ctx.metrics.count('missed', inbox.undelivered(applied));
      ctx.received(applied);
    });
    if (!done) return;
    log?.info(`pulled ${pulled} row(s), ${changed} changed here`, { ms: time.now() - startedAt });
    caughtUpSinceStart = true;
    ctx.succeeded(backoff);
    await inbox.caughtUp();
  };

  const schedulePeriodic = () => {
    periodicTimer = time.setTimeout(() => {
      ctx.request('pull');
      schedulePeriodic();
    }, options.intervalMs ?? PULL_INTERVAL_MS);
  };

  const pollWhileDown = () => {
    if (fallbackTimer !== null || !ctx.running()) return;
    fallbackTimer = time.setTimeout(() => {
      fallbackTimer = null;
      if (ctx.status().realtime === 'subscribed' || !ctx.running()) return;
      ctx.request('pull');
      pollWhileDown();
    }, options.fallbackPollMs ?? FALLBACK_POLL_MS);
  };

  return {
    run,
    pullFrom,
    backoff,
    start: schedulePeriodic,
    pollWhileDown,
    realtimeUp() {
      if (fallbackTimer !== null) time.clearTimeout(fallbackTimer);
      fallbackTimer = null;
    },
    stop() {
      caughtUpSinceStart = false;
      backoff.reset();
      for (const timer of [periodicTimer, fallbackTimer]) if (timer !== null) time.clearTimeout(timer);
      periodicTimer = fallbackTimer = null;
    },
  };
}
