import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { FieldbookDb } from '../../src/db/fieldbook-db';
import { putLeaderDay, recordSeen, replaceFeed, replaceTeam, type TeamAnswerRow } from '../../src/db/team-cache';
import type { LeaderDayMember } from '../../src/domain/team-feed';
import type { FeedWinRow } from '../../src/domain/team-feed-wire';
import { TeamScreen } from '../../src/features/team/team-screen';
import { AppServicesContext, type TeamInvitation, type TeamPort } from '../../src/hooks/app-services';
import { err, ok } from '../../src/shared/result';
import { createStore } from '../../src/shared/subscribable';
import { LOCAL_ONLY_STATUS } from '../../src/sync/local-only';
import { createHarness, type Harness } from '../support/render-with-services';
import { allEntries } from '../../src/db/outbox-entries';

const ME = '00000000-0000-4000-8000-000000000001';
const SPONSOR = '00000000-0000-4000-8000-0000000000a1';
const TOP = '00000000-0000-4000-8000-0000000000a2';
const ANA = '00000000-0000-4000-8000-0000000000b1';
const BEN = '00000000-0000-4000-8000-0000000000b2';
const CARA = '00000000-0000-4000-8000-0000000000c1';

const TEAM: TeamAnswerRow[] = [
  { member_id: TOP, full_name: 'Tina Top', depth: -2, joined_at: null },
  { member_id: SPONSOR, full_name: 'Sue Sponsor', depth: -1, joined_at: '2026-10-01T10:00:00Z' },
  { member_id: BEN, full_name: 'Ben Brown', depth: 1, joined_at: '2026-11-01T10:00:00Z' },
  { member_id: ANA, full_name: 'Ana Alves', depth: 1, joined_at: '2026-11-02T10:00:00Z' },
  { member_id: CARA, full_name: 'Cara Cole', depth: 2, joined_at: '2026-11-03T10:00:00Z' },
];

/**
 * A fake team port: a tiny server in memory (the team, invitations, valid codes) whose refresh writes
 * the local cache, as the real port does. Records what the screen asked for.
 */
function fakeTeam(initial: readonly TeamAnswerRow[] = TEAM) {
  let db: FieldbookDb | null = null;
  let members = [...initial];
  let invites: TeamInvitation[] = [];
  const calls: string[] = [];
  const presence = createStore<ReadonlySet<string>>(new Set());
  const shared: string[] = [];
  let next = 0;
  let feed: FeedWinRow[] = [];
  let leaderDay: LeaderDayMember[] = [];
  const refresh = async () => {
    calls.push('refresh');
    if (db) await replaceTeam(db, members, Date.parse('2026-11-29T12:00:00Z'));
    return ok(true as const);
  };
  const port: TeamPort = {
    memberId: ME,
    createInvite: () => {
      calls.push('createInvite');
      next += 1;
      const invite = { code: `K7QM4XP${String.fromCharCode(64 + next)}`, created_at: '2026-11-29T12:00:00Z', expires_at: '2026-12-06T12:00:00Z' };
      invites = [invite, ...invites];
      return Promise.resolve(ok(invite));
    },
    revokeInvite: (code) => {
      calls.push(`revokeInvite ${code}`);
      invites = invites.filter((invite) => invite.code !== code);
      return Promise.resolve(ok(true as const));
    },
    listInvites: () => Promise.resolve(ok(invites)),
    acceptInvite: async (code) => {
      calls.push(`acceptInvite ${code}`);
      if (members.some((member) => member.depth === -1)) return err('You already have a sponsor; leave that team first');
      if (code !== 'ABCDEFGH') return err('This invitation is not valid (it may have expired or been withdrawn)');
      members = [{ member_id: SPONSOR, full_name: 'Sue Sponsor', depth: -1, joined_at: null }, ...members];
      await refresh();
      return ok(SPONSOR);
    },
    leave: async () => {
      calls.push('leave');
      members = members.filter((member) => member.depth > 0);
      await refresh();
      return ok(true as const);
    },
    removeMember: async (id) => {
      calls.push(`removeMember ${id}`);
      members = members.filter((member) => member.member_id !== id);
      await refresh();
      return ok(true as const);
    },
    refresh,
    refreshFeed: async () => {
      calls.push('refreshFeed');
      if (db) await replaceFeed(db, feed, false, null, Date.parse('2026-11-29T12:00:00Z'));
      return ok(true as const);
    },
    loadOlderWins: () => Promise.resolve(ok(true as const)),
    hideComment: async (id, hide) => {
      calls.push(`hideComment ${id} ${String(hide)}`);
      feed = feed.map((win) => ({ ...win, comments: win.comments.map((c) => (c.id === id ? { ...c, hidden_at: hide ? '2026-11-29T12:00:00Z' : null, hidden_by: hide ? ME : null } : c)) }));
      if (db) await replaceFeed(db, feed, false, null, Date.parse('2026-11-29T12:00:00Z'));
      return ok(true as const);
    },
    refreshLeaderDay: async (day, depth) => {
      calls.push(`refreshLeaderDay ${day} ${depth}`);
      if (db) await putLeaderDay(db, day, depth, leaderDay.filter((member) => member.depth <= depth), Date.parse('2026-11-29T12:00:00Z'));
      return ok(true as const);
    },
    presence,
    joinLink: (code) => `https://fieldbook.test/join/${code}`,
    shareInvite: (code) => {
      shared.push(code);
      return Promise.resolve('copied' as const);
    },
  };
  return {
    port,
    calls,
    presence,
    shared,
    attach: (database: FieldbookDb) => (db = database),
    setMembers: (rows: TeamAnswerRow[]) => (members = rows),
    setFeed: (rows: FeedWinRow[]) => (feed = rows),
    setLeaderDay: (rows: LeaderDayMember[]) => (leaderDay = rows),
  };
}

describe('the team screen', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    cleanup();
    await harness?.db.delete();
    harness = undefined;
  });

  /** The screen as a signed-in member opens it; `tab`: the tab to open first (the feed opens by itself). */
  const mount = async (team: ReturnType<typeof fakeTeam> | null, code?: string, tab: 'Feed' | 'Members' | 'Their day' = 'Members') => {
    harness = await createHarness({ team: team?.port ?? null });
    team?.attach(harness.db);
    const signedIn = { ...harness.services, sync: { ...harness.services.sync, ...createStore({ ...LOCAL_ONLY_STATUS, auth: 'signed-in' as const }) } };
    const view = render(
      <AppServicesContext.Provider value={team ? signedIn : harness.services}>
        <TeamScreen code={code} />
      </AppServicesContext.Provider>,
    );
    if (team && code === undefined && tab !== 'Feed') await userEvent.setup().click(await screen.findByRole('tab', { name: tab }));
    return view;
  };

  it('refreshes on open and shows the sponsor line nearest first and the downline by level, with who is online in words', async () => {
    const team = fakeTeam();
    await mount(team);
    const line = await screen.findByRole('list', { name: 'Your sponsor line, nearest first' });
    expect(within(line).getAllByRole('listitem').map((item) => item.textContent)).toEqual([expect.stringContaining('Sue Sponsor'), expect.stringContaining('Tina Top')]);
    expect(within(line).getAllByRole('listitem')[0]?.textContent).toContain('your sponsor');
    expect(team.calls).toContain('refresh');

    const level1 = screen.getByRole('region', { name: 'Level 1 — personally sponsored' });
    expect(within(level1).getAllByRole('listitem').map((item) => within(item).getByText(/Alves|Brown/).textContent)).toEqual(['Ana Alves', 'Ben Brown']);
    const level2 = screen.getByRole('region', { name: 'Level 2' });
    expect(within(level2).getByText('Cara Cole')).toBeTruthy();
    // Only level 1 can be removed by this member.
    expect(within(level1).getAllByRole('button', { name: /^Remove/ })).toHaveLength(2);
    expect(within(level2).queryByRole('button', { name: /^Remove/ })).toBeNull();
    expect(screen.getByText(/Last updated/)).toBeTruthy();
    expect(screen.queryByText('online')).toBeNull();

    act(() => team.presence.set(new Set([ANA])));
    const ana = within(level1).getByText('Ana Alves').closest('li')!;
    expect(within(ana).getByText('online')).toBeTruthy();
    const ben = within(level1).getByText('Ben Brown').closest('li')!;
    expect(within(ben).queryByText('online')).toBeNull();
    expect(screen.getByText(/Your team sees your name and when you're in the app. Never your contacts, notes or messages./)).toBeTruthy();
  });

  it('removes a level-1 member only after confirming, and the list follows the refreshed cache', async () => {
    const team = fakeTeam();
    await mount(team);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Remove Ben Brown' }));
    expect(team.calls.filter((call) => call.startsWith('removeMember'))).toEqual([]);
    expect(screen.getByRole('alert').textContent).toContain('Remove Ben Brown from your team?');
    await user.click(within(screen.getByRole('alert')).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByText('Ben Brown')).toBeNull());
    expect(team.calls).toContain(`removeMember ${BEN}`);
  });

  it('leaving asks first and says the downline comes along', async () => {
    const team = fakeTeam();
    await mount(team);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Leave team' }));
    expect(screen.getByRole('alert').textContent).toContain('Your own team (3 people) comes with you.');
    expect(team.calls).not.toContain('leave');
    await user.click(within(screen.getByRole('alert')).getByRole('button', { name: 'Leave team' }));
    await waitFor(() => expect(screen.queryByText('Sue Sponsor')).toBeNull());
    expect(team.calls).toContain('leave');
    expect(screen.getByText('Ana Alves')).toBeTruthy();
  });

  it('joins with a code typed in any case and with spaces, and shows the server’s refusal inline', async () => {
    const team = fakeTeam(TEAM.filter((member) => member.depth > 0));
    await mount(team);
    const user = userEvent.setup();
    const field = await screen.findByLabelText('Invitation code');
    await user.type(field, 'zzzz 2222');
    await user.click(screen.getByRole('button', { name: 'Join team' }));
    const error = await screen.findByText('This invitation is not valid (it may have expired or been withdrawn)');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toBe(error.id);
    expect((field as HTMLInputElement).value).toBe('zzzz 2222');
    expect(team.calls).toContain('acceptInvite ZZZZ2222');

    await user.clear(field);
    await user.type(field, 'abcd efgh');
    await user.click(screen.getByRole('button', { name: 'Join team' }));
    await screen.findByText(/You joined the team/);
    expect(team.calls).toContain('acceptInvite ABCDEFGH');
    const line = await screen.findByRole('list', { name: 'Your sponsor line, nearest first' });
    expect(within(line).getByText('Sue Sponsor')).toBeTruthy();

    // Now with a sponsor: the server's message for a second team.
    await user.type(field, 'abcdefgh');
    await user.click(screen.getByRole('button', { name: 'Join team' }));
    expect(await screen.findByText('You already have a sponsor; leave that team first')).toBeTruthy();
  });

  it('/join/<code> fills the code in', async () => {
    await mount(fakeTeam(), 'abcd-efgh');
    expect((await screen.findByLabelText<HTMLInputElement>('Invitation code')).value).toBe('abcd-efgh');
  });

  it('an invitation shows its code large with the share link and expiry, lists open ones and withdraws them', async () => {
    const team = fakeTeam();
    await mount(team);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Create an invitation code' }));
    expect(await screen.findByText('K7QM4XPA', { selector: '.team__code' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'https://fieldbook.test/join/K7QM4XPA' }).getAttribute('href')).toBe('https://fieldbook.test/join/K7QM4XPA');
    expect(screen.getByText(/Valid until .*6 Dec/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Share link' }));
    expect(team.shared).toEqual(['K7QM4XPA']);
    expect(await screen.findByText('Link copied. Paste it into a message.')).toBeTruthy();

    const open = screen.getByRole('list', { name: 'Open invitations' });
    expect(within(open).getByText('K7QM4XPA')).toBeTruthy();
    await user.click(within(open).getByRole('button', { name: 'Withdraw K7QM4XPA' }));
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Open invitations' })).toBeNull());
    expect(team.calls).toContain('revokeInvite K7QM4XPA');
    expect(screen.queryByText('K7QM4XPA')).toBeNull();
  });

  it('offline: the cached team shows with when it was updated, and every action is disabled with the reason', async () => {
    const team = fakeTeam();
    harness = await createHarness({ team: team.port });
    await replaceTeam(harness.db, TEAM, Date.parse('2026-11-29T11:00:00Z'));
    const offline = { ...harness.services, sync: { ...harness.services.sync, ...createStore({ ...LOCAL_ONLY_STATUS, auth: 'signed-in' as const, network: 'offline' as const }) } };
    render(
      <AppServicesContext.Provider value={offline}>
        <TeamScreen />
      </AppServicesContext.Provider>,
    );
    await userEvent.setup().click(await screen.findByRole('tab', { name: 'Members' }));
    expect(await screen.findByText('Ana Alves')).toBeTruthy();
    expect(screen.getByText(/Last updated/)).toBeTruthy();
    expect(screen.getAllByText(/You are offline. Invitations and changes to your team need a connection./).length).toBeGreaterThan(0);
    for (const name of ['Create an invitation code', 'Join team', 'Leave team', 'Remove Ana Alves']) expect(screen.getByRole<HTMLButtonElement>('button', { name }).disabled).toBe(true);
    expect(team.calls).toEqual([]);
  });

  it('reads the team again each time Members is shown (someone may have left meanwhile)', async () => {
    const team = fakeTeam();
    await mount(team, undefined, 'Feed');
    await waitFor(() => expect(team.calls.filter((call) => call === 'refresh')).toHaveLength(1));
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Members' }));
    await waitFor(() => expect(team.calls.filter((call) => call === 'refresh')).toHaveLength(2));
    await user.click(screen.getByRole('tab', { name: 'Feed' }));
    await user.click(screen.getByRole('tab', { name: 'Members' }));
    await waitFor(() => expect(team.calls.filter((call) => call === 'refresh')).toHaveLength(3));
  });

  it('local-only: explains that a team needs an account and links to /account', async () => {
    await mount(null);
    expect(screen.getByRole('heading', { name: 'A team needs an account' })).toBeTruthy();
    const link = screen.getByRole('link', { name: 'Create an account or sign in' });
    expect(link.getAttribute('href')).toBe('/account');
    expect(screen.queryByRole('button', { name: 'Join team' })).toBeNull();
  });
});

describe('the team screen’s feed and their day', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    cleanup();
    await harness?.db.delete();
    harness = undefined;
  });

  const win = (id: string, member_id: string, occurred_at: string, extra: Partial<FeedWinRow> = {}): FeedWinRow => ({
    id,
    member_id,
    kind: 'new_customer',
    amount: 1,
    occurred_at,
    updated_at: occurred_at,
    reactions: [],
    comments: [],
    ...extra,
  });
  const WIN_SUE = '00000000-0000-4000-8000-0000000000f1';
  const WIN_BEN = '00000000-0000-4000-8000-0000000000f2';

  const open = async (team: ReturnType<typeof fakeTeam>, network: 'online' | 'offline' = 'online') => {
    harness = await createHarness({ team: team.port });
    team.attach(harness.db);
    await replaceTeam(harness.db, TEAM, Date.parse('2026-11-29T11:00:00Z'));
    // The profile as the server sends it (with the member's secret): the device has synced.
    const stamp = '2026-11-24T09:00:00.000Z';
    const memberId = harness.store.memberId;
    await harness.db.member_profiles.put({ id: memberId, member_id: memberId, full_name: 'Me', company: '', phone: '', timezone: '', share_wins: [], share_wins_asked_at: null, win_salt: '0123456789abcdef0123456789abcdef', created_at: stamp, updated_at: stamp, deleted_at: null, field_stamps: {} });
    const services = { ...harness.services, sync: { ...harness.services.sync, ...createStore({ ...LOCAL_ONLY_STATUS, auth: 'signed-in' as const, network }) } };
    render(
      <AppServicesContext.Provider value={services}>
        <TeamScreen />
      </AppServicesContext.Provider>,
    );
    return harness;
  };

  it('opens on the feed: asks once which wins to share, shows the team’s wins by name, and reactions and comments go through the outbox', async () => {
    const team = fakeTeam();
    team.setFeed([
      win(WIN_SUE, SPONSOR, '2026-11-24T08:00:00Z', { reactions: [{ id: 'r1', member_id: TOP, emoji: 'clap' }], comments: [{ id: 'c1', member_id: TOP, body: 'Great job', hidden_at: null, hidden_by: null, created_at: '2026-11-24T08:10:00Z', updated_at: '2026-11-24T08:10:00Z' }] }),
    ]);
    const { db, store } = await open(team);
    const user = userEvent.setup();
    expect(screen.getByRole('tab', { name: 'Feed' }).getAttribute('aria-selected')).toBe('true');
    expect(await screen.findByText('Sue Sponsor enrolled a new customer')).toBeTruthy();
    expect(team.calls).toContain('refreshFeed');
    expect(screen.getByText('Great job')).toBeTruthy();

    // Asked once: "Not now" counts as an answer, and the question does not come back.
    await user.click(await screen.findByRole('button', { name: 'Not now' }));
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Share your wins with your team?' })).toBeNull());
    expect((await db.member_profiles.get(store.memberId))?.share_wins_asked_at).not.toBeNull();

    await user.click(screen.getByRole('button', { name: 'Applause, 1' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Applause, 2' }).getAttribute('aria-pressed')).toBe('true'));
    await user.type(screen.getByRole('textbox', { name: 'Comment on Sue Sponsor enrolled a new customer' }), 'Congratulations!');
    await user.click(screen.getByRole('button', { name: 'Comment' }));
    const mine = await screen.findByText('Congratulations!');
    // Dexie may show the new comment optimistically a frame before its outbox entry is read.
    await waitFor(() => expect(mine.closest('li')?.textContent).toContain('Sending…'));
    expect((await allEntries(db)).map((entry) => entry.table).sort()).toEqual(['member_profiles', 'team_comments', 'team_reactions']);
  });

  it('a leader hides a comment on a downline member’s win; on the sponsor’s win there is nothing to hide', async () => {
    const team = fakeTeam();
    const comment = (id: string, member_id: string) => ({ id, member_id, body: `said by ${id}`, hidden_at: null, hidden_by: null, created_at: '2026-11-24T09:00:00Z', updated_at: '2026-11-24T09:00:00Z' });
    team.setFeed([win(WIN_BEN, BEN, '2026-11-24T10:00:00Z', { comments: [comment('cb', ANA)] }), win(WIN_SUE, SPONSOR, '2026-11-24T08:00:00Z', { comments: [comment('cs', TOP)] })]);
    await open(team);
    await screen.findByText('said by cb');
    expect(screen.queryByRole('button', { name: 'Hide Tina Top’s comment' })).toBeNull();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Hide Ana Alves’s comment' }));
    await waitFor(() => expect(team.calls).toContain('hideComment cb true'));
    expect(await screen.findByRole('button', { name: 'Show Ana Alves’s comment again' })).toBeTruthy();
  });

  it('their day: only with a downline; reads today for direct members, then the whole downline', async () => {
    const team = fakeTeam();
    const counts = { conversations: 2, invitations: 0, follow_ups: 1, presentations: 0, new_customers: 0, new_team_members: 0 };
    team.setLeaderDay([
      { member_id: ANA, full_name: 'Ana Alves', depth: 1, counts, goals: { ...counts, conversations: 3 }, works_that_day: true, follow_ups_due: 2, follow_ups_overdue: 1, last_active_at: '2026-11-24T08:30:00Z' },
      { member_id: CARA, full_name: 'Cara Cole', depth: 2, counts, goals: null, works_that_day: null, follow_ups_due: 0, follow_ups_overdue: 0, last_active_at: null },
    ]);
    await open(team);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Their day' }));
    expect(await screen.findByText('Ana Alves')).toBeTruthy();
    expect(team.calls).toContain('refreshLeaderDay 2026-11-24 1');
    expect(screen.queryByText('Cara Cole')).toBeNull();
    await user.click(screen.getByRole('button', { name: /Whole downline/ }));
    expect(await screen.findByText('Cara Cole')).toBeTruthy();
    expect(team.calls).toContain('refreshLeaderDay 2026-11-24 64');

    cleanup();
    await harness?.db.delete();
    const alone = fakeTeam(TEAM.filter((member) => member.depth < 0));
    await open(alone);
    await screen.findByRole('tab', { name: 'Members' });
    expect(screen.queryByRole('tab', { name: 'Their day' })).toBeNull();
  });

  it('members seen in the app earlier today say “active today”; the tabs move with the arrow keys', async () => {
    const team = fakeTeam();
    const { db, platform } = await open(team);
    await recordSeen(db, [BEN], platform.now() - 60 * 60 * 1000);
    await recordSeen(db, [ANA], platform.now() - 30 * 60 * 60 * 1000);
    const user = userEvent.setup();
    screen.getByRole('tab', { name: 'Feed' }).focus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Members' }).getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Members' }));
    const ben = (await screen.findByText('Ben Brown')).closest('li')!;
    await waitFor(() => expect(within(ben).getByText('active today')).toBeTruthy());
    expect(within(screen.getByText('Ana Alves').closest('li')!).queryByText('active today')).toBeNull();
  });
});
