import type { Listener, Subscribable } from '../shared/subscribable';
import type { RemotePort, TimePort } from './ports';

/*
 * Connection quality (the Diagnostics screen's charts): what the engine measures about sync on this
 * device, kept in memory only and never sent anywhere.
 *
 * Two rings of time buckets, one of 60 one-minute buckets (the last hour) and one of 24 one-hour
 * buckets (the last day). Every figure goes into the bucket of its time in both rings. A slot of a
 * ring remembers which bucket it holds; a record for a newer bucket wipes the slot first, so old
 * buckets fall out by themselves, however long the app ran or slept, with no timer. Everything is
 * in typed arrays made once: counters, a fixed histogram per latency (for p50/p95), and the oldest
 * waiting change's age. Recording allocates nothing, and memory is the same after one event or a
 * billion. Only reading a snapshot (at most once a second, and only while someone watches) does.
 */

/** Latencies, in milliseconds: the realtime heartbeat's round trip, and the sync_push / sync_pull RPCs (one page each). */
export const LATENCY_KINDS = ['roundTrip', 'push', 'pull'] as const;
export type LatencyKind = (typeof LATENCY_KINDS)[number];

/**
 * Counts: realtime connections lost (`reconnects`), realtime messages received (`events`), rows a
 * pull applied that realtime had not delivered (`missed`), digest checks run (`digestChecks`) and
 * those that had to re-pull a table (`repairs`).
 */
export const COUNTER_KINDS = ['reconnects', 'events', 'missed', 'digestChecks', 'repairs'] as const;
export type CounterKind = (typeof COUNTER_KINDS)[number];

/** Upper bounds (ms) of the latency histogram's bins, about 25 % apart; the last bin holds everything slower. */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000, 4000,
  5000, 6000, 8000, 10_000, 15_000, 20_000, 30_000, 60_000,
];
const BINS = LATENCY_BOUNDS_MS.length + 1;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const HOUR_BUCKETS = 60;
export const DAY_BUCKETS = 24;
/** Listeners hear of new figures at most this often. */
export const NOTIFY_EVERY_MS = 1000;

export type LatencyStats = { readonly count: number; readonly p50: number | null; readonly p95: number | null };

export type MetricsFigures = Readonly<Record<LatencyKind, LatencyStats>> &
  Readonly<Record<CounterKind, number>> & {
    /** The longest a change waited in the outbox during the bucket; null when none waited. */
    readonly oldestWaitingMs: number | null;
  };

export type MetricsBucket = MetricsFigures & { readonly start: number };

export type MetricsWindow = {
  readonly bucketMs: number;
  /** Oldest first; the last one is the bucket now running. */
  readonly buckets: readonly MetricsBucket[];
  /** The whole window: counts summed, latencies merged, the longest wait. */
  readonly total: MetricsFigures;
};

export type MetricsSnapshot = {
  readonly at: number;
  readonly lastHour: MetricsWindow;
  readonly lastDay: MetricsWindow;
  /** Age of the oldest change waiting to push right now; null when the outbox is empty. */
  readonly oldestWaitingMs: number | null;
  readonly lastRoundTripMs: number | null;
};

/** The side the engine writes to. */
export type MetricsRecorder = {
  readonly latency: (kind: LatencyKind, ms: number) => void;
  readonly count: (kind: CounterKind, n?: number) => void;
  /** The outbox's oldest entry was written at `at` (null: the outbox is empty). */
  readonly oldestPending: (at: number | null) => void;
};

export type SyncMetrics = MetricsRecorder & Subscribable<MetricsSnapshot>;

/** Where a rank falls in a histogram, interpolated inside its bin and kept within the seen min and max. */
function percentile(bins: Uint32Array, count: number, min: number, max: number, p: number): number | null {
  if (count === 0) return null;
  const rank = Math.max(1, Math.ceil(p * count));
  let seen = 0;
  for (let bin = 0; bin < BINS; bin += 1) {
    const inBin = bins[bin] ?? 0;
    if (seen + inBin >= rank) {
      const lower = bin === 0 ? 0 : (LATENCY_BOUNDS_MS[bin - 1] ?? max);
      const upper = LATENCY_BOUNDS_MS[bin] ?? max;
      const value = lower + ((upper - lower) * (rank - seen)) / inBin;
      return Math.min(max, Math.max(min, value));
    }
    seen += inBin;
  }
  return max;
}

const binOf = (ms: number) => {
  let bin = 0;
  while (bin < LATENCY_BOUNDS_MS.length && ms > (LATENCY_BOUNDS_MS[bin] ?? Infinity)) bin += 1;
  return bin;
};

const LATENCIES = LATENCY_KINDS.length;
const COUNTERS = COUNTER_KINDS.length;
const NONE = -1;

type Ring = {
  readonly latency: (at: number, kind: number, ms: number, bin: number) => void;
  readonly count: (at: number, kind: number, n: number) => void;
  readonly age: (at: number, ageMs: number) => void;
  readonly bucketMs: number;
  readonly size: number;
  readonly window: (now: number) => MetricsWindow;
};

/** `size` buckets of `bucketMs`, in typed arrays allocated here and never grown. */
function createRing(bucketMs: number, size: number): Ring {
  const buckets = new Float64Array(size).fill(NONE); // which bucket (time / bucketMs) each slot holds
  const counters = new Float64Array(size * COUNTERS);
  const bins = new Uint32Array(size * LATENCIES * BINS);
  const counts = new Uint32Array(size * LATENCIES);
  const mins = new Float64Array(size * LATENCIES);
  const maxes = new Float64Array(size * LATENCIES);
  const ages = new Float64Array(size).fill(NONE);

  /** The slot of the bucket holding `at`, wiped first if it still holds an older (or, after a clock jump, newer) bucket. */
  const slotOf = (at: number) => {
    const bucket = Math.floor(at / bucketMs);
    const slot = ((bucket % size) + size) % size;
    if (buckets[slot] !== bucket) {
      buckets[slot] = bucket;
      counters.fill(0, slot * COUNTERS, (slot + 1) * COUNTERS);
      bins.fill(0, slot * LATENCIES * BINS, (slot + 1) * LATENCIES * BINS);
      counts.fill(0, slot * LATENCIES, (slot + 1) * LATENCIES);
      ages[slot] = NONE;
    }
    return slot;
  };

  const figures = (slots: readonly number[]): MetricsFigures => {
    const merged = new Uint32Array(BINS);
    const latency = (kind: number): LatencyStats => {
      merged.fill(0);
      let count = 0;
      let min = Infinity;
      let max = -Infinity;
      for (const slot of slots) {
        const at = slot * LATENCIES + kind;
        const n = counts[at] ?? 0;
        if (n === 0) continue;
        count += n;
        min = Math.min(min, mins[at] ?? min);
        max = Math.max(max, maxes[at] ?? max);
        for (let bin = 0; bin < BINS; bin += 1) merged[bin] = (merged[bin] ?? 0) + (bins[at * BINS + bin] ?? 0);
      }
      return { count, p50: percentile(merged, count, min, max, 0.5), p95: percentile(merged, count, min, max, 0.95) };
    };
    const counter = (kind: number) => slots.reduce((sum, slot) => sum + (counters[slot * COUNTERS + kind] ?? 0), 0);
    const oldest = slots.reduce((longest, slot) => Math.max(longest, ages[slot] ?? NONE), NONE);
    return {
      roundTrip: latency(0),
      push: latency(1),
      pull: latency(2),
      reconnects: counter(0),
      events: counter(1),
      missed: counter(2),
      digestChecks: counter(3),
      repairs: counter(4),
      oldestWaitingMs: oldest === NONE ? null : oldest,
    };
  };

  return {
    bucketMs,
    size,
    latency(at, kind, ms, bin) {
      const index = slotOf(at) * LATENCIES + kind;
      const first = counts[index] === 0;
      counts[index] = (counts[index] ?? 0) + 1;
      mins[index] = first ? ms : Math.min(mins[index] ?? ms, ms);
      maxes[index] = first ? ms : Math.max(maxes[index] ?? ms, ms);
      bins[index * BINS + bin] = (bins[index * BINS + bin] ?? 0) + 1;
    },
    count(at, kind, n) {
      const index = slotOf(at) * COUNTERS + kind;
      counters[index] = (counters[index] ?? 0) + n;
    },
    age(at, ageMs) {
      const slot = slotOf(at);
      ages[slot] = Math.max(ages[slot] ?? NONE, ageMs);
    },
    window(now) {
      const current = Math.floor(now / bucketMs);
      const live: number[] = [];
      const list: MetricsBucket[] = [];
      for (let bucket = current - size + 1; bucket <= current; bucket += 1) {
        const slot = ((bucket % size) + size) % size;
        const held = buckets[slot] === bucket;
        if (held) live.push(slot);
        list.push({ start: bucket * bucketMs, ...figures(held ? [slot] : []) });
      }
      return { bucketMs, buckets: list, total: figures(live) };
    },
  };
}

/**
 * The recorder. `time` is the engine's clock (faked in tests); its timer is used only to tell
 * listeners, at most once per NOTIFY_EVERY_MS, and only while there are listeners.
 */
export function createSyncMetrics(options: { readonly time: TimePort }): SyncMetrics {
  const { time } = options;
  const rings = [createRing(MINUTE_MS, HOUR_BUCKETS), createRing(HOUR_MS, DAY_BUCKETS)] as const;
  const listeners = new Set<Listener>();
  let version = 0;
  let notifyTimer: unknown = null;
  let lastNotifiedAt = Number.NEGATIVE_INFINITY;
  let cached: { readonly version: number; readonly second: number; readonly snapshot: MetricsSnapshot } | null = null;
  let lastRoundTripMs: number | null = null;
  /** When the oldest waiting change was written (null: none waits), and until when its age is recorded. */
  let pendingSince: number | null = null;
  let agedUntil = 0;

  const notify = () => {
    notifyTimer = null;
    lastNotifiedAt = time.now();
    for (const listener of [...listeners]) listener();
  };

  const changed = () => {
    version += 1;
    if (listeners.size === 0 || notifyTimer !== null) return;
    notifyTimer = time.setTimeout(notify, Math.max(0, lastNotifiedAt + NOTIFY_EVERY_MS - time.now()));
  };

  /**
   * Records the waiting change's age in every bucket from the last record up to `now` (at most a
   * ring's length of them): its age only grows while it waits, so each bucket gets its age at the
   * bucket's end, or now. No timer is needed for an outbox that waits quietly for hours.
   */
  const recordAge = (now: number) => {
    const since = pendingSince;
    if (since !== null) {
      for (const ring of rings) {
        const from = Math.max(agedUntil, now - ring.size * ring.bucketMs);
        for (let bucket = Math.floor(from / ring.bucketMs); bucket <= Math.floor(now / ring.bucketMs); bucket += 1) {
          const end = Math.min(now, (bucket + 1) * ring.bucketMs - 1);
          ring.age(end, Math.max(0, end - since));
        }
      }
    }
    agedUntil = now;
  };

  const snapshot = (now: number): MetricsSnapshot => {
    recordAge(now);
    const [hour, day] = rings;
    return {
      at: now,
      lastHour: hour.window(now),
      lastDay: day.window(now),
      oldestWaitingMs: pendingSince === null ? null : Math.max(0, now - pendingSince),
      lastRoundTripMs,
    };
  };

  return {
    latency(kind, ms) {
      if (!Number.isFinite(ms) || ms < 0) return;
      const at = time.now();
      const index = LATENCY_KINDS.indexOf(kind);
      const bin = binOf(ms);
      for (const ring of rings) ring.latency(at, index, ms, bin);
      if (kind === 'roundTrip') lastRoundTripMs = ms;
      changed();
    },
    count(kind, n = 1) {
      if (n <= 0) return;
      const at = time.now();
      const index = COUNTER_KINDS.indexOf(kind);
      for (const ring of rings) ring.count(at, index, n);
      changed();
    },
    oldestPending(at) {
      if (at === pendingSince) return;
      const now = time.now();
      recordAge(now);
      pendingSince = at;
      recordAge(now);
      changed();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && notifyTimer !== null) {
          time.clearTimeout(notifyTimer);
          notifyTimer = null;
        }
      };
    },
    /** The same object until something is recorded or the second changes (React's useSyncExternalStore asks for that). */
    getSnapshot() {
      const now = time.now();
      const second = Math.floor(now / 1000);
      if (cached === null || cached.version !== version || cached.second !== second) cached = { version, second, snapshot: snapshot(now) };
      return cached.snapshot;
    },
  };
}

/**
 * The remote port with the round trip of every successful sync_push and sync_pull (per page) timed,
 * and each answer's server time handed to `answered` with the time its request went out: the round
 * trip of the request alone, not of the outbox work around a push, nor of the wait of a page fetched
 * ahead (SPEC CK2). Failed requests are not timed: an offline failure answers at once and would
 * flatter the figure.
 */
export function measuredRemote(
  remote: RemotePort,
  metrics: MetricsRecorder,
  time: Pick<TimePort, 'now'>,
  answered: (startedAt: number, serverTime: number) => void = () => undefined,
): RemotePort {
  return {
    ...remote,
    push: async (mutations) => {
      const startedAt = time.now();
      const answer = await remote.push(mutations);
      if (answer.ok) {
        metrics.latency('push', time.now() - startedAt);
        answered(startedAt, answer.value.server_time);
      }
      return answer;
    },
    pull: async (cursor, pageSize) => {
      const startedAt = time.now();
      const answer = await remote.pull(cursor, pageSize);
      if (answer.ok) {
        metrics.latency('pull', time.now() - startedAt);
        answered(startedAt, answer.value.server_time);
      }
      return answer;
    },
  };
}

/**
 * The figures of whichever engine runs in this tab, or null while none does: the leader
 * (leader.ts) attaches its engine's metrics when it takes the lead; a tab that follows stays null.
 */
export function createMetricsRelay(): { readonly view: Subscribable<MetricsSnapshot | null>; readonly attach: (source: Subscribable<MetricsSnapshot> | null) => void } {
  let source: Subscribable<MetricsSnapshot> | null = null;
  const listeners = new Map<Listener, (() => void) | undefined>();
  return {
    view: {
      subscribe(listener) {
        listeners.set(listener, source?.subscribe(listener));
        return () => {
          listeners.get(listener)?.();
          listeners.delete(listener);
        };
      },
      getSnapshot: () => source?.getSnapshot() ?? null,
    },
    attach(next) {
      if (next === source) return;
      source = next;
      for (const [listener, unsubscribe] of [...listeners]) {
        unsubscribe?.();
        listeners.set(listener, next?.subscribe(listener));
      }
      for (const listener of [...listeners.keys()]) listener();
    },
  };
}
