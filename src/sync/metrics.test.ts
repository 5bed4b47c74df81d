import { afterEach, describe, expect, it } from 'vitest';
import { err, ok } from '../shared/result';
import { createFakeSyncServer } from '../../tests/support/fake-sync-server';
import { addContact, createFakeTime, createTestDevice, type FakeTime, type TestDevice } from '../../tests/support/sync-device';
import { createMetricsRelay, createSyncMetrics, DAY_BUCKETS, HOUR_BUCKETS, HOUR_MS, measuredRemote, MINUTE_MS, NOTIFY_EVERY_MS, type MetricsSnapshot } from './metrics';
import type { RealtimeHandlers, RemotePort } from './ports';

/** 2026-11-24 09:00:00 UTC, on a minute and an hour boundary. */
const START = Date.parse('2026-11-24T09:00:00.000Z');

function setup() {
  const time = createFakeTime(START);
  const metrics = createSyncMetrics({ time: time.port });
  return { time, metrics, snapshot: () => metrics.getSnapshot() };
}

/** Moves the fake clock without firing timers (the recorder must not need any). */
const jump = (time: FakeTime, ms: number) => time.advance(ms);

const last = <T>(list: readonly T[]): T => list[list.length - 1]!;

describe('metrics: time buckets', () => {
  it('a figure lands in the bucket of its minute and of its hour; the windows hold 60 minutes and 24 hours, oldest first', () => {
    const { metrics, snapshot } = setup();
    metrics.count('events', 3);
    metrics.latency('roundTrip', 42);
    const { lastHour, lastDay } = snapshot();
    expect(lastHour.buckets).toHaveLength(HOUR_BUCKETS);
    expect(lastDay.buckets).toHaveLength(DAY_BUCKETS);
    expect(lastHour.bucketMs).toBe(MINUTE_MS);
    expect(lastDay.bucketMs).toBe(HOUR_MS);
    expect(last(lastHour.buckets)).toMatchObject({ start: START, events: 3, roundTrip: { count: 1, p50: 42, p95: 42 } });
    expect(lastHour.buckets[0]!.start).toBe(START - 59 * MINUTE_MS);
    expect(last(lastDay.buckets)).toMatchObject({ start: START, events: 3 });
    expect(lastDay.buckets[0]!.start).toBe(START - 23 * HOUR_MS);
    expect(lastHour.buckets.slice(0, -1).every((bucket) => bucket.events === 0 && bucket.roundTrip.count === 0)).toBe(true);
    expect(lastHour.total).toMatchObject({ events: 3, reconnects: 0, roundTrip: { count: 1, p50: 42, p95: 42 } });
  });

  it('rolls over: the next minute is a new bucket in the hour, the same bucket in the day', async () => {
    const { time, metrics, snapshot } = setup();
    metrics.count('reconnects');
    await jump(time, MINUTE_MS + 5_000);
    metrics.count('reconnects', 2);
    const { lastHour, lastDay } = snapshot();
    expect(lastHour.buckets.slice(-2).map((bucket) => bucket.reconnects)).toEqual([1, 2]);
    expect(last(lastHour.buckets).start).toBe(START + MINUTE_MS);
    expect(last(lastDay.buckets).reconnects).toBe(3);
    expect(lastHour.total.reconnects).toBe(3);
    expect(lastDay.total.reconnects).toBe(3);
  });

  it('wraps around: after an hour a minute leaves the hour window but stays in the day; after a day it is gone; a slot reused later starts empty', async () => {
    const { time, metrics, snapshot } = setup();
    metrics.count('missed', 5);
    metrics.latency('push', 100);
    await jump(time, 59 * MINUTE_MS);
    expect(snapshot().lastHour.total.missed).toBe(5); // the oldest bucket of the window
    expect(snapshot().lastHour.buckets[0]!.missed).toBe(5);
    await jump(time, MINUTE_MS);
    expect(snapshot().lastHour.total).toMatchObject({ missed: 0, push: { count: 0, p50: null, p95: null } });
    expect(snapshot().lastDay.total).toMatchObject({ missed: 5, push: { count: 1, p50: 100 } });
    // The same minute slot again, an hour later: the old figures must not come back.
    metrics.count('missed', 1);
    expect(last(snapshot().lastHour.buckets).missed).toBe(1);
    expect(snapshot().lastDay.total.missed).toBe(6);
    await jump(time, 23 * HOUR_MS);
    expect(snapshot().lastDay.total.missed).toBe(1); // the first hour left the day
    await jump(time, HOUR_MS);
    expect(snapshot().lastDay.total.missed).toBe(0);
    // Days later, the same slots (24 h and 60 min divide a day and an hour) start empty.
    await jump(time, 3 * 24 * HOUR_MS);
    metrics.count('missed', 2);
    expect(snapshot().lastHour.total.missed).toBe(2);
    expect(snapshot().lastDay.total.missed).toBe(2);
    expect(snapshot().lastDay.buckets.filter((bucket) => bucket.missed > 0)).toHaveLength(1);
  });

  it('a clock that jumps back an hour wipes the slot it lands on instead of adding to a bucket from the future', () => {
    let now = START + 2 * HOUR_MS;
    const metrics = createSyncMetrics({ time: { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined } });
    metrics.count('events', 4);
    now -= HOUR_MS;
    metrics.count('events', 1);
    expect(metrics.getSnapshot().lastHour.total.events).toBe(1);
    now += HOUR_MS;
    expect(metrics.getSnapshot().lastHour.total.events).toBe(0);
  });
});

describe('metrics: p50 and p95', () => {
  it('1 to 100 ms: p50 50 ms, p95 95 ms', () => {
    const { metrics, snapshot } = setup();
    for (let ms = 100; ms >= 1; ms -= 1) metrics.latency('pull', ms);
    expect(snapshot().lastHour.total.pull).toEqual({ count: 100, p50: 50, p95: 95 });
  });

  it('stays within what was seen: one value is its own p50 and p95', () => {
    const { metrics, snapshot } = setup();
    for (let i = 0; i < 10; i += 1) metrics.latency('roundTrip', 42);
    expect(snapshot().lastHour.total.roundTrip).toEqual({ count: 10, p50: 42, p95: 42 });
    expect(snapshot().lastRoundTripMs).toBe(42);
  });

  it('a slow tail moves p95 and not p50; over an hour the minutes merge', async () => {
    const { time, metrics, snapshot } = setup();
    for (let i = 0; i < 90; i += 1) metrics.latency('push', 20);
    await jump(time, 10 * MINUTE_MS);
    for (let i = 0; i < 10; i += 1) metrics.latency('push', 1000);
    const { total, buckets } = snapshot().lastHour;
    expect(total.push.count).toBe(100);
    expect(total.push.p50).toBe(20);
    expect(total.push.p95).toBeGreaterThan(800);
    expect(total.push.p95).toBeLessThanOrEqual(1000);
    expect(last(buckets).push).toEqual({ count: 10, p50: 1000, p95: 1000 });
    expect(buckets[HOUR_BUCKETS - 11]!.push).toEqual({ count: 90, p50: 20, p95: 20 });
  });

  it('ignores values that are not a duration', () => {
    const { metrics, snapshot } = setup();
    metrics.latency('push', Number.NaN);
    metrics.latency('push', -5);
    metrics.latency('push', Number.POSITIVE_INFINITY);
    expect(snapshot().lastHour.total.push.count).toBe(0);
  });

  it('beyond the last bin (60 s) the p95 is the slowest seen', () => {
    const { metrics, snapshot } = setup();
    metrics.latency('pull', 10);
    metrics.latency('pull', 90_000);
    expect(snapshot().lastHour.total.pull).toEqual({ count: 2, p50: 10, p95: 90_000 });
  });
});

describe('metrics: the oldest waiting change', () => {
  it('its age is recorded in every minute it waits, without a timer, and stops when the outbox empties', async () => {
    const { time, metrics, snapshot } = setup();
    metrics.oldestPending(START);
    await jump(time, 10 * MINUTE_MS + 30_000);
    expect(time.pending()).toBe(0);
    const waiting = snapshot();
    expect(waiting.oldestWaitingMs).toBe(10 * MINUTE_MS + 30_000);
    const ages = waiting.lastHour.buckets.slice(-12).map((bucket) => bucket.oldestWaitingMs);
    expect(ages[0]).toBeNull();
    expect(ages.slice(1)).toEqual([...Array.from({ length: 10 }, (_, minute) => (minute + 1) * MINUTE_MS - 1), 10 * MINUTE_MS + 30_000]);
    expect(waiting.lastHour.total.oldestWaitingMs).toBe(10 * MINUTE_MS + 30_000);
    metrics.oldestPending(null);
    await jump(time, 5 * MINUTE_MS);
    const after = snapshot();
    expect(after.oldestWaitingMs).toBeNull();
    expect(last(after.lastHour.buckets).oldestWaitingMs).toBeNull();
    expect(after.lastHour.total.oldestWaitingMs).toBe(10 * MINUTE_MS + 30_000);
    expect(after.lastDay.total.oldestWaitingMs).toBe(10 * MINUTE_MS + 30_000);
  });

  it('a newer oldest entry (the old one was pushed) starts a smaller age', async () => {
    const { time, metrics, snapshot } = setup();
    metrics.oldestPending(START);
    await jump(time, 3 * MINUTE_MS);
    metrics.oldestPending(START + 2 * MINUTE_MS);
    await jump(time, MINUTE_MS);
    expect(snapshot().oldestWaitingMs).toBe(2 * MINUTE_MS);
    expect(snapshot().lastHour.buckets.slice(-2).map((bucket) => bucket.oldestWaitingMs)).toEqual([3 * MINUTE_MS, 2 * MINUTE_MS]);
  });

  it('after a day of waiting, every hour and minute bucket shows it', async () => {
    const { time, metrics, snapshot } = setup();
    metrics.oldestPending(START);
    await jump(time, 2 * 24 * HOUR_MS);
    const { lastHour, lastDay } = snapshot();
    expect(lastHour.buckets.every((bucket) => bucket.oldestWaitingMs !== null)).toBe(true);
    expect(lastDay.buckets.every((bucket) => bucket.oldestWaitingMs !== null)).toBe(true);
    expect(lastDay.total.oldestWaitingMs).toBe(2 * 24 * HOUR_MS);
  });
});

describe('metrics: bounded memory and cheap reads', () => {
  it('1,000,000 events over three days keep 60 + 24 buckets, and each figure covers only its window', async () => {
    const { time, metrics, snapshot } = setup();
    const before = snapshot();
    const shape = (value: MetricsSnapshot) => [value.lastHour.buckets.length, value.lastDay.buckets.length, Object.keys(value.lastHour.total).length];
    for (let i = 0; i < 1_000_000; i += 1) {
      metrics.count('events');
      metrics.latency('roundTrip', (i % 200) + 1);
      // Three days in steps of about a quarter of a second.
      if (i % 1000 === 999) await jump(time, 259_200);
    }
    const after = snapshot();
    expect(shape(after)).toEqual(shape(before));
    // 1,000 events per 259.2 s: every full minute holds 231 or 232 of them, never all million.
    expect(after.lastHour.total.events).toBeLessThan(14_000);
    expect(after.lastHour.total.events).toBe(after.lastHour.buckets.reduce((sum, bucket) => sum + bucket.events, 0));
    expect(after.lastHour.total.roundTrip.count).toBe(after.lastHour.total.events);
    expect(after.lastDay.total.events).toBeLessThan(340_000);
    expect(after.lastHour.total.roundTrip.p50).toBeGreaterThan(80);
    expect(after.lastHour.total.roundTrip.p50).toBeLessThan(120);
  });

  it('the snapshot is the same object until something changes; listeners hear at most once a second, and with none there is no timer', async () => {
    const { time, metrics } = setup();
    const first = metrics.getSnapshot();
    expect(metrics.getSnapshot()).toBe(first);
    for (let i = 0; i < 100; i += 1) metrics.count('events');
    expect(time.pending()).toBe(0);
    const second = metrics.getSnapshot();
    expect(second).not.toBe(first);
    expect(second.lastHour.total.events).toBe(100);

    let heard = 0;
    const off = metrics.subscribe(() => (heard += 1));
    for (let i = 0; i < 100; i += 1) metrics.count('events');
    expect(heard).toBe(0);
    expect(time.pending()).toBe(1);
    await time.advance(0);
    expect(heard).toBe(1);
    metrics.count('events');
    await time.advance(500);
    expect(heard).toBe(1); // within a second of the last
    await time.advance(500);
    expect(heard).toBe(2);
    metrics.count('events');
    off();
    expect(time.pending()).toBe(0);
  });
});

describe('measuredRemote', () => {
  it('times successful pushes and pull pages; a failure is not timed', async () => {
    const time = createFakeTime(START);
    const metrics = createSyncMetrics({ time: time.port });
    let fail = false;
    const slow = <T>(value: T) => time.advance(120).then(() => value);
    const remote: RemotePort = {
      push: () => slow(fail ? err({ kind: 'offline' as const, message: 'down' }) : ok({ results: [], rows: [], server_time: 0 })),
      pull: () => slow(ok({ rows: [], has_more: false, next_cursor: null, server_time: 0 })),
      digest: () => Promise.resolve(ok({})),
      subscribe: () => () => undefined,
    };
    const measured = measuredRemote(remote, metrics, time.port);
    await measured.push([]);
    await measured.pull(null, 10);
    await measured.pull(null, 10);
    fail = true;
    await measured.push([]);
    const { total } = metrics.getSnapshot().lastHour;
    expect(total.push).toEqual({ count: 1, p50: 120, p95: 120 });
    expect(total.pull).toEqual({ count: 2, p50: 120, p95: 120 });
  });
});

describe('createMetricsRelay', () => {
  it('shows the attached engine\'s figures and follows it; null with none; a listener hears of the switch', async () => {
    const time = createFakeTime(START);
    const relay = createMetricsRelay();
    expect(relay.view.getSnapshot()).toBeNull();
    let heard = 0;
    const off = relay.view.subscribe(() => (heard += 1));
    const engine = createSyncMetrics({ time: time.port });
    relay.attach(engine);
    expect(heard).toBe(1);
    engine.count('events', 2);
    expect(relay.view.getSnapshot()?.lastHour.total.events).toBe(2);
    await time.advance(NOTIFY_EVERY_MS);
    expect(heard).toBe(2);
    relay.attach(null);
    expect(heard).toBe(3);
    expect(relay.view.getSnapshot()).toBeNull();
    engine.count('events');
    await time.advance(NOTIFY_EVERY_MS);
    expect(heard).toBe(3);
    expect(time.pending()).toBe(0); // the engine's recorder has no listener left
    off();
  });
});

/*
 * The engine records as it works: one device against the in-memory server, with realtime that can
 * drop, and a heartbeat the test sends.
 */
const MEMBER = '7d1e4c52-3a4b-4c8e-9f1a-0b2c3d4e5f60';
let devices: TestDevice[] = [];
afterEach(async () => {
  await Promise.all(devices.map((device) => device.close()));
  devices = [];
});

async function settle(time: FakeTime, ...list: TestDevice[]) {
  for (let round = 0; round < 3; round += 1) {
    await Promise.all(list.map((device) => device.engine.idle()));
    await time.advance(100);
  }
  await Promise.all(list.map((device) => device.engine.idle()));
}

describe('the engine records connection quality', () => {
  it('realtime events, a reconnect, rows only a pull brought, push and pull latency, the heartbeat and digest checks', async () => {
    const time = createFakeTime(START);
    const server = createFakeSyncServer({ now: time.now });
    const links = [server.connect(), server.connect()] as const;
    let handlers: RealtimeHandlers | null = null;
    const listening: RemotePort = {
      ...links[1].port,
      subscribe: (next) => {
        handlers = next;
        return links[1].port.subscribe(next);
      },
    };
    const a = createTestDevice({ memberId: MEMBER, remote: links[0].port, time });
    const b = createTestDevice({ memberId: MEMBER, remote: listening, time });
    devices.push(a, b);
    const metricsOf = (device: TestDevice) => device.engine.metrics!.getSnapshot().lastHour.total;
    // Rows already on the server when B starts: its first catch-up brings them, which realtime could not have missed.
    await addContact(a, { first_name: 'Before' });
    a.engine.start();
    await settle(time, a);
    b.engine.start();
    await settle(time, a, b);
    expect(metricsOf(b)).toMatchObject({ events: 0, missed: 0, reconnects: 0 });
    expect(metricsOf(a).push.count).toBeGreaterThan(0);
    expect(metricsOf(b).pull.count).toBeGreaterThan(0);

    // Live: A's contact reaches B through realtime; the periodic pull finds nothing realtime missed.
    await addContact(a, { first_name: 'Live' });
    await settle(time, a, b);
    expect(metricsOf(b).events).toBeGreaterThan(0);
    b.engine.tryNow();
    await settle(time, a, b);
    expect(metricsOf(b).missed).toBe(0);

    // Realtime drops: one reconnect; what A adds meanwhile comes by the 10 s poll, counted as missed.
    links[1].setRealtimeDown(true);
    expect(metricsOf(b).reconnects).toBe(1);
    const eventsBefore = metricsOf(b).events;
    await addContact(a, { first_name: 'Polled' });
    await settle(time, a);
    await time.advance(10_000);
    await settle(time, a, b);
    expect(metricsOf(b).events).toBe(eventsBefore);
    const missed = metricsOf(b).missed;
    expect(missed).toBeGreaterThan(0);

    // Back: a change realtime delivers during the catch-up pull is held; the pull applies it first, yet realtime did not miss it.
    links[1].setRealtimeDown(false);
    const id = '55555555-5555-4555-8555-555555555555';
    server.write('contacts', id, { first_name: 'Held', created_at: new Date(time.now()).toISOString(), deleted_at: null, member_id: MEMBER });
    await settle(time, a, b);
    expect((await b.db.contacts.get(id))?.first_name).toBe('Held');
    expect(metricsOf(b).missed).toBe(missed);

    // The heartbeat's round trip, as the adapter reports it.
    (handlers as RealtimeHandlers | null)?.onHeartbeat?.(37);
    expect(metricsOf(b).roundTrip).toEqual({ count: 1, p50: 37, p95: 37 });

    await b.engine.checkConvergence();
    expect(metricsOf(b)).toMatchObject({ digestChecks: 1, repairs: 0 });
  });

  it('the oldest waiting change follows the outbox', async () => {
    const time = createFakeTime(START);
    const server = createFakeSyncServer({ now: time.now });
    const link = server.connect();
    link.setOffline(true);
    const a = createTestDevice({ memberId: MEMBER, remote: link.port, time });
    devices.push(a);
    a.engine.start();
    await addContact(a, { first_name: 'Offline' });
    await settle(time, a);
    await time.advance(2 * MINUTE_MS);
    const metrics = a.engine.metrics!;
    expect(metrics.getSnapshot().oldestWaitingMs).toBeGreaterThanOrEqual(2 * MINUTE_MS);
    link.setOffline(false);
    a.engine.tryNow();
    await settle(time, a);
    expect(metrics.getSnapshot().oldestWaitingMs).toBeNull();
    expect(metrics.getSnapshot().lastHour.total.oldestWaitingMs).toBeGreaterThanOrEqual(2 * MINUTE_MS);
  });
});
