import { createLaneBackoff, type LaneBackoff } from './backoff';
import type { EngineContext } from './engine-context';
import { pushBatch, PUSH_BATCH_SIZE } from './push-batch';

export type PushQueue = {
  /** Pushes batches until the outbox is empty, a request fails, or the engine can no longer talk. */
  readonly run: () => Promise<void>;
  readonly backoff: LaneBackoff;
};

/*
 * The push lane (SPEC OB1-OB5). One batch at a time (push-batch.ts: coalesce, send, then acknowledge
 * or reject each mutation) until the outbox is empty. A transient failure stops the round and
 * schedules a retry on this lane's own backoff (OB4), so a push the server keeps refusing never holds
 * up pulls; an auth failure waits for a fresh token; rejected changes go to the review list (OB5).
 * Rows in the answer only move the clock: they are our own writes coming back, not remote changes.
 */
export function createPushQueue(ctx: EngineContext, options: { readonly batchSize?: number; readonly onRetryAtChange: () => void }): PushQueue {
  const { local, remote, time, log } = ctx;
  const backoff = createLaneBackoff({ time, random: ctx.random, retry: () => ctx.request('push'), onChange: options.onRetryAtChange });

  const run = async () => {
    if (!ctx.canTalk() || backoff.waiting()) return;
    ctx.patch({ pushing: true });
    // Whether the counts were read after the last change this round made to the outbox: then the
    // round's end need not read them again (a local write meanwhile reads them itself).
    let countsFresh = false;
    try {
      for (;;) {
        const startedAt = time.now();
        let result: Awaited<ReturnType<typeof pushBatch>>;
        try {
          result = await pushBatch(local, remote, options.batchSize ?? PUSH_BATCH_SIZE);
        } catch (error) {
          countsFresh = false;
          throw error;
        }
        if (result.kind === 'idle') break;
        countsFresh = false;
        if (result.kind === 'failed') {
          ctx.failed('push', backoff, result.error);
          break;
        }
        ctx.received(result.rows, false);
        log?.info(`pushed ${result.acknowledged} change(s)${result.rejected > 0 ? `, ${result.rejected} rejected` : ''}`, { ms: time.now() - startedAt });
        ctx.succeeded(backoff);
        await ctx.refreshSummary();
        countsFresh = true;
        if (!ctx.canTalk()) break;
      }
    } finally {
      ctx.patch({ pushing: false });
      if (!countsFresh) await ctx.refreshSummary();
    }
  };

  return { run, backoff };
}
