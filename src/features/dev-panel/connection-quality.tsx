import { useState } from 'react';
import { Sparkline } from '../../charts/sparkline';
import { useSyncMetrics, type MetricsSnapshot } from '../../hooks/use-sync-metrics';
import { useSyncStatus } from '../../hooks/use-sync-status';
import './connection-quality.css';

type Range = 'hour' | 'day';
type MetricsWindow = MetricsSnapshot['lastHour'];
type Latency = MetricsWindow['total']['push'];

const RANGES: readonly { readonly value: Range; readonly label: string }[] = [
  { value: 'hour', label: 'Last hour' },
  { value: 'day', label: 'Last day' },
];

const count = (value: number) => Math.round(value).toLocaleString('en-GB');
const plural = (value: number, one: string, many = `${one}s`) => `${count(value)} ${value === 1 ? one : many}`;

/** 42 ms, 1.3 s, 12 s. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** 12 s, 4 min, 2 h 5 min. */
export function formatAge(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.round((ms - hours * 3_600_000) / 60_000);
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

const percentiles = (latency: Latency, none: string) =>
  latency.p50 === null || latency.p95 === null ? none : `${formatMs(latency.p50)} p50 · ${formatMs(latency.p95)} p95`;

type Metric = {
  readonly key: string;
  readonly name: string;
  /** The current figure beside the name. */
  readonly figure: string;
  readonly kind: 'line' | 'bar';
  readonly series: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
  readonly format: (value: number) => string;
  readonly summary: string;
  /** A latency is sampled now and then: join its line across minutes without a sample. */
  readonly connectGaps?: boolean;
};

function metricsOf(window: MetricsWindow, now: { readonly oldestWaitingMs: number | null }, per: string, period: string): readonly Metric[] {
  const { buckets, total } = window;
  const latency = (key: 'roundTrip' | 'push' | 'pull', name: string, what: readonly [one: string, many: string], none: string): Metric => ({
    key,
    name,
    figure: percentiles(total[key], none),
    kind: 'line',
    connectGaps: true,
    series: [
      { name: 'p50', values: buckets.map((bucket) => bucket[key].p50) },
      { name: 'p95', values: buckets.map((bucket) => bucket[key].p95) },
    ],
    format: formatMs,
    summary:
      total[key].count === 0
        ? `${name}, ${period}: ${none.toLowerCase()}`
        : `${name} per ${per}, ${period}: ${percentiles(total[key], '')} over ${plural(total[key].count, ...what)}. Solid line p50, dashed line p95.`,
  });
  const counter = (key: 'reconnects' | 'events' | 'missed', name: string, figure: (value: number) => string): Metric => {
    const values = buckets.map((bucket) => bucket[key]);
    return {
      key,
      name,
      figure: figure(total[key]),
      kind: 'bar',
      series: [{ name, values }],
      format: count,
      summary: `${name} per ${per}, ${period}: ${count(total[key])} in all, at most ${count(Math.max(0, ...values))} in one ${per}.`,
    };
  };
  const longest = total.oldestWaitingMs;
  return [
    latency('roundTrip', 'Round trip', ['heartbeat', 'heartbeats'], 'No heartbeat answered yet'),
    counter('reconnects', 'Reconnects', (value) => (value === 0 ? 'None' : plural(value, 'time'))),
    counter('events', 'Events received', (value) => plural(value, 'realtime change')),
    latency('push', 'Push latency', ['push', 'pushes'], 'Nothing pushed'),
    latency('pull', 'Pull latency', ['pull page', 'pull pages'], 'Nothing pulled'),
    counter('missed', 'Caught up by a pull', (value) => (value === 0 ? 'None: realtime delivered everything' : `${plural(value, 'change')} realtime missed`)),
    {
      key: 'digest',
      name: 'Digest checks',
      figure: `${plural(total.digestChecks, 'check')} · ${plural(total.repairs, 'repair')}`,
      kind: 'bar',
      series: [
        { name: 'Checks', values: buckets.map((bucket) => bucket.digestChecks) },
        { name: 'Repairs', values: buckets.map((bucket) => bucket.repairs) },
      ],
      format: count,
      summary: `Digest checks per ${per}, ${period}: ${plural(total.digestChecks, 'check')}, ${plural(total.repairs, 'repair')}. Solid bars checks, hatched bars repairs.`,
    },
    {
      key: 'oldest',
      name: 'Oldest waiting change',
      figure: `${now.oldestWaitingMs === null ? 'Nothing waiting' : `${formatAge(now.oldestWaitingMs)} now`}${longest === null ? '' : ` · longest ${formatAge(longest)}`}`,
      kind: 'line',
      series: [{ name: 'Oldest waiting', values: buckets.map((bucket) => bucket.oldestWaitingMs) }],
      format: formatAge,
      summary:
        longest === null
          ? `Oldest waiting change, ${period}: nothing waited to sync.`
          : `Age of the oldest change waiting to sync, per ${per}, ${period}: the longest wait was ${formatAge(longest)}.`,
    },
  ];
}

const timeOfDay = (at: number) => new Date(at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

/**
 * Connection quality on the Diagnostics screen: how sync has been doing on this device over the last
 * hour or day, as small charts with their figures. The engine measures it in the tab that runs sync;
 * another tab says so instead of showing empty charts.
 */
export function ConnectionQuality() {
  const status = useSyncStatus();
  const metrics = useSyncMetrics();
  const [range, setRange] = useState<Range>('hour');

  let body;
  if (status.auth === 'local-only') body = <p className="subtle">Sync is not set up on this device, so there is no connection to measure.</p>;
  else if (metrics === null) body = <p className="subtle">Measured in the tab that syncs. Open Diagnostics in that tab, or close the other tabs of Fieldbook, to see these charts.</p>;
  else {
    const window = range === 'hour' ? metrics.lastHour : metrics.lastDay;
    const per = range === 'hour' ? 'minute' : 'hour';
    const period = range === 'hour' ? 'last hour' : 'last day';
    const times = window.buckets.map((bucket) => bucket.start);
    body = (
      <>
        <p className="subtle connection-quality__note">
          Each point or bar is one {per}, now on the right. Measured on this device only; nothing is sent.
        </p>
        <ul className="connection-quality__list">
          {metricsOf(window, metrics, per, period).map((metric) => (
            <li key={metric.key} className="connection-quality__metric">
              <div className="connection-quality__head">
                <h3>{metric.name}</h3>
                <p className="connection-quality__figure">{metric.figure}</p>
              </div>
              <Sparkline
                kind={metric.kind}
                title={`${metric.name}, ${period}`}
                summary={metric.summary}
                times={times}
                series={metric.series}
                formatValue={metric.format}
                formatTime={timeOfDay}
                {...(metric.kind === 'line' ? { minTop: 10, connectGaps: metric.connectGaps === true } : {})}
              />
            </li>
          ))}
        </ul>
      </>
    );
  }

  return (
    <section className="card connection-quality" aria-labelledby="dev-quality">
      <div className="connection-quality__header">
        <h2 id="dev-quality">Connection quality</h2>
        {metrics !== null && status.auth !== 'local-only' ? (
          <div className="connection-quality__range" role="group" aria-label="Period">
            {RANGES.map(({ value, label }) => (
              <button key={value} type="button" className="chip" aria-pressed={range === value} onClick={() => setRange(value)}>
                {label}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      {body}
    </section>
  );
}
