import { scaleBand, scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { useId, type ReactNode } from 'react';

/*
 * A small chart over equal time buckets: a line (one or two series, e.g. p50 and p95) or bars (one
 * count, optionally with a second count drawn over it, e.g. checks and the repairs among them).
 *
 * Accessible without the picture: the SVG is one image named by `summary`, and a visually hidden
 * table beside it lists every bucket that has a value. Series differ by more than colour: the
 * second line is dashed, the second bar series hatched, and a legend names them. Colours come from
 * the Okabe-Ito palette (safe for the common colour-vision deficiencies), in its shades with at
 * least 3:1 contrast on white.
 */

export const SPARKLINE_COLOURS = ['#0072b2', '#d55e00'] as const;

export type SparklineSeries = {
  readonly name: string;
  /** One value per bucket, in the order of `times`; null where there is none. */
  readonly values: readonly (number | null)[];
};

export type SparklineProps = {
  readonly kind: 'line' | 'bar';
  /** Names the values in the table's caption ("Round trip, last hour"). */
  readonly title: string;
  /** What the chart shows, in words: the image's accessible name. */
  readonly summary: string;
  /** Each bucket's start. */
  readonly times: readonly number[];
  /** One or two series; a second is dashed (line) or hatched (bar). */
  readonly series: readonly SparklineSeries[];
  readonly formatValue: (value: number) => string;
  readonly formatTime: (at: number) => string;
  /** The lowest top of the scale, so that a quiet chart does not magnify noise (e.g. 1 for counts). */
  readonly minTop?: number;
  /** Lines: join the values across buckets that have none (a latency sampled now and then), instead of breaking the line. */
  readonly connectGaps?: boolean;
};

const WIDTH = 240;
const HEIGHT = 40;
const PAD = 3;

export function Sparkline({ kind, title, summary, times, series, formatValue, formatTime, minTop = 1, connectGaps = false }: SparklineProps) {
  const id = useId();
  const hatch = `sparkline-${id.replace(/[^a-zA-Z0-9_-]/g, '')}-hatch`;
  const values = series.flatMap((one) => one.values.filter((value): value is number => value !== null));
  const top = Math.max(minTop, ...values);
  const y = scaleLinear().domain([0, top]).range([HEIGHT - PAD, PAD]);
  const indexes = times.map((_, index) => index);
  const rows = indexes.filter((index) => series.some((one) => (one.values[index] ?? null) !== null && (kind === 'line' || (one.values[index] ?? 0) > 0)));

  let marks: ReactNode;
  if (kind === 'bar') {
    const x = scaleBand<number>().domain(indexes).range([0, WIDTH]).paddingInner(0.2);
    marks = series.map((one, which) =>
      one.values.map((value, index) => {
        if (value === null || value <= 0) return null;
        const barTop = Math.min(y(value), HEIGHT - PAD - 1); // a count of one still shows
        return (
          <rect
            key={`${which}-${index}`}
            className={`sparkline__bar sparkline__bar--${which}`}
            x={x(index)}
            width={x.bandwidth()}
            y={barTop}
            height={HEIGHT - PAD - barTop}
            fill={which === 0 ? SPARKLINE_COLOURS[0] : `url(#${hatch})`}
          />
        );
      }),
    );
  } else {
    const x = scaleLinear().domain([0, Math.max(1, times.length - 1)]).range([PAD, WIDTH - PAD]);
    const path = line<readonly [index: number, value: number | null]>()
      .defined(([, value]) => value !== null)
      .x(([index]) => x(index))
      .y(([, value]) => y(value ?? 0));
    marks = series.map((one, which) => {
      const points = one.values.map((value, index) => [index, value] as const);
      const drawn = connectGaps ? points.filter(([, value]) => value !== null) : points;
      // A value with no neighbour on the line would draw nothing: it gets a dot.
      const lone = drawn.filter(([, value], at) => value !== null && (drawn[at - 1]?.[1] ?? null) === null && (drawn[at + 1]?.[1] ?? null) === null);
      const colour = SPARKLINE_COLOURS[which % SPARKLINE_COLOURS.length];
      return (
        <g key={one.name} className={`sparkline__series sparkline__series--${which}`}>
          <path d={path(drawn) ?? ''} fill="none" stroke={colour} strokeWidth={which === 0 ? 2 : 1.5} strokeDasharray={which === 0 ? undefined : '4 3'} vectorEffect="non-scaling-stroke" />
          {lone.map(([index, value]) => (
            // A round cap on a zero-length stroke stays a round dot however the chart is stretched.
            <path key={index} className="sparkline__dot" d={`M${x(index)},${y(value ?? 0)}h0`} stroke={colour} strokeWidth={4} strokeLinecap="round" vectorEffect="non-scaling-stroke" />
          ))}
        </g>
      );
    });
  }

  return (
    <figure className="sparkline">
      <svg className="sparkline__svg" width="100%" height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={summary} focusable="false">
        {kind === 'bar' && series.length > 1 ? (
          <defs>
            <pattern id={hatch} width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="4" height="4" fill="#ffffff" />
              <line x1="0" y1="0" x2="0" y2="4" stroke={SPARKLINE_COLOURS[1]} strokeWidth="2.5" />
            </pattern>
          </defs>
        ) : null}
        <line className="sparkline__baseline" x1={0} x2={WIDTH} y1={HEIGHT - PAD + 0.5} y2={HEIGHT - PAD + 0.5} stroke="#8a958f" strokeWidth={1} vectorEffect="non-scaling-stroke" />
        {marks}
      </svg>
      {series.length > 1 ? (
        <figcaption className="sparkline__legend" aria-hidden="true">
          {series.map((one, which) => (
            <span key={one.name} className="sparkline__key">
              <svg width="18" height="10" viewBox="0 0 18 10" focusable="false">
                {kind === 'bar' ? (
                  <rect x="3" y="1" width="12" height="8" fill={which === 0 ? SPARKLINE_COLOURS[0] : `url(#${hatch})`} stroke={SPARKLINE_COLOURS[which % SPARKLINE_COLOURS.length]} />
                ) : (
                  <line x1="1" x2="17" y1="5" y2="5" stroke={SPARKLINE_COLOURS[which % SPARKLINE_COLOURS.length]} strokeWidth="2" strokeDasharray={which === 0 ? undefined : '4 3'} />
                )}
              </svg>{' '}
              {one.name}
            </span>
          ))}
        </figcaption>
      ) : null}
      <table className="visually-hidden">
        <caption>{rows.length === 0 ? `${title}: no figures yet` : `${title}${kind === 'bar' ? ' (periods with none are left out)' : ' (periods with no figure are left out)'}`}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            {series.map((one) => (
              <th key={one.name} scope="col">{one.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((index) => (
            <tr key={times[index]}>
              <th scope="row">{formatTime(times[index] ?? 0)}</th>
              {series.map((one) => {
                const value = one.values[index] ?? null;
                return <td key={one.name}>{value === null ? '—' : formatValue(value)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
