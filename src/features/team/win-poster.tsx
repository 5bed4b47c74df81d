import { useEffect } from 'react';
import { WIN_KINDS, type WinKind } from '../../domain/team-feed-schema';
import { winsOfDay } from '../../domain/team-wins';
import { useAppServices } from '../../hooks/app-services';
import { useGoalStats } from '../../hooks/use-goal-stats';
import { useShareWins } from '../../hooks/use-team-feed';
import { useStoreValue } from '../../hooks/use-store-value';

/** How long today's counts stay still before a win is shared (a burst of logging shares once). */
export const WIN_DELAY_MS = 3000;

/**
 * Shares today's wins with the team, only of the kinds the member chose: mounted in the shell for a
 * signed-in member, it reads the counts the goals already make and writes (through the outbox, so
 * offline too, once this device has synced in this session) when a win appears or grows. Renders nothing.
 */
export function WinPoster({ delayMs = WIN_DELAY_MS }: { readonly delayMs?: number }) {
  const { store, sync } = useAppServices();
  // Counts on a device that has not heard from the server yet may lag behind another device's.
  const synced = useStoreValue(sync).lastSyncedAt !== null;
  const stats = useGoalStats();
  const share = useShareWins();
  const today = stats?.today ?? null;
  const wins = synced && stats && share && today !== null && share.kinds.length > 0 ? winsOfDay(stats, today, share.kinds) : null;
  const key = wins === null ? null : WIN_KINDS.map((kind) => wins.get(kind) ?? 0).join(',');

  useEffect(() => {
    if (today === null || key === null) return undefined;
    const amounts = key.split(',').map(Number);
    const timer = setTimeout(() => {
      WIN_KINDS.forEach((kind: WinKind, index) => {
        const amount = amounts[index] ?? 0;
        if (amount > 0) void store.shareWin(kind, today, amount);
      });
    }, delayMs);
    return () => clearTimeout(timer);
  }, [store, today, key, delayMs]);
  return null;
}
