import { createClient, type AuthError } from '@supabase/supabase-js';
import { browserChannel, browserLocks, isOnline, onNetworkChange } from '../adapters/browser/tab-coordination';
import type { Database } from '../adapters/supabase/database.types';
import { createSupabaseRemote } from '../adapters/supabase/supabase-remote';
import type { FieldbookDb } from '../db/fieldbook-db';
import { createFieldbookDb, LOCAL_DATABASE_NAME, memberDatabaseName } from '../db/fieldbook-db';
import type { LocalStore } from '../db/local-store';
import { moveWorkspace } from '../db/move-workspace';
import { createSyncLocal, discardRejected, retryRejected, type Overwritten } from '../db/sync-local';
import type { HlcClock } from '../domain/hlc';
import type { AccountPort, AuthResult, PlatformPort, Session, SyncPort } from '../hooks/app-services';
import { AUTH_STORAGE_KEY } from './stored-session';
import type { Logger } from '../shared/logger';
import { createSyncEngine } from '../sync/engine';
import { createSyncCoordinator, type TabMessage } from '../sync/leader';
import { INITIAL_SYNC_STATUS } from '../sync/status';

/*
 * Everything that needs supabase-js, in one chunk that loads only when a backend is configured
 * (VITE_SUPABASE_URL), so the local-only app stays small.
 */

const ACCOUNT_CHANNEL = 'fieldbook-account';
/** What one tab tells the others about the account (signing out leaves every tab's member data). */
type AccountMessage = { readonly type: 'signed-out' };
const parseAccountMessage = (data: unknown): AccountMessage | null =>
  typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'signed-out' ? { type: 'signed-out' } : null;

type AuthAnswer = { data: { user?: { id: string } | null; session?: { user: { id: string } } | null } | null; error: AuthError | null };

const readable = ({ data, error }: AuthAnswer): AuthResult => {
  if (!error) return { ok: true, userId: data?.session?.user.id ?? null };
  if (error.status === 0 || /fetch/i.test(error.message)) return { ok: false, message: 'Could not reach the server. Check your connection and try again.' };
  if (error.code === 'invalid_credentials') return { ok: false, message: 'That email and password do not match.' };
  if (error.code === 'user_already_exists') return { ok: false, message: 'An account with this email already exists. Sign in instead.' };
  if (error.code === 'otp_expired') return { ok: false, message: 'That code is wrong or has expired. Ask for a new one.' };
  if (error.code === 'weak_password') return { ok: false, message: 'Choose a longer password (at least 6 characters).' };
  return { ok: false, message: error.message };
};

export function openBackend(win: Window, url: string, anonKey: string, session: Session | null) {
  const client = createClient<Database>(url, anonKey, {
    auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: false, storageKey: AUTH_STORAGE_KEY },
  });

  const account = (workspace: { newContext: (userId: string) => Parameters<typeof moveWorkspace>[2] }): AccountPort => ({
    session,
    signIn: async (email, password) => readable(await client.auth.signInWithPassword({ email, password })),
    async signUp(email, password) {
      const answer = await client.auth.signUp({ email, password });
      // A project that confirms emails creates the user without a session: say what to do next.
      if (!answer.error && !answer.data.session) return { ok: false, message: `We sent a confirmation link to ${email}. Open it, then sign in here.` };
      return readable(answer);
    },
    sendCode: async (email) => readable({ data: null, error: (await client.auth.signInWithOtp({ email, options: { shouldCreateUser: true } })).error }),
    verifyCode: async (email, code) => readable(await client.auth.verifyOtp({ email, token: code.trim(), type: 'email' })),
    async localWorkspaceContacts() {
      const local = createFieldbookDb(LOCAL_DATABASE_NAME);
      try {
        return await local.contacts.filter((contact) => contact.deleted_at === null).count();
      } finally {
        local.close();
      }
    },
    async moveLocalWorkspace(userId) {
      const local = createFieldbookDb(LOCAL_DATABASE_NAME);
      const member = createFieldbookDb(memberDatabaseName(userId));
      try {
        return await moveWorkspace(local, member, workspace.newContext(userId));
      } finally {
        local.close();
        member.close();
      }
    },
    async signOut() {
      await client.auth.signOut({ scope: 'local' });
      // Every other tab leaves this member's data too (a shared phone).
      browserChannel<AccountMessage>(win, ACCOUNT_CHANNEL).post({ type: 'signed-out' });
    },
  });

  return { client, session, account };
}

export type Backend = ReturnType<typeof openBackend>;

/** Starts sync for the signed-in member: the leader tab runs the engine, the others follow. */
export function startSync(options: {
  readonly win: Window;
  readonly backend: Backend;
  readonly session: Session;
  readonly db: FieldbookDb;
  readonly store: LocalStore;
  readonly clock: HlcClock;
  readonly platform: PlatformPort;
  readonly logger: Logger;
  readonly onOverwritten: (items: readonly Overwritten[]) => void;
}): SyncPort {
  const { win, backend, session, db, clock, platform } = options;
  const log = options.logger.scoped('sync');
  const name = `fieldbook-sync-${session.userId}`;
  const local = createSyncLocal(db, { onOverwritten: options.onOverwritten });
  const coordinator = createSyncCoordinator({
    lock: browserLocks(win),
    channel: browserChannel<TabMessage>(win, name),
    lockName: name,
    log,
    initialStatus: { ...INITIAL_SYNC_STATUS, network: isOnline(win) ? 'online' : 'offline' },
    createEngine() {
      log.info('this tab leads sync');
      const engine = createSyncEngine({
        remote: createSupabaseRemote(backend.client, session.userId, log),
        local,
        clock,
        time: { now: () => Date.now(), setTimeout: (run, ms) => win.setTimeout(run, ms), clearTimeout: (handle) => win.clearTimeout(handle as number) },
        log,
        network: isOnline(win) ? 'online' : 'offline',
      });
      backend.client.auth.onAuthStateChange((event) => {
        if (event === 'SIGNED_OUT') engine.setAuth('signed-out');
        else if (event === 'TOKEN_REFRESHED' || event === 'SIGNED_IN') engine.setAuth('signed-in');
      });
      // A refused token: refresh it; if the refresh token itself is refused, ask to sign in again.
      let refreshing = false;
      const refresh = async () => {
        const { data, error } = await backend.client.auth.refreshSession();
        if (data.session) engine.setAuth('signed-in');
        else if (error && error.status !== undefined && error.status >= 400 && error.status < 500) engine.setAuth('signed-out');
        else win.setTimeout(() => void refresh(), 30_000); // unreachable: try again later
      };
      engine.subscribe(() => {
        if (engine.getSnapshot().auth !== 'token-expired' || refreshing) return;
        refreshing = true;
        void refresh().finally(() => (refreshing = false));
      });
      void platform.storagePersisted().then((persisted) => engine.setStoragePersisted(persisted));
      return engine;
    },
  });
  // Another member signed in, or this one signed out, in another tab: leave this member's data.
  backend.client.auth.onAuthStateChange((event, current) => {
    if (event === 'SIGNED_IN' && current && current.user.id !== session.userId) platform.reload();
  });
  browserChannel<AccountMessage>(win, ACCOUNT_CHANNEL).onMessage((data) => {
    const message = parseAccountMessage(data);
    if (message === null) {
      log.warn('malformed account message ignored');
      return;
    }
    switch (message.type) {
      case 'signed-out':
        platform.reload();
        return;
      default: {
        const unhandled: never = message.type;
        log.warn(`account message ${String(unhandled)} ignored`);
      }
    }
  });
  options.store.onCommit(() => coordinator.command('local-write'));
  onNetworkChange(win, (online) => coordinator.command(online ? 'online' : 'offline'));
  platform.onReturn(() => coordinator.command('visible'));
  const writeContext = { clock, now: () => Date.now(), newId: () => crypto.randomUUID(), log: options.logger.scoped('db') };
  // The review list shows "That did not work. Nothing was lost; try again." when these reject.
  const orThrow = (result: Awaited<ReturnType<typeof retryRejected>>) => {
    if (!result.ok) throw new Error(result.error.message);
  };
  return {
    subscribe: coordinator.subscribe,
    getSnapshot: coordinator.getSnapshot,
    command: coordinator.command,
    convergence: coordinator.convergence,
    onRemoteChange: coordinator.onRemoteChange,
    async retryRejected(id) {
      orThrow(await retryRejected(db, id, writeContext));
      coordinator.command('local-write');
    },
    async discardRejected(id) {
      orThrow(await discardRejected(db, id, writeContext));
      coordinator.command('try-now'); // the pull brings the server's version back
    },
  };
}
