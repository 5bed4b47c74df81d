import { useState } from 'react';
import { useAppServices } from '../../hooks/app-services';
import { useLinkTo } from '../../hooks/use-link-to';
import { useNotify } from '../../hooks/use-notify';
import { useRejectedChanges, type RejectedRow } from '../../hooks/use-sync-status';
import { EmptyState } from '../../ui/empty-state';
import { SYNCED_TABLE_REGISTRY } from '../../domain/synced-table';


const HIDDEN = new Set(['id', 'member_id', 'created_at', 'deleted_at', 'last_touched_at', 'first_name', 'last_name']);

/** What the member typed, as text (never as HTML). */
function summary(change: RejectedRow): string {
  const name = [change.changes['first_name'], change.changes['last_name']].filter((part) => typeof part === 'string' && part).join(' ');
  const fields = Object.entries(change.changes)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== null && value !== '')
    .slice(0, 4)
    .map(([key, value]) => `${key.replace(/_/g, ' ')}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [name, ...fields].filter(Boolean).join(' · ');
}

function RejectedItem({ change }: { readonly change: RejectedRow }) {
  const { sync } = useAppServices();
  const notify = useNotify();
  const linkTo = useLinkTo();
  const [busy, setBusy] = useState(false);
  const act = (label: string, action: () => Promise<void>) => () => {
    setBusy(true);
    action().then(
      () => notify(label),
      () => {
        setBusy(false);
        notify('That did not work. Nothing was lost; try again.');
      },
    );
  };
  return (
    <li className="card rejected">
      <p className="rejected__what">
        <strong>{SYNCED_TABLE_REGISTRY[change.table].label}</strong> {summary(change)}
      </p>
      <p className="rejected__reason">
        <span className="visually-hidden">Refused: </span>
        {change.reason}
      </p>
      <div className="form__actions form__actions--start">
        <button type="button" className="button button--primary" disabled={busy} onClick={act('Sending it again', () => sync.retryRejected(change.id))}>
          Retry
        </button>
        {change.table === 'contacts' ? (
          <a className="button" {...linkTo(`/contacts/${encodeURIComponent(change.row_id)}/edit`)}>
            Edit
          </a>
        ) : null}
        <button type="button" className="button button--danger" disabled={busy} onClick={act('Discarded; the server’s version will be restored', () => sync.discardRejected(change.id))}>
          Discard
        </button>
      </div>
    </li>
  );
}

/** Changes the server refused, with its reason, and retry / edit / discard for each (src/sync/SPEC.md, G8). */
export function SyncReviewScreen() {
  const rejected = useRejectedChanges();
  return (
    <section className="screen" aria-labelledby="review-heading">
      <h1 id="review-heading">Changes that couldn’t be saved</h1>
      {rejected === undefined ? null : rejected.length === 0 ? (
        <EmptyState title="Nothing to review">Every change was saved.</EmptyState>
      ) : (
        <>
          <p className="subtle">The server refused these. What you typed is kept here: fix it and retry, or discard it to go back to the server’s version.</p>
          <ul className="rejected-list">
            {rejected.map((change) => (
              <RejectedItem key={change.id} change={change} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
