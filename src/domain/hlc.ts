/*
 * Hybrid logical clock stamps.
 *
 * A stamp is `<physical ms, base36, 11 chars>-<counter, base36, 5 chars>-<node id>`, so plain string
 * comparison is the total order that last-writer-wins needs: physical time first, then the counter
 * (events within one millisecond, or after seeing a stamp from a clock that runs ahead), then the node id
 * as the tie-breaker. The physical part is the device clock corrected by an offset learned from the
 * server, so a phone whose clock is hours off neither loses its edits nor wins every conflict forever.
 */

export type HlcStamp = string;

export type HlcParts = { readonly physical: number; readonly counter: number; readonly node: string };

const PHYSICAL_WIDTH = 11;
const COUNTER_WIDTH = 5;
const MAX_COUNTER = 36 ** COUNTER_WIDTH - 1;
const NODE_PATTERN = /^[0-9a-z]{1,32}$/;

export function formatHlc({ physical, counter, node }: HlcParts): HlcStamp {
  return `${physical.toString(36).padStart(PHYSICAL_WIDTH, '0')}-${counter.toString(36).padStart(COUNTER_WIDTH, '0')}-${node}`;
}

export function parseHlc(stamp: string): HlcParts | null {
  const [physical, counter, node, ...rest] = stamp.split('-');
  if (rest.length > 0 || physical?.length !== PHYSICAL_WIDTH || counter?.length !== COUNTER_WIDTH) return null;
  if (node === undefined || !NODE_PATTERN.test(node)) return null;
  const parsedPhysical = parseInt(physical, 36);
  const parsedCounter = parseInt(counter, 36);
  if (!Number.isFinite(parsedPhysical) || !Number.isFinite(parsedCounter)) return null;
  return { physical: parsedPhysical, counter: parsedCounter, node };
}

export type HlcClock = {
  /** A stamp greater than every stamp this clock issued or received. */
  next(): HlcStamp;
  /** Moves the clock past a stamp seen from elsewhere. */
  receive(stamp: HlcStamp): void;
  /** Sets the correction added to the device clock (server time minus device time, in ms). */
  setOffset(offsetMs: number): void;
};

export type HlcClockOptions = { readonly now: () => number; readonly node: string; readonly offsetMs?: number };

export function createHlcClock(options: HlcClockOptions): HlcClock {
  if (!NODE_PATTERN.test(options.node)) throw new Error(`HLC node id must be 1-32 lowercase base36 chars, got "${options.node}"`);
  let offset = options.offsetMs ?? 0;
  let last: HlcParts = { physical: 0, counter: 0, node: options.node };
  const advance = (remote: HlcParts | null): HlcParts => {
    const wall = Math.floor(options.now() + offset);
    const physical = Math.max(wall, last.physical, remote?.physical ?? 0);
    let counter = 0;
    if (physical === last.physical) counter = last.counter + 1;
    if (remote && physical === remote.physical) counter = Math.max(counter, remote.counter + 1);
    if (counter > MAX_COUNTER) return { physical: physical + 1, counter: 0, node: options.node };
    return { physical, counter, node: options.node };
  };
  return {
    next() {
      last = advance(null);
      return formatHlc(last);
    },
    receive(stamp) {
      const remote = parseHlc(stamp);
      if (remote) last = advance(remote);
    },
    setOffset(offsetMs) {
      offset = offsetMs;
    },
  };
}
