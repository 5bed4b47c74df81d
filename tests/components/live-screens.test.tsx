import { afterEach, describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ActivityFeed } from '../../src/features/activity-feed/activity-feed';
import { DashboardScreen } from '../../src/features/dashboard/dashboard-screen';
import { ContactScreen } from '../../src/features/contacts/contact-screen';
import { TemplatesScreen } from '../../src/features/emails/templates-screen';
import { Toasts } from '../../src/app/toasts';
import { addDays, toDay } from '../../src/domain/dates';
import { listContacts, listRecentActivities } from '../../src/db/queries';
import { contactInput, createTestStore } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';
import { callAndReturn } from '../support/call-and-return';

let harness: Harness;
afterEach(async () => harness?.db.delete());

describe('live screens', () => {
  it('dashboard counts change the moment another tab writes', async () => {
    harness = await createHarness();
    renderWith(harness, <DashboardScreen />);
    const contacts = () => within(screen.getByText('Contacts').closest('.stat') as HTMLElement).getByText(/^\d+$/).textContent;
    await waitFor(() => expect(contacts()).toBe('0'));
    const otherTab = await createTestStore({ name: harness.name });
    await otherTab.store.addContact(contactInput());
    await waitFor(() => expect(contacts()).toBe('1'));
    const waiting = () => within(screen.getByText('Waiting to sync').closest('.stat') as HTMLElement).getByText(/^\d+$/).textContent;
    await waitFor(() => expect(waiting()).toBe('2'));
  });

  it('the feed counts activities from elsewhere as new, not our own, and the pill dismisses them', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    await harness.store.addContact(contactInput({ first_name: 'Ada', last_name: 'Okafor' }));
    renderWith(harness, <ActivityFeed />);
    await screen.findByText('Added Ada Okafor');

    await act(async () => void (await harness.store.addContact(contactInput({ first_name: 'Ben', last_name: 'Ito' }))));
    await screen.findByText('Added Ben Ito');
    expect(screen.queryByRole('button', { name: /new activit/ })).toBeNull();

    const otherTab = await createTestStore({ name: harness.name });
    await otherTab.store.addContact(contactInput({ first_name: 'Cleo', last_name: 'Diaz' }));
    await otherTab.store.addTestActivity('ping');
    const pill = await screen.findByRole('button', { name: '2 new activities' });
    expect(screen.getByText('Added Cleo Diaz')).toBeTruthy();
    await user.click(pill);
    expect(screen.queryByRole('button', { name: /new activit/ })).toBeNull();
  });

  it('the feed shows at most the configured number of activities', async () => {
    harness = await createHarness();
    for (let i = 0; i < 12; i += 1) {
      harness.clock.advance(1000);
      await harness.store.addTestActivity(`n${i}`);
    }
    renderWith(harness, <ActivityFeed />);
    await screen.findByText('Test activity: n11');
    expect(screen.getAllByRole('listitem')).toHaveLength(10);
    expect(screen.queryByText('Test activity: n1')).toBeNull();
  });

  it('after a call, coming back to the app opens the outcome sheet, which logs the result and the follow-up', async () => {
    harness = await createHarness();
    const { user } = await callAndReturn(harness, 60_000);
    expect(harness.platform.opened).toEqual(['tel:+15550100199']);

    const sheet = await screen.findByRole('dialog', { name: 'How did the call with Jane go?' });
    await user.click(within(sheet).getByRole('button', { name: 'No answer' }));
    await user.click(within(sheet).getByRole('button', { name: 'Tomorrow' }));
    await user.click(within(sheet).getByRole('button', { name: 'Save' }));

    await waitFor(async () => expect((await listRecentActivities(harness.db, 1))[0]?.activity_type).toBe('call'));
    const [activity] = await listRecentActivities(harness.db, 1);
    expect(activity?.metadata.outcome).toBe('no_answer');
    const [contact] = await listContacts(harness.db);
    expect(contact?.next_follow_up_on).toBe(addDays(toDay(new Date(harness.clock.now())), 1));
    expect(contact?.stage).toBe('contacted');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('a quick return (an accidental tap) does not open the outcome sheet', async () => {
    harness = await createHarness();
    await callAndReturn(harness, 200);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('delete can be undone from the toast', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const added = await harness.store.addContact(contactInput());
    renderWith(harness, (
      <>
        <ContactScreen id={added.ok ? added.value : ''} />
        <Toasts sticky={null} />
      </>
    ));
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    await waitFor(async () => expect(await listContacts(harness.db)).toEqual([]));
    expect(harness.services.announcements.getSnapshot().text).toBe('Deleted Jane Doe');
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(async () => expect((await listContacts(harness.db)).map((c) => c.first_name)).toEqual(['Jane']));
  });

  it('template previews show merge fields filled in as text, never as markup', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    await harness.store.saveProfile({ full_name: '<img src=x onerror="alert(1)">', company: 'Glow', phone: '', timezone: '' });
    const { container } = renderWith(harness, <TemplatesScreen />);
    await user.click(await screen.findByRole('button', { name: '+ New template' }));
    await user.type(screen.getByRole('textbox', { name: /Template name/ }), 'Intro');
    await user.type(screen.getByRole('textbox', { name: /Message/ }), 'Hi {{{{first_name}}, {{{{my_name}} here. {{{{nope}}');
    const preview = screen.getByRole('figure', { name: 'Preview' });
    await waitFor(() => expect(preview.textContent).toContain('Hi Jane, <img src=x onerror="alert(1)"> here.'));
    expect(container.querySelector('img')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Save template' }));
    expect(screen.getByText('Unknown merge field: {{nope}}')).toBeTruthy();
  });
});
