import { useId } from 'react';

/** Chart text is 12 px; an average glyph of the system UI font is a little over half an em wide. */
export const FONT_SIZE = 12;
const CHAR_WIDTH = 6.8;

/** A generous estimate of a label's width in px (no measuring in the DOM, so no forced layout). */
export const textWidth = (text: string): number => text.length * CHAR_WIDTH;

/**
 * Every how many band labels to show so that none overlaps the next: 1 when all fit, else a stride.
 * Labels are shown counting back from the last band (today is always labelled).
 */
export function labelStride(labels: readonly string[], step: number): number {
  const widest = labels.reduce((max, label) => Math.max(max, textWidth(label)), 0) + 6;
  return step <= 0 ? labels.length || 1 : Math.max(1, Math.ceil(widest / step));
}

/** A React id usable inside `url(#…)`. */
export function useSvgId(): string {
  return `c${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
}
