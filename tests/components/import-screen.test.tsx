import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ImportScreen } from '../../src/features/import/import-screen';
import { Toasts } from '../../src/app/toasts';
import { listContacts } from '../../src/db/queries';
import { toDay } from '../../src/domain/dates';
import { contactInput } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';

let harness: Harness;
afterEach(async () => harness?.db.delete());

const GOOGLE_HEADER = 'First Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value';

/** Line 1 header; Ada new; Ben matches an existing contact by phone; line 4 has nothing to import; line 5 repeats Ada by email. */
const GOOGLE_CSV = [
  GOOGLE_HEADER,
  'Ada,Okafor,* myContacts,* Home,ada@example.com,Mobile,+1 415 555 0101',
  'Ben,Ito,* myContacts,,,Mobile,(415) 555-0102',
  ',,* myContacts,,,,',
  'Ada,,Friends,Work,ADA@example.com,,',
  'Cleo,Diaz,,,,Mobile,+1 415 555 0103',
].join('\r\n');

const VCARD = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Nakamura;Yui;;;',
  'FN:Yui Nakamura',
  'TEL;type=CELL:+81 90 1234 5678',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:3.0',
  'NOTE:nobody here',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Omar Haddad',
  'EMAIL:omar@example.com',
  'END:VCARD',
  '',
].join('\r\n');

const file = (text: string, name: string, type = 'text/csv') => new File([text], name, { type });

async function open(text: string, name: string, type?: string) {
  const user = userEvent.setup();
  renderWith(
    harness,
    <>
      <ImportScreen />
      <Toasts sticky={null} />
    </>,
  );
  await user.upload(screen.getByLabelText('Contacts file'), file(text, name, type));
  await screen.findByRole('heading', { name: new RegExp(name.replace('.', '\\.')) }, { timeout: 5000 });
  return user;
}

const stat = (label: string) => {
  const stats = document.querySelector('.import__stats') as HTMLElement;
  return within(within(stats).getByText(label).closest('.import__stat') as HTMLElement).getByText(/^[\d,]+$/).textContent;
};

describe('import screen', () => {
  it('previews a Google CSV: found, new, matches, repeats, and the row that cannot be imported with its line', async () => {
    harness = await createHarness();
    await harness.store.addContact(contactInput({ first_name: 'Benjamin', last_name: 'Ito', phone: '+14155550102', email: '' }));
    await open(GOOGLE_CSV, 'contacts.csv');
    expect(stat('Found')).toBe('5');
    expect(stat('New')).toBe('2');
    expect(stat('Already in your list')).toBe('1');
    expect(stat('Repeated in the file')).toBe('1');
    expect(stat('Cannot be imported')).toBe('1');
    const problems = screen.getByRole('region', { name: /cannot be imported/ });
    expect(within(problems).getByText('Line 4:')).toBeTruthy();
    expect(screen.getByText(/Google Contacts CSV/)).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('Lead source').value).toBe('Google');
    expect(screen.getByRole('button', { name: 'Import the valid rows, skip the rest' })).toBeTruthy();
    expect(screen.getByText('2 new · 1 to merge · 1 row left out')).toBeTruthy();
    expect(screen.getByText(/Line 3 · same phone number as Benjamin Ito/)).toBeTruthy();
    // Nothing is written before the confirm.
    expect(await listContacts(harness.db)).toHaveLength(1);
  });

  it('previews a vCard file, naming the card that cannot be imported by its line', async () => {
    harness = await createHarness();
    await open(VCARD, 'phone.vcf', 'text/vcard');
    expect(stat('Found')).toBe('3');
    expect(stat('New')).toBe('2');
    expect(within(screen.getByRole('region', { name: /cannot be imported/ })).getByText('Line 7:')).toBeTruthy();
    expect(screen.getByText(/vCard 3\.0/)).toBeTruthy();
  });

  it('confirming writes the valid rows with the batch tag, merges the match and the repeat, and Undo removes them', async () => {
    harness = await createHarness();
    const existingId = await harness.store.addContact(contactInput({ first_name: 'Benjamin', last_name: 'Ito', phone: '+14155550102', email: '', tags: ['vip'] }));
    const user = await open(GOOGLE_CSV, 'contacts.csv');
    await user.selectOptions(screen.getByLabelText('Stage'), 'contacted');
    await user.click(screen.getByRole('button', { name: /Import the valid rows/ }));
    await screen.findByText(/Imported 3 contacts \(1 merged into existing contacts\)/, undefined, { timeout: 5000 });

    const tag = `imported ${toDay(new Date(harness.clock.now()))}`;
    const contacts = await listContacts(harness.db);
    expect(contacts.map((c) => c.first_name).sort()).toEqual(['Ada', 'Benjamin', 'Cleo']);
    const ada = contacts.find((c) => c.first_name === 'Ada')!;
    expect([...ada.tags].sort()).toEqual(['Friends', tag].sort());
    expect(ada.emails.map((e) => e.value)).toEqual(['ada@example.com']);
    expect(ada.stage).toBe('contacted');
    expect(ada.lead_source).toBe('Google');
    const ben = contacts.find((c) => c.id === (existingId.ok ? existingId.value : ''))!;
    expect(ben.tags).toEqual(['vip', tag]);
    expect(ben.stage).toBe('new');

    await screen.findByRole('region', { name: 'Recent imports' });
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await screen.findByText(/Import undone: 2 removed, 1 restored/);
    const after = await listContacts(harness.db);
    expect(after.map((c) => c.first_name)).toEqual(['Benjamin']);
    expect(after[0]!.tags).toEqual(['vip']);
  });

  it('two rows matching one contact (by its number and by its address) both add to it, neither overwrites the other', async () => {
    harness = await createHarness();
    const existing = await harness.store.addContact(contactInput({ first_name: 'Xena', last_name: 'Lee', phone: '+14155550111', email: 'xena@example.com', tags: [], notes: '' }));
    if (!existing.ok) throw new Error('setup');
    const csv = [GOOGLE_HEADER, 'Xena,Lee,Gym,,,Mobile,+1 415 555 0111', 'X.,Lee,Church,Home,xena@example.com,Work,+1 212 555 0199'].join('\r\n');
    const user = await open(csv, 'two-rows.csv');
    await user.click(screen.getByRole('button', { name: 'Merge 2 into your list' }));
    await screen.findByText(/Imported/, undefined, { timeout: 5000 });
    const xena = await harness.db.contacts.get(existing.value);
    const tag = `imported ${toDay(new Date(harness.clock.now()))}`;
    expect([...(xena?.tags ?? [])].sort()).toEqual(['Church', 'Gym', tag].sort());
    expect(xena?.phones.map((point) => point.value)).toEqual(['+14155550111', '+1 212 555 0199']);
  });

  it('each match can be skipped or imported as new, one by one or all at once', async () => {
    harness = await createHarness();
    await harness.store.addContact(contactInput({ first_name: 'Ada', last_name: 'Okafor', phone: '', email: 'ada@example.com' }));
    await harness.store.addContact(contactInput({ first_name: 'Ben', last_name: 'Ito', phone: '+14155550102', email: '' }));
    const user = await open(GOOGLE_CSV, 'contacts.csv');
    expect(stat('Already in your list')).toBe('2');
    await user.selectOptions(screen.getByLabelText('For all of them'), 'skip');
    const matches = screen.getByRole('region', { name: /already in your list/ });
    await user.selectOptions(within(matches).getByLabelText('Ada Okafor'), 'new');
    await user.click(screen.getByRole('button', { name: /Import the valid rows/ }));
    await screen.findByText(/Imported 2 contacts \(1 skipped\)/, undefined, { timeout: 5000 });
    const names = (await listContacts(harness.db)).map((c) => `${c.first_name} ${c.last_name}`).sort();
    expect(names).toEqual(['Ada Okafor', 'Ada Okafor', 'Ben Ito', 'Cleo Diaz']);
  });

  it('the column mapper reads an unrecognised sheet again when a column is assigned', async () => {
    harness = await createHarness();
    const sheet = ['Quién,Móvil,Zona', 'Lucía Pérez,+34 612 345 678,Norte', 'Tomás Ruiz,+34 699 000 111,Sur'].join('\n');
    const user = await open(sheet, 'equipo.csv');
    expect(screen.getByText(/not recognised/)).toBeTruthy();
    expect(stat('Cannot be imported')).toBe('0');
    const before = screen.getByRole('list', { name: 'First contacts in the file' }).textContent;
    await user.selectOptions(screen.getByLabelText('Quién'), 'full_name');
    await waitFor(() => expect(screen.getByRole('list', { name: 'First contacts in the file' }).textContent).toContain('Lucía Pérez'));
    expect(before).not.toContain('Lucía Pérez');
    await user.selectOptions(screen.getByLabelText('Móvil'), 'phone_mobile');
    await waitFor(() => expect(screen.getByRole('list', { name: 'First contacts in the file' }).textContent).toContain('+34 612 345 678'));
    await user.click(screen.getByRole('button', { name: 'Import 2 contacts' }));
    await screen.findByText(/Imported 2 contacts/, undefined, { timeout: 5000 });
    const lucia = (await listContacts(harness.db)).find((c) => c.first_name === 'Lucía')!;
    expect(lucia.last_name).toBe('Pérez');
    expect(lucia.phones).toEqual([{ label: 'mobile', value: '+34 612 345 678' }]);
    expect(lucia.lead_source).toBe('Spreadsheet');
  });

  it('refuses a file over the limit, saying the limit, and names a malformed file with its problem', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    renderWith(harness, <ImportScreen />);
    const big = file('x', 'huge.csv');
    Object.defineProperty(big, 'size', { value: 25 * 1024 * 1024 });
    await user.upload(screen.getByLabelText('Contacts file'), big);
    expect((await screen.findByRole('alert')).textContent).toMatch(/files up to 20 MB/);
    await user.upload(screen.getByLabelText('Contacts file'), file('First Name,Phone\n"Ann,555 0100\nBob,555 0101\n', 'broken.csv'));
    await screen.findByRole('heading', { name: /broken\.csv/ }, { timeout: 5000 });
    expect(within(screen.getByRole('region', { name: /cannot be imported/ })).getByText('Line 2:')).toBeTruthy();
  });

  it('a Japanese file read as Western says the letters look wrong, and Shift-JIS reads it right', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    renderWith(harness, <ImportScreen />);
    // "太郎,山田,090 1234 5678" in Shift-JIS, under an ASCII header.
    const bytes = new Uint8Array([...new TextEncoder().encode('First Name,Last Name,Phone\n'), 0x91, 0xbe, 0x98, 0x59, 0x2c, 0x8e, 0x52, 0x93, 0x63, ...new TextEncoder().encode(',090 1234 5678\n')]);
    await user.upload(screen.getByLabelText('Contacts file'), new File([bytes], 'japan.csv', { type: 'text/csv' }));
    expect((await screen.findByRole('alert', undefined, { timeout: 5000 })).textContent).toMatch(/letters look wrong/);
    await user.selectOptions(screen.getByLabelText('Text encoding'), 'shift_jis');
    await waitFor(() => expect(screen.getByRole('list', { name: 'First contacts in the file' }).textContent).toContain('太郎 山田'), { timeout: 5000 });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a file dropped on the screen is read like a chosen one', async () => {
    harness = await createHarness();
    renderWith(harness, <ImportScreen />);
    const area = screen.getByRole('region', { name: 'Import contacts' });
    const dropped = file(VCARD, 'dropped.vcf', 'text/vcard');
    fireEvent.dragOver(area, { dataTransfer: { types: ['Files'], files: [dropped] } });
    fireEvent.drop(area, { dataTransfer: { types: ['Files'], files: [dropped] } });
    await screen.findByRole('heading', { name: /dropped\.vcf/ }, { timeout: 5000 });
    expect(stat('New')).toBe('2');
  });

  it('a file dropped on the contacts list opens the import with it', async () => {
    harness = await createHarness();
    const { ContactsScreen } = await import('../../src/features/contacts/contacts-screen');
    const list = renderWith(harness, <ContactsScreen />);
    const dropped = file(VCARD, 'from-list.vcf', 'text/vcard');
    fireEvent.drop(screen.getByRole('region', { name: 'Contacts' }), { dataTransfer: { types: ['Files'], files: [dropped] } });
    expect(harness.path()).toBe('/contacts/import');
    list.unmount();
    renderWith(harness, <ImportScreen />);
    await screen.findByRole('heading', { name: /from-list\.vcf/ }, { timeout: 5000 });
    expect(stat('New')).toBe('2');
    // Handed over once: the next visit starts from the choice of source.
    expect(harness.services.droppedFile.getSnapshot()).toBeNull();
  });

  it('the Contact Picker is offered where supported, and picked people import with "Phone contacts" as their source', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    const picker = {
      supported: true,
      pick: () => Promise.resolve([
        { name: ['Amara Eze'], tel: ['+1 415 555 0177'], email: [] },
        { name: ['Bo Lindqvist'], tel: [], email: ['bo@example.se'] },
      ]),
    };
    renderWith(harness, <ImportScreen loadContactPicker={() => Promise.resolve(picker)} />);
    await user.click(await screen.findByRole('button', { name: 'Pick from phone contacts' }));
    await screen.findByRole('heading', { name: /Phone contacts/ }, { timeout: 5000 });
    expect(stat('New')).toBe('2');
    expect(screen.getByLabelText<HTMLInputElement>('Lead source').value).toBe('Phone contacts');
    expect(screen.queryByLabelText('Text encoding')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Import 2 contacts' }));
    await waitFor(async () => expect((await listContacts(harness.db)).map((c) => c.lead_source)).toEqual(['Phone contacts', 'Phone contacts']));
  });

  it('the Contact Picker is not offered where the browser has none', async () => {
    harness = await createHarness();
    let loaded = false;
    renderWith(harness, <ImportScreen loadContactPicker={() => ((loaded = true), Promise.resolve({ supported: false, pick: () => Promise.resolve([]) }))} />);
    await waitFor(() => expect(loaded).toBe(true));
    expect(screen.queryByRole('button', { name: 'Pick from phone contacts' })).toBeNull();
  });
});
