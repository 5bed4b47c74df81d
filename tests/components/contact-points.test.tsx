import { afterEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ContactNewScreen } from '../../src/features/contacts/contact-new-screen';
import { ContactEditScreen } from '../../src/features/contacts/contact-edit-screen';
import { ContactScreen } from '../../src/features/contacts/contact-screen';
import { ContactsScreen } from '../../src/features/contacts/contacts-screen';
import { listContacts } from '../../src/db/queries';
import { contactInput } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';
import { allEntries } from '../../src/db/outbox-entries';

let harness: Harness;
afterEach(async () => harness?.db.delete());

const textbox = (name: string) => screen.getByRole<HTMLInputElement>('textbox', { name });

async function addJane(h: Harness) {
  const added = await h.store.addContact(
    contactInput({
      phone: '+1 415 555 0101',
      email: 'jane@example.com',
      phones: [
        { label: 'mobile', value: '+1 415 555 0101' },
        { label: 'work', value: '+1 415 555 0202' },
        { label: 'Gym front desk', value: '+1 415 555 0303' },
      ],
      emails: [
        { label: 'home', value: 'jane@example.com' },
        { label: 'work', value: 'jane.doe@glowco.example' },
      ],
    }),
  );
  if (!added.ok) throw new Error(added.error.message);
  return added.value;
}

describe('several phones and emails', () => {
  it('the form adds, removes and reorders phones and emails, with an error beside the row that is wrong', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    renderWith(harness, <ContactNewScreen />);
    await user.type(screen.getByRole('textbox', { name: /Name/ }), 'Marcus Reed');
    await user.click(screen.getByRole('button', { name: 'More details' }));

    await user.type(textbox('Phone'), '+44 7700 900123');
    await user.click(screen.getByRole('button', { name: '+ Add phone' }));
    await user.type(textbox('Phone 2'), 'call me');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Phone 2 label' }), 'Work');
    await user.click(screen.getByRole('button', { name: '+ Add phone' }));
    await user.type(textbox('Phone 3'), '020 7946 0000');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Phone 3 label' }), 'Custom…');
    await user.type(textbox('Phone 3 custom label'), 'Office');
    await user.type(textbox('Email'), 'marcus@example.com');
    await user.click(screen.getByRole('button', { name: '+ Add email' }));
    await user.type(textbox('Email 2'), 'marcus@');

    await user.click(screen.getByRole('button', { name: 'Save contact' }));
    // Each wrong row says so beside itself; nothing typed is lost and nothing is saved.
    expect(textbox('Phone 2').getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(textbox('Phone 2').getAttribute('aria-describedby') ?? '')?.textContent).toMatch(/Phone can contain digits/);
    expect(document.getElementById(textbox('Email 2').getAttribute('aria-describedby') ?? '')?.textContent).toBe('Enter an email like name@example.com');
    expect(textbox('Phone').getAttribute('aria-invalid')).toBeNull();
    expect(textbox('Phone 2').value).toBe('call me');
    expect(await listContacts(harness.db)).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Remove Phone 2' }));
    await user.clear(textbox('Email 2'));
    await user.type(textbox('Email 2'), 'm.reed@work.example');
    // "Make primary" moves the row to the top: the office number becomes the primary.
    await user.click(screen.getByRole('button', { name: 'Make Phone 2 primary' }));
    expect(textbox('Phone').value).toBe('020 7946 0000');
    expect(textbox('Phone custom label').value).toBe('Office');
    await user.click(screen.getByRole('button', { name: 'Make Email 2 primary' }));

    await user.click(screen.getByRole('button', { name: 'Save contact' }));
    await waitFor(async () => expect(await listContacts(harness.db)).toHaveLength(1));
    const [saved] = await listContacts(harness.db);
    expect(saved?.phones).toEqual([
      { label: 'Office', value: '020 7946 0000' },
      { label: 'mobile', value: '+44 7700 900123' },
    ]);
    expect(saved?.emails).toEqual([
      { label: 'home', value: 'm.reed@work.example' },
      { label: 'home', value: 'marcus@example.com' },
    ]);
    // The single fields follow the primary.
    expect([saved?.phone, saved?.email]).toEqual(['020 7946 0000', 'm.reed@work.example']);
  });

  it('editing changes only the lists that changed, and blank rows are left out', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const id = await addJane(harness);
    renderWith(harness, <ContactEditScreen id={id} />);
    expect((await screen.findByRole<HTMLInputElement>('textbox', { name: 'Phone 3 custom label' })).value).toBe('Gym front desk');
    await user.click(screen.getByRole('button', { name: 'Remove Phone 2' }));
    await user.click(screen.getByRole('button', { name: '+ Add email' }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(harness.path()).toBe(`/contacts/${id}`));
    const contact = await harness.db.contacts.get(id);
    expect(contact?.phones.map((point) => point.value)).toEqual(['+1 415 555 0101', '+1 415 555 0303']);
    expect(contact?.emails).toHaveLength(2);
    const edit = (await allEntries(harness.db)).find((entry) => entry.table === 'contacts' && entry.op === 'update');
    expect(Object.keys(edit?.changes ?? {})).toContain('phones');
    expect(Object.keys(edit?.changes ?? {})).not.toContain('emails');
    // The primary number travels with its list, unchanged, under the same stamp (contact-points.ts).
    expect(edit?.changes['phone']).toBe('+1 415 555 0101');
    expect(Object.keys(edit?.changes ?? {})).not.toContain('email');
    expect(Object.keys(edit?.changes ?? {})).not.toContain('first_name');
  });

  it('a contact holds at most 10 phone numbers: the add button stops there', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const id = await addJane(harness);
    renderWith(harness, <ContactEditScreen id={id} />);
    const add = await screen.findByRole('button', { name: '+ Add phone' });
    for (let count = 3; count < 10; count++) await user.click(add);
    expect(screen.getAllByRole('textbox', { name: /^Phone( \d+)?$/ })).toHaveLength(10);
    expect(add.hasAttribute('disabled')).toBe(true);
    expect(screen.getByText('At most 10.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Remove Phone 10' }));
    expect(add.hasAttribute('disabled')).toBe(false);
  });

  it('the contact screen shows every number and address with its label and one-tap actions for each', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const id = await addJane(harness);
    renderWith(harness, <ContactScreen id={id} />);
    const list = await screen.findByRole('list', { name: 'Phone numbers and email addresses' });
    const rows = within(list).getAllByRole('listitem').map((row) => row.textContent);
    expect(rows[0]).toMatch(/^Mobile\+1 415 555 0101Primary/);
    expect(rows).toContain('Gym front desk+1 415 555 0303CallTextWhatsApp');
    expect(rows).toContain('Work emailjane.doe@glowco.exampleEmail');

    // The big Call button rings the primary; the compact one its own number.
    await user.click(screen.getByRole('button', { name: 'Call' }));
    await user.click(screen.getByRole('button', { name: 'Call Work +1 415 555 0202' }));
    expect(harness.platform.opened).toEqual(['tel:+14155550101', 'tel:+14155550202']);

    // WhatsApp to the third number; the sheet can still switch to another.
    await user.click(screen.getByRole('button', { name: 'WhatsApp Gym front desk +1 415 555 0303' }));
    const sheet = await screen.findByRole('dialog', { name: 'WhatsApp Jane' });
    const to = within(sheet).getByRole<HTMLSelectElement>('combobox', { name: 'To number' });
    expect(to.value).toBe('+1 415 555 0303');
    await user.click(within(sheet).getByRole('button', { name: 'Open WhatsApp' }));
    expect(harness.platform.opened.at(-1)).toBe('https://wa.me/14155550303');

    // Email to the second address is recorded with that address.
    await user.click(screen.getByRole('button', { name: 'Email Work jane.doe@glowco.example' }));
    const mail = await screen.findByRole('dialog', { name: 'Email Jane' });
    await user.click(within(mail).getByRole('button', { name: 'Open mail app' }));
    expect(harness.platform.opened.at(-1)).toBe('mailto:jane.doe@glowco.example');
    await waitFor(async () => expect((await harness.db.sent_emails.toArray()).map((row) => row.to_email)).toEqual(['jane.doe@glowco.example']));
  });

  it('search finds a contact by a second number (as written or as bare digits) and by a second email', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    await addJane(harness);
    await harness.store.addContact(contactInput({ first_name: 'Ben', last_name: 'Ito', phone: '+1 212 555 0199', email: 'ben@example.com' }));
    renderWith(harness, <ContactsScreen />);
    const count = await screen.findByTestId('contact-count');
    await waitFor(() => expect(count.textContent).toBe('2 contacts'));
    const search = screen.getByRole('searchbox', { name: 'Search contacts' });

    // Only Jane has these (Ben's number also contains 555): the match must come from her second and third entries.
    for (const query of ['555 0202', '4155550303', 'glowco', 'jane 0303']) {
      await user.clear(search);
      await user.type(search, query);
      await waitFor(() => expect(count.textContent).toBe('1 of 2 contacts'));
    }
    await user.clear(search);
    await user.type(search, '2125550199');
    await waitFor(() => expect(count.textContent).toBe('1 of 2 contacts'));
    await user.clear(search);
    await user.type(search, '0404');
    await waitFor(() => expect(count.textContent).toBe('0 of 2 contacts'));
  });

  it('an old link to a contact merged into another opens the one it was merged into', async () => {
    harness = await createHarness();
    const jane = await addJane(harness);
    harness.clock.advance(60_000); // the copy is newer, so the merge keeps Jane's record
    const copy = await harness.store.addContact(contactInput({ first_name: 'Janie', phone: '+1 415 555 0101', email: '' }));
    if (!copy.ok) throw new Error(copy.error.message);
    const merged = await harness.store.mergeContacts(copy.value, [jane]);
    if (!merged.ok) throw new Error(merged.error.message);
    expect(merged.value.keptId).toBe(jane);
    renderWith(harness, <ContactScreen id={copy.value} />);
    await waitFor(() => expect(harness.path()).toBe(`/contacts/${jane}`), { timeout: 5000 });
  });
});
