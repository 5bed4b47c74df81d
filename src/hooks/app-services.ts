import type { MetricsSnapshot } from '../sync/metrics';
import { createContext, useContext } from 'react';
import type { ContactIndex } from '../db/contact-index';
import type { FieldbookDb } from '../db/fieldbook-db';
import type { LinkTracking, LocalStore } from '../db/local-store';
import type { DigestSettings, PushPreferences } from '../domain/notification-preferences';
import type { DevicePlatform } from '../domain/contact-links';
import type { Announcer } from '../shared/announcer';
import type { Logger } from '../shared/logger';
import type { Result } from '../shared/result';
import type { Store, Subscribable } from '../shared/subscribable';
import type { SyncedTable } from '../domain/synced-table';
import type { ConvergenceReport } from '../sync/engine';
import type { Command } from '../sync/leader';
import type { SyncStatus } from '../sync/status';

/** Browser capabilities the screens need, implemented in adapters/browser and faked in tests. */
export type PlatformPort = {
  readonly device: DevicePlatform;
  /** Opens a tel:, sms:, mailto: or https: link in the app that handles it. */
  openExternal(url: string): void;
  /** Calls back when the app becomes visible or focused again (after a call or message app). */
  onReturn(listener: () => void): () => void;
  download(filename: string, text: string, mimeType: string): void;
  storageEstimate(): Promise<{ usage: number; quota: number } | null>;
  storagePersisted(): Promise<boolean | null>;
  requestPersistentStorage(): Promise<boolean | null>;
  isStandalone(): boolean;
  /** Starts the app again (after signing in or out, which switches the member's database). */
  reload(): void;
  now(): number;
};

export type RouterPort = Subscribable<string> & {
  readonly navigate: (path: string, options?: { replace?: boolean }) => void;
};

export type ToastAction = { readonly label: string; readonly run: () => void };
export type Toast = { readonly id: number; readonly message: string; readonly action?: ToastAction; readonly durationMs: number };

export type PendingOutreach = {
  readonly contactId: string;
  readonly channel: 'call' | 'text' | 'whatsapp';
  readonly templateName?: string;
  readonly startedAt: number;
};

export type StorageProblem = { readonly message: string; readonly retry: () => Promise<void> };

/** Who is signed in, when a backend is configured. */
export type Session = { readonly userId: string; readonly email: string };

/** `userId` is set when the action signed someone in. */
export type AuthResult = { readonly ok: true; readonly userId: string | null } | { readonly ok: false; readonly message: string };

/** Sign up, in and out (present only when a backend is configured). */
export type AccountPort = {
  readonly session: Session | null;
  readonly signIn: (email: string, password: string) => Promise<AuthResult>;
  readonly signUp: (email: string, password: string) => Promise<AuthResult>;
  readonly sendCode: (email: string) => Promise<AuthResult>;
  readonly verifyCode: (email: string, code: string) => Promise<AuthResult>;
  /** Contacts in the local-only workspace of this device, which the member may move into the account. */
  readonly localWorkspaceContacts: () => Promise<number>;
  /** Copies the local-only workspace into the signed-in member's data, to be pushed; then empties it. */
  readonly moveLocalWorkspace: (userId: string) => Promise<number>;
  readonly signOut: () => Promise<void>;
};

/** The sync engine as the UI sees it, in whichever tab leads (SPEC ST1, LD1). */
export type SyncPort = Subscribable<SyncStatus> & {
  readonly command: (command: Command) => void;
  readonly convergence: Subscribable<ConvergenceReport | null>;
  readonly onRemoteChange: (listener: (tables: readonly SyncedTable[]) => void) => () => void;
  readonly retryRejected: (id: string) => Promise<void>;
  readonly discardRejected: (id: string) => Promise<void>;
  /** Connection quality, measured by the engine in the tab that runs it (null elsewhere); absent in local-only mode. */
  readonly metrics?: Subscribable<MetricsSnapshot | null>;
};

export type TeamInvitation = { readonly code: string; readonly created_at: string; readonly expires_at: string };
/** A team action's answer: the value, or a sentence to show (the server's own words where it has some). */
export type TeamAnswer<T> = Result<T, string>;

/** The team (present only for a signed-in member). Reads go to the local cache; see src/db/team-cache.ts. */
export type TeamPort = {
  readonly memberId: string;
  readonly createInvite: () => Promise<TeamAnswer<TeamInvitation>>;
  readonly revokeInvite: (code: string) => Promise<TeamAnswer<true>>;
  readonly listInvites: () => Promise<TeamAnswer<readonly TeamInvitation[]>>;
  /** The sponsor's id. */
  readonly acceptInvite: (code: string) => Promise<TeamAnswer<string>>;
  readonly leave: () => Promise<TeamAnswer<true>>;
  readonly removeMember: (memberId: string) => Promise<TeamAnswer<true>>;
  /** Asks the server for the team and replaces the cached copy (team_members). */
  readonly refresh: () => Promise<TeamAnswer<true>>;
  /** Reads the feed's first page into the cache (team_feed), replacing what was there. */
  readonly refreshFeed: () => Promise<TeamAnswer<true>>;
  /** Adds the next older page of wins to the cache. */
  readonly loadOlderWins: () => Promise<TeamAnswer<true>>;
  /** A leader hides a comment on a downline member's win, or shows it again (needs the network). */
  readonly hideComment: (commentId: string, hide: boolean) => Promise<TeamAnswer<true>>;
  /** Reads the leader's view of one day into the cache (team_leader_days); depth 1: direct members only. */
  readonly refreshLeaderDay: (day: string, depth: number) => Promise<TeamAnswer<true>>;
  /** Member ids in the app right now (Realtime Presence; in memory only). */
  readonly presence: Subscribable<ReadonlySet<string>>;
  /** `<origin>/join/<CODE>`. */
  readonly joinLink: (code: string) => string;
  /** The system share sheet where there is one, else the clipboard. */
  readonly shareInvite: (code: string) => Promise<'shared' | 'copied' | 'failed'>;
};

export type { PushPreferences } from '../domain/notification-preferences';

/** What this browser can do about push (see adapters/browser/web-push-subscription.ts). */
export type PushSupport = 'supported' | 'ios-needs-home-screen' | 'denied' | 'unsupported';

/**
 * Notifications for a signed-in member: this device's push subscription and its preferences, and
 * the member's digest email. Reads go to the local cache (src/db/notification-cache.ts); every
 * change needs the server and answers with a sentence on failure.
 */
export type NotificationsPort = {
  readonly support: () => PushSupport;
  /** Asks for permission and subscribes this device (call from a user gesture). */
  readonly enable: () => Promise<Result<true, string>>;
  /** Unsubscribes this device, in the browser and on the server. */
  readonly disable: () => Promise<Result<true, string>>;
  readonly savePreferences: (preferences: PushPreferences) => Promise<Result<true, string>>;
  readonly saveDigest: (digest: DigestSettings) => Promise<Result<true, string>>;
  /** Reads the server's view into the cache. */
  readonly refresh: () => Promise<Result<true, string>>;
};

export type AppServices = {
  readonly db: FieldbookDb;
  readonly store: LocalStore;
  readonly contactIndex: ContactIndex;
  readonly logger: Logger;
  readonly platform: PlatformPort;
  readonly router: RouterPort;
  readonly sync: SyncPort;
  /** null when no backend is configured: the app is local-only. */
  readonly account: AccountPort | null;
  /** The team; absent or null when local-only or signed out (the team screen then asks for an account). */
  readonly team?: TeamPort | null;
  /** Notifications; absent or null when local-only or signed out. */
  readonly notifications?: NotificationsPort | null;
  /** Where tracked links point; absent or null without a backend (links are then sent as written). */
  readonly linkTracking?: LinkTracking | null;
  readonly toasts: Store<readonly Toast[]>;
  readonly announcements: Announcer;
  readonly pendingOutreach: Store<PendingOutreach | null>;
  /** A file dropped on the contacts list, waiting for the import screen to open it. */
  readonly droppedFile: Store<File | null>;
  readonly dirtyForms: Store<number>;
  readonly storageProblem: Store<StorageProblem | null>;
  /** Dev panel: editable in development builds, read-only in production. */
  readonly devTools: 'editable' | 'read-only';
  readonly buildId: string;
};

export const AppServicesContext = createContext<AppServices | null>(null);

export function useAppServices(): AppServices {
  const services = useContext(AppServicesContext);
  if (services === null) throw new Error('useAppServices must be used inside <AppServicesContext.Provider>');
  return services;
}
