import { afterEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ContactScreen } from '../../src/features/contacts/contact-screen';
import { ErrorBoundary } from '../../src/app/error-boundary';
import { listRecentActivities } from '../../src/db/queries';
import { describeActivity } from '../../src/domain/activity-description';
import { contactInput } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';
import { allEntries } from '../../src/db/outbox-entries';

let harness: Harness;
afterEach(async () => harness?.db.delete());

describe('sending from a template', () => {
  it('opens the mail app with the filled template and records the sent email and its activity', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    await harness.store.saveProfile({ full_name: 'Sam Lee', company: 'Glow Co', phone: '', timezone: '' });
    await harness.store.saveTemplate(null, { name: 'Welcome', channel: 'email', subject: 'Hi {{first_name}}', body: 'Great to meet you & yours.\n{{my_name}}', track_links: true, is_invitation: false });
    const added = await harness.store.addContact(contactInput());
    harness.clock.advance(1000);
    renderWith(harness, <ContactScreen id={added.ok ? added.value : ''} />);

    await user.click(await screen.findByRole('button', { name: 'Email' }));
    const sheet = screen.getByRole('dialog', { name: 'Email Jane' });
    await within(sheet).findByRole('option', { name: 'Welcome' });
    await user.selectOptions(within(sheet).getByRole('combobox', { name: 'Template' }), 'Welcome');
    expect(within(sheet).getByRole('figure', { name: 'Message preview' }).textContent).toBe('Hi JaneGreat to meet you & yours.\nSam Lee');
    await user.click(within(sheet).getByRole('button', { name: 'Open mail app' }));

    expect(harness.platform.opened).toEqual(['mailto:jane@example.com?subject=Hi%20Jane&body=Great%20to%20meet%20you%20%26%20yours.%0ASam%20Lee']);
    await waitFor(async () => expect(await harness.db.sent_emails.count()).toBe(1));
    const sent = await harness.db.sent_emails.toArray();
    expect(sent.map((row) => [row.to_email, row.subject, row.status])).toEqual([['jane@example.com', 'Hi Jane', 'handed_off']]);
    const [activity] = await listRecentActivities(harness.db, 1);
    expect(activity && describeActivity(activity)).toBe('Emailed Jane Doe: Welcome');
    expect((await allEntries(harness.db)).filter((entry) => entry.table === 'sent_emails')).toHaveLength(1);
  });

  it('texts use the Android body separator and the outcome is asked for later', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    await harness.store.saveTemplate(null, { name: 'Check-in', channel: 'sms', subject: '', body: 'Hey {{first_name}}?', track_links: true, is_invitation: false });
    const added = await harness.store.addContact(contactInput());
    renderWith(harness, <ContactScreen id={added.ok ? added.value : ''} />);
    await user.click(await screen.findByRole('button', { name: 'Text' }));
    const sheet = screen.getByRole('dialog', { name: 'Text Jane' });
    await within(sheet).findByRole('option', { name: 'Check-in' });
    await user.selectOptions(within(sheet).getByRole('combobox', { name: 'Template' }), 'Check-in');
    await user.click(within(sheet).getByRole('button', { name: 'Open Messages' }));
    expect(harness.platform.opened).toEqual(['sms:+15550100199?body=Hey%20Jane%3F']);
    expect(harness.services.pendingOutreach.getSnapshot()).toMatchObject({ channel: 'text', templateName: 'Check-in' });
  });
});

describe('error boundary', () => {
  it('shows a way back instead of a white screen when a screen fails, and recovers', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    let broken = true;
    function Flaky() {
      if (broken) throw Object.assign(new Error('Database has been closed'), { name: 'DatabaseClosedError' });
      return <p>Back to normal</p>;
    }
    const original = console.error;
    console.error = () => undefined;
    try {
      renderWith(harness, (
        <ErrorBoundary resetKey="a" onRetry={() => Promise.resolve(void (broken = false))}>
          <Flaky />
        </ErrorBoundary>
      ));
      expect(screen.getByRole('alert').textContent).toMatch(/closed the local database/);
      await user.click(screen.getByRole('button', { name: 'Try again' }));
      await waitFor(() => expect(screen.getByText('Back to normal')).toBeTruthy());
    } finally {
      console.error = original;
    }
  });
});
