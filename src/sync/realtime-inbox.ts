import type { EngineContext } from './engine-context';
import type { RemoteChange, RemoteRow } from './ports';

export const DEFAULT_APPLY_WINDOW_MS = 40;

/** Realtime changes held during one catch-up beyond this are dropped; the pull after it brings them. */
export const MAX_HELD = 5000;

export type RealtimeInbox = {
  /** A message from the member's realtime channel. */
  readonly receive: (change: RemoteChange) => void;
  /** A catch-up pull is about to run (start, every (re)subscribe): hold realtime changes until it ends. */
  readonly beginCatchUp: () => void;
  /** A pull finished every page: apply what was held, or pull again if too much arrived to hold. */
  readonly caughtUp: () => Promise<void>;
  /** Applies the changes of the current window now (the seed's flush); resolves when applied. */
  readonly flush: () => Promise<void>;
  /** Runs `job` after every apply already queued, so nothing applied later is replaced by it. */
  readonly afterApplies: <T>(job: () => Promise<T>) => Promise<T>;
  /** Changes are waiting for their window. */
  readonly hasWaiting: () => boolean;
  /** How many of `rows` (applied by a pull) realtime has not delivered: neither held nor waiting for their window. */
  readonly undelivered: (rows: readonly RemoteRow[]) => number;
};

/*
 * The realtime inbox (SPEC PL2, AP1, G7). Realtime is a hint on top of the pull cursor:
 *
 * - While a catch-up pull runs, changes are held (up to MAX_HELD); applying them before the pull
 *   could let an older snapshot page overwrite them. When the pull ends they join the window.
 * - Live, a change after a quiet spell applies at once (with whatever arrived in the same tick);
 *   changes that follow within the window gather and apply together when it ends, so a burst costs
 *   one transaction and one re-render instead of one per row.
 * - Applies run on their own chain, not the engine's job chain, so they are never held behind a
 *   long push. A failed apply loses nothing: the next pull brings the rows again.
 * - A hard delete arrives only as "rows of this table were deleted": a pull brings the tombstones.
 */
export function createRealtimeInbox(ctx: EngineContext, options: { readonly windowMs?: number } = {}): RealtimeInbox {
  const { local, time, log } = ctx;
  const windowMs = options.windowMs ?? DEFAULT_APPLY_WINDOW_MS;
  let catchingUp = true;
  const held: RemoteRow[] = [];
  let heldOverflow = false;
  let windowRows: RemoteRow[] = [];
  let windowTimer: unknown = null;
  let flushQueued = false;
  let lastFlushAt = Number.NEGATIVE_INFINITY;
  let applying: Promise<void> = Promise.resolve();

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
        ctx.received(changed);
      } catch (error) {
        // The rows are not lost: the next pull brings them again.
        log?.error('applying realtime changes failed; the next pull repairs it', { error: String(error) });
        ctx.request('pull');
      }
    });
    return applying;
  };

  const scheduleFlush = () => {
    if (flushQueued || windowTimer !== null) return;
    const wait = windowMs - (time.now() - lastFlushAt);
    if (wait <= 0) {
      flushQueued = true;
      void Promise.resolve().then(() => {
        flushQueued = false;
        return flush();
      });
    } else windowTimer = time.setTimeout(() => void flush(), wait);
  };

  return {
    receive(change) {
      ctx.metrics.count('events');
      if (change.kind === 'delete') {
        log?.debug(`realtime: rows deleted from ${change.table}; pulling their tombstones`);
        ctx.request('pull');
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
    },
    beginCatchUp() {
      catchingUp = true;
    },
    async caughtUp() {
      if (heldOverflow) {
        // Too much arrived during the catch-up to hold: what was dropped comes with one more pull.
        heldOverflow = false;
        held.length = 0;
        ctx.request('pull');
        return;
      }
      if (!catchingUp) return;
      catchingUp = false;
      if (held.length > 0) {
        log?.debug(`applying ${held.length} realtime change(s) held during catch-up`);
        windowRows.push(...held.splice(0));
        await flush();
      }
    },
    flush,
    afterApplies(job) {
      const run = applying.then(job);
      applying = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
    hasWaiting: () => windowRows.length > 0,
    undelivered(rows) {
      if (rows.length === 0 || held.length + windowRows.length === 0) return rows.length;
      const key = ({ table, row }: RemoteRow) => `${table}/${String(row['id'])}`;
      const delivered = new Set([...held, ...windowRows].map(key));
      return rows.filter((row) => !delivered.has(key(row))).length;
    },
  };
}
