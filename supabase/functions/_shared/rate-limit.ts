/*
 * Token buckets in memory, per key (a link code, a client address), for the redirect
 * (supabase/functions/r): `perMinute` hits a minute on average, bursts up to `burst`. Each function
 * instance counts on its own; that bounds what one instance lets through, which is the point.
 *
 * The table is bounded: buckets that have filled up again are forgotten (a full bucket and no bucket are
 * the same), and past `maxKeys` the oldest are dropped.
 */

export type RateLimitResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

export type RateLimiterOptions = {
  readonly perMinute: number;
  /** The most hits at once (the bucket's size); `perMinute` unless told. */
  readonly burst?: number;
  readonly maxKeys?: number;
};

type Bucket = { tokens: number; at: number };

export class RateLimiter {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, Bucket>();
  #lastSweep = 0;

  constructor(options: RateLimiterOptions) {
    if (!(options.perMinute > 0)) throw new Error('RateLimiter: perMinute must be positive');
    this.#ratePerMs = options.perMinute / 60_000;
    this.#burst = Math.max(1, options.burst ?? options.perMinute);
    this.#maxKeys = options.maxKeys ?? 50_000;
  }

  /** Takes one token for `key` at time `now` (ms), or says how long until one is there. */
  take(key: string, now: number): RateLimitResult {
    this.#sweep(now);
    const bucket = this.#buckets.get(key);
    const tokens = bucket ? Math.min(this.#burst, bucket.tokens + Math.max(0, now - bucket.at) * this.#ratePerMs) : this.#burst;
    if (tokens < 1) {
      if (bucket) Object.assign(bucket, { tokens, at: now });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.#ratePerMs / 1000)) };
    }
    if (bucket) {
      // Moved to the end: the map stays in order of last use, oldest first.
      this.#buckets.delete(key);
    } else if (this.#buckets.size >= this.#maxKeys) {
      const oldest = this.#buckets.keys().next();
      if (!oldest.done) this.#buckets.delete(oldest.value);
    }
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    return { ok: true };
  }

  /** How many keys are remembered (for tests). */
  get size(): number {
    return this.#buckets.size;
  }

  #sweep(now: number) {
    // A bucket untouched for as long as it takes to fill is full: forget it. At most once per 10 s.
    if (now - this.#lastSweep < 10_000) return;
    this.#lastSweep = now;
    const fullAfterMs = this.#burst / this.#ratePerMs;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.at >= fullAfterMs) this.#buckets.delete(key);
    }
  }
}
