import type { OutboxEntry, SyncedTable } from '../domain/synced-table';
import type { Result } from '../shared/result';
import type { CoalescedMutation } from './coalesce';

/*
 * The engine's ports: everything it needs from the outside, injected, so it runs the same against
 * Dexie + supabase-js in the app and against in-memory fakes in tests (STYLE.md: sync imports no
 * React, Dexie, supabase-js or browser globals).
 */

/** The closed set of remote failure kinds (STYLE.md), decided by the adapter from PostgREST/Postgres codes. */
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

export type RemotePort = {
  readonly push: (mutations: readonly CoalescedMutation[]) => Promise<Result<PushResponse, RemoteError>>;
};

export type RejectedChange = { readonly entry_ids: readonly string[]; readonly table: SyncedTable; readonly row_id: string; readonly changes: Readonly<Record<string, unknown>>; readonly reason: string };

export type OutboxPort = {
  /** The oldest pending entries, in order. */
  readonly listPending: (limit: number) => Promise<readonly OutboxEntry[]>;
  /** Removes acknowledged entries and stores the server's merged rows (with its stamps, SPEC OB6), in one transaction. */
  readonly acknowledge: (entryIds: readonly string[], rows: readonly RemoteRow[]) => Promise<void>;
  /** Moves permanently rejected entries to the rejected list, keeping what the member typed (SPEC OB5). */
  readonly reject: (changes: readonly RejectedChange[]) => Promise<void>;
};
