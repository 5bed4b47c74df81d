import type { SyncedTable } from '../domain/synced-table';
import { SYNCED_TABLES } from '../domain/synced-table';
import { createStore, type Subscribable } from '../shared/subscribable';
import type { EngineContext } from './engine-context';
import type { Digest, RemoteRow } from './ports';
import type { Puller } from './pull';
import type { RealtimeInbox } from './realtime-inbox';

export const DIGEST_INTERVAL_MS = 60 * 60_000;
/** The first check after start, once the catch-up has had time to finish. */
export const FIRST_DIGEST_DELAY_MS = 30_000;

export type ConvergenceReport = {
  readonly at: number;
  readonly outcome: 'in-step' | 'repaired' | 'still-different' | 'skipped' | 'failed';
  readonly detail: string;
  /** Tables whose digest differed before repair. */
  readonly tables: readonly SyncedTable[];
};

export type ConvergenceCheck = {
  /** Compares digests and repairs what differs; runs as one job on the engine's chain. */
  readonly check: () => Promise<ConvergenceReport>;
  /** The last report (the dev panel shows it). */
  readonly reports: Subscribable<ConvergenceReport | null>;
  /** Checks after `firstDelayMs`, then every `intervalMs`. */
  readonly start: (firstDelayMs: number) => void;
  readonly stop: () => void;
};

const differing = (server: Digest, here: Digest): SyncedTable[] =>
  SYNCED_TABLES.filter((table) => server[table]?.hash !== here[table]?.hash || server[table]?.count !== here[table]?.count);

/*
 * The convergence check (SPEC CV1, G13). sync_digest gives a count and a SHA-256 of ids and stamps
 * per table; the device computes the same over its tables. Skipped while changes wait to push (they
 * would differ for a good reason). A difference is first given a catch-up pull (a change may have
 * landed between the two digests); a table that still differs is re-pulled whole from a null cursor
 * and replaced, with pending local edits laid on top, then checked again.
 */
export function createConvergenceCheck(ctx: EngineContext, parts: { readonly puller: Puller; readonly inbox: RealtimeInbox; readonly intervalMs?: number }): ConvergenceCheck {
  const { local, remote, time, log } = ctx;
  const { puller, inbox } = parts;
  const reports = createStore<ConvergenceReport | null>(null);
  let timer: unknown = null;

  const check = (): Promise<ConvergenceReport> =>
    ctx.serial(async () => {
      const report = (outcome: ConvergenceReport['outcome'], detail: string, tables: readonly SyncedTable[] = []) => {
        const value: ConvergenceReport = { at: time.now(), outcome, detail, tables };
        reports.set(value);
        if (outcome !== 'skipped') ctx.metrics.count('digestChecks');
        if (tables.length > 0) ctx.metrics.count('repairs'); // only a repair's reports name tables
        log?.[outcome === 'in-step' || outcome === 'repaired' || outcome === 'skipped' ? 'info' : 'warn'](`digest: ${detail}`);
        return value;
      };
      if (!ctx.canTalk()) return report('skipped', 'not connected');
      await inbox.flush();
      const summary = await local.summary();
      if (summary.count > 0) return report('skipped', `${summary.count} change(s) still waiting to push`);
      const compare = async (): Promise<SyncedTable[] | null> => {
        const server = await remote.digest();
        if (!server.ok) return null;
        return differing(server.value, await local.digest());
      };
      let tables = await compare();
      if (tables === null) return report('failed', 'the server digest could not be read');
      if (tables.length === 0) return report('in-step', 'every table matches the server');
      // A change may have landed between the two digests: catch up once before calling it a difference.
      await puller.run();
      await inbox.flush();
      const first = await compare();
      if (first === null) return report('failed', 'the server digest could not be read');
      if (first.length === 0) return report('in-step', 'every table matches the server after a catch-up pull');
      tables = first;
      log?.warn(`digest differs for ${tables.join(', ')}; re-pulling`);
      const rowsByTable = new Map<SyncedTable, RemoteRow[]>(tables.map((table) => [table, []]));
      const done = await puller.pullFrom(null, (rows) => {
        for (const row of rows) rowsByTable.get(row.table)?.push(row);
        return Promise.resolve();
      });
      if (!done) return report('failed', 'the repair pull failed', tables);
      // After queued applies, so a realtime change is never applied and then replaced by this older snapshot.
      for (const [table, rows] of rowsByTable) await inbox.afterApplies(() => local.replaceTable(table, rows));
      // Anything that changed on the server while the snapshot was read.
      await puller.run();
      await inbox.flush();
      const after = await compare();
      if (after === null) return report('failed', 'the server digest could not be read', tables);
      return after.length === 0 ? report('repaired', `re-pulled ${tables.join(', ')}; now in step`, tables) : report('still-different', `${after.join(', ')} still differ`, tables);
    });

  const schedule = (delay: number) => {
    timer = time.setTimeout(() => {
      void check();
      schedule(parts.intervalMs ?? DIGEST_INTERVAL_MS);
    }, delay);
  };

  return {
    check,
    reports,
    start: schedule,
    stop() {
      if (timer !== null) time.clearTimeout(timer);
      timer = null;
    },
  };
}
