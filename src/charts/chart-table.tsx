import { memo } from 'react';

export type ChartTableColumn = { readonly key: string; readonly label: string; readonly numeric?: boolean };
export type ChartTableRow = { readonly key: string; readonly header: string; readonly cells: readonly (string | number)[] };

const format = (cell: string | number) => (typeof cell === 'number' ? cell.toLocaleString('en') : cell);

/**
 * A chart's numbers as a table, behind "Show as table": the text alternative that a screen reader
 * (and anyone who prefers numbers) reads. The first column names the row (a row header).
 */
export const ChartTable = memo(function ChartTable({
  caption,
  columns,
  rows,
  footer,
}: {
  readonly caption: string;
  /** Every column, the row header's first. */
  readonly columns: readonly ChartTableColumn[];
  readonly rows: readonly ChartTableRow[];
  readonly footer?: ChartTableRow;
}) {
  const body = (row: ChartTableRow) => (
    <tr key={row.key}>
      <th scope="row">{row.header}</th>
      {row.cells.map((cell, index) => (
        <td key={columns[index + 1]?.key ?? index} className={typeof cell === 'number' || columns[index + 1]?.numeric ? 'chart-table__number' : undefined}>
          {format(cell)}
        </td>
      ))}
    </tr>
  );
  return (
    <details className="chart-table">
      <summary>Show as table</summary>
      <div className="chart-table__scroll">
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.key} scope="col" className={column.numeric ? 'chart-table__number' : undefined}>
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{rows.map(body)}</tbody>
          {footer ? <tfoot>{body(footer)}</tfoot> : null}
        </table>
      </div>
    </details>
  );
});
