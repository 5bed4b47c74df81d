import type { ReactNode } from 'react';
import type { SeriesStyle } from './palette';
import { useSvgId } from './chart-geometry';

const SIZE = 6;

/** The marks drawn over a series' colour: white lines or dots, so two series differ without colour. */
function marks(style: SeriesStyle): { transform?: string; content: ReactNode } {
  const stroke = { stroke: '#fff', strokeWidth: 1.6, strokeOpacity: 0.85 };
  switch (style.pattern) {
    case 'solid':
      return { content: null };
    case 'diagonal':
      return { transform: 'rotate(45)', content: <line x1={0} y1={0} x2={0} y2={SIZE} {...stroke} /> };
    case 'reverse':
      return { transform: 'rotate(-45)', content: <line x1={0} y1={0} x2={0} y2={SIZE} {...stroke} /> };
    case 'dots':
      return { content: <circle cx={SIZE / 2} cy={SIZE / 2} r={1.3} fill="#fff" fillOpacity={0.9} /> };
    case 'cross':
      return {
        transform: 'rotate(45)',
        content: (
          <>
            <line x1={0} y1={0} x2={0} y2={SIZE} {...stroke} />
            <line x1={0} y1={0} x2={SIZE} y2={0} {...stroke} />
          </>
        ),
      };
    case 'horizontal':
      return { content: <line x1={0} y1={SIZE / 2} x2={SIZE} y2={SIZE / 2} {...stroke} /> };
    case 'vertical':
      return { content: <line x1={SIZE / 2} y1={0} x2={SIZE / 2} y2={SIZE} {...stroke} /> };
  }
}

export const patternId = (prefix: string, index: number) => `${prefix}-p${index}`;

/** `<defs>` with one pattern per style, referenced as `url(#${patternId(prefix, i)})` by bars and legend swatches. */
export function PatternDefs({ prefix, styles }: { readonly prefix: string; readonly styles: readonly SeriesStyle[] }) {
  return (
    <defs>
      {styles.map((style, index) => {
        const { transform, content } = marks(style);
        return (
          <pattern key={index} id={patternId(prefix, index)} width={SIZE} height={SIZE} patternUnits="userSpaceOnUse" {...(transform ? { patternTransform: transform } : {})}>
            <rect width={SIZE} height={SIZE} fill={style.color} />
            {content}
          </pattern>
        );
      })}
    </defs>
  );
}

/** A legend key: the series' pattern in a small square, with its own defs (so it works outside the chart's SVG). */
export function Swatch({ style }: { readonly style: SeriesStyle }) {
  const id = useSvgId();
  return (
    <svg className="chart-swatch" width={16} height={16} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <PatternDefs prefix={id} styles={[style]} />
      <rect x={0.5} y={0.5} width={15} height={15} rx={3} fill={`url(#${patternId(id, 0)})`} stroke="rgba(0,0,0,0.35)" />
    </svg>
  );
}
