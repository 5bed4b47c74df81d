import type { ReactNode } from 'react';
import './charts.css';

/**
 * A chart's frame: a figure named by its one-sentence summary (what a screen reader announces), a
 * visible title and note, the picture (hidden from assistive technology: the summary and the table
 * say the same), a legend and the table.
 */
export function ChartFigure({
  title,
  summary,
  note,
  children,
  legend,
  table,
  className,
}: {
  readonly title: string;
  /** One sentence with the chart's main numbers, e.g. "Follow-ups due: 3 overdue, 2 today, …". */
  readonly summary: string;
  readonly note?: ReactNode;
  readonly children: ReactNode;
  readonly legend?: ReactNode;
  readonly table: ReactNode;
  readonly className?: string;
}) {
  return (
    <figure className={`chart${className ? ` ${className}` : ''}`} aria-label={summary}>
      <figcaption className="chart__title">{title}</figcaption>
      {note ? <p className="chart__note">{note}</p> : null}
      {children}
      {legend}
      {table}
    </figure>
  );
}

export type LegendItem = { readonly key: string; readonly label: string; readonly swatch: ReactNode; readonly value?: string };

/** The keys of a chart's series, each with the same pattern as its bars. */
export function ChartLegend({ items }: { readonly items: readonly LegendItem[] }) {
  return (
    <ul className="chart-legend">
      {items.map((item) => (
        <li key={item.key}>
          {item.swatch}
          <span>{item.label}</span>
          {item.value !== undefined ? <span className="chart-legend__value">{item.value}</span> : null}
        </li>
      ))}
    </ul>
  );
}
