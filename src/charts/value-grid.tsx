import type { ScaleLinear } from 'd3-scale';
import { CHART_GRID, CHART_INK_SOFT } from './palette';

/** The value axis of vertical bars: a grid line and a label per tick. */
export function ValueGrid({ ticks, y, left, width, format }: { readonly ticks: readonly number[]; readonly y: ScaleLinear<number, number>; readonly left: number; readonly width: number; readonly format: (value: number) => string }) {
  return (
    <>
      {ticks.map((tick) => (
        <g key={tick} transform={`translate(0 ${y(tick)})`}>
          <line x1={left} x2={width - 4} stroke={CHART_GRID} />
          <text x={left - 6} dy="0.32em" textAnchor="end" fill={CHART_INK_SOFT}>
            {format(tick)}
          </text>
        </g>
      ))}
    </>
  );
}
