import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { LeaderDayMember } from '../../src/domain/team-feed';
import { LeaderDay, type LeaderDayProps } from '../../src/features/team/leader-day';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const ZERO = { conversations: 0, invitations: 0, follow_ups: 0, presentations: 0, new_customers: 0, new_team_members: 0 };
const GOALS = { ...ZERO, conversations: 3, invitations: 1, follow_ups: 2 };

const member = (overrides: Partial<LeaderDayMember> & Pick<LeaderDayMember, 'member_id' | 'full_name'>): LeaderDayMember => ({
  depth: 1,
  counts: ZERO,
  goals: GOALS,
  works_that_day: true,
  follow_ups_due: 0,
  follow_ups_overdue: 0,
  last_active_at: null,
  ...overrides,
});

const MEMBERS: LeaderDayMember[] = [
  // Short on conversations.
  member({ member_id: 'a', full_name: 'Ana Alves', counts: { ...ZERO, conversations: 2, invitations: 1, follow_ups: 3 }, follow_ups_due: 4, follow_ups_overdue: 2, last_active_at: '2026-11-29T09:00:00Z' }),
  // Every goal met (and more).
  member({ member_id: 'b', full_name: 'Ben Brown', counts: { ...ZERO, conversations: 5, invitations: 1, follow_ups: 2, presentations: 1 }, last_active_at: '2026-11-29T11:30:00Z' }),
  // No goals: counts only.
  member({ member_id: 'c', full_name: 'Cara Cole', depth: 2, goals: null, works_that_day: null, counts: { ...ZERO, conversations: 1 } }),
  // A day off with goals she would have met: neither counts as met nor shows the goals.
  member({ member_id: 'd', full_name: 'Dora Diaz', depth: 2, works_that_day: false, counts: { ...ZERO, conversations: 3, invitations: 1, follow_ups: 2 } }),
  // Nothing logged.
  member({ member_id: 'e', full_name: 'Eli Ekström', depth: 3 }),
];

function mount(overrides: Partial<LeaderDayProps> = {}) {
  const props: LeaderDayProps = {
    members: MEMBERS,
    day: '2026-11-29',
    today: '2026-11-29',
    depth: 1,
    refreshedAt: NOW - 5 * 60_000,
    now: NOW,
    offline: false,
    error: null,
    onDay: vi.fn(),
    onDepth: vi.fn(),
    ...overrides,
  };
  const view = render(<LeaderDay {...props} />);
  return { props, rerender: (next: Partial<LeaderDayProps>) => view.rerender(<LeaderDay {...props} {...next} />) };
}

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
const card = (name: string) => screen.getByRole('article', { name });
/** Each of the six counts as read: "Conversations 2 / 3". */
const countsOf = (name: string) => [...card(name).querySelectorAll('.leader-day__count')].map((item) => clean(item.textContent));

describe('a leader’s day', () => {
  it('shows each member’s six counts against their goals, marking met goals in words', () => {
    mount();
    expect(countsOf('Ana Alves')).toEqual(['Conversations 2 / 3', 'Invitations 1 / 1 met', 'Follow-ups 3 / 2 met', 'Presentations 0', 'New customers 0', 'New team members 0']);
    expect(countsOf('Ben Brown')).toEqual(['Conversations 5 / 3 met', 'Invitations 1 / 1 met', 'Follow-ups 2 / 2 met', 'Presentations 1', 'New customers 0', 'New team members 0']);
    expect(within(card('Ben Brown')).getByText('Met every goal')).toBeTruthy();
    expect(within(card('Ana Alves')).queryByText('Met every goal')).toBeNull();
  });

  it('says No goals set and Day off, with the counts alone', () => {
    mount();
    expect(within(card('Cara Cole')).getByText('No goals set')).toBeTruthy();
    expect(countsOf('Cara Cole')[0]).toBe('Conversations 1');
    expect(within(card('Dora Diaz')).getByText('Day off')).toBeTruthy();
    expect(countsOf('Dora Diaz').slice(0, 3)).toEqual(['Conversations 3', 'Invitations 1', 'Follow-ups 2']);
    expect(within(card('Dora Diaz')).queryByText('Met every goal')).toBeNull();
  });

  it('shows follow-ups due and overdue and when each member was last active', () => {
    mount();
    expect(clean(card('Ana Alves').querySelector('.leader-day__follow-ups')?.textContent)).toBe('Follow-ups due 4 · overdue 2');
    expect(within(card('Ana Alves')).getByText(/Last active 3 h ago/)).toBeTruthy();
    expect(within(card('Ben Brown')).getByText(/Last active 30 min ago/)).toBeTruthy();
    expect(within(card('Eli Ekström')).getByText(/Not active yet/)).toBeTruthy();
  });

  it('sums up the day: who logged anything and who met every goal, and says it is counts only', () => {
    mount();
    expect(screen.getByText('4 of 5 active today, 1 met every goal')).toBeTruthy();
    expect(screen.getByText('Counts only — never their contacts or notes.')).toBeTruthy();
  });

  it('moves a day back and forward, never past today', async () => {
    const user = userEvent.setup();
    const { props, rerender } = mount();
    expect(screen.getByRole('button', { name: 'Next day' }).hasAttribute('disabled')).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Previous day' }));
    expect(props.onDay).toHaveBeenLastCalledWith('2026-11-28');

    rerender({ day: '2026-11-27' });
    const next = screen.getByRole('button', { name: 'Next day' });
    expect(next.hasAttribute('disabled')).toBe(false);
    await user.click(next);
    expect(props.onDay).toHaveBeenLastCalledWith('2026-11-28');
    expect(screen.getByText('4 of 5 active on Fri 27 Nov, 1 met every goal')).toBeTruthy();
  });

  it('switches between direct members and the whole downline, with levels shown for the whole downline', async () => {
    const user = userEvent.setup();
    const { props, rerender } = mount({ depth: 1 });
    const direct = screen.getByRole('button', { name: 'Direct members' });
    const whole = screen.getByRole('button', { name: 'Whole downline' });
    expect([direct.getAttribute('aria-pressed'), whole.getAttribute('aria-pressed')]).toEqual(['true', 'false']);
    expect(within(card('Cara Cole')).queryByText(/Level 2/)).toBeNull();
    await user.click(whole);
    expect(props.onDepth).toHaveBeenCalledWith(64);

    rerender({ depth: 64 });
    expect(screen.getByRole('button', { name: 'Whole downline' }).getAttribute('aria-pressed')).toBe('true');
    expect(within(card('Cara Cole')).getByText(/Level 2/)).toBeTruthy();
    expect(within(card('Eli Ekström')).getByText(/Level 3/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Direct members' }));
    expect(props.onDepth).toHaveBeenLastCalledWith(1);
  });

  it('offline, says when the server last answered and still shows the day', () => {
    const { rerender } = mount({ offline: false });
    expect(screen.queryByText(/Showing what the server said/)).toBeNull();
    rerender({ offline: true });
    expect(screen.getByText('Showing what the server said 5 min ago.')).toBeTruthy();
    expect(card('Ana Alves')).toBeTruthy();
  });

  it('offline before the server ever answered for that day, says so rather than claiming nobody is there', () => {
    mount({ offline: true, refreshedAt: null, members: [] });
    expect(screen.getByText('You are offline. Connect to see your team’s day.')).toBeTruthy();
    expect(screen.queryByText(/Nobody in your downline yet/)).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('says when nobody is in the downline yet, when it is loading, and shows an error as a note', () => {
    const { rerender } = mount({ members: [] });
    expect(screen.getByText('Nobody in your downline yet. Invite someone from the Team screen.')).toBeTruthy();
    expect(screen.queryByText(/active today/)).toBeNull();
    rerender({ members: undefined });
    expect(screen.getByText('Loading your team’s day…')).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull(); // the app keeps one status region
    rerender({ members: MEMBERS, error: 'Could not load the day. Try again.' });
    expect(screen.getByText('Could not load the day. Try again.')).toBeTruthy();
    expect(card('Ana Alves')).toBeTruthy();
  });

  it('says when it was updated and asks again on Refresh; no Refresh while one is under way or offline', async () => {
    const onRefresh = vi.fn();
    const { rerender } = mount({ onRefresh });
    expect(screen.getByText(/Updated 5 min ago/)).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Refresh' }));
    expect(onRefresh).toHaveBeenCalledTimes(1);
    rerender({ onRefresh, refreshing: true });
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Refreshing…' }).disabled).toBe(true);
    rerender({ onRefresh, offline: true });
    expect(screen.queryByRole('button', { name: 'Refresh' })).toBeNull();
  });
});
