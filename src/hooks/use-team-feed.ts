import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import { assembleFeed, type FeedWin } from '../domain/team-feed';
import type { WinKind } from '../domain/team-feed-schema';
import { readFeedView, readLeaderDay, type FeedState, type LeaderDayRow } from '../db/team-cache';
import { useAppServices } from './app-services';

export type TeamFeedView = { readonly wins: readonly FeedWin[]; readonly state: FeedState };

/** The team feed from IndexedDB (the server's pages and the member's own rows), live; undefined while it loads. */
export function useTeamFeed(memberId: string): TeamFeedView | undefined {
  const { db } = useAppServices();
  const read = useLiveQuery(() => readFeedView(db, memberId), [db, memberId]);
  return useMemo(() => (read ? { wins: assembleFeed(read.sources), state: read.state } : undefined), [read]);
}

/** The leader's view of a day as last read from the server; null when never read on this device. */
export function useLeaderDay(day: string, depth: number): LeaderDayRow | null | undefined {
  const { db } = useAppServices();
  return useLiveQuery(async () => (await readLeaderDay(db, day, depth)) ?? null, [db, day, depth]);
}

/** Which kinds of win the member shares, and whether they were ever asked (the profile, synced). */
export function useShareWins(): { readonly kinds: readonly WinKind[]; readonly asked: boolean } | undefined {
  const { db, store } = useAppServices();
  return useLiveQuery(async () => {
    const profile = await db.member_profiles.get(store.memberId);
    const live = profile && profile.deleted_at === null ? profile : null;
    // Before the profile has come from the server (its secret shows it has), the answer may be there
    // already: not asked again, so a new device never overwrites the choice made on another.
    return { kinds: live?.share_wins ?? [], asked: (live?.share_wins_asked_at ?? null) !== null || live?.win_salt == null };
  }, [db, store]);
}
