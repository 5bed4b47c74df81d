import { describe, expect, it } from 'vitest';
import { testStores } from '../../tests/support/test-store';
import { reactionId, winId } from '../domain/team-wins';
import type { FieldbookDb } from './fieldbook-db';

const SALT = '0123456789abcdef0123456789abcdef';

/** The profile as the server sends it, with the member's secret for derived ids. */
async function withSalt(db: FieldbookDb, memberId: string): Promise<void> {
  const now = '2026-11-24T09:00:00.000Z';
  await db.member_profiles.put({ id: memberId, member_id: memberId, full_name: 'Me', company: '', phone: '', timezone: '', share_wins: [], share_wins_asked_at: null, win_salt: SALT, created_at: now, updated_at: now, deleted_at: null, field_stamps: {} });
}
import { assembleFeed } from '../domain/team-feed';
import { readFeedSources } from './team-cache';
import { allEntries } from './outbox-entries';

const open = testStores();

describe('sharing wins', () => {
  it('nothing before the profile with the member’s secret has come from the server', async () => {
    const { db, store } = await open();
    expect((await store.shareWin('new_customer', '2026-11-24', 1)).ok).toBe(true);
    expect(await db.team_wins.count()).toBe(0);
  });

  it('one row per kind and day, under the id every device derives; it grows, never shrinks, and a removed win stays removed', async () => {
    const { db, store, ctx } = await open();
    await withSalt(db, ctx.memberId);
    expect((await store.shareWin('new_customer', '2026-11-24', 1)).ok).toBe(true);
    expect((await store.shareWin('new_customer', '2026-11-24', 2)).ok).toBe(true);
    // A device still syncing counts fewer: nothing changes.
    expect((await store.shareWin('new_customer', '2026-11-24', 1)).ok).toBe(true);
    const id = await winId(SALT, 'new_customer', '2026-11-24');
    expect((await db.team_wins.toArray()).map((row) => [row.id, row.amount])).toEqual([[id, 2]]);
    expect((await allEntries(db)).filter((entry) => entry.table === 'team_wins').map((entry) => [entry.table, entry.op])).toEqual([
      ['team_wins', 'insert'],
      ['team_wins', 'update'],
    ]);

    expect((await store.removeWin(id)).ok).toBe(true);
    expect((await store.shareWin('new_customer', '2026-11-24', 5)).ok).toBe(true);
    expect((await db.team_wins.get(id))?.deleted_at).not.toBeNull();
    expect((await db.team_wins.get(id))?.amount).toBe(2);
  });

  it('saving the kinds to share records that the member was asked', async () => {
    const { db, store, ctx } = await open();
    expect((await store.saveShareWins(['streak', 'new_customer', 'streak'])).ok).toBe(true);
    const profile = await db.member_profiles.get(ctx.memberId);
    expect(profile?.share_wins).toEqual(['streak', 'new_customer']);
    expect(profile?.share_wins_asked_at).not.toBeNull();
  });
});

describe('comments and reactions', () => {
  it('a comment is written (trimmed), edited and deleted through the outbox, and shows as pending until pushed', async () => {
    const { db, store, ctx } = await open();
    const win = '00000000-0000-4000-8000-000000000001';
    const added = await store.addTeamComment(win, '  Well done!  ');
    if (!added.ok) throw new Error(added.error.message);
    expect((await db.team_comments.get(added.value))?.body).toBe('Well done!');
    let feed = assembleFeed({ ...(await readFeedSources(db, ctx.memberId)), hasMore: false });
    expect(feed).toEqual([]); // a comment on a win not read yet waits for its win

    expect((await store.editTeamComment(added.value, 'Well done, Dan!')).ok).toBe(true);
    const sources = await readFeedSources(db, ctx.memberId);
    feed = assembleFeed({ ...sources, ownWins: [{ id: win, kind: 'streak', amount: 5, occurred_at: '2026-11-24T09:00:00.000Z', deleted_at: null }] });
    expect(feed[0]?.comments.map((c) => [c.body, c.edited, c.pending])).toEqual([['Well done, Dan!', true, true]]);

    expect((await store.deleteTeamComment(added.value)).ok).toBe(true);
    expect((await db.team_comments.get(added.value))?.deleted_at).not.toBeNull();
    expect((await allEntries(db)).map((entry) => [entry.table, entry.op])).toEqual([
      ['team_comments', 'insert'],
      ['team_comments', 'update'],
      ['team_comments', 'update'],
    ]);
  });

  it('a reaction toggles: added under the id derived from the member’s secret, taken back, added again on the same row', async () => {
    const { db, store, ctx } = await open();
    await withSalt(db, ctx.memberId);
    const win = '00000000-0000-4000-8000-000000000002';
    await store.toggleTeamReaction(win, 'clap');
    await store.toggleTeamReaction(win, 'fire');
    await store.toggleTeamReaction(win, 'clap');
    let rows = await db.team_reactions.toArray();
    expect(rows.map((row) => [row.emoji, row.deleted_at === null]).sort()).toEqual([
      ['clap', false],
      ['fire', true],
    ]);
    await store.toggleTeamReaction(win, 'clap');
    rows = await db.team_reactions.toArray();
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.deleted_at === null)).toBe(true);
    expect(rows.map((row) => row.id).sort()).toEqual((await Promise.all([reactionId(SALT, win, 'clap'), reactionId(SALT, win, 'fire')])).sort());
  });
});
