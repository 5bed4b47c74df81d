import { formatRelative } from '../../domain/dates';
import { useRecentImports } from '../../hooks/use-contact-imports';

const n = (value: number) => value.toLocaleString('en-US');

/** The latest imports, with Undo for those not undone yet (on any device: imports sync). */
export function RecentImports({ onUndo, now }: { readonly onUndo: (importId: string) => void; readonly now: number }) {
  const imports = useRecentImports(5);
  if (imports === undefined || imports.length === 0) return null;
  return (
    <div className="card import__recent" role="region" aria-labelledby="import-recent-title">
      <h2 id="import-recent-title">Recent imports</h2>
      <ul>
        {imports.map((record) => {
          const total = record.created_count + record.merged_count;
          return (
            <li key={record.id} className="import__recent-item">
              <div>
                <strong>
                  {n(total)} contact{total === 1 ? '' : 's'} from {record.source}
                </strong>
                <p className="hint">
                  {record.file_name} · {n(record.created_count)} added, {n(record.merged_count)} merged · {formatRelative(record.created_at, now)}
                  {record.undone_at !== null ? ' · undone' : ''}
                </p>
              </div>
              {record.undone_at === null ? (
                <button type="button" className="button" onClick={() => onUndo(record.id)} aria-label={`Undo the import of ${n(total)} contacts from ${record.source}`}>
                  Undo
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
