import { formatRelative } from '../../domain/dates';
import { useAppServices } from '../../hooks/app-services';
import { useNotify } from '../../hooks/use-notify';
import { useRecentMerges } from '../../hooks/use-recent-merges';

/** The latest merges, with Undo for those not undone yet: merges sync, so this works on any device. */
export function RecentMerges() {
  const { store, platform } = useAppServices();
  const merges = useRecentMerges(5);
  const notify = useNotify();
  if (merges === undefined || merges.length === 0) return null;
  const undo = async (id: string) => {
    const result = await store.undoMerge(id);
    notify(result.ok ? 'Merge undone' : `Undo failed: ${result.error.message}`);
  };
  return (
    <div className="card merge-recent" role="region" aria-labelledby="merge-recent-title">
      <h2 id="merge-recent-title">Recent merges</h2>
      <ul>
        {merges.map((merge) => (
          <li key={merge.id} className="merge-recent__item">
            <div>
              <strong>{merge.keptName || 'A contact since deleted'}</strong>
              <p className="hint">
                {merge.mergedNames.length > 0 ? `with ${merge.mergedNames.join(', ')} · ` : ''}
                {formatRelative(merge.createdAt, platform.now())}
                {merge.undone ? ' · undone' : ''}
              </p>
            </div>
            {merge.undone ? null : (
              <button type="button" className="button" onClick={() => void undo(merge.id)} aria-label={`Undo the merge into ${merge.keptName || 'a deleted contact'}`}>
                Undo
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
