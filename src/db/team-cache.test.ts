import { describe, expect, it } from 'vitest';
import { testStores } from '../../tests/support/test-store';
import { appendFeed, LEADER_DAYS_KEPT, putFeedWin, putLeaderDay, readFeed, readFeedState, replaceFeed, type CachedWin } from './team-cache';

const open = testStores();

const win = (id: string, minute: number): CachedWin => {
  const at = new Date(Date.UTC(2026, 10, 24, 9, minute)).toISOString();
  return { id, member_id: 'm', kind: 'new_customer', amount: 1, occurred_at: at, updated_at: at, reactions: [], comments: [] };
};

describe('the team feed cache', () => {
  it('a win heard of through Realtime that is older than the pages read waits for its page, so paging skips nothing', async () => {
    const { db } = await open();
    const page = [win('w30', 30), win('w20', 20)];
    await replaceFeed(db, page, true, { at: page[1]!.occurred_at, id: 'w20' }, 1);
    await putFeedWin(db, 'w10', win('w10', 10)); // older than the last page: not cached yet
    await putFeedWin(db, 'w40', win('w40', 40)); // newer: cached
    await putFeedWin(db, 'w20', { ...win('w20', 20), amount: 2 }); // cached already: updated
    expect((await readFeed(db)).map((row) => [row.id, row.amount])).toEqual([
      ['w40', 1],
      ['w30', 1],
      ['w20', 2],
    ]);
    // The next page starts after the last one read, not after the oldest cached win.
    expect((await readFeedState(db)).cursor).toEqual({ at: page[1]!.occurred_at, id: 'w20' });
    await appendFeed(db, [win('w10', 10)], false, { at: win('w10', 10).occurred_at, id: 'w10' });
    await putFeedWin(db, 'w05', win('w05', 5)); // every page read: anything goes in
    expect((await readFeed(db)).map((row) => row.id)).toEqual(['w40', 'w30', 'w20', 'w10', 'w05']);
    await putFeedWin(db, 'w30', null);
    expect((await readFeed(db)).map((row) => row.id)).not.toContain('w30');
  });

  it('keeps the leader’s view of the most recent days only', async () => {
    const { db } = await open();
    const day = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < LEADER_DAYS_KEPT * 2 + 5; i += 1) await putLeaderDay(db, day(i), 1, [], i);
    const kept = (await db.table<{ day: string }>('team_leader_days').toArray()).map((row) => row.day).sort();
    expect(kept).toHaveLength(LEADER_DAYS_KEPT * 2);
    expect(kept[0]).toBe(day(5));
  });
});
