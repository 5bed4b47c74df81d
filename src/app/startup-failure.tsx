import { toStorageError } from '../db/storage-error';

/** Shown when the local database cannot be opened at all (blocked by an old tab, storage disabled). */
export function StartupFailure({ error, onRetry }: { readonly error: unknown; readonly onRetry: () => void }) {
  const storage = toStorageError(error);
  return (
    <main className="screen error-screen" role="alert">
      <h1>Fieldbook could not open its local database</h1>
      <p>{storage.kind === 'unknown' ? 'This browser may be blocking storage (private browsing can do this). Your data on this device has not been changed.' : storage.message}</p>
      <p className="subtle">
        <code>{String(error)}</code>
      </p>
      <button type="button" className="button button--primary" onClick={onRetry}>
        Try again
      </button>
    </main>
  );
}
