import { useState } from 'react';
import { useAppServices } from '../../hooks/app-services';
import { useOutbox } from '../../hooks/use-outbox';
import { useNotify } from '../../hooks/use-notify';
import { useRealtimeConnection } from '../../hooks/use-realtime-connection';
import { useStorageStatus } from '../../hooks/use-storage-status';
import { useConvergence, useSyncStatus } from '../../hooks/use-sync-status';
import { useLinkTo } from '../../hooks/use-link-to';
import { useStoreValue } from '../../hooks/use-store-value';
import { ConnectionQuality } from './connection-quality';

const formatBytes = (bytes: number) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : bytes < 1024 ** 3 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024 ** 3).toFixed(2)} GB`;

/** The seed's test panel: sync state and the digest check, connection quality, test data, the outbox, storage, and a live log of what the data layer and sync did. */
export function DevPanelScreen() {
  const { store, logger, platform, devTools, buildId, sync } = useAppServices();
  const status = useSyncStatus();
  const convergence = useConvergence();
  const linkTo = useLinkTo();
  const notify = useNotify();
  const connection = useRealtimeConnection();
  const outbox = useOutbox(20);
  const log = useStoreValue(logger);
  const [refresh, setRefresh] = useState(0);
  const storage = useStorageStatus(refresh);
  const [busy, setBusy] = useState<string | null>(null);
  const editable = devTools === 'editable';

  const run = async (label: string, action: () => Promise<{ ok: boolean }>) => {
    setBusy(label);
    const started = platform.now();
    const result = await action();
    setBusy(null);
    setRefresh((value) => value + 1);
    notify(result.ok ? `${label}: done in ${Math.round(platform.now() - started)} ms` : `${label} failed`);
  };

  return (
    <section className="screen" aria-labelledby="dev-title">
      <div className="screen__header">
        <h1 id="dev-title">Diagnostics</h1>
        <span className="badge">{editable ? 'Development' : 'Read-only'}</span>
      </div>
      <section className="card" aria-labelledby="dev-connection">
        <h2 id="dev-connection">Sync</h2>
        <dl className="details">
          <div><dt>Mode</dt><dd>{connection.mode}</dd></div>
          <div><dt>Network</dt><dd>{status.network}</dd></div>
          <div><dt>Realtime</dt><dd>{status.realtime}</dd></div>
          <div><dt>Auth</dt><dd>{status.auth}</dd></div>
          <div><dt>Waiting to push</dt><dd>{status.pendingCount}</dd></div>
          <div>
            <dt>Rejected</dt>
            <dd>{status.rejectedCount > 0 ? <a {...linkTo('/sync/review')}>{status.rejectedCount} to review</a> : 0}</dd>
          </div>
          <div><dt>Last synced</dt><dd>{status.lastSyncedAt === null ? 'never' : new Date(status.lastSyncedAt).toLocaleTimeString('en-GB')}</dd></div>
          <div>
            <dt>Digest check</dt>
            <dd>{convergence ? `${convergence.outcome} at ${new Date(convergence.at).toLocaleTimeString('en-GB')}: ${convergence.detail}` : 'not run yet'}</dd>
          </div>
          <div><dt>Build</dt><dd>{buildId}</dd></div>
        </dl>
        {status.auth !== 'local-only' ? (
          <div className="form__actions form__actions--start">
            <button type="button" className="button" onClick={() => sync.command('check')}>Check against the server</button>
            <button type="button" className="button" onClick={() => sync.command('try-now')}>Sync now</button>
          </div>
        ) : null}
      </section>
      <ConnectionQuality />
      {editable ? (
        <section className="card" aria-labelledby="dev-actions">
          <h2 id="dev-actions">Test data</h2>
          <div className="form__actions form__actions--start form__actions--wrap">
            <button type="button" className="button" disabled={busy !== null} onClick={() => void run('Add test contact', () => store.seedContacts(1, 'Test '))}>Add test contact</button>
            <button type="button" className="button" disabled={busy !== null} onClick={() => void run('Add test activity', () => store.addTestActivity(`created at ${new Date(platform.now()).toLocaleTimeString('en-GB')}`))}>Add test activity</button>
            <button type="button" className="button" disabled={busy !== null} onClick={() => void run('Seed 1,000 contacts', () => store.seedContacts(1000))}>Seed 1,000 contacts</button>
            <button type="button" className="button" disabled={busy !== null} onClick={() => void run('Seed 10,000 contacts', () => store.seedContacts(10000))}>Seed 10,000 contacts</button>
          </div>
          {busy ? <p className="subtle" aria-live="off">{busy}…</p> : null}
        </section>
      ) : null}
      <section className="card" aria-labelledby="dev-storage">
        <h2 id="dev-storage">Storage</h2>
        {storage === undefined ? (
          <p className="loading">Checking…</p>
        ) : (
          <dl className="details">
            <div><dt>Used</dt><dd>{storage.estimate ? `${formatBytes(storage.estimate.usage)} of ${formatBytes(storage.estimate.quota)}` : 'Unknown'}</dd></div>
            <div>
              <dt>Persisted</dt>
              <dd>{storage.persisted === null ? 'Unknown' : storage.persisted ? 'Yes' : 'No: the browser may clear data it needs space for'}</dd>
            </div>
          </dl>
        )}
        {storage?.persisted === false ? (
          <button type="button" className="button" onClick={() => void platform.requestPersistentStorage().then(() => setRefresh((value) => value + 1))}>
            Ask to keep data
          </button>
        ) : null}
      </section>
      <section className="card" aria-labelledby="dev-outbox">
        <h2 id="dev-outbox">Outbox <span className="count">{outbox?.count ?? 0}</span></h2>
        {outbox && outbox.entries.length > 0 ? (
          <div className="table-scroll">
            <table>
              <thead><tr><th>#</th><th>Table</th><th>Op</th><th>Fields</th><th>Stamp</th></tr></thead>
              <tbody>
                {outbox.entries.map((entry) => (
                  <tr key={entry.mutation_id}>
                    <td>{entry.seq}</td>
                    <td>{entry.table}</td>
                    <td>{entry.op}</td>
                    <td>{Object.keys(entry.changes).join(', ')}</td>
                    <td><code>{entry.stamp}</code></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="subtle">Empty: nothing waiting.</p>
        )}
      </section>
      <section className="card" aria-labelledby="dev-log">
        <h2 id="dev-log">Data and sync log</h2>
        {log.length === 0 ? (
          <p className="subtle">Nothing logged yet.</p>
        ) : (
          <ol className="log" aria-label="Log entries">
            {[...log].reverse().slice(0, 100).map((entry) => (
              <li key={entry.seq} className={`log__entry log__entry--${entry.level}`}>
                <time>{new Date(entry.at).toLocaleTimeString('en-GB')}</time> <strong>{entry.scope}</strong> {entry.message}
                {entry.data ? <code> {JSON.stringify(entry.data)}</code> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </section>
  );
}
