import { memo, useMemo } from 'react';
import { scaleLinear } from 'd3-scale';
import { CHART_INK, CHART_INK_SOFT, CHART_TRACK, SERIES_STYLES, type SeriesStyle } from './palette';
import { PatternDefs, patternId } from './patterns';
import { columnLayout, FONT_SIZE, textWidth, useSvgId } from './chart-geometry';
import { ValueGrid } from './value-grid';
import { useChartWidth } from './use-chart-width';

export type BarDatum = {
  readonly key: string;
  /** The category (axis label). */
  readonly label: string;
  readonly value: number;
  /** Printed by the bar (e.g. "2/3"); omitted where it would not fit. */
  readonly text?: string;
  /** Shown instead of a bar (e.g. "Off"). */
  readonly note?: string;
  /** Index into `styles`: the bar's colour and pattern. */
  readonly styleIndex?: number;
  /** Bold axis label (today). */
  readonly emphasis?: boolean;
  /** Hover text. */
  readonly title?: string;
};

type Common = {
  readonly data: readonly BarDatum[];
  readonly styles?: readonly SeriesStyle[];
  /** Top of the value axis (else the largest value, made nice). */
  readonly max?: number;
};

const MIN_BAR = 2;

/**
 * Vertical bars on a band scale with a nice linear value axis. Drawn at the measured width (viewBox
 * matches), axis labels thinned so they never collide, a non-zero value always at least 2 px tall.
 */
export const ColumnChart = memo(function ColumnChart({
  data,
  styles = SERIES_STYLES,
  max,
  height = 200,
  tickFormat = (value: number) => value.toLocaleString('en'),
  track = false,
}: Common & { readonly height?: number; readonly tickFormat?: (value: number) => string; readonly track?: boolean }) {
  const { ref, width } = useChartWidth();
  const id = useSvgId();
  const layout = useMemo(
    () => columnLayout({ categories: data, max: max ?? Math.max(1, ...data.map((d) => d.value)), width, height, top: 20, padding: [0.25, 0.15], tickFormat }),
    [data, max, height, width, tickFormat],
  );
  const { x, y, ticks, left, labels, baseline } = layout;
  const band = x.bandwidth();
  return (
    <div ref={ref} className="chart__plot">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} aria-hidden="true" focusable="false" fontSize={FONT_SIZE}>
        <PatternDefs prefix={id} styles={styles} />
        <ValueGrid ticks={ticks} y={y} left={left} width={width} format={tickFormat} />
        {data.map((d, index) => {
          const bx = x(d.key) ?? 0;
          const cx = bx + band / 2;
          const valueY = y(d.value);
          const barHeight = d.value > 0 ? Math.max(MIN_BAR, baseline - valueY) : 0;
          const labelAt = labels[index];
          const fits = d.text !== undefined && textWidth(d.text) <= x.step();
          return (
            <g key={d.key} className="chart-bar-group">
              {track && d.note === undefined ? <rect x={bx} y={y(y.domain()[1] ?? 0)} width={band} height={baseline - y(y.domain()[1] ?? 0)} fill={CHART_TRACK} rx={2} /> : null}
              {d.note !== undefined ? (
                <text x={cx} y={baseline - 8} textAnchor="middle" fill={CHART_INK_SOFT} className="chart-note">
                  {d.note}
                </text>
              ) : barHeight > 0 ? (
                <rect className="chart-bar" x={bx} y={baseline - barHeight} width={band} height={barHeight} fill={`url(#${patternId(id, d.styleIndex ?? 0)})`} rx={2}>
                  {d.title ? <title>{d.title}</title> : null}
                </rect>
              ) : null}
              {fits && d.note === undefined ? (
                <text x={cx} y={baseline - barHeight - 5} textAnchor="middle" fill={CHART_INK} className="chart-value">
                  {d.text}
                </text>
              ) : null}
              {labelAt ? (
                <text {...labelAt} y={baseline + 17} fill={d.emphasis ? CHART_INK : CHART_INK_SOFT} fontWeight={d.emphasis ? 700 : 400}>
                  {d.label}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={left} x2={width - 4} y1={baseline} y2={baseline} stroke={CHART_INK_SOFT} />
      </svg>
    </div>
  );
});

const ROW = 42;

/**
 * Horizontal bars, one row per category: the label above its bar and the value at the bar's end, so
 * long labels (stages, lead sources) never collide or get cut at phone width.
 */
export const RowChart = memo(function RowChart({ data, styles = SERIES_STYLES, max }: Common) {
  const { ref, width } = useChartWidth();
  const id = useSvgId();
  const height = data.length * ROW + 4;
  const layout = useMemo(() => {
    const valueSpace = Math.max(...data.map((d) => textWidth(d.text ?? d.value.toLocaleString('en'))), 10) + 10;
    const domainMax = max ?? Math.max(1, ...data.map((d) => d.value));
    const x = scaleLinear().domain([0, domainMax]).range([0, Math.max(20, width - valueSpace - 2)]);
    return { x };
  }, [data, max, width]);
  const { x } = layout;
  const end = x.range()[1] ?? 0;
  return (
    <div ref={ref} className="chart__plot">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} aria-hidden="true" focusable="false" fontSize={FONT_SIZE}>
        <PatternDefs prefix={id} styles={styles} />
        {data.map((d, index) => {
          const top = index * ROW;
          const barWidth = d.value > 0 ? Math.max(MIN_BAR, x(d.value)) : 0;
          return (
            <g key={d.key} transform={`translate(0 ${top})`}>
              <text x={1} y={14} fill={CHART_INK} fontSize={13} fontWeight={d.emphasis ? 700 : 500}>
                {d.label}
              </text>
              <rect x={0} y={20} width={end} height={16} fill={CHART_TRACK} rx={3} />
              {barWidth > 0 ? (
                <rect className="chart-bar" x={0} y={20} width={barWidth} height={16} fill={`url(#${patternId(id, d.styleIndex ?? 0)})`} rx={3}>
                  {d.title ? <title>{d.title}</title> : null}
                </rect>
              ) : null}
              <text x={end + 6} y={32} fill={CHART_INK} fontWeight={600}>
                {d.text ?? d.value.toLocaleString('en')}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
});
