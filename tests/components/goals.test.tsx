import { afterEach, describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GoalsToday } from '../../src/features/goals/goals-today';
import { GoalsScreen } from '../../src/features/goals/goals-screen';
import { ReviewScreen } from '../../src/features/goals/review-screen';
import { TemplateForm } from '../../src/features/emails/template-form';
import { TemplatesScreen } from '../../src/features/emails/templates-screen';
import type { DailyGoalInput } from '../../src/domain/daily-goal-schema';
import type { EmailTemplateInput } from '../../src/domain/email-template';
import { addDays, toDay } from '../../src/domain/dates';
import { contactInput } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';

/*
 * Daily goals on screen: Today's rings follow what is logged through the store, a preset is one tap
 * away, the editor validates inline and saves from the member's day, a goal is celebrated once when it
 * is reached, and the weekly review adds up last week against its goals.
 * The harness clock starts on Tuesday 2026-11-24 at 09:00 UTC.
 */

let harness: Harness;
afterEach(async () => harness?.db.delete());

const TODAY = '2026-11-24';

function plan(overrides: Partial<DailyGoalInput> = {}): DailyGoalInput {
  return {
    preset: 'custom',
    conversations: 3,
    invitations: 0,
    follow_ups: 1,
    presentations: 1,
    new_customers: 0,
    new_team_members: 0,
    work_days: [1, 2, 3, 4, 5],
    week_min_days: 4,
    review_day: 7,
    ...overrides,
  };
}

async function addContact(first_name: string, overrides: Parameters<typeof contactInput>[0] = {}): Promise<string> {
  const result = await harness.store.addContact(contactInput({ first_name, last_name: 'Test', ...overrides }));
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** Everything announced through the one status region, in order. */
function recordAnnouncements(): string[] {
  const spoken: string[] = [];
  harness.services.announcements.subscribe(() => spoken.push(harness.services.announcements.getSnapshot().text));
  return spoken;
}

const ring = (kind: string) => document.querySelector(`.goal-ring[data-kind="${kind}"]`) as HTMLElement;

describe('Today: goal rings', () => {
  it('follow calls logged as connected and stage moves, live', async () => {
    harness = await createHarness();
    await harness.store.saveGoals(plan(), TODAY);
    const jane = await addContact('Jane');
    renderWith(harness, <GoalsToday />);

    expect(await screen.findByText('Conversations: 0 of 3')).toBeTruthy();
    expect(screen.getByText('Follow-ups: 0 of 1')).toBeTruthy();
    expect(screen.getByText('Presentations: 0 of 1')).toBeTruthy();
    // Only goals with a target get a ring.
    expect(screen.queryByText(/^Invitations:/)).toBeNull();
    expect(within(ring('conversations')).getByText('0 / 3')).toBeTruthy();

    // A first connected call to a new contact: a conversation, not yet a follow-up.
    await act(async () => void (await harness.store.logOutreach(jane, 'call', 'connected', null)));
    expect(await screen.findByText('Conversations: 1 of 3')).toBeTruthy();
    expect(screen.getByText('Follow-ups: 0 of 1')).toBeTruthy();
    expect(within(ring('conversations')).getByText('1 / 3')).toBeTruthy();
    const bar = ring('conversations').querySelector('.goal-ring__bar') as SVGCircleElement;
    expect(Number(bar.getAttribute('data-length'))).toBeGreaterThan(60);
    expect(Number(bar.getAttribute('data-length'))).toBeLessThan(65);

    // No answer is not a conversation, but reaching Jane again is a follow-up.
    harness.clock.advance(60_000);
    await act(async () => void (await harness.store.logOutreach(jane, 'call', 'no_answer', null)));
    expect(await screen.findByText('Follow-ups: 1 of 1, goal reached')).toBeTruthy();
    expect(screen.getByText('Conversations: 1 of 3')).toBeTruthy();

    await act(async () => void (await harness.store.updateContact(jane, { stage: 'presented' })));
    expect(await screen.findByText('Presentations: 1 of 1, goal reached')).toBeTruthy();
    expect(ring('presentations').classList.contains('goal-ring--done')).toBe(true);
    expect(ring('conversations').classList.contains('goal-ring--done')).toBe(false);

    // Streaks: today has activity, so the day streak counts it.
    expect(screen.getByText('1-day streak')).toBeTruthy();
    expect(screen.getByText('Today counts')).toBeTruthy();
  });

  it('without goals, a preset is one tap away and saves a plan from today', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    renderWith(harness, <GoalsToday />);
    await screen.findByRole('heading', { name: 'Set daily goals' });
    expect(screen.getByRole('link', { name: /Custom/ }).getAttribute('href')).toBe('/goals');

    await user.click(screen.getByRole('button', { name: /Part-time/ }));
    expect(await screen.findByText('Conversations: 0 of 2')).toBeTruthy();
    expect(screen.getByText('Invitations: 0 of 1')).toBeTruthy();
    const rows = (await harness.db.daily_goals.toArray()).filter((row) => row.deleted_at === null);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ preset: 'part_time', starts_on: TODAY, conversations: 2, invitations: 1, follow_ups: 2, presentations: 0, work_days: [1, 2, 3, 4, 5], week_min_days: 4, review_day: 7 });
    expect(harness.services.toasts.getSnapshot().map((toast) => toast.message)).toContain('Part-time goals set — they count from today');
    expect(screen.queryByRole('heading', { name: 'Set daily goals' })).toBeNull();
  });

  it('celebrates a goal once, when it is reached while the screen is open', async () => {
    harness = await createHarness();
    await harness.store.saveGoals(plan({ conversations: 1, follow_ups: 0, presentations: 1 }), TODAY);
    const jane = await addContact('Jane');
    const ben = await addContact('Ben');
    // Already met before the screen opens: shown as reached, never celebrated.
    await harness.store.logOutreach(jane, 'call', 'connected', null);
    const spoken = recordAnnouncements();
    renderWith(harness, <GoalsToday />);
    expect(await screen.findByText('Conversations: 1 of 1, goal reached')).toBeTruthy();
    expect(ring('conversations').querySelector('.goal-check')).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(spoken).toEqual([]);
    expect(ring('conversations').classList.contains('goal-ring--celebrate')).toBe(false);

    await act(async () => void (await harness.store.updateContact(jane, { stage: 'presented' })));
    await waitFor(() => expect(spoken).toEqual(["Presentations goal reached. All of today's goals reached."]));
    expect(ring('presentations').classList.contains('goal-ring--celebrate')).toBe(true);
    expect(ring('conversations').classList.contains('goal-ring--celebrate')).toBe(false);
    expect(screen.getByText("All of today's goals reached.")).toBeTruthy();

    // More of the same goal, and any other activity, celebrate nothing again.
    await act(async () => void (await harness.store.updateContact(ben, { stage: 'presented' })));
    await act(async () => void (await harness.store.logOutreach(ben, 'call', 'connected', null)));
    await screen.findByText('Presentations: 2 of 1, goal reached');
    await screen.findByText('Conversations: 2 of 1, goal reached');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(spoken).toHaveLength(1);
  });

  it('a goal met because its target was lowered is not celebrated', async () => {
    harness = await createHarness();
    await harness.store.saveGoals(plan({ conversations: 2, follow_ups: 0, presentations: 0 }), TODAY);
    const jane = await addContact('Jane');
    await harness.store.logOutreach(jane, 'call', 'connected', null);
    const spoken = recordAnnouncements();
    renderWith(harness, <GoalsToday />);
    await screen.findByText('Conversations: 1 of 2');
    harness.clock.advance(60_000);
    await act(async () => void (await harness.store.saveGoals(plan({ conversations: 1, follow_ups: 0, presentations: 0 }), TODAY)));
    expect(await screen.findByText('Conversations: 1 of 1, goal reached')).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(spoken).toEqual([]);
    expect(ring('conversations').classList.contains('goal-ring--celebrate')).toBe(false);
  });

  it('shows the weekly review card on the review day only', async () => {
    harness = await createHarness();
    // Tuesday: the review is on Tuesdays.
    await harness.store.saveGoals(plan({ review_day: 2 }), TODAY);
    renderWith(harness, <GoalsToday />);
    const card = await screen.findByRole('link', { name: /Weekly review/ });
    expect(card.getAttribute('href')).toBe('/review');
    await act(async () => void (await harness.store.saveGoals(plan({ review_day: 7 }), TODAY)));
    await waitFor(() => expect(screen.queryByRole('link', { name: /Weekly review/ })).toBeNull());
  });
});

describe('Goals editor', () => {
  it('fills numbers from a preset, switches to Custom on edit, shows errors inline and saves from today', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    renderWith(harness, <GoalsScreen />);
    const conversations = await screen.findByRole('spinbutton', { name: 'Conversations' });
    // No goals yet: the form starts from Part-time.
    expect((conversations as HTMLInputElement).value).toBe('2');
    expect(screen.getByRole('button', { name: 'Part-time' }).getAttribute('aria-pressed')).toBe('true');

    await user.click(screen.getByRole('button', { name: 'Full-time' }));
    expect((conversations as HTMLInputElement).value).toBe('5');
    expect(screen.getByRole<HTMLInputElement>('spinbutton', { name: 'Presentations' }).value).toBe('1');

    await user.click(screen.getByRole('button', { name: 'More: Conversations' }));
    expect((conversations as HTMLInputElement).value).toBe('6');
    expect(screen.getByRole('button', { name: 'Custom' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'Full-time' }).getAttribute('aria-pressed')).toBe('false');

    // Working only on Friday, a good week cannot need 4 days: the message shows beside the field.
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday']) await user.click(screen.getByRole('button', { name: day }));
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Follow-ups' }), { target: { value: '' } });
    await user.click(screen.getByRole('button', { name: 'Save goals' }));
    const weekField = screen.getByRole('spinbutton', { name: 'A good week = at least' });
    expect(weekField.getAttribute('aria-invalid')).toBe('true');
    // The first field with a message takes focus.
    expect(document.activeElement).toBe(screen.getByRole('spinbutton', { name: 'Follow-ups' }));
    expect(screen.getByText('A week cannot need more days than you work')).toBeTruthy();
    expect(screen.getByText('Enter a number')).toBeTruthy();
    expect(await harness.db.daily_goals.count()).toBe(0);
    // What was typed is kept.
    expect((conversations as HTMLInputElement).value).toBe('6');

    for (const day of ['Monday', 'Tuesday', 'Wednesday']) await user.click(screen.getByRole('button', { name: day }));
    await user.type(screen.getByRole('spinbutton', { name: 'Follow-ups' }), '3');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Weekly review on' }), 'Saturday');
    await user.click(screen.getByRole('button', { name: 'Save goals' }));

    await waitFor(async () => expect(await harness.db.daily_goals.count()).toBe(1));
    const [row] = await harness.db.daily_goals.toArray();
    expect(row).toMatchObject({ preset: 'custom', starts_on: TODAY, conversations: 6, invitations: 2, follow_ups: 3, presentations: 1, work_days: [1, 2, 3, 5], week_min_days: 4, review_day: 6 });
    expect(harness.services.toasts.getSnapshot().map((toast) => toast.message)).toContain('Goals saved — they count from today');
    expect(harness.path()).toBe('/today');
  });

  it('lists what counts for every goal, and says past days keep their goals', async () => {
    harness = await createHarness();
    renderWith(harness, <GoalsScreen />);
    const rules = await screen.findByRole('region', { name: 'What counts' });
    for (const label of ['Conversations', 'Invitations', 'Follow-ups', 'Presentations', 'New customers', 'New team members']) expect(within(rules).getByText(label)).toBeTruthy();
    expect(within(rules).getByText(/logged as connected, booked or replied/)).toBeTruthy();
    expect(await screen.findByText(/Past days keep the goals they had/)).toBeTruthy();
  });
});

describe('Weekly review', () => {
  it('adds up last week against the goals of each day, steps back a week, and lists who to contact', async () => {
    harness = await createHarness();
    const start = harness.clock.now();
    // Goals since Tuesday 10 November: 2 conversations and 1 new customer a day, Monday to Friday.
    await harness.store.saveGoals(plan({ conversations: 2, follow_ups: 0, presentations: 0, new_customers: 1 }), '2026-11-10');
    const jane = await addContact('Jane');
    const ben = await addContact('Ben');
    // Tuesday 17 November (last week): two conversations and Jane became a customer: a day that met every goal.
    harness.clock.set(Date.parse('2026-11-17T12:00:00Z'));
    await harness.store.logOutreach(jane, 'call', 'connected', null);
    await harness.store.logOutreach(ben, 'whatsapp', 'replied', null);
    await harness.store.updateContact(jane, { stage: 'customer' });
    // Wednesday 18: one conversation (short); Saturday 21: a conversation on a day off.
    harness.clock.set(Date.parse('2026-11-18T12:00:00Z'));
    await harness.store.logOutreach(ben, 'call', 'connected', null);
    harness.clock.set(Date.parse('2026-11-21T12:00:00Z'));
    await harness.store.logOutreach(ben, 'text', 'connected', null);
    harness.clock.set(start);
    const today = toDay(new Date(start));
    const cleo = await addContact('Cleo', { next_follow_up_on: addDays(today, 5), phone: '+1 555 010 0111', email: 'cleo@example.com' });
    await addContact('Dan', { next_follow_up_on: addDays(today, 12), phone: '+1 555 010 0122', email: 'dan@example.com' });

    const user = userEvent.setup();
    renderWith(harness, <ReviewScreen />);
    // The review on Sunday 22 looks at Sunday 15 to Saturday 21.
    expect(await screen.findByText('15 Nov – 21 Nov 2026')).toBeTruthy();
    const measures = screen.getByRole('table', { name: 'Lead measures against goals' });
    const conversations = within(measures).getByRole('row', { name: /Conversations/ });
    expect(within(conversations).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['4', '10', '6 short']);
    const results = screen.getByRole('table', { name: 'Results against goals' });
    expect(within(within(results).getByRole('row', { name: /New customers/ })).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['1', '5', '4 short']);
    const days = screen.getByText('Days that met every goal').closest('div') as HTMLElement;
    expect(within(days).getByText(/1 \/ 5/)).toBeTruthy();

    // The week before: goals only from Tuesday 10, nothing done.
    await user.click(screen.getByRole('button', { name: '← Earlier week' }));
    expect(await screen.findByText('8 Nov – 14 Nov 2026')).toBeTruthy();
    expect(screen.getByText(/0 \/ 4/)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: '← Earlier week' }).disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Later week →' }));
    expect(await screen.findByText('15 Nov – 21 Nov 2026')).toBeTruthy();

    // People: Cleo is due in 5 days (Dan in 12 is not yet); each links to the contact.
    const due = screen.getByRole('region', { name: /Follow-ups due/ });
    const link = await within(due).findByRole('link', { name: /Cleo Test/ });
    expect(link.getAttribute('href')).toBe(`/contacts/${cleo}`);
    expect(within(due).queryByText(/Dan Test/)).toBeNull();
  });

  it('without goals, points to setting them', async () => {
    harness = await createHarness();
    renderWith(harness, <ReviewScreen />);
    expect(await screen.findByText('No goals yet')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Set daily goals' }).getAttribute('href')).toBe('/goals');
  });
});

describe('Templates: invitations', () => {
  it('a template can be marked as an invitation, with the goal it counts toward', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const saved: EmailTemplateInput[] = [];
    renderWith(
      harness,
      <TemplateForm
        initial={{ name: 'Event invite', channel: 'whatsapp', subject: '', body: 'Hi {{first_name}}, come on Thursday?', track_links: true, is_invitation: false }}
        profile={null}
        onSubmit={(input) => {
          saved.push(input);
          return Promise.resolve(null);
        }}
        onCancel={() => undefined}
      />,
    );
    const box = screen.getByRole('checkbox', { name: /This is an invitation/ });
    expect(screen.getByText('Each send counts toward your Invitations goal.')).toBeTruthy();
    expect((box as HTMLInputElement).checked).toBe(false);
    await user.click(box);
    await user.click(screen.getByRole('button', { name: 'Save template' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]?.is_invitation).toBe(true);
  });

  it('editing an invitation template starts with the box ticked and keeps it; the list says which templates are invitations', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const created = await harness.store.saveTemplate(null, { name: 'Event invite', channel: 'sms', subject: '', body: 'Come on Thursday?', track_links: true, is_invitation: true });
    if (!created.ok) throw new Error(created.error.message);
    renderWith(harness, <TemplatesScreen />);
    const card = (await screen.findByRole('heading', { name: 'Event invite' })).closest('li') as HTMLElement;
    expect(within(card).getByText('Invitation')).toBeTruthy();
    await user.click(within(card).getByRole('button', { name: 'Edit Event invite' }));
    const box = await screen.findByRole<HTMLInputElement>('checkbox', { name: /This is an invitation/ });
    expect(box.checked).toBe(true);
    const name = screen.getByLabelText(/^Template name/);
    await user.clear(name);
    await user.type(name, 'Thursday invite');
    await user.click(screen.getByRole('button', { name: 'Save template' }));
    await waitFor(async () => expect((await harness.db.email_templates.get(created.value))?.name).toBe('Thursday invite'));
    expect((await harness.db.email_templates.get(created.value))?.is_invitation).toBe(true);
  });
});
