import { describe, expect, it } from 'vitest';
import { assembleFeed, winSentence, type FeedSources } from './team-feed';
import { parseFeedPage, parseLeaderDay } from './team-feed-wire';

const ME = 'me';
const SPONSOR = 'sponsor';
const DOWN = 'down';

const sources = (overrides: Partial<FeedSources> = {}): FeedSources => ({
  memberId: ME,
  cached: [],
  hasMore: false,
  ownWins: [],
  ownReactions: [],
  ownComments: [],
  names: new Map([
    [SPONSOR, 'Sue Sponsor'],
    [DOWN, 'Dan Down'],
  ]),
  downline: new Set([DOWN]),
  pending: new Set(),
  ...overrides,
});

const cachedWin = (id: string, member_id: string, occurred_at: string, extra: Partial<FeedSources['cached'][number]> = {}) => ({
  id,
  member_id,
  kind: 'new_customer' as const,
  amount: 1,
  occurred_at,
  updated_at: occurred_at,
  reactions: [],
  comments: [],
  ...extra,
});

const comment = (id: string, member_id: string, created_at: string, extra: Record<string, unknown> = {}) => ({
  id,
  member_id,
  body: `${id} text`,
  hidden_at: null,
  hidden_by: null,
  created_at,
  updated_at: created_at,
  ...extra,
});

describe('assembling the team feed', () => {
  it('newest first, names from the team, the member as “You”, hiding allowed only on the downline’s wins', () => {
    const feed = assembleFeed(
      sources({
        cached: [cachedWin('w1', SPONSOR, '2026-11-24T10:00:00Z'), cachedWin('w2', DOWN, '2026-11-24T11:00:00Z'), cachedWin('w3', 'gone', '2026-11-24T09:00:00Z')],
        ownWins: [{ id: 'w4', kind: 'streak', amount: 10, occurred_at: '2026-11-24T12:00:00Z', deleted_at: null }],
      }),
    );
    expect(feed.map((win) => [win.id, win.author, win.mine, win.canHide])).toEqual([
      ['w4', 'You', true, false],
      ['w2', 'Dan Down', false, true],
      ['w1', 'Sue Sponsor', false, false],
      ['w3', 'A team member', false, false],
    ]);
    expect(winSentence(feed[0]!.author, feed[0]!.kind, feed[0]!.amount)).toBe('You are on a 10-day streak');
    expect(winSentence('Dan Down', 'streak', 10)).toBe('Dan Down is on a 10-day streak');
    expect(winSentence('Dan Down', 'new_customer', 2)).toBe('Dan Down enrolled 2 new customers');
  });

  it('the member’s own rows win over the server’s copy: a change not pushed yet, a removal, a reaction taken back', () => {
    const feed = assembleFeed(
      sources({
        cached: [
          cachedWin('mine', ME, '2026-11-24T10:00:00Z', { amount: 1, reactions: [{ id: 'r-old', member_id: ME, emoji: 'clap' }, { id: 'r-s', member_id: SPONSOR, emoji: 'clap' }] }),
          cachedWin('removed', ME, '2026-11-24T09:00:00Z'),
        ],
        ownWins: [
          { id: 'mine', kind: 'new_customer', amount: 3, occurred_at: '2026-11-24T10:00:00Z', deleted_at: null },
          { id: 'removed', kind: 'new_customer', amount: 1, occurred_at: '2026-11-24T09:00:00Z', deleted_at: '2026-11-24T09:30:00Z' },
        ],
        ownReactions: [
          { id: 'r-old', win_id: 'mine', emoji: 'clap', deleted_at: '2026-11-24T10:05:00Z' },
          { id: 'r-new', win_id: 'mine', emoji: 'fire', deleted_at: null },
        ],
      }),
    );
    expect(feed).toHaveLength(1);
    expect(feed[0]!.amount).toBe(3);
    expect(feed[0]!.reactions.filter((reaction) => reaction.count > 0)).toEqual([
      { emoji: 'clap', count: 1, mine: false },
      { emoji: 'fire', count: 1, mine: true },
    ]);
  });

  it('comments in the order written, own ones pending until pushed, edits and hiding shown', () => {
    const feed = assembleFeed(
      sources({
        cached: [cachedWin('w', DOWN, '2026-11-24T10:00:00Z', { comments: [comment('c2', SPONSOR, '2026-11-24T10:02:00Z', { edited: true }), comment('c-mine-old', ME, '2026-11-24T10:01:00Z'), comment('c3', DOWN, '2026-11-24T10:03:00Z', { hidden_at: '2026-11-24T10:04:00Z', hidden_by: ME })] })],
        ownComments: [
          { id: 'c-mine-old', win_id: 'w', body: 'edited here', hidden_at: null, created_at: '2026-11-24T10:01:00Z', deleted_at: null, field_stamps: { win_id: 'A', body: 'B' } },
          { id: 'c-new', win_id: 'w', body: 'offline one', hidden_at: null, created_at: '2026-11-24T10:05:00Z', deleted_at: null, field_stamps: { win_id: 'C', body: 'C' } },
          { id: 'c-deleted', win_id: 'w', body: 'gone', hidden_at: null, created_at: '2026-11-24T10:06:00Z', deleted_at: '2026-11-24T10:07:00Z', field_stamps: {} },
        ],
        pending: new Set(['c-new']),
      }),
    );
    expect(feed[0]!.comments.map((c) => [c.id, c.author, c.body, c.edited, c.hidden, c.mine, c.pending])).toEqual([
      ['c-mine-old', 'You', 'edited here', true, false, true, false],
      ['c2', 'Sue Sponsor', 'c2 text', true, false, false, false],
      ['c3', 'Dan Down', 'c3 text', false, true, false, false],
      ['c-new', 'You', 'offline one', false, false, true, true],
    ]);
  });

  it('an own win older than the pages read waits for its page, unless every page is read', () => {
    const cached = [cachedWin('w', SPONSOR, '2026-11-24T10:00:00Z')];
    const ownWins = [{ id: 'old', kind: 'goal_reached' as const, amount: 1, occurred_at: '2026-11-01T10:00:00Z', deleted_at: null }];
    expect(assembleFeed(sources({ cached, ownWins, hasMore: true })).map((win) => win.id)).toEqual(['w']);
    expect(assembleFeed(sources({ cached, ownWins, hasMore: false })).map((win) => win.id)).toEqual(['w', 'old']);
  });
});

describe('reading the server’s answers', () => {
  it('leaves out malformed wins, reactions and comments and counts them; refuses what is not a list', () => {
    const page = parseFeedPage([
      cachedWin('ok', SPONSOR, '2026-11-24T10:00:00Z', { reactions: [{ id: 'r', member_id: SPONSOR, emoji: 'clap' }, { id: 'r2', member_id: SPONSOR, emoji: '<script>' }] as never, comments: [comment('c', SPONSOR, '2026-11-24T10:00:00Z'), { id: 'bad' }] as never }),
      { ...cachedWin('bad-kind', SPONSOR, '2026-11-24T10:00:00Z'), kind: 'contact_name' },
      null,
    ]);
    expect(page?.wins.map((win) => [win.id, win.reactions.length, win.comments.length])).toEqual([['ok', 1, 1]]);
    expect(page?.malformed).toBe(4);
    expect(parseFeedPage({ wins: [] })).toBeNull();
    expect(parseLeaderDay('nope')).toBeNull();
  });
});
