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
