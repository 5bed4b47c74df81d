import { describe, expect, it } from 'vitest';
import { backoffDelay, BACKOFF_CAP_MS } from './backoff';

describe('backoffDelay', () => {
  it('[OB4] grows exponentially between half and all of the ceiling', () => {
    expect(backoffDelay(1, () => 0)).toBe(500);
    expect(backoffDelay(1, () => 0.999)).toBeLessThanOrEqual(1000);
    expect(backoffDelay(4, () => 0)).toBe(4000);
    expect(backoffDelay(4, () => 0.5)).toBe(6000);
  });

  it('[OB4] never exceeds the cap, however many attempts', () => {
    for (const attempt of [10, 20, 100]) expect(backoffDelay(attempt, () => 0.999)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    expect(backoffDelay(100, () => 0)).toBe(BACKOFF_CAP_MS / 2);
  });
});
