import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { WinKind } from '../../src/domain/team-feed-schema';
import { ShareWinsQuestion, ShareWinsSettings, type ShareWinsProps } from '../../src/features/team/share-wins';

const LABELS = ['New customers', 'New team members', 'Daily goals reached', 'Streaks'];
const boxes = () => LABELS.map((label) => screen.getByRole<HTMLInputElement>('checkbox', { name: new RegExp(`^${label}`) }));

describe('the sharing question', () => {
  it('explains what the team sees, never who, with nothing ticked until the member says so', () => {
    render(<ShareWinsQuestion current={[]} onSave={vi.fn<ShareWinsProps['onSave']>()} />);
    expect(screen.getByRole('heading', { name: 'Share your wins with your team?' })).toBeTruthy();
    expect(screen.getByText(/Your team sees that you enrolled a new customer, never who\./)).toBeTruthy();
    expect(screen.getByText(/“Ana welcomed a new team member”/)).toBeTruthy();
    expect(boxes().map((box) => box.checked)).toEqual([false, false, false, false]);
  });

  it('“Not now” saves no kinds (the question counts as answered)', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn<ShareWinsProps['onSave']>().mockResolvedValue(null);
    render(<ShareWinsQuestion current={[]} onSave={onSave} />);
    await user.click(boxes()[0]!);
    await user.click(screen.getByRole('button', { name: 'Not now' }));
    expect(onSave).toHaveBeenCalledWith([]);
  });

  it('“Share these” saves exactly the ticked kinds, refuses none inline, and shows a failed save inline', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn<ShareWinsProps['onSave']>().mockResolvedValueOnce('Could not save. Try again.').mockResolvedValueOnce(null);
    render(<ShareWinsQuestion current={[]} onSave={onSave} />);

    await user.click(screen.getByRole('button', { name: 'Share these' }));
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/Tick at least one kind of win/);

    const [customers, , goals, streaks] = boxes();
    await user.click(streaks!);
    await user.click(customers!);
    await user.click(goals!);
    await user.click(goals!);
    await user.click(screen.getByRole('button', { name: 'Share these' }));
    expect(onSave).toHaveBeenLastCalledWith(['new_customer', 'streak']);
    expect((await screen.findByRole('alert')).textContent).toBe('Could not save. Try again.');

    await user.click(screen.getByRole('button', { name: 'Share these' }));
    await vi.waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(onSave).toHaveBeenCalledTimes(2);
  });
});

describe('the sharing setting', () => {
  it('starts from what is shared now and saves the changed choice, saying Saved', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn<ShareWinsProps['onSave']>().mockResolvedValue(null);
    const current: WinKind[] = ['goal_reached', 'new_customer'];
    render(<ShareWinsSettings current={current} onSave={onSave} />);
    const group = screen.getByRole('group', { name: 'Wins your team sees' });
    expect(within(group).getAllByRole('checkbox').map((box) => (box as HTMLInputElement).checked)).toEqual([true, false, true, false]);

    await user.click(boxes()[0]!);
    await user.click(boxes()[1]!);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSave).toHaveBeenCalledWith(['new_team_member', 'goal_reached']);
    expect(await screen.findByText('Saved.')).toBeTruthy();

    // Changing the choice again clears the old confirmation.
    await user.click(boxes()[3]!);
    expect(screen.queryByText('Saved.')).toBeNull();
  });

  it('may save nothing at all, and shows a failed save inline', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn<ShareWinsProps['onSave']>().mockResolvedValue('You are signed out. Sign in to change this.');
    render(<ShareWinsSettings current={['streak']} onSave={onSave} />);
    await user.click(boxes()[3]!);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSave).toHaveBeenCalledWith([]);
    expect((await screen.findByRole('alert')).textContent).toBe('You are signed out. Sign in to change this.');
    expect(screen.queryByText('Saved.')).toBeNull();
  });
});
