import { afterEach, describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import { DashboardScreen } from '../../src/features/dashboard/dashboard-screen';
import type { DailyGoalInput } from '../../src/domain/daily-goal-schema';
import { addDays, toDay } from '../../src/domain/dates';
import { contactInput } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';

/*
 * The dashboard's charts through their text alternatives: each figure is named by a summary sentence
 * and has a table with the numbers, written through the real store and read back from the screen.
 * The harness clock starts on Tuesday 2026-11-24 at 09:00 UTC.
 */

let harness: Harness;
afterEach(async () => harness?.db.delete());

const TODAY = '2026-11-24';

const plan = (overrides: Partial<DailyGoalInput> = {}): DailyGoalInput => ({
  preset: 'custom',
  conversations: 2,
  invitations: 0,
  follow_ups: 1,
  presentations: 0,
  new_customers: 0,
  new_team_members: 0,
  work_days: [1, 2, 3, 4, 5],
  week_min_days: 3,
  review_day: 7,
  ...overrides,
});

async function addContact(first_name: string, overrides: Parameters<typeof contactInput>[0] = {}): Promise<string> {
  const result = await harness.store.addContact(contactInput({ first_name, last_name: 'Test', ...overrides }));
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** The cells of the row headed `header` in the table captioned `caption`. */
function row(caption: string, header: string | RegExp): string[] {
  const table = screen.getByRole('table', { name: caption });
  const th = within(table).getByRole('rowheader', { name: header });
  return [...(th.closest('tr') as HTMLTableRowElement).querySelectorAll('td')].map((cell) => cell.textContent ?? '');
}

/** The column headers of a table, to read a row's cells by name. */
function cell(caption: string, header: string | RegExp, column: string): string {
  const table = screen.getByRole('table', { name: caption });
  const columns = within(table)
    .getAllByRole('columnheader')
    .map((th) => th.textContent ?? '');
  const index = columns.indexOf(column);
  if (index < 1) throw new Error(`no column ${column} in ${columns.join(', ')}`);
  return row(caption, header)[index - 1] ?? '';
}

describe('dashboard charts', () => {
  it('show the pipeline, conversion, lead sources, follow-ups, activity and goals as tables, and follow a new activity live', async () => {
    harness = await createHarness();
    const localToday = toDay(new Date(harness.clock.now()));
    await harness.store.saveGoals(plan(), TODAY);
    const jane = await addContact('Jane', { stage: 'contacted', lead_source: 'Instagram', next_follow_up_on: addDays(localToday, -2) });
    await addContact('Ben', { stage: 'customer', lead_source: ' instagram', next_follow_up_on: localToday });
    await addContact('Cleo', { stage: 'team_member', lead_source: '', next_follow_up_on: addDays(localToday, 3) });
    await addContact('Dev', { stage: 'new', lead_source: 'Market', next_follow_up_on: addDays(localToday, 30) });
    await harness.store.logOutreach(jane, 'call', 'connected', addDays(localToday, -2));

    renderWith(harness, <DashboardScreen />);

    // Pipeline: contacts per stage, and the 90-day conversion defined in words.
    await waitFor(() => expect(row('Contacts per stage', 'Customer')).toEqual(['1', '25%']));
    expect(row('Contacts per stage', 'Contacted')).toEqual(['1', '25%']);
    expect(row('Contacts per stage', 'New')).toEqual(['1', '25%']);
    expect(row('Contacts per stage', 'Team member')).toEqual(['1', '25%']);
    expect(row('Contacts per stage', 'All contacts')).toEqual(['4', '100%']);
    expect(screen.getByText('Of the 4 contacts added in the last 90 days, 2 (50%) are now customers or team members.')).toBeTruthy();
    expect(screen.getByRole('figure', { name: /^Pipeline: 4 contacts; New 1, Contacted 1,/ })).toBeTruthy();

    // Where customers and team members came from (case and spaces folded; empty is "Not recorded").
    expect(row('Lead sources of customers and team members', 'instagram')).toEqual(['1', '50%']);
    expect(row('Lead sources of customers and team members', 'Not recorded')).toEqual(['1', '50%']);

    // Follow-ups: overdue as its own bar, then today and six more days.
    expect(row('Follow-ups due', 'Overdue')).toEqual(['1']);
    expect(row('Follow-ups due', /^Today/)).toEqual(['1']);
    expect(row('Follow-ups due', 'Total')).toEqual(['3']);
    expect(screen.getByRole('figure', { name: 'Follow-ups due: 1 overdue, 1 today, 2 follow-ups in the next 7 days including today.' })).toBeTruthy();

    // Goals this week, from the goal ledger.
    await waitFor(() => expect(cell('Goal progress this week', /\(today\)/, 'Conversations')).toBe('1 of 2'));
    expect(cell('Goal progress this week', /\(today\)/, 'Targets met')).toBe('1 of 2 (50%)');
    expect(cell('Goal progress this week', /\(today\)/, 'Follow-ups')).toBe('1 of 1');
    expect(cell('Goal progress this week', /^Sat/, 'Targets met')).toBe('Day off');

    // A second connected call to someone past "new": the tables follow without a reload.
    await act(async () => void (await harness.store.logOutreach(jane, 'call', 'connected', addDays(localToday, 1))));
    await waitFor(() => expect(cell('Goal progress this week', /\(today\)/, 'Targets met')).toBe('2 of 2 (100%)'));
    expect(cell('Goal progress this week', /\(today\)/, 'Conversations')).toBe('2 of 2');
    expect(row('Follow-ups due', 'Overdue')).toEqual(['0']);
    expect(row('Follow-ups due', /^Tomorrow/)).toEqual(['1']);
    expect(screen.getByRole('figure', { name: /^Goal progress this week: every target met on 1 of 4 working days; today 2 of 2 targets met\.$/ })).toBeTruthy();

    // A stage move: the pipeline and conversion change at once.
    await act(async () => void (await harness.store.updateContact(jane, { stage: 'customer' })));
    await waitFor(() => expect(row('Contacts per stage', 'Customer')).toEqual(['2', '50%']));
    expect(screen.getByText('Of the 4 contacts added in the last 90 days, 3 (75%) are now customers or team members.')).toBeTruthy();
  });

  it('activity over the last 30 days counts each kind per day and follows new activity live', async () => {
    harness = await createHarness();
    const jane = await addContact('Jane', { stage: 'contacted' });
    await harness.store.logOutreach(jane, 'call', 'connected', null);
    await harness.store.logOutreach(jane, 'whatsapp', null, null);
    renderWith(harness, <DashboardScreen />);
    const table = 'Activities per day by kind, last 30 days';
    await waitFor(() => expect(cell(table, /\(today\)/, 'Calls')).toBe('1'));
    expect(cell(table, /\(today\)/, 'Texts & WhatsApp')).toBe('1');
    expect(cell(table, /\(today\)/, 'Total')).toBe('2');
    expect(cell(table, 'Total', 'Total')).toBe('2');
    expect(screen.getByRole('figure', { name: 'Activity over the last 30 days: 2 activities (Calls 1, Texts & WhatsApp 1); today 2.' })).toBeTruthy();

    await act(async () => void (await harness.store.logOutreach(jane, 'call', 'no_answer', null)));
    await act(async () => void (await harness.store.updateContact(jane, { stage: 'customer' })));
    await waitFor(() => expect(cell(table, /\(today\)/, 'Calls')).toBe('2'));
    await waitFor(() => expect(cell(table, /\(today\)/, 'Stage moves')).toBe('1'));
    expect(cell(table, /\(today\)/, 'Total')).toBe('4');
    // The picture follows too: one stacked bar today, one rect per kind logged.
    const figure = screen.getByRole('figure', { name: /^Activity over the last 30 days/ });
    expect(figure.querySelectorAll('rect.chart-bar')).toHaveLength(3);
  });

  it('with no contacts and no goals, says so instead of drawing empty charts', async () => {
    harness = await createHarness();
    renderWith(harness, <DashboardScreen />);
    expect(await screen.findByText(/No daily goals yet\./)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Set your daily goals' }).getAttribute('href')).toBe('/goals');
    expect(screen.getByText('No contacts were added in the last 90 days.')).toBeTruthy();
    expect(screen.getByText('No customers or team members yet. Their lead source shows up here.')).toBeTruthy();
    expect(screen.getByRole('figure', { name: 'Where customers and team members came from: none yet.' })).toBeTruthy();
    expect(row('Contacts per stage', 'All contacts')).toEqual(['0', '–']);
    // No bars are drawn where there is nothing to show.
    const pipeline = screen.getByRole('figure', { name: /^Pipeline/ });
    expect(pipeline.querySelectorAll('rect.chart-bar')).toHaveLength(0);
  });
});

describe('dashboard counts', () => {
  it('show a dash, not a zero, until IndexedDB has answered, then the real count', async () => {
    harness = await createHarness();
    await harness.store.addContact(contactInput({ first_name: 'Ana', last_name: 'Test' }));
    renderWith(harness, <DashboardScreen />);
    const statistics = document.querySelector('dl[aria-label="Statistics"]') as HTMLElement;
    const contacts = () => within(statistics).getByText('Contacts').closest('.stat')?.querySelector('.stat__value')?.textContent;
    expect(contacts()).toBe('–');
    expect(statistics.getAttribute('aria-busy')).toBe('true');
    await waitFor(() => expect(contacts()).toBe('1'));
    expect(statistics.getAttribute('aria-busy')).toBe('false');
  });
});
