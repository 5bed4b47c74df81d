import { createBrowserPlatform } from '../adapters/browser/browser-platform';
import { createHistoryRouter } from '../adapters/browser/history-router';
import { createContactIndex } from '../db/contact-index';
import { createFieldbookDb, LOCAL_DATABASE_NAME } from '../db/fieldbook-db';
import { createLocalStore, ensureSetting, ensureWorkspaceMemberId, HLC_NODE_KEY } from '../db/local-store';
import { toStorageError } from '../db/storage-error';
import { createHlcClock } from '../domain/hlc';
import type { AppServices, ConnectionSnapshot, PendingOutreach, StorageProblem, Toast } from '../hooks/app-services';
import { createLogger, type LogEntry } from '../shared/logger';
import { createAnnouncer } from '../shared/announcer';
import { createStore } from '../shared/subscribable';

const LOCAL_ONLY: ConnectionSnapshot = { mode: 'local-only', isConnected: false, isReconnecting: false };

const consoleSink = (entry: LogEntry) => {
  const line = `[${entry.scope}] ${entry.message}`;
  if (entry.level === 'error') console.error(line, entry.data ?? '');
  else if (entry.level === 'warn') console.warn(line, entry.data ?? '');
  else console.debug(line, entry.data ?? '');
};

/**
 * The composition root: the local database, the store, the browser adapters and the app-wide stores.
 * With no backend configured, the workspace is local-only: a member id generated on first run.
 */
export async function createServices(win: Window): Promise<AppServices> {
  const logger = createLogger(import.meta.env.DEV ? { sink: consoleSink } : {});
  const log = logger.scoped('db');
  const platform = createBrowserPlatform(win);
  const db = createFieldbookDb(LOCAL_DATABASE_NAME);
  const storageProblem = createStore<StorageProblem | null>(null);
  const newId = () => crypto.randomUUID();

  // iOS closes IndexedDB when a backgrounded PWA wakes; reopen at once rather than failing the next read.
  db.on('close', () => {
    log.warn('database closed by the browser; reopening');
    db.open().then(
      () => storageProblem.set(null),
      (error: unknown) =>
        storageProblem.set({ message: toStorageError(error).message, retry: () => db.open().then(() => storageProblem.set(null)) }),
    );
  });
  // Another tab is upgrading the schema: step aside so it can, and ask for a reload.
  db.on('versionchange', () => {
    db.close();
    storageProblem.set({ message: 'Fieldbook was updated in another tab. Reload to continue; nothing is lost.', retry: () => Promise.resolve(platform.reload()) });
    return false;
  });

  const memberId = await ensureWorkspaceMemberId(db, newId);
  // One node id per device plus a per-tab suffix: two tabs never issue the same stamp.
  const deviceNode = await ensureSetting(db, HLC_NODE_KEY, () => newId().replace(/-/g, '').slice(0, 12));
  const clock = createHlcClock({ now: platform.now, node: `${deviceNode}${newId().replace(/-/g, '').slice(0, 4)}` });
  // Start past the newest stamp this device issued, even if the clock was since set back.
  const newest = await db.outbox.orderBy('seq').last();
  if (newest) clock.receive(newest.stamp);
  const store = createLocalStore(db, { memberId, clock, now: platform.now, newId, log });
  log.info('opened local workspace', { database: LOCAL_DATABASE_NAME });

  return {
    db,
    store,
    contactIndex: createContactIndex(db),
    logger,
    platform,
    router: createHistoryRouter(win),
    connection: createStore(LOCAL_ONLY),
    toasts: createStore<readonly Toast[]>([]),
    announcements: createAnnouncer(),
    pendingOutreach: createStore<PendingOutreach | null>(null),
    dirtyForms: createStore(0),
    storageProblem,
    devTools: import.meta.env.DEV || import.meta.env['VITE_DEV_TOOLS'] === 'true' ? 'editable' : 'read-only',
    buildId: __BUILD_ID__,
  };
}
