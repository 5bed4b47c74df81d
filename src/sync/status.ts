/*
 * The one sync status object (SPEC ST1) and the banner it implies. The member always sees one honest
 * line about sync: a chip in the top bar and at most one banner, the most urgent that applies
 * (changes the server refused, a sign-in that expired, offline with N waiting, changes unsynced for
 * hours, reconnecting with a countdown and "Try now", syncing, synced). The engine owns a SyncStatus
 * and exposes it with subscribe + getSnapshot; the UI only calls describeSync(status, now) and
 * renders the result.
 */

export const NETWORK_STATES = ['online', 'offline'] as const;
export const REALTIME_STATES = ['disabled', 'connecting', 'subscribed', 'reconnecting'] as const;
export const AUTH_STATES = ['local-only', 'signed-in', 'token-expired', 'signed-out'] as const;
export type NetworkState = (typeof NETWORK_STATES)[number];
export type RealtimeState = (typeof REALTIME_STATES)[number];
export type AuthState = (typeof AUTH_STATES)[number];

export type SyncStatus = {
  readonly network: NetworkState;
  readonly realtime: RealtimeState;
  readonly auth: AuthState;
  readonly pendingCount: number;
  /** When the oldest change still waiting was made (ms), or null when nothing waits. */
  readonly oldestPendingAt: number | null;
  readonly rejectedCount: number;
  readonly pushing: boolean;
  /** Last time the server confirmed we were in step (ms), or null. */
  readonly lastSyncedAt: number | null;
  /** When the next automatic retry happens (ms), or null. */
  readonly nextRetryAt: number | null;
  readonly storagePersisted: boolean | null;
};

/** A signed-in device before its first answer from the server. */
export const INITIAL_SYNC_STATUS: SyncStatus = {
  network: 'online',
  realtime: 'connecting',
  auth: 'signed-in',
  pendingCount: 0,
  oldestPendingAt: null,
  rejectedCount: 0,
  pushing: false,
  lastSyncedAt: null,
  nextRetryAt: null,
  storagePersisted: null,
};

/** Past this age an unsynced change is worth shouting about. */
export const STALE_PENDING_MS = 3 * 60 * 60 * 1000;

export type SyncBanner =
  | { readonly kind: 'local-only'; readonly pending: number }
  | { readonly kind: 'offline'; readonly pending: number }
  | { readonly kind: 'reconnecting'; readonly retryInSeconds: number | null; readonly pending: number }
  | { readonly kind: 'rejected'; readonly count: number }
  | { readonly kind: 'stale'; readonly pending: number; readonly hours: number }
  | { readonly kind: 'sign-in'; readonly pending: number }
  | { readonly kind: 'syncing'; readonly pending: number }
  | { readonly kind: 'synced'; readonly since: number | null };

/**
 * The banner to show, most urgent first: problems that need the member (rejected changes, an expired
 * sign-in) before states that fix themselves (offline, reconnecting), then progress, then quiet.
 */
export function describeSync(status: SyncStatus, now: number): SyncBanner {
  const pending = status.pendingCount;
  if (status.auth === 'local-only') return { kind: 'local-only', pending };
  if (status.rejectedCount > 0) return { kind: 'rejected', count: status.rejectedCount };
  if (status.auth === 'token-expired' || status.auth === 'signed-out') return { kind: 'sign-in', pending };
  if (status.network === 'offline') return { kind: 'offline', pending };
  if (status.oldestPendingAt !== null && now - status.oldestPendingAt >= STALE_PENDING_MS)
    return { kind: 'stale', pending, hours: Math.floor((now - status.oldestPendingAt) / 3_600_000) };
  if (status.realtime === 'reconnecting' || status.nextRetryAt !== null)
    return { kind: 'reconnecting', retryInSeconds: status.nextRetryAt === null ? null : Math.max(0, Math.ceil((status.nextRetryAt - now) / 1000)), pending };
  if (status.pushing || pending > 0) return { kind: 'syncing', pending };
  return { kind: 'synced', since: status.lastSyncedAt };
}
