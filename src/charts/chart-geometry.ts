import { useId } from 'react';
import { scaleBand, scaleLinear } from 'd3-scale';

/** Room under the plot for the category labels. */
const AXIS_BOTTOM = 26;

/** Chart text is 12 px; an average glyph of the system UI font is a little over half an em wide. */
export const FONT_SIZE = 12;
const CHAR_WIDTH = 7.2;

/** A generous estimate of a label's width in px (no measuring in the DOM, so no forced layout). */
export const textWidth = (text: string, bold = false): number => text.length * CHAR_WIDTH * (bold ? 1.1 : 1);

/**
 * Every how many band labels to show so that none overlaps the next: 1 when all fit, else a stride.
 * Labels are shown counting back from the last band (today is always labelled).
 */
export function labelStride(labels: readonly string[], step: number): number {
  const widest = labels.reduce((max, label) => Math.max(max, textWidth(label, true)), 0) + 8;
  return step <= 0 ? labels.length || 1 : Math.max(1, Math.ceil(widest / step));
}

/** An axis label centred under its band, or held inside the chart at either edge (never clipped). */
export function axisLabelPosition(center: number, label: string, width: number): { x: number; textAnchor: 'start' | 'middle' | 'end' } {
  const half = textWidth(label, true) / 2;
  if (center + half > width - 1) return { x: width - 1, textAnchor: 'end' };
  if (center - half < 1) return { x: 1, textAnchor: 'start' };
  return { x: center, textAnchor: 'middle' };
}

export type AxisLabel = { readonly x: number; readonly textAnchor: 'start' | 'middle' | 'end' } | null;

/**
 * Where to draw each band's label, or null to leave it out: every `labelStride`-th label counting back
 * from the last, each held inside the chart at the edges, and any that would still touch its
 * neighbour (after being held in at an edge) left out.
 */
export function placeAxisLabels(centers: readonly number[], labels: readonly string[], width: number, step: number): AxisLabel[] {
  const stride = labelStride(labels, step);
  const placed: AxisLabel[] = labels.map(() => null);
  let leftmost = Infinity;
  for (let i = labels.length - 1; i >= 0; i -= 1) {
    if ((labels.length - 1 - i) % stride !== 0) continue;
    const label = labels[i] as string;
    const position = axisLabelPosition(centers[i] ?? 0, label, width);
    const w = textWidth(label, true);
    const left = position.textAnchor === 'start' ? position.x : position.textAnchor === 'end' ? position.x - w : position.x - w / 2;
    if (left + w + 4 > leftmost) continue;
    placed[i] = position;
    leftmost = left;
  }
  return placed;
}

/** A React id usable inside `url(#…)`. */
export function useSvgId(): string {
  return `c${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
}

/** The scales and axis labels of vertical bars over categories: what ColumnChart and StackedBarChart share. */
export function columnLayout(options: {
  readonly categories: readonly { readonly key: string; readonly label: string }[];
  readonly max: number;
  readonly width: number;
  readonly height: number;
  readonly top: number;
  readonly padding: readonly [inner: number, outer: number];
  readonly tickFormat: (value: number) => string;
  readonly integerTicks?: boolean;
}) {
  const { categories, width, height, top, tickFormat } = options;
  const baseline = height - AXIS_BOTTOM;
  const y = scaleLinear().domain([0, options.max]).nice().range([baseline, top]);
  const ticks = options.integerTicks ? y.ticks(4).filter((tick) => Number.isInteger(tick)) : y.ticks(4);
  const left = Math.ceil(Math.max(...ticks.map((tick) => textWidth(tickFormat(tick))), 8)) + 12;
  const x = scaleBand<string>()
    .domain(categories.map((category) => category.key))
    .range([left, Math.max(left + 10, width - 4)])
    .paddingInner(options.padding[0])
    .paddingOuter(options.padding[1]);
  const labels = placeAxisLabels(
    categories.map((category) => (x(category.key) ?? 0) + x.bandwidth() / 2),
    categories.map((category) => category.label),
    width,
    x.step(),
  );
  return { x, y, ticks, left, labels, baseline };
}
