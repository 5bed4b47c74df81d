import { useId } from 'react';

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
