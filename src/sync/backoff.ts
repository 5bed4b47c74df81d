import type { TimePort } from './ports';

/*
 * Retry delays for transient failures: capped exponential backoff with "full jitter" (a random delay
 * between 0 and the exponential ceiling), so a thousand phones coming back online at once do not
 * retry in lockstep. `online`, becoming visible and "Try now" reset the attempt count (SPEC OB4).
 */

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 60_000;

/** The delay before retry number `attempt` (1 = first retry), with `random` in [0, 1). */
export function backoffDelay(attempt: number, random: () => number, baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The retry timer of one lane (push or pull): each failure in a row waits longer before `retry` runs.
 * While a retry is scheduled the lane is `waiting` and does not try on its own; `reset` forgets the
 * attempts (success, "Try now", back online). `onChange` hears whenever `retryAt` changes, so the
 * engine can publish the earliest retry of its lanes as the status's `nextRetryAt`.
 */
export type LaneBackoff = {
  /** When the scheduled retry runs (ms), or null. */
  readonly retryAt: () => number | null;
  readonly waiting: () => boolean;
  /** Schedules the next retry; returns which attempt it is and how long it waits. */
  readonly schedule: () => { readonly attempt: number; readonly delay: number };
  /** Cancels the scheduled retry and forgets the attempts; does not call `onChange`. */
  readonly reset: () => void;
};

export function createLaneBackoff(options: { readonly time: TimePort; readonly random: () => number; readonly retry: () => void; readonly onChange: () => void }): LaneBackoff {
  const { time } = options;
  let attempt = 0;
  let timer: unknown = null;
  let at: number | null = null;
  return {
    retryAt: () => at,
    waiting: () => timer !== null,
    schedule() {
      const next = attempt + 1;
      const delay = backoffDelay(next, options.random);
      if (timer !== null) time.clearTimeout(timer);
      timer = time.setTimeout(() => {
        timer = null;
        at = null;
        options.onChange();
        options.retry();
      }, delay);
      attempt = next;
      at = time.now() + delay;
      options.onChange();
      return { attempt: next, delay };
    },
    reset() {
      if (timer !== null) time.clearTimeout(timer);
      attempt = 0;
      timer = null;
      at = null;
    },
  };
}
