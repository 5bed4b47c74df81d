import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { winSentence, type FeedComment, type FeedWin } from '../../src/domain/team-feed';
import { COMMENT_MAX, REACTIONS, type Reaction } from '../../src/domain/team-feed-schema';
import { TeamFeed, type TeamFeedProps } from '../../src/features/team/team-feed';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const ME = '00000000-0000-4000-8000-000000000001';
const ANA = '00000000-0000-4000-8000-0000000000b1';
const BEN = '00000000-0000-4000-8000-0000000000b2';

const reactions = (counts: Partial<Record<Reaction, number>> = {}, mine: readonly Reaction[] = []) =>
  REACTIONS.map((emoji) => ({ emoji, count: counts[emoji] ?? 0, mine: mine.includes(emoji) }));

const comment = (overrides: Partial<FeedComment> & Pick<FeedComment, 'id'>): FeedComment => ({
  member_id: BEN,
  author: 'Ben Brown',
  body: 'Well done!',
  created_at: '2026-11-29T11:00:00Z',
  edited: false,
  hidden: false,
  mine: false,
  pending: false,
  ...overrides,
});

const win = (overrides: Partial<FeedWin> & Pick<FeedWin, 'id'>): FeedWin => ({
  member_id: ANA,
  author: 'Ana Alves',
  mine: false,
  kind: 'new_customer',
  amount: 1,
  occurred_at: '2026-11-29T10:00:00Z',
  reactions: reactions(),
  comments: [],
  canHide: false,
  ...overrides,
});

function mount(overrides: Partial<TeamFeedProps> = {}) {
  const props: TeamFeedProps = {
    wins: [win({ id: 'w1' })],
    now: NOW,
    offline: false,
    loadingMore: false,
    hasMore: false,
    error: null,
    onLoadMore: vi.fn(),
    onReact: vi.fn(),
    onComment: vi.fn(() => Promise.resolve(null)),
    onEditComment: vi.fn(() => Promise.resolve(null)),
    onDeleteComment: vi.fn(() => Promise.resolve(null)),
    onHideComment: vi.fn(() => Promise.resolve(null)),
    ...overrides,
  };
  const view = render(<TeamFeed {...props} />);
  return { ...view, props, rerender: (next: Partial<TeamFeedProps>) => view.rerender(<TeamFeed {...props} {...next} />) };
}

const winCard = (name: string | RegExp) => screen.getByRole('article', { name });
const commentItem = (list: HTMLElement, text: string) => within(list).getByText(text).closest('li')!;

describe('the team feed', () => {
  it('shows each win as a sentence naming the member, newest first as given, with when in relative and exact time', () => {
    mount({
      wins: [
        win({ id: 'w2', author: 'You', mine: true, kind: 'streak', amount: 10, occurred_at: '2026-11-29T10:00:00Z' }),
        win({ id: 'w1', kind: 'new_customer', amount: 2, occurred_at: '2026-11-27T12:00:00Z' }),
      ],
    });
    const list = screen.getByRole('list', { name: 'Team wins, newest first' });
    expect(within(list).getAllByRole('article').map((article) => article.querySelector('.team-feed__sentence')?.textContent)).toEqual([
      winSentence('You', 'streak', 10),
      'Ana Alves enrolled 2 new customers',
    ]);
    const time = within(winCard(winSentence('You', 'streak', 10))).getByText('2 h ago');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('dateTime')).toBe('2026-11-29T10:00:00Z');
    expect(time.getAttribute('title')).toMatch(/29 Nov 2026/);
    expect(within(winCard('Ana Alves enrolled 2 new customers')).getByText('2 d ago')).toBeTruthy();
  });

  it('has the five reactions as toggles named with their count, pressed when the member reacted, and toggling calls onReact with that emoji', async () => {
    const user = userEvent.setup();
    const { props } = mount({ wins: [win({ id: 'w1', reactions: reactions({ clap: 3, heart: 1 }, ['heart']) })] });
    const group = screen.getByRole('group', { name: 'Reactions to Ana Alves enrolled a new customer' });
    const buttons = within(group).getAllByRole('button');
    expect(buttons.map((button) => [button.getAttribute('aria-label'), button.getAttribute('aria-pressed')])).toEqual([
      ['Applause, 3', 'false'],
      ['Celebrate', 'false'],
      ['On fire', 'false'],
      ['Strong', 'false'],
      ['Love, 1', 'true'],
    ]);
    expect(within(group).getByRole('button', { name: 'Applause, 3' }).textContent).toBe('👏3');
    expect(within(group).getByRole('button', { name: 'Celebrate' }).textContent).toBe('🎉');

    await user.click(within(group).getByRole('button', { name: 'Celebrate' }));
    await user.click(within(group).getByRole('button', { name: 'Love, 1' }));
    expect(props.onReact).toHaveBeenNthCalledWith(1, 'w1', 'party');
    expect(props.onReact).toHaveBeenNthCalledWith(2, 'w1', 'heart');
  });

  it('sends a trimmed comment, refuses an empty one inline without calling, shows the returned error and clears the field on success', async () => {
    const user = userEvent.setup();
    const onComment = vi.fn<TeamFeedProps['onComment']>().mockResolvedValueOnce('Could not save the comment. Try again.').mockResolvedValueOnce(null);
    mount({ onComment });
    const box = screen.getByRole('textbox', { name: 'Comment on Ana Alves enrolled a new customer' });
    const send = screen.getByRole('button', { name: 'Comment' });

    await user.type(box, '   ');
    await user.click(send);
    expect(onComment).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('Write a comment');
    expect(box.getAttribute('aria-invalid')).toBe('true');

    await user.clear(box);
    await user.type(box, '  Amazing, Ana!  ');
    await user.click(send);
    expect(onComment).toHaveBeenLastCalledWith('w1', 'Amazing, Ana!');
    expect((await screen.findByRole('alert')).textContent).toBe('Could not save the comment. Try again.');
    expect((box as HTMLTextAreaElement).value).toBe('  Amazing, Ana!  ');

    await user.click(send);
    expect(onComment).toHaveBeenCalledTimes(2);
    await vi.waitFor(() => expect((box as HTMLTextAreaElement).value).toBe(''));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('sends with Ctrl+Enter, stays usable offline, and counts the characters left near the limit', async () => {
    const user = userEvent.setup();
    const { props } = mount({ offline: true });
    const box = screen.getByRole('textbox', { name: 'Comment on Ana Alves enrolled a new customer' });
    expect(box.hasAttribute('disabled')).toBe(false);
    expect(screen.getByRole('button', { name: 'Comment' }).hasAttribute('disabled')).toBe(false);
    expect(box.getAttribute('maxLength')).toBe(String(COMMENT_MAX));

    await user.type(box, 'Go Ana{Control>}{Enter}{/Control}');
    expect(props.onComment).toHaveBeenCalledWith('w1', 'Go Ana');

    expect(screen.queryByText(/characters left/)).toBeNull();
    await user.click(box);
    await user.paste('x'.repeat(COMMENT_MAX - 10));
    expect(screen.getByText('10 characters left')).toBeTruthy();
  });

  it('renders a comment body as text, never as HTML', () => {
    const { container } = mount({ wins: [win({ id: 'w1', comments: [comment({ id: 'c1', body: '<img src=x onerror=alert(1)>' })] })] });
    expect(screen.getByText('<img src=x onerror=alert(1)>')).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
  });

  it('shows author, time, edited and Sending… on comments, and Edit and Delete only on the member’s own', () => {
    mount({
      wins: [
        win({
          id: 'w1',
          comments: [
            comment({ id: 'c1', body: 'Great job', edited: true }),
            comment({ id: 'c2', member_id: ME, author: 'You', body: 'Thanks all', mine: true, pending: true, created_at: '2026-11-29T11:59:50Z' }),
          ],
        }),
      ],
    });
    const list = screen.getByRole('list', { name: 'Comments on Ana Alves enrolled a new customer' });
    const theirs = commentItem(list, 'Great job');
    expect(theirs.textContent).toContain('Ben Brown');
    expect(theirs.textContent).toContain('1 h ago');
    expect(theirs.textContent).toContain('edited');
    expect(theirs.textContent).not.toContain('Sending…');
    expect(within(theirs).queryByRole('button')).toBeNull();

    const mine = commentItem(list, 'Thanks all');
    expect(mine.textContent).toContain('just now');
    expect(mine.textContent).toContain('Sending…');
    expect(within(mine).getByRole('button', { name: 'Edit your comment' })).toBeTruthy();
    expect(within(mine).getByRole('button', { name: 'Delete your comment' })).toBeTruthy();
  });

  it('edits the member’s own comment in place: Save sends the trimmed text, empty is refused, errors show inline, Cancel restores', async () => {
    const user = userEvent.setup();
    const onEditComment = vi.fn<TeamFeedProps['onEditComment']>().mockResolvedValueOnce('You are not allowed to edit this.').mockResolvedValueOnce(null);
    mount({ onEditComment, wins: [win({ id: 'w1', comments: [comment({ id: 'c2', author: 'You', body: 'Thanks all', mine: true })] })] });

    await user.click(screen.getByRole('button', { name: 'Edit your comment' }));
    const box = screen.getByRole('textbox', { name: 'Edit your comment' });
    expect((box as HTMLTextAreaElement).value).toBe('Thanks all');

    await user.clear(box);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(onEditComment).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('Write a comment');

    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('textbox', { name: 'Edit your comment' })).toBeNull();
    expect(screen.getByText('Thanks all')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Edit your comment' }));
    await user.clear(screen.getByRole('textbox', { name: 'Edit your comment' }));
    await user.type(screen.getByRole('textbox', { name: 'Edit your comment' }), ' Thanks, everyone ');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(onEditComment).toHaveBeenLastCalledWith('c2', 'Thanks, everyone');
    expect((await screen.findByRole('alert')).textContent).toBe('You are not allowed to edit this.');
    expect(screen.getByRole('textbox', { name: 'Edit your comment' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(screen.queryByRole('textbox', { name: 'Edit your comment' })).toBeNull());
    expect(onEditComment).toHaveBeenCalledTimes(2);
  });

  it('deletes the member’s own comment only after an inline confirmation', async () => {
    const user = userEvent.setup();
    const { props } = mount({ wins: [win({ id: 'w1', comments: [comment({ id: 'c2', author: 'You', body: 'Oops', mine: true })] })] });

    await user.click(screen.getByRole('button', { name: 'Delete your comment' }));
    const confirm = screen.getByRole('group', { name: 'Delete this comment?' });
    await user.click(within(confirm).getByRole('button', { name: 'Keep' }));
    expect(props.onDeleteComment).not.toHaveBeenCalled();
    expect(screen.queryByRole('group', { name: 'Delete this comment?' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Delete your comment' }));
    await user.click(within(screen.getByRole('group', { name: 'Delete this comment?' })).getByRole('button', { name: 'Delete' }));
    expect(props.onDeleteComment).toHaveBeenCalledWith('c2');
  });

  it('offers Hide on other members’ comments only when the member leads the author, Show again on hidden ones, and disables both offline with the reason', async () => {
    const user = userEvent.setup();
    const comments = [
      comment({ id: 'c1', body: 'Spam spam' }),
      comment({ id: 'c3', author: 'Cara Cole', body: 'Rude words', hidden: true }),
      comment({ id: 'c2', author: 'You', body: 'Mine', mine: true }),
    ];
    const { props, rerender } = mount({ wins: [win({ id: 'w1', comments, canHide: false })] });
    expect(screen.queryByRole('button', { name: /Hide|Show .* again/ })).toBeNull();

    rerender({ wins: [win({ id: 'w1', comments, canHide: true })] });
    expect(screen.getAllByRole('button', { name: /^Hide|^Show .* again/ }).map((button) => button.getAttribute('aria-label'))).toEqual([
      'Hide Ben Brown’s comment',
      'Show Cara Cole’s comment again',
    ]);
    await user.click(screen.getByRole('button', { name: 'Hide Ben Brown’s comment' }));
    await user.click(screen.getByRole('button', { name: 'Show Cara Cole’s comment again' }));
    expect(props.onHideComment).toHaveBeenNthCalledWith(1, 'c1', true);
    expect(props.onHideComment).toHaveBeenNthCalledWith(2, 'c3', false);

    rerender({ wins: [win({ id: 'w1', comments, canHide: true })], offline: true });
    const hide = screen.getByRole('button', { name: 'Hide Ben Brown’s comment' });
    expect(hide.hasAttribute('disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Show Cara Cole’s comment again' }).hasAttribute('disabled')).toBe(true);
    const reason = document.getElementById(hide.getAttribute('aria-describedby')!);
    expect(reason?.textContent).toBe('You are offline. Hiding a comment needs a connection.');
    // Editing one's own comment still works offline (it queues).
    expect(screen.getByRole('button', { name: 'Edit your comment' }).hasAttribute('disabled')).toBe(false);
  });

  it('shows a hidden comment’s text dimmed with the note when the member may still see it, and only the note when not', async () => {
    const user = userEvent.setup();
    const onHideComment = vi.fn<TeamFeedProps['onHideComment']>().mockResolvedValue('Only a leader of Ana can do that.');
    mount({
      onHideComment,
      wins: [
        win({
          id: 'w1',
          canHide: true,
          comments: [comment({ id: 'c1', body: 'Visible to me', hidden: true }), comment({ id: 'c2', author: 'Cara Cole', body: '', hidden: true })],
        }),
      ],
    });
    const list = screen.getByRole('list', { name: 'Comments on Ana Alves enrolled a new customer' });
    const [first, second] = within(list).getAllByRole('listitem');
    expect(within(first!).getByText('Hidden by a leader')).toBeTruthy();
    expect(first!.className).toContain('team-feed__comment--hidden');
    expect(within(first!).getByText('Visible to me').className).toBe('team-feed__body');
    expect(within(second!).getByText('Hidden by a leader')).toBeTruthy();
    expect(second!.querySelector('.team-feed__body')).toBeNull();

    await user.click(within(first!).getByRole('button', { name: 'Show Ben Brown’s comment again' }));
    expect((await within(first!).findByRole('alert')).textContent).toBe('Only a leader of Ana can do that.');
  });

  it('explains the empty feed, says when it is loading, and shows an error without hiding the wins', () => {
    const { rerender } = mount({ wins: undefined });
    expect(screen.getByText('Loading the team feed…')).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();

    rerender({ wins: [] });
    expect(screen.getByText(/When someone on your team shares a win — a new customer, a new team member, goals reached, a streak — it shows here\. Nobody's prospects are ever shown\./)).toBeTruthy();

    rerender({ wins: [win({ id: 'w1' })], error: 'Could not update the feed: the server did not answer.' });
    expect(screen.getByText('Could not update the feed: the server did not answer.')).toBeTruthy();
    expect(screen.getByRole('article', { name: 'Ana Alves enrolled a new customer' })).toBeTruthy();
  });

  it('loads older wins on request, and says so while loading', async () => {
    const user = userEvent.setup();
    const { props, rerender } = mount({ hasMore: false });
    expect(screen.queryByRole('button', { name: 'Show older wins' })).toBeNull();

    rerender({ hasMore: true });
    await user.click(screen.getByRole('button', { name: 'Show older wins' }));
    expect(props.onLoadMore).toHaveBeenCalledTimes(1);

    rerender({ hasMore: true, loadingMore: true });
    expect(screen.queryByRole('button', { name: 'Show older wins' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Loading…' }).hasAttribute('disabled')).toBe(true);
  });

  it('the member’s own win can be removed after confirming; others’ wins have no Remove', async () => {
    const onRemoveWin = vi.fn(() => Promise.resolve(null));
    mount({ wins: [win({ id: 'w-mine', member_id: ME, author: 'You', mine: true }), win({ id: 'w-ana', member_id: ANA, author: 'Ana Alves', mine: false })], onRemoveWin });
    const user = userEvent.setup();
    const others = winCard(/^Ana Alves/);
    expect(within(others).queryByRole('button', { name: /^Remove/ })).toBeNull();
    const mine = winCard(/^You/);
    await user.click(within(mine).getByRole('button', { name: /^Remove/ }));
    expect(onRemoveWin).not.toHaveBeenCalled();
    await user.click(within(mine).getByRole('button', { name: 'Remove win' }));
    expect(onRemoveWin).toHaveBeenCalledWith('w-mine');
  });
});
