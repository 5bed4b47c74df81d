import type { ColumnChoiceId as ColumnChoice } from '../../contacts-io/csv-read';
import type { CsvColumn } from './import-protocol';

/**
 * One <select> per column of a spreadsheet, with the column's first values, for sheets whose headers
 * nobody recognised. Each change reads the file again and refreshes the preview.
 */
export function ColumnMapper(props: {
  readonly columns: readonly CsvColumn[];
  readonly choices: readonly { readonly id: ColumnChoice; readonly label: string }[];
  readonly open: boolean;
  readonly value: readonly (ColumnChoice | null)[] | null;
  readonly onChange: (value: readonly (ColumnChoice | null)[]) => void;
}) {
  const current = (index: number): ColumnChoice | null => props.value?.[index] ?? props.columns[index]?.choice ?? null;
  const change = (index: number, choice: ColumnChoice) => {
    const next = props.columns.map((_, i) => (props.value?.[i] ?? null));
    next[index] = choice;
    props.onChange(next);
  };
  const unrecognised = props.columns.filter((column) => column.unrecognised).length;
  return (
    <details className="card import__details import__mapper" open={props.open}>
      <summary>
        <h2>Columns</h2>
        <span className="hint">
          {unrecognised > 0 ? `${unrecognised} column${unrecognised === 1 ? '' : 's'} not recognised: say what they hold.` : 'Check what each column holds.'}
        </span>
      </summary>
      <ul className="import__columns">
        {props.columns.map((column) => {
          const id = `import-column-${column.index}`;
          const choice = current(column.index);
          return (
            <li key={column.index} className={column.unrecognised ? 'import__column import__column--unknown' : 'import__column'}>
              <label htmlFor={id}>{column.header || `Column ${column.index + 1}`}</label>
              <select id={id} value={choice ?? ''} onChange={(event) => change(column.index, event.target.value as ColumnChoice)}>
                {choice === null ? <option value="">As in the file</option> : null}
                {props.choices.map((option) => (
                  <option key={option.id} value={option.id}>
                    {option.label}
                  </option>
                ))}
              </select>
              <p className="hint import__column-samples">{column.samples.length > 0 ? column.samples.join(' · ') : 'empty in the first rows'}</p>
            </li>
          );
        })}
      </ul>
    </details>
  );
}
