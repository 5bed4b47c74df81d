import { afterEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DuplicatesScreen } from '../../src/features/duplicates/duplicates-screen';
import { ContactsScreen } from '../../src/features/contacts/contacts-screen';
import { Toasts } from '../../src/app/toasts';
import { listContacts } from '../../src/db/queries';
import { contactInput } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';

let harness: Harness;
afterEach(async () => harness?.db.delete());

async function add(h: Harness, overrides: Parameters<typeof contactInput>[0]) {
  // The single fields mirror the lists' primaries (contactInput's defaults would add Jane's number and address).
  const phone = overrides?.phones?.[0]?.value ?? '';
  const email = overrides?.emails?.[0]?.value ?? '';
  const added = await h.store.addContact({ ...contactInput(overrides), phone, email });
  if (!added.ok) throw new Error(added.error.message);
  h.clock.advance(60_000);
  return added.value;
}

/** Ada (oldest) and Ada again with the same number written differently, another number, a later stage and a call logged. */
async function seedDuplicates(h: Harness) {
  const ada = await add(h, {
    first_name: 'Ada',
    last_name: 'Okafor',
    phones: [{ label: 'mobile', value: '+1 415 555 0101' }],
    emails: [{ label: 'home', value: 'ada@example.com' }],
    stage: 'contacted',
    tags: ['gym'],
    lead_source: 'Instagram',
    notes: 'Likes the starter kit',
  });
  const again = await add(h, {
    first_name: 'Ada',
    last_name: 'O.',
    phones: [
      { label: 'home', value: '(415) 555-0101' },
      { label: 'work', value: '+1 212 555 0199' },
    ],
    emails: [],
    stage: 'presented',
    tags: ['vip'],
    lead_source: 'Referral',
    notes: 'Call after 6pm',
  });
  await add(h, { first_name: 'Ben', last_name: 'Ito', phones: [{ label: 'mobile', value: '+1 646 555 0111' }], emails: [{ label: 'home', value: 'ben@example.com' }] });
  const logged = await h.store.logOutreach(again, 'call', 'connected', null);
  if (!logged.ok) throw new Error(logged.error.message);
  return { ada, again };
}

describe('Possible duplicates', () => {
  it('the contacts screen links to them, with their number, once the list has settled', async () => {
    harness = await createHarness();
    renderWith(harness, <ContactsScreen />);
    await screen.findByText('No contacts yet');
    await seedDuplicates(harness);
    const link = await screen.findByRole('link', { name: 'Possible duplicates (1)' }, { timeout: 6000 });
    expect(link.getAttribute('href')).toBe('/contacts/duplicates');
  });

  it('the contacts screen shows no link when nobody looks alike', async () => {
    harness = await createHarness();
    await add(harness, { first_name: 'Ben', last_name: 'Ito', phones: [{ label: 'mobile', value: '+1 646 555 0111' }], emails: [] });
    await add(harness, { first_name: 'Cleo', last_name: 'Diaz', phones: [{ label: 'mobile', value: '+1 646 555 0112' }], emails: [] });
    renderWith(harness, <ContactsScreen />);
    await waitFor(() => expect(screen.getByTestId('contact-count').textContent).toBe('2 contacts'));
    await new Promise((resolve) => setTimeout(resolve, 2600));
    expect(screen.queryByRole('link', { name: /Possible duplicates/ })).toBeNull();
  });

  it('shows each group with its reasons and leaves people who share nothing out', async () => {
    harness = await createHarness();
    await seedDuplicates(harness);
    await add(harness, { first_name: 'Cleo', last_name: 'Diaz', phones: [], emails: [{ label: 'work', value: 'Cleo@Example.com' }] });
    await add(harness, { first_name: 'Cleo', last_name: 'Diaz-Ruiz', phones: [], emails: [{ label: 'home', value: 'cleo@example.com' }] });
    renderWith(harness, <DuplicatesScreen />);

    expect((await screen.findByTestId('duplicate-group-count')).textContent).toMatch(/^2 groups/);
    const groups = screen.getAllByRole('listitem').filter((item) => item.classList.contains('merge-group'));
    expect(groups.map((group) => within(group).getByRole('heading').textContent)).toEqual(['Cleo Diaz · Cleo Diaz-Ruiz', 'Ada Okafor · Ada O.']);
    expect(within(groups[0]!).getByText('Same email')).toBeTruthy();
    expect(within(groups[1]!).getByText('Same phone')).toBeTruthy();
    expect(screen.queryByText(/Ben Ito/)).toBeNull();
  });

  it('a merge stays undoable from Recent merges after its toast is gone (and shows as undone)', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const { ada, again } = await seedDuplicates(harness);
    const merged = await harness.store.mergeContacts(ada, [again]);
    if (!merged.ok) throw new Error('merge');
    renderWith(harness, <DuplicatesScreen />);
    const recent = await screen.findByRole('region', { name: 'Recent merges' });
    expect(recent.textContent).toMatch(/Ada Okafor/);
    expect(recent.textContent).toMatch(/with Ada O\./);
    await user.click(within(recent).getByRole('button', { name: 'Undo the merge into Ada Okafor' }));
    await waitFor(() => expect(recent.textContent).toMatch(/undone/));
    expect((await harness.db.contacts.get(again))?.merged_into).toBeNull();
    expect(within(recent).queryByRole('button', { name: /Undo the merge/ })).toBeNull();
  });

  it('merge previews and writes the union, moves the call to the survivor, and Undo brings both contacts back', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const { ada, again } = await seedDuplicates(harness);
    const before = await harness.db.contacts.get(ada);
    renderWith(
      harness,
      <>
        <DuplicatesScreen />
        <Toasts sticky={null} />
      </>,
    );

    await user.click(await screen.findByRole('button', { name: 'Review and merge' }));
    // The oldest is suggested as the one to keep.
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /Ada Okafor/ }).checked).toBe(true);
    const preview = screen.getByRole('region', { name: 'After merging' });
    expect(preview.textContent).toMatch(/Mobile \+1 415 555 0101Work \+1 212 555 0199/);
    expect(preview.textContent).toMatch(/Presented/);
    expect(preview.textContent).toMatch(/gym, vip/);
    expect(preview.textContent).toMatch(/Likes the starter kit\s+Call after 6pm/);

    await user.click(screen.getByRole('button', { name: 'Merge 2 contacts' }));
    await screen.findByText('Merged 2 contacts into Ada Okafor');
    const live = await listContacts(harness.db);
    expect(live.map((contact) => contact.first_name + ' ' + contact.last_name).sort()).toEqual(['Ada Okafor', 'Ben Ito']);
    const survivor = await harness.db.contacts.get(ada);
    expect(survivor?.phones.map((point) => point.value)).toEqual(['+1 415 555 0101', '+1 212 555 0199']);
    expect(survivor?.emails.map((point) => point.value)).toEqual(['ada@example.com']);
    expect(survivor?.stage).toBe('presented');
    expect(survivor?.tags).toEqual(['gym', 'vip']);
    expect(survivor?.lead_source).toBe('Instagram');
    expect(survivor?.created_at).toBe(before?.created_at);
    expect((await harness.db.contacts.get(again))?.merged_into).toBe(ada);
    const calls = (await harness.db.member_activities.toArray()).filter((row) => row.activity_type === 'call');
    expect(calls.map((call) => call.contact_id)).toEqual([ada]);
    // The group is gone from the screen.
    await waitFor(() => expect(screen.getByText('No duplicates found')).toBeTruthy());

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await screen.findByText('Merge undone: 2 contacts are back');
    expect((await listContacts(harness.db)).map((contact) => contact.first_name + ' ' + contact.last_name).sort()).toEqual(['Ada O.', 'Ada Okafor', 'Ben Ito']);
    const restored = await harness.db.contacts.get(ada);
    expect(restored?.phones).toEqual(before?.phones);
    expect([restored?.stage, restored?.tags, restored?.notes]).toEqual([before?.stage, before?.tags, before?.notes]);
    expect((await harness.db.contacts.get(again))?.merged_into).toBeNull();
    const back = (await harness.db.member_activities.toArray()).filter((row) => row.activity_type === 'call');
    expect(back.map((call) => call.contact_id)).toEqual([again]);
    expect(await screen.findByRole('button', { name: 'Review and merge' })).toBeTruthy();
  });

  it('the member can lead with the newer contact\'s details (the oldest record is kept), and "Not duplicates" hides the group on this device', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const { ada, again } = await seedDuplicates(harness);
    renderWith(harness, <DuplicatesScreen />);
    await user.click(await screen.findByRole('button', { name: 'Review and merge' }));
    await user.click(screen.getByRole('radio', { name: /Ada O\./ }));
    expect(screen.getByRole('region', { name: 'After merging' }).textContent).toMatch(/After merging: Ada O\.Phones(Home|Mobile) \(415\) 555-0101/);
    await user.click(screen.getByRole('button', { name: 'Merge 2 contacts' }));
    await waitFor(async () => expect((await harness.db.contacts.get(again))?.merged_into).toBe(ada), { timeout: 5000 });
    const kept = await harness.db.contacts.get(ada);
    expect([kept?.first_name, kept?.last_name, kept?.phones[0]?.value]).toEqual(['Ada', 'O.', '(415) 555-0101']);

    await add(harness, { first_name: 'Ben', last_name: 'Ito', phones: [], emails: [{ label: 'home', value: 'BEN@example.com' }] });
    await screen.findByRole('button', { name: 'Review and merge' });
    await user.click(screen.getByRole('button', { name: 'Not duplicates' }));
    await screen.findByText('No duplicates found');
    expect(await harness.db.settings.get('duplicate_dismissals')).toMatchObject({ value: [expect.stringContaining(',')] });
  });

  it('"Merge with…" from a contact merges it with any contact the member picks', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const ben = await add(harness, { first_name: 'Ben', last_name: 'Ito', phones: [{ label: 'mobile', value: '+1 646 555 0111' }], emails: [] });
    const benjamin = await add(harness, { first_name: 'Benjamin', last_name: 'Ito', phones: [], emails: [{ label: 'work', value: 'bito@example.com' }] });
    harness.services.router.navigate(`/contacts/duplicates?with=${benjamin}`);
    renderWith(harness, <DuplicatesScreen />);
    await screen.findByText('No duplicates found');
    await user.type(await screen.findByRole('searchbox', { name: 'Find the other contact' }), 'ben');
    await user.click(within(screen.getByRole('list', { name: 'Matching contacts' })).getByRole('button', { name: /Ben Ito/ }));
    expect(screen.getByRole('region', { name: 'After merging' }).textContent).toMatch(/\+1 646 555 0111.*bito@example\.com/);
    await user.click(screen.getByRole('button', { name: 'Merge 2 contacts' }));
    await waitFor(() => expect(harness.path()).toBe(`/contacts/${ben}`));
    expect((await harness.db.contacts.get(benjamin))?.merged_into).toBe(ben);
    expect((await harness.db.contacts.get(ben))?.emails.map((point) => point.value)).toEqual(['bito@example.com']);
  });
});
