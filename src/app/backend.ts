import { browserChannel, browserLocks, isOnline, onNetworkChange } from '../adapters/browser/tab-coordination';
import { createSupabaseAuth, openSupabaseClient, type AuthAnswer, type AuthFailure } from '../adapters/supabase/supabase-auth';
import { createSupabaseRemote } from '../adapters/supabase/supabase-remote';
import { createTeamRemote, startTeamPresence, type TeamPresence } from '../adapters/supabase/team-remote';
import { readTeam, recordSeen, replaceTeam } from '../db/team-cache';
import { startTeamFeed } from './team-feed';

export { startNotifications } from './notifications';
import { createStore } from '../shared/subscribable';
import type { FieldbookDb } from '../db/fieldbook-db';
import { createFieldbookDb, LOCAL_DATABASE_NAME, memberDatabaseName } from '../db/fieldbook-db';
import type { LocalStore } from '../db/local-store';
import { moveWorkspace } from '../db/move-workspace';
import { createSyncLocal, discardRejected, retryRejected, type Overwritten } from '../db/sync-local';
import type { HlcClock } from '../domain/hlc';
import { MESSAGES } from '../domain/limit-messages';
import type { AccountPort, AuthResult, PlatformPort, Session, SyncPort, TeamPort } from '../hooks/app-services';
import { AUTH_STORAGE_KEY } from './stored-session';
import type { Logger } from '../shared/logger';
import { createSyncEngine } from '../sync/engine';
import { createSyncCoordinator, type TabMessage } from '../sync/leader';
import { INITIAL_SYNC_STATUS } from '../sync/status';

/*
 * Everything that needs supabase-js, in one chunk that loads only when a backend is configured
 * (VITE_SUPABASE_URL), so the local-only app stays small. The supabase-js calls themselves live in
 * src/adapters/supabase (auth, the sync RPCs, realtime); this module wires them to the app.
 */

const ACCOUNT_CHANNEL = 'fieldbook-account';
/** What one tab tells the others about the account (signing out leaves every tab's member data). */
type AccountMessage = { readonly type: 'signed-out' };
const parseAccountMessage = (data: unknown): AccountMessage | null =>
  typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'signed-out' ? { type: 'signed-out' } : null;

/** What the account screen says for each kind of auth failure (`other`: the server's own words). */
const FAILURE_MESSAGES: Readonly<Record<Exclude<AuthFailure, 'other'>, string>> = {
  offline: 'Could not reach the server. Check your connection and try again.',
  'server-unavailable': 'The server is not answering right now. Try again in a minute.',
  'invalid-credentials': 'That email and password do not match.',
  'email-not-confirmed': 'Open the confirmation link we emailed you, then sign in.',
  'already-exists': 'An account with this email already exists. Sign in instead.',
  'weak-password': MESSAGES.weakPassword,
  'code-expired': 'That code is wrong or has expired. Ask for a new one.',
  'rate-limited': 'Too many attempts. Wait a minute, then try again.',
};

const readable = (answer: AuthAnswer): AuthResult =>
  answer.ok ? { ok: true, userId: answer.userId } : { ok: false, message: answer.failure === 'other' ? answer.message : FAILURE_MESSAGES[answer.failure] };

/** supabase-js and the account port over it (src/adapters/supabase/supabase-auth.ts). */
export function openBackend(win: Window, url: string, anonKey: string, session: Session | null) {
  const client = openSupabaseClient(url, anonKey, AUTH_STORAGE_KEY);
  const auth = createSupabaseAuth(client);

  const account = (workspace: { newContext: (userId: string) => Parameters<typeof moveWorkspace>[2] }): AccountPort => ({
    session,
    signIn: async (email, password) => readable(await auth.signIn(email, password)),
    async signUp(email, password) {
      const answer = await auth.signUp(email, password);
      // A project that confirms emails creates the user without a session: say what to do next.
      if (answer.ok && answer.userId === null) return { ok: false, message: `We sent a confirmation link to ${email}. Open it, then sign in here.` };
      return readable(answer);
    },
    sendCode: async (email) => readable(await auth.sendCode(email)),
    verifyCode: async (email, code) => readable(await auth.verifyCode(email, code)),
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
      await auth.signOut();
      // Every other tab leaves this member's data too (a shared phone).
      browserChannel<AccountMessage>(win, ACCOUNT_CHANNEL).post({ type: 'signed-out' });
    },
  });

  return { client, auth, session, account };
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
      backend.auth.onSessionChange((event) => engine.setAuth(event === 'signed-out' ? 'signed-out' : 'signed-in'));
      // A refused token: refresh it; if the refresh token itself is refused, ask to sign in again.
      let refreshing = false;
      const refresh = async () => {
        const outcome = await backend.auth.refresh();
        if (outcome === 'refreshed') engine.setAuth('signed-in');
        else if (outcome === 'refused') engine.setAuth('signed-out');
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
  backend.auth.onSessionChange((event, userId) => {
    if (event === 'signed-in' && userId !== null && userId !== session.userId) platform.reload();
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
    metrics: coordinator.metrics,
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

/**
 * The team for the signed-in member: the remote calls, the cached copy refreshed from the server (at
 * start, whenever the app comes back online, when the screen asks, and when a new member knocks), and
 * presence: the member's own channel, and the line's (upline, levels 1 and 2), restarted when it changes.
 */
export function startTeam(options: {
  readonly win: Window;
  readonly backend: Backend;
  readonly session: Session;
  readonly db: FieldbookDb;
  readonly platform: PlatformPort;
  readonly logger: Logger;
}): TeamPort {
  const { win, backend, session, db, platform } = options;
  const log = options.logger.scoped('team');
  const remote = createTeamRemote(backend.client, () => platform.now());
  const online = createStore<ReadonlySet<string>>(new Set());
  let presence: TeamPresence | null = null;
  let watchKey: string | null = null;
  let uplineSeen: ReadonlySet<string> | null = null;

  // One restart at a time (a refresh can land while the previous restart still leaves its channels).
  let restarting: Promise<void> = Promise.resolve();
  const startPresence = () => (restarting = restarting.then(restartPresence, restartPresence));
  // The line as cached, nearest first: the upline, then levels 1 and 2, each on its owner's channel.
  // A sponsor or grand-sponsor new since the last start is knocked on, so their app reads the team
  // again and starts watching this member.
  const restartPresence = async () => {
    const { upline, downline } = await readTeam(db);
    const watchIds = [...upline, ...downline.filter((row) => row.depth <= 2)].map((row) => row.member_id);
    const knockIds = upline.filter((row) => uplineSeen !== null && row.depth >= -2 && !uplineSeen.has(row.member_id)).map((row) => row.member_id);
    uplineSeen = new Set(upline.map((row) => row.member_id));
    const key = watchIds.join(',');
    if (key === watchKey && knockIds.length === 0) return;
    watchKey = key;
    const previous = presence;
    presence = null;
    await previous?.stop();
    presence = startTeamPresence(backend.client, {
      memberId: session.userId,
      watchIds,
      knockIds,
      onOnline: (ids) => {
        online.set(ids);
        void recordSeen(db, ids, platform.now()).catch((error: unknown) => log.warn('last seen not saved', { error: String(error) }));
        void refreshForNewcomers(ids);
      },
      onKnock: knocked,
      now: () => platform.now(),
      onError: (topic, message) => log.warn('presence channel refused', { topic, message }),
    });
  };

  // Online ids are only ever owners of watched channels (any other presence key is ignored), so
  // from the cached team; one no longer in it (a refresh landed meanwhile) asks once per id.
  const asked = new Set<string>();
  const refreshForNewcomers = async (ids: ReadonlySet<string>) => {
    const { upline, downline } = await readTeam(db);
    const known = new Set([...upline, ...downline].map((row) => row.member_id));
    const newcomers = [...ids].filter((id) => !known.has(id) && !asked.has(id));
    if (newcomers.length === 0) return;
    for (const id of newcomers) asked.add(id);
    await refresh();
  };

  // A new member at level 1 or 2 knocked on this member's channel: read the team again, at most once
  // every 10 seconds however many knocks come.
  let knockTimer: number | null = null;
  let lastKnockRefresh = Number.NEGATIVE_INFINITY;
  const knocked = () => {
    if (knockTimer !== null) return;
    const wait = Math.max(0, lastKnockRefresh + 10_000 - platform.now());
    knockTimer = win.setTimeout(() => {
      knockTimer = null;
      lastKnockRefresh = platform.now();
      void refresh();
    }, wait);
  };

  const refresh = async () => {
    const answer = await remote.myTeam();
    if (!answer.ok) {
      log.warn('team refresh failed', { message: answer.error });
      return answer;
    }
    await replaceTeam(db, answer.value, platform.now());
    void startPresence().catch((error: unknown) => log.warn('presence could not start', { error: String(error) }));
    return { ok: true as const, value: true as const };
  };

  // The feed: the first page at start and on every return online, then kept current by Realtime.
  const feed = startTeamFeed({ client: backend.client, db, now: () => platform.now(), log });
  const refreshFeed = feed.refresh;

  const refreshAll = () => {
    void refresh();
    void refreshFeed();
  };
  void startPresence().catch((error: unknown) => log.warn('presence could not start', { error: String(error) }));
  if (isOnline(win)) refreshAll();
  onNetworkChange(win, (isNowOnline) => {
    if (isNowOnline) refreshAll();
  });

  const joinLink = (code: string) => `${win.location.origin}/join/${encodeURIComponent(code)}`;

  // A change of team changes whose wins the member sees, too.
  const thenRefresh = async <T>(answer: Promise<{ ok: true; value: T } | { ok: false; error: string }>) => {
    const result = await answer;
    if (result.ok) await Promise.all([refresh(), refreshFeed()]);
    return result;
  };

  return {
    memberId: session.userId,
    createInvite: remote.createInvite,
    revokeInvite: remote.revokeInvite,
    listInvites: remote.listInvites,
    acceptInvite: (code) => thenRefresh(remote.acceptInvite(code)),
    leave: () => thenRefresh(remote.leave()),
    removeMember: (memberId) => thenRefresh(remote.removeMember(memberId)),
    refresh,
    refreshFeed,
    loadOlderWins: () => feed.loadOlder(),
    hideComment: (commentId, hide) => feed.hideComment(commentId, hide),
    refreshLeaderDay: (day, depth) => feed.refreshLeaderDay(day, depth),
    presence: online,
    joinLink,
    async shareInvite(code) {
      const url = joinLink(code);
      const text = `Join my team on Fieldbook with the code ${code}`;
      const nav = win.navigator;
      if (typeof nav.share === 'function') {
        try {
          await nav.share({ title: 'Join my team on Fieldbook', text, url });
          return 'shared';
        } catch (error) {
          if (error instanceof Error && error.name === 'AbortError') return 'failed';
        }
      }
      try {
        await nav.clipboard.writeText(url);
        return 'copied';
      } catch {
        return 'failed';
      }
    },
  };
}
