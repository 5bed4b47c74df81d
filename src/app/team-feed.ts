import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../adapters/supabase/database.types';
import { createTeamFeedRemote, listenToFeed } from '../adapters/supabase/team-remote';
import type { FieldbookDb } from '../db/fieldbook-db';
import { appendFeed, feedWinHolding, putFeedWin, putLeaderDay, readFeedState, replaceFeed } from '../db/team-cache';
import type { ScopedLogger } from '../shared/logger';
import type { Result } from '../shared/result';

type Answer = Result<true, string>;
const DONE: Answer = { ok: true, value: true };

/**
 * The team feed's cache (team_feed, team_leader_days in IndexedDB) kept in step with the server: a
 * refresh reads the first page; Realtime reports every change to a win, reaction or comment the
 * member may read, and each change rereads just its win (changes arriving together reread each win
 * once). The screen reads only the cache.
 */
export function startTeamFeed(options: { readonly client: SupabaseClient<Database>; readonly db: FieldbookDb; readonly now: () => number; readonly log: Pick<ScopedLogger, 'warn'> }) {
  const { client, db, now, log } = options;
  const remote = createTeamFeedRemote(client, (count) => log.warn('team feed rows left out: malformed', { count }));

  const rereadWin = async (id: string) => {
    const answer = await remote.win(id);
    if (answer.ok) await putFeedWin(db, id, answer.value.win);
    else log.warn('team feed win could not be reread', { message: answer.error });
  };
  const stale = new Set<string>();
  let rereading: Promise<void> | null = null;
  const reread = async () => {
    await Promise.resolve();
    while (stale.size > 0) {
      const ids = [...stale];
      stale.clear();
      await Promise.all(ids.map(rereadWin));
    }
    rereading = null;
  };
  /** Reads the first page, replacing the cache. */
  const refresh = async (): Promise<Answer> => {
    const answer = await remote.page(null);
    if (!answer.ok) {
      log.warn('team feed refresh failed', { message: answer.error });
      return answer;
    }
    await replaceFeed(db, answer.value.wins, answer.value.full, answer.value.last, now());
    return DONE;
  };

  // Changes made while the channel was down (a phone asleep, a network switch) are never replayed:
  // every time it joins again after the first, the first page is read again.
  let joined = 0;
  const onStatus = (status: string) => {
    if (status !== 'SUBSCRIBED') return;
    joined += 1;
    if (joined > 1) void refresh();
  };
  const listening = listenToFeed(client, (change) => {
    void (async () => {
      const id = change.winId ?? (change.rowId === null ? null : await feedWinHolding(db, change.rowId));
      if (id === null) return;
      stale.add(id);
      rereading ??= reread().catch((error: unknown) => {
        rereading = null;
        log.warn('team feed reread failed', { error: String(error) });
      });
    })();
  }, onStatus);

  return {
    refresh,
    /** Adds the page after the last one read. */
    async loadOlder(): Promise<Answer> {
      const { cursor } = await readFeedState(db);
      const answer = await remote.page(cursor);
      if (!answer.ok) return answer;
      await appendFeed(db, answer.value.wins, answer.value.full, answer.value.last);
      return DONE;
    },
    async hideComment(commentId: string, hide: boolean): Promise<Answer> {
      const answer = await remote.hideComment(commentId, hide);
      // Realtime tells the others; this device shows it at once.
      const holder = answer.ok ? await feedWinHolding(db, commentId) : null;
      if (holder) await rereadWin(holder);
      return answer;
    },
    async refreshLeaderDay(day: string, depth: number): Promise<Answer> {
      const answer = await remote.leaderDay(day, depth);
      if (!answer.ok) return answer;
      await putLeaderDay(db, day, depth, answer.value, now());
      return DONE;
    },
    /** Waits for the rereads under way (tests). */
    settled: async () => {
      while (rereading) await rereading;
    },
    stop: listening.stop,
  };
}

export type TeamFeedSync = ReturnType<typeof startTeamFeed>;
