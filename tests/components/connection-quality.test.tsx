import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionQuality } from '../../src/features/dev-panel/connection-quality';
import { DevPanelScreen } from '../../src/features/dev-panel/dev-panel-screen';
import { AppServicesContext, type SyncPort } from '../../src/hooks/app-services';
import { createStore } from '../../src/shared/subscribable';
import type { ConvergenceReport } from '../../src/sync/engine';
import { LOCAL_ONLY_STATUS } from '../../src/sync/local-only';
import { createSyncMetrics, MINUTE_MS, type SyncMetrics } from '../../src/sync/metrics';
import type { TimePort } from '../../src/sync/ports';
import type { SyncStatus } from '../../src/sync/status';
import { createHarness, type Harness } from '../support/render-with-services';

const SIGNED_IN: SyncStatus = { ...LOCAL_ONLY_STATUS, auth: 'signed-in', realtime: 'subscribed', lastSyncedAt: null };
const NOW = Date.parse('2026-11-24T09:30:00.000Z');
const HOUR = 60 * MINUTE_MS;

/** A clock the test sets, and timers it runs by hand. */
function fakeTime(start: number) {
  let now = start;
  const timers = new Map<number, () => void>();
  let next = 0;
  const port: TimePort = {
    now: () => now,
    setTimeout: (run) => {
      next += 1;
      timers.set(next, run);
      return next;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  };
  return {
    port,
    set: (at: number) => void (now = at),
    runTimers: () => {
      const due = [...timers.values()];
      timers.clear();
      due.forEach((run) => run());
    },
  };
}

/**
 * A known history. Two hours ago (only in the last day): 2 reconnects, 10 events, 5 slow heartbeats.
 * From 30 to 16 minutes ago a change waited 14 minutes. Ten minutes ago: heartbeats of 1 to 100 ms,
 * ten pushes of 120 ms, pull pages of 10 to 1000 ms, a reconnect, 1,204 events, 2 rows only a pull
 * brought, 4 digest checks and a repair. Now a change written 2 minutes ago waits.
 */
function recorded() {
  const time = fakeTime(NOW - 2 * HOUR);
  const metrics = createSyncMetrics({ time: time.port });
  metrics.count('reconnects', 2);
  metrics.count('events', 10);
  for (let i = 0; i < 5; i += 1) metrics.latency('roundTrip', 2000);
  time.set(NOW - 30 * MINUTE_MS);
  metrics.oldestPending(NOW - 30 * MINUTE_MS);
  time.set(NOW - 16 * MINUTE_MS);
  metrics.oldestPending(null);
  time.set(NOW - 10 * MINUTE_MS);
  for (let ms = 1; ms <= 100; ms += 1) metrics.latency('roundTrip', ms);
  for (let i = 0; i < 10; i += 1) metrics.latency('push', 120);
  for (let ms = 10; ms <= 1000; ms += 10) metrics.latency('pull', ms);
  metrics.count('reconnects');
  metrics.count('events', 1204);
  metrics.count('missed', 2);
  metrics.count('digestChecks', 4);
  metrics.count('repairs');
  time.set(NOW);
  metrics.oldestPending(NOW - 2 * MINUTE_MS);
  return { time, metrics };
}

function syncWith(metrics: SyncMetrics | null, status: SyncStatus = SIGNED_IN): SyncPort {
  const store = createStore(status);
  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    command: () => undefined,
    convergence: createStore<ConvergenceReport | null>(null),
    onRemoteChange: () => () => undefined,
    retryRejected: () => Promise.resolve(),
    discardRejected: () => Promise.resolve(),
    ...(metrics === null ? {} : { metrics }),
  };
}

let harness: Harness;
afterEach(async () => harness?.db.delete());

async function mount(ui: React.ReactElement, sync: SyncPort) {
  harness = await createHarness();
  return render(<AppServicesContext.Provider value={{ ...harness.services, sync }}>{ui}</AppServicesContext.Provider>);
}

/** The figure beside a metric's name, and the metric's list item. */
const metric = (name: string) => {
  const item = screen.getByRole('heading', { name, level: 3 }).closest('li')!;
  return { item, figure: item.querySelector('.connection-quality__figure')?.textContent, bars: item.querySelectorAll('.sparkline__bar').length };
};

describe('Connection quality on the Diagnostics screen', () => {
  it('shows each figure of the last hour beside its chart', async () => {
    await mount(<ConnectionQuality />, syncWith(recorded().metrics));
    expect(screen.getByRole('button', { name: 'Last hour' }).getAttribute('aria-pressed')).toBe('true');
    expect(metric('Round trip').figure).toBe('50 ms p50 · 95 ms p95');
    expect(metric('Reconnects').figure).toBe('1 time');
    expect(metric('Events received').figure).toBe('1,204 realtime changes');
    expect(metric('Push latency').figure).toBe('120 ms p50 · 120 ms p95');
    expect(metric('Pull latency').figure).toBe('500 ms p50 · 950 ms p95');
    expect(metric('Caught up by a pull').figure).toBe('2 changes realtime missed');
    expect(metric('Digest checks').figure).toBe('4 checks · 1 repair');
    expect(metric('Oldest waiting change').figure).toBe('2 min now · longest 14 min');
    // One bar: the reconnect ten minutes ago; the two of two hours ago are outside the hour.
    expect(metric('Reconnects').bars).toBe(1);
  });

  it('switches to the last day: hourly buckets with what happened two hours ago', async () => {
    await mount(<ConnectionQuality />, syncWith(recorded().metrics));
    await userEvent.click(screen.getByRole('button', { name: 'Last day' }));
    expect(screen.getByRole('button', { name: 'Last day' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'Last hour' }).getAttribute('aria-pressed')).toBe('false');
    expect(metric('Reconnects').figure).toBe('3 times');
    expect(metric('Reconnects').bars).toBe(2);
    expect(metric('Events received').figure).toBe('1,214 realtime changes');
    expect(metric('Round trip').figure).toBe('53 ms p50 · 100 ms p95');
    expect(screen.getByRole('img', { name: 'Reconnects per hour, last day: 3 in all, at most 2 in one hour.' })).toBeTruthy();
  });

  it('every chart has a text alternative: a summary for the image and a table of its values', async () => {
    await mount(<ConnectionQuality />, syncWith(recorded().metrics));
    const push = metric('Push latency').item;
    expect(within(push).getByRole('img').getAttribute('aria-label')).toBe('Push latency per minute, last hour: 120 ms p50 · 120 ms p95 over 10 pushes. Solid line p50, dashed line p95.');
    const table = within(push).getByRole('table');
    expect(within(table).getAllByRole('row')).toHaveLength(2); // the header, and the one minute with pushes
    expect(within(table).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['120 ms', '120 ms']);
    const digest = within(metric('Digest checks').item).getByRole('table');
    expect(within(digest).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual(['Time', 'Checks', 'Repairs']);
    expect(within(digest).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['4', '1']);
    // Two series are told apart by more than colour: a legend, and a dashed line or hatched bars.
    expect([...metric('Round trip').item.querySelectorAll('.sparkline__key')].map((key) => key.textContent?.trim())).toEqual(['p50', 'p95']);
    expect(metric('Round trip').item.querySelector('path[stroke-dasharray]')).not.toBeNull();
    expect(metric('Digest checks').item.querySelector('rect[fill^="url(#"]')).not.toBeNull();
  });

  it('follows what the engine records while it is shown', async () => {
    const { time, metrics } = recorded();
    await mount(<ConnectionQuality />, syncWith(metrics));
    expect(metric('Reconnects').figure).toBe('1 time');
    metrics.count('reconnects');
    metrics.oldestPending(null);
    act(() => time.runTimers());
    expect(metric('Reconnects').figure).toBe('2 times');
    expect(metric('Oldest waiting change').figure).toBe('Nothing waiting · longest 14 min');
  });

  it('a tab that does not run sync says where the figures are; a local-only workspace has none', async () => {
    const view = await mount(<ConnectionQuality />, syncWith(null));
    expect(screen.getByText(/Measured in the tab that syncs/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Last day' })).toBeNull();
    view.unmount();
    await harness.db.delete();
    await mount(<ConnectionQuality />, syncWith(recorded().metrics, LOCAL_ONLY_STATUS));
    expect(screen.getByText(/Sync is not set up on this device/)).toBeTruthy();
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('is a section of the Diagnostics screen', async () => {
    await mount(<DevPanelScreen />, syncWith(recorded().metrics));
    expect(screen.getByRole('heading', { name: 'Connection quality', level: 2 })).toBeTruthy();
    expect(metric('Push latency').figure).toBe('120 ms p50 · 120 ms p95');
  });
});
