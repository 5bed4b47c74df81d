import { memo, useMemo } from 'react';
import { stack } from 'd3-shape';
import { CHART_INK, CHART_INK_SOFT, SERIES_STYLES, type SeriesStyle } from './palette';
import { PatternDefs, patternId } from './patterns';
import { columnLayout, FONT_SIZE, textWidth, useSvgId } from './chart-geometry';
import { ValueGrid } from './value-grid';
import { useChartWidth } from './use-chart-width';

const formatCount = (value: number) => value.toLocaleString('en');

export type StackSeries = { readonly key: string; readonly label: string };
export type StackRow = {
  readonly key: string;
  /** Axis label. */
  readonly label: string;
  /** Long label for hover text (e.g. the full date). */
  readonly title?: string;
  readonly values: Readonly<Record<string, number>>;
  readonly emphasis?: boolean;
};

/**
 * Stacked vertical bars (d3-shape's stack over a band scale), one pattern and colour per series, in
 * series order from the baseline up. The legend (ChartLegend with Swatch) uses the same styles.
 */
export const StackedBarChart = memo(function StackedBarChart({
  series,
  rows,
  styles = SERIES_STYLES,
  height = 220,
}: {
  readonly series: readonly StackSeries[];
  readonly rows: readonly StackRow[];
  readonly styles?: readonly SeriesStyle[];
  readonly height?: number;
}) {
  const { ref, width } = useChartWidth();
  const id = useSvgId();
  const layout = useMemo(() => {
    const keys = series.map((s) => s.key);
    const stacked = stack<StackRow, string>()
      .keys(keys)
      .value((row, key) => row.values[key] ?? 0)(rows as StackRow[]);
    const totals = rows.map((row) => keys.reduce((sum, key) => sum + (row.values[key] ?? 0), 0));
    const axes = columnLayout({ categories: rows, max: Math.max(1, ...totals), width, height, top: 18, padding: [0.2, 0.1], tickFormat: formatCount, integerTicks: true });
    return { stacked, totals, ...axes };
  }, [series, rows, height, width]);
  const { stacked, totals, x, y, ticks, left, labels, baseline } = layout;
  const band = x.bandwidth();
  return (
    <div ref={ref} className="chart__plot">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} aria-hidden="true" focusable="false" fontSize={FONT_SIZE}>
        <PatternDefs prefix={id} styles={styles} />
        <ValueGrid ticks={ticks} y={y} left={left} width={width} format={formatCount} />
        {stacked.map((layer, seriesIndex) => (
          <g key={layer.key} fill={`url(#${patternId(id, seriesIndex)})`}>
            {layer.map((point, rowIndex) => {
              const row = rows[rowIndex] as StackRow;
              const value = point[1] - point[0];
              if (value <= 0) return null;
              const y0 = y(point[0]);
              const y1 = y(point[1]);
              return (
                <rect key={row.key} className="chart-bar" x={x(row.key) ?? 0} y={y1} width={band} height={Math.max(1, y0 - y1)} stroke="#fff" strokeWidth={band > 6 ? 0.75 : 0}>
                  <title>{`${row.title ?? row.label}: ${series[seriesIndex]?.label ?? layer.key} ${value.toLocaleString('en')}`}</title>
                </rect>
              );
            })}
          </g>
        ))}
        {rows.map((row, index) => {
          const total = totals[index] ?? 0;
          const cx = (x(row.key) ?? 0) + band / 2;
          const labelAt = labels[index];
          const text = total.toLocaleString('en');
          return (
            <g key={row.key}>
              {total > 0 && textWidth(text) <= x.step() + 2 ? (
                <text x={cx} y={y(total) - 4} textAnchor="middle" fill={CHART_INK} fontSize={11} className="chart-value">
                  {text}
                </text>
              ) : null}
              {labelAt ? (
                <text {...labelAt} y={baseline + 17} fill={row.emphasis ? CHART_INK : CHART_INK_SOFT} fontWeight={row.emphasis ? 700 : 400}>
                  {row.label}
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
