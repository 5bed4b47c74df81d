import { createBrowserPlatform } from '../adapters/browser/browser-platform';
import { createHistoryRouter } from '../adapters/browser/history-router';
import { createContactIndex } from '../db/contact-index';
import { createDeviceClock } from '../db/commit-changes';
import { createFieldbookDb, LOCAL_DATABASE_NAME, memberDatabaseName } from '../db/fieldbook-db';
import { createLocalStore, ensureSetting, ensureWorkspaceMemberId, HLC_NODE_KEY } from '../db/local-store';
import { toStorageError } from '../db/storage-error';
import type { AccountPort, AppServices, PendingOutreach, StorageProblem, SyncPort, TeamPort, NotificationsPort, Toast } from '../hooks/app-services';
import { createLogger, type LogEntry } from '../shared/logger';
import { createAnnouncer } from '../shared/announcer';
import { createStore } from '../shared/subscribable';
import { createLocalOnlySync } from '../sync/local-only';
import { storedSession } from './stored-session';
import { showToast } from '../hooks/use-notify';

const backendConfig = () => {
  const url = import.meta.env['VITE_SUPABASE_URL'] as string | undefined;
  const anonKey = import.meta.env['VITE_SUPABASE_ANON_KEY'] as string | undefined;
  return url && anonKey ? { url, anonKey } : null;
};

const consoleSink = (entry: LogEntry) => {
  const line = `[${entry.scope}] ${entry.message}`;
  if (entry.level === 'error') console.error(line, entry.data ?? '');
  else if (entry.level === 'warn') console.warn(line, entry.data ?? '');
  else console.debug(line, entry.data ?? '');
};

/**
 * The composition root: the local database, the store, the browser adapters and the app-wide stores.
 * With no backend configured, the workspace is local-only: a member id generated on first run. With a
 * backend (VITE_SUPABASE_URL), supabase-js loads in its own chunk; a signed-in member gets their own
 * database and the sync engine, and signing in or out reloads into the other workspace.
 */
export async function createServices(win: Window): Promise<AppServices> {
  const logger = createLogger(import.meta.env.DEV ? { sink: consoleSink } : {});
  const log = logger.scoped('db');
  const platform = createBrowserPlatform(win);
  const config = backendConfig();
  // supabase-js loads while the database opens; the session is read from storage without it.
  const backendModule = config ? import('./backend') : null;
  const session = config ? storedSession(win) : null;
  const databaseName = session ? memberDatabaseName(session.userId) : LOCAL_DATABASE_NAME;
  const db = createFieldbookDb(databaseName);
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
    db.stepAside();
    storageProblem.set({ message: 'Fieldbook was updated in another tab. Reload to continue; nothing is lost.', retry: () => Promise.resolve(platform.reload()) });
    return false;
  });

  const memberId = session ? session.userId : await ensureWorkspaceMemberId(db, newId);
  // One node id per device plus a per-tab suffix: two tabs never issue the same stamp.
  const deviceNode = await ensureSetting(db, HLC_NODE_KEY, () => newId().replace(/-/g, '').slice(0, 12));
  // Corrected by the server-time offset stored by sync, and past the newest stamp this device issued.
  const clock = await createDeviceClock(db, { now: platform.now, node: `${deviceNode}${newId().replace(/-/g, '').slice(0, 4)}` });
  const store = createLocalStore(db, { memberId, clock, now: platform.now, newId, log });
  log.info(session ? 'opened member workspace' : 'opened local workspace', { database: databaseName });

  const toasts = createStore<readonly Toast[]>([]);
  const announcements = createAnnouncer();
  const router = createHistoryRouter(win);

  let sync: SyncPort = createLocalOnlySync();
  let account: AccountPort | null = null;
  let team: TeamPort | null = null;
  let notifications: NotificationsPort | null = null;
  // If the sync code cannot load (an old cache, a flaky first visit), the data is still all here.
  const loaded = await backendModule?.catch((error: unknown) => {
    log.error('sync could not load; working from this device only', { error: String(error) });
    return null;
  });
  if (config && loaded) {
    const { openBackend, startSync, startTeam, startNotifications } = loaded;
    const backend = openBackend(win, config.url, config.anonKey, session);
    const contextFor = (userId: string) => ({ memberId: userId, clock, now: platform.now, newId, log });
    account = backend.account({ newContext: contextFor });
    if (session) {
      sync = startSync({
        win,
        backend,
        session,
        db,
        store,
        clock,
        platform,
        logger,
        // Say which value lost, and offer it back ("Restore mine"), unless its row is gone for good.
        onOverwritten: (items) => {
          for (const item of items) {
            // Loaded when the first notice is due (precached, so also offline): not on the first load.
            void import('./overwritten').then(({ describeOverwritten }) => describeOverwritten(db, item)).then((described) => {
              if (!described) return;
              const restore = item.removed ? undefined : { label: 'Restore mine', run: () => void store.restoreValues(item.table, item.row_id, item.lost) };
              // The same loss can be heard twice (a pull and the push's answer racing): one notice, the latest.
              toasts.set((current) => current.filter((toast) => toast.message !== described.message));
              showToast(toasts, announcements, described.message, restore, 10_000);
            });
          }
        },
      });
      team = startTeam({ win, backend, session, db, platform, logger });
      ({ notifications, account } = startNotifications({ win, client: backend.client, functionsUrl: `${config.url}/functions/v1`, db, now: platform.now, log: logger.scoped('notifications'), account }));
      // A person opened a link: say so on every device, once per click however many tabs hear of it
      // (each notice is claimed in IndexedDB; the code loads with the first click or sent message).
      sync.onRemoteChange((tables) => {
        if (tables.some((table) => table === 'email_clicks' || table === 'sent_emails'))
          void import('../db/engagement-queries').then((module) =>
            module.announceClicks(
              db,
              platform.now,
              (message, path) => showToast(toasts, announcements, message, path ? { label: 'View', run: () => router.navigate(path) } : undefined, 10_000),
              () => win.document.visibilityState === 'visible',
            ),
          );
      });
    }
  }

  return {
    db,
    store,
    contactIndex: createContactIndex(db),
    logger,
    platform,
    router,
    sync,
    account,
    team,
    notifications,
    linkTracking: config && session ? { redirectBase: `${config.url.replace(/\/+$/, '')}/functions/v1/r`, ownOrigins: [win.location.origin] } : null,
    toasts,
    announcements,
    pendingOutreach: createStore<PendingOutreach | null>(null),
    droppedFile: createStore<File | null>(null),
    dirtyForms: createStore(0),
    storageProblem,
    devTools: import.meta.env.DEV || import.meta.env['VITE_DEV_TOOLS'] === 'true' ? 'editable' : 'read-only',
    buildId: __BUILD_ID__,
  };
}
