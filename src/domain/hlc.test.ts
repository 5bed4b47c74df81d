import { describe, expect, it } from 'vitest';
import { createHlcClock, formatHlc, parseHlc } from './hlc';

describe('hlc', () => {
  it('orders stamps by string comparison across physical time, counter and node', () => {
    const a = formatHlc({ physical: 1_700_000_000_000, counter: 0, node: 'a' });
    const b = formatHlc({ physical: 1_700_000_000_000, counter: 1, node: 'a' });
    const c = formatHlc({ physical: 1_700_000_000_001, counter: 0, node: 'a' });
    const d = formatHlc({ physical: 1_700_000_000_001, counter: 0, node: 'b' });
    expect([d, c, b, a].sort()).toEqual([a, b, c, d]);
  });

  it('round-trips through parse', () => {
    const parts = { physical: 1_732_400_000_123, counter: 42, node: 'dev1' };
    expect(parseHlc(formatHlc(parts))).toEqual(parts);
    expect(parseHlc('garbage')).toBeNull();
  });

  it('[CK1] issues strictly increasing stamps even when the wall clock stands still or goes back', () => {
    let now = 1000;
    const clock = createHlcClock({ now: () => now, node: 'n1' });
    const first = clock.next();
    const second = clock.next();
    now = 500;
    const third = clock.next();
    expect(second > first).toBe(true);
    expect(third > second).toBe(true);
  });

  it('moves past a received stamp from a clock that runs ahead', () => {
    const clock = createHlcClock({ now: () => 1000, node: 'n1' });
    const remote = formatHlc({ physical: 5000, counter: 7, node: 'zz' });
    clock.receive(remote);
    const next = clock.next();
    expect(next > remote).toBe(true);
    expect(parseHlc(next)?.physical).toBe(5000);
  });

  it('applies the server offset to the physical part', () => {
    const clock = createHlcClock({ now: () => 10_000, node: 'n1' });
    clock.setOffset(-3_600_000 + 20_000);
    clock.setOffset(5_000);
    expect(parseHlc(clock.next())?.physical).toBe(15_000);
  });
});
