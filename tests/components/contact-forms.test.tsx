import { afterEach, describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ContactNewScreen } from '../../src/features/contacts/contact-new-screen';
import { listContacts, listRecentActivities } from '../../src/db/queries';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';

let harness: Harness;
afterEach(async () => harness?.db.delete());

describe('adding contacts', () => {
  it('quick add shows inline errors, keeps what was typed, then saves the contact and its activity together', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    renderWith(harness, <ContactNewScreen />);

    await user.click(screen.getByRole('button', { name: 'Save contact' }));
    expect(screen.getByText('Enter a name')).toBeTruthy();
    expect(screen.getByRole('textbox', { name: /Name/ }).getAttribute('aria-invalid')).toBe('true');

    await user.type(screen.getByRole('textbox', { name: /Name/ }), 'Jane Doe');
    await user.type(screen.getByRole('textbox', { name: 'Phone' }), 'call me');
    await user.click(screen.getByRole('button', { name: 'Save contact' }));
    expect(screen.getByText(/Phone can contain digits/)).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: /Name/ }).value).toBe('Jane Doe');
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Phone' }).value).toBe('call me');
    expect(await listContacts(harness.db)).toEqual([]);

    await user.clear(screen.getByRole('textbox', { name: 'Phone' }));
    await user.type(screen.getByRole('textbox', { name: 'Phone' }), '555 010 0199');
    await user.click(screen.getByRole('button', { name: 'Save contact' }));
    await waitFor(async () => expect((await listContacts(harness.db)).map((c) => [c.first_name, c.last_name, c.phone])).toEqual([['Jane', 'Doe', '555 010 0199']]));
    expect((await listRecentActivities(harness.db, 5)).map((a) => a.metadata.contact_name)).toEqual(['Jane Doe']);
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: /Name/ }).value).toBe('');
  });

  it('the full form validates email and carries over what quick add had', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    renderWith(harness, <ContactNewScreen />);
    await user.type(screen.getByRole('textbox', { name: /Name/ }), 'Marcus Reed');
    await user.click(screen.getByRole('button', { name: 'More details' }));

    expect(screen.getByRole<HTMLInputElement>('textbox', { name: /First name/ }).value).toBe('Marcus');
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Last name' }).value).toBe('Reed');
    await user.type(screen.getByRole('textbox', { name: 'Email' }), 'marcus@');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Stage' }), 'Presented');
    await user.type(screen.getByRole('textbox', { name: 'Tags' }), 'vip, gym, VIP');
    await user.click(screen.getByRole('button', { name: 'Save contact' }));
    expect(screen.getByText('Enter an email like name@example.com')).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Email' }).value).toBe('marcus@');

    await user.type(screen.getByRole('textbox', { name: 'Email' }), 'example.com');
    await user.click(screen.getByRole('button', { name: 'Save contact' }));
    await waitFor(async () => expect((await listContacts(harness.db))[0]).toMatchObject({ email: 'marcus@example.com', stage: 'presented', tags: ['vip', 'gym'] }));
    expect(harness.path()).toMatch(/^\/contacts\/[0-9a-f-]{36}$/);
  });
});
