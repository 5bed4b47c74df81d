import type { ScopedLogger } from '../shared/logger';
import type { LaneBackoff } from './backoff';
import type { MetricsRecorder } from './metrics';
import type { LocalPort, RemoteError, RemotePort, RemoteRow, TimePort } from './ports';
import type { SyncStatus } from './status';

/** The two kinds of server work the engine queues: sending the outbox, and fetching what changed. */
export type Lane = 'push' | 'pull';

/**
 * What the engine core (engine.ts) hands to its parts (push-queue.ts, pull.ts, realtime-inbox.ts,
 * convergence.ts): the ports, the status, and the few transitions they share. The parts never hold
 * each other's state; they ask the core.
 */
export type EngineContext = {
  readonly remote: RemotePort;
  readonly local: LocalPort;
  readonly time: TimePort;
  readonly random: () => number;
  readonly log: ScopedLogger | undefined;
  /** Connection-quality figures (metrics.ts): cheap, in memory, never sent. */
  readonly metrics: MetricsRecorder;
  readonly status: () => SyncStatus;
  readonly patch: (next: Partial<SyncStatus>) => void;
  /** Between start() and stop(). */
  readonly running: () => boolean;
  /** Running, online and signed in: server work may start. */
  readonly canTalk: () => boolean;
  /** Queues one push or pull behind the running job (asking twice while queued adds nothing). */
  readonly request: (lane: Lane) => void;
  /** Runs server work one job at a time; a job never throws out of the chain. */
  readonly serial: <T>(job: () => Promise<T>) => Promise<T>;
  /** Rows came from the server: move the clock past their stamps, and tell listeners of remote changes. */
  readonly received: (rows: readonly RemoteRow[], remoteChange?: boolean) => void;
  /** Re-reads the pending, oldest and rejected counts into the status. */
  readonly refreshSummary: () => Promise<void>;
  /** A lane's request failed: wait for a fresh token (auth) or back off and retry (everything else). */
  readonly failed: (lane: Lane, backoff: LaneBackoff, error: RemoteError) => void;
  /** A lane's request succeeded: forget its backoff, and record that we were in step with the server. */
  readonly succeeded: (backoff: LaneBackoff) => void;
};
