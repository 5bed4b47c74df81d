import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../supabase/functions/_shared/rate-limit';

/* Token buckets for the redirect (supabase/functions/_shared/rate-limit.ts). */

describe('rate limiter', () => {
  it('lets `perMinute` through at once, then one more every 60/perMinute seconds', () => {
    const limiter = new RateLimiter({ perMinute: 30 });
    for (let i = 0; i < 30; i += 1) expect(limiter.take('code', 1_000).ok).toBe(true);
    expect(limiter.take('code', 1_000)).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(limiter.take('code', 2_999).ok).toBe(false);
    expect(limiter.take('code', 3_000).ok).toBe(true);
    expect(limiter.take('code', 3_000).ok).toBe(false);
    // Another key has its own bucket.
    expect(limiter.take('other', 3_000).ok).toBe(true);
  });

  it('refills to the burst and no further', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 5 });
    for (let i = 0; i < 5; i += 1) expect(limiter.take('a', 0).ok).toBe(true);
    expect(limiter.take('a', 0).ok).toBe(false);
    const later = 3_600_000;
    for (let i = 0; i < 5; i += 1) expect(limiter.take('a', later).ok).toBe(true);
    expect(limiter.take('a', later).ok).toBe(false);
  });

  it('Retry-After is at least a second and says when a token is back', () => {
    const limiter = new RateLimiter({ perMinute: 1 });
    expect(limiter.take('a', 0).ok).toBe(true);
    expect(limiter.take('a', 0)).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(limiter.take('a', 59_000)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('a', 60_000).ok).toBe(true);
  });

  it('a hit refused does not earn tokens back faster (a flood stays limited)', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 1 });
    expect(limiter.take('a', 0).ok).toBe(true);
    let allowed = 0;
    for (let t = 0; t <= 10_000; t += 10) if (limiter.take('a', t).ok) allowed += 1;
    expect(allowed).toBe(10);
  });

  it('keeps a bounded table: full buckets are forgotten, and the oldest go past maxKeys', () => {
    const limiter = new RateLimiter({ perMinute: 60, maxKeys: 100 });
    for (let i = 0; i < 1_000; i += 1) limiter.take(`key-${i}`, 0);
    expect(limiter.size).toBe(100);
    limiter.take('late', 120_000);
    expect(limiter.size).toBe(1);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new RateLimiter({ perMinute: 0 })).toThrow();
  });
});
