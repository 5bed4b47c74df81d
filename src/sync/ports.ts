import type { OutboxEntry, SyncedTable } from '../domain/synced-table';
import type { Result } from '../shared/result';
import type { CoalescedMutation } from './coalesce';

/*
 * The engine's ports: everything it needs from the outside, injected, so it runs the same against
 * Dexie + supabase-js in the app and against in-memory fakes in tests (the dependency rule: sync
 * imports no React, Dexie, supabase-js or browser globals).
 */

/**
 * The closed set of remote failure kinds, decided by the adapter from the HTTP status and the
 * PostgREST/Postgres codes, never from message text.
 */
export type RemoteErrorKind = 'offline' | 'timeout' | 'auth' | 'forbidden' | 'conflict' | 'invalid' | 'server';
export type RemoteError = { readonly kind: RemoteErrorKind; readonly message: string };

export type MutationOutcome =
  | { readonly mutation_id: string; readonly status: 'applied' | 'duplicate' }
  | { readonly mutation_id: string; readonly status: 'rejected'; readonly reason: string };

export type RemoteRow = { readonly table: SyncedTable; readonly row: Readonly<Record<string, unknown>> };

export type PushResponse = {
  readonly results: readonly MutationOutcome[];
  readonly rows: readonly RemoteRow[];
  readonly server_time: number;
};

/** The server's opaque catch-up position (sync_pull's next_cursor); null pulls everything. */
export type PullCursor = Readonly<Record<string, unknown>> | null;

export type PullPage = {
  readonly rows: readonly RemoteRow[];
  readonly has_more: boolean;
  readonly next_cursor: PullCursor;
  readonly server_time: number;
};

export type TableDigest = { readonly count: number; readonly hash: string };
export type Digest = Readonly<Partial<Record<SyncedTable, TableDigest>>>;

/** What the realtime channel reports: a changed row (insert/update), or that rows were hard-deleted. */
export type RemoteChange = { readonly kind: 'row'; readonly table: SyncedTable; readonly row: Readonly<Record<string, unknown>> } | { readonly kind: 'delete'; readonly table: SyncedTable };

export type ChannelState = 'subscribed' | 'reconnecting' | 'closed';

export type RealtimeHandlers = {
  readonly onChange: (change: RemoteChange) => void;
  readonly onState: (state: ChannelState, detail?: string) => void;
  /** The connection's heartbeat was answered after `roundTripMs` (connection quality, metrics.ts). */
  readonly onHeartbeat?: (roundTripMs: number) => void;
};

export type RemotePort = {
  readonly push: (mutations: readonly CoalescedMutation[]) => Promise<Result<PushResponse, RemoteError>>;
  readonly pull: (cursor: PullCursor, pageSize: number) => Promise<Result<PullPage, RemoteError>>;
  readonly digest: () => Promise<Result<Digest, RemoteError>>;
  /** Opens the member's realtime channel; the returned function closes it. */
  readonly subscribe: (handlers: RealtimeHandlers) => () => void;
};

export type RejectedChange = { readonly entry_ids: readonly string[]; readonly table: SyncedTable; readonly row_id: string; readonly changes: Readonly<Record<string, unknown>>; readonly reason: string };

export type OutboxPort = {
  /** The oldest pending entries, in order. */
  readonly listPending: (limit: number) => Promise<readonly OutboxEntry[]>;
  /**
   * Removes acknowledged entries and stores the server's merged rows, in one transaction. A field
   * takes the server's value and stamp when it is newer, or when the local stamp is the one we pushed
   * (the server may have clamped it, SPEC OB6), unless a later local edit of that field still waits.
   */
  readonly acknowledge: (mutations: readonly CoalescedMutation[], rows: readonly RemoteRow[]) => Promise<void>;
  /** Moves permanently rejected entries to the rejected list, keeping what the member typed (SPEC OB5). */
  readonly reject: (changes: readonly RejectedChange[]) => Promise<void>;
};

export type PendingSummary = { readonly count: number; readonly oldestAt: number | null; readonly rejected: number };

export type LocalPort = OutboxPort & {
  /**
   * Merges remote rows field by field (SPEC MG1) in one transaction; rows that change nothing are not
   * written. With a cursor, the cursor is saved in the same transaction (a crash never skips rows).
   * Returns the rows that changed something locally. `run` is the same object for every page of one
   * pull (and absent for realtime), so the port may keep what it learned from one page for the next.
   */
  readonly applyRemote: (rows: readonly RemoteRow[], cursor?: PullCursor, run?: object) => Promise<readonly RemoteRow[]>;
  readonly loadCursor: () => Promise<PullCursor>;
  /**
   * The server-time offset (SPEC CK2), kept on the device so that the clock of the next start (the
   * app reads it before any write) is corrected even offline. null: none stored.
   */
  readonly loadClockOffset: () => Promise<number | null>;
  readonly saveClockOffset: (offsetMs: number) => Promise<void>;
  readonly summary: () => Promise<PendingSummary>;
  /** Digest of the local tables, computed exactly as sync_digest does. */
  readonly digest: () => Promise<Digest>;
  /** Repair (SPEC CV1): the table becomes the server's rows with pending local edits laid on top. */
  readonly replaceTable: (table: SyncedTable, rows: readonly RemoteRow[]) => Promise<void>;
};

/** Timers and the clock, faked in tests. */
export type TimePort = {
  readonly now: () => number;
  readonly setTimeout: (run: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
};
export type { CoalescedMutation } from './coalesce';

/** A lock shared by the tabs and a channel between them, for leader election (leader.ts). */
export type LockPort = {
  /** Calls `whileHeld` once the lock is ours; the lock is held until the returned promise settles. */
  readonly request: (name: string, whileHeld: () => Promise<void>) => void;
};

/** Posts messages of type M; what arrives is untrusted data for the receiver to check. */
export type ChannelPort<M> = {
  readonly post: (message: M) => void;
  readonly onMessage: (listener: (data: unknown) => void) => () => void;
  readonly close: () => void;
};

