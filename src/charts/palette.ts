/*
 * Okabe & Ito's palette (Color Universal Design), readable with every common colour-vision deficiency.
 * Colour is never the only cue: each series also has its own fill pattern (see patterns.tsx), used
 * the same way in the chart and in its legend. Yellow (#F0E442) is left out: too light on white.
 */
export const OKABE_ITO = {
  blue: '#0072B2',
  orange: '#E69F00',
  bluishGreen: '#009E73',
  reddishPurple: '#CC79A7',
  skyBlue: '#56B4E9',
  vermillion: '#D55E00',
  black: '#000000',
} as const;

export const PATTERNS = ['solid', 'diagonal', 'dots', 'cross', 'horizontal', 'vertical', 'reverse'] as const;
export type PatternKind = (typeof PATTERNS)[number];

export type SeriesStyle = { readonly color: string; readonly pattern: PatternKind };

/** Styles in order: the nth series of any chart gets the nth colour and the nth pattern. */
export const SERIES_STYLES: readonly SeriesStyle[] = [
  { color: OKABE_ITO.blue, pattern: 'solid' },
  { color: OKABE_ITO.orange, pattern: 'diagonal' },
  { color: OKABE_ITO.bluishGreen, pattern: 'dots' },
  { color: OKABE_ITO.reddishPurple, pattern: 'cross' },
  { color: OKABE_ITO.skyBlue, pattern: 'horizontal' },
  { color: OKABE_ITO.vermillion, pattern: 'vertical' },
  { color: OKABE_ITO.black, pattern: 'reverse' },
];

export const seriesStyle = (index: number): SeriesStyle => SERIES_STYLES[((index % SERIES_STYLES.length) + SERIES_STYLES.length) % SERIES_STYLES.length] as SeriesStyle;

/** Axis, grid and text colours (the app's ink and lines). */
export const CHART_INK = '#1b1f1d';
export const CHART_INK_SOFT = '#55605a';
export const CHART_GRID = '#e6e9e4';
export const CHART_TRACK = '#f0f2ee';
