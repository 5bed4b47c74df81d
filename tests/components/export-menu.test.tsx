import { afterEach, describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ContactsScreen } from '../../src/features/contacts/contacts-screen';
import { contactInput } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';

let harness: Harness;
afterEach(async () => harness?.db.delete());

type Download = { name: string; text: string; mime: string };

async function setUp() {
  harness = await createHarness();
  const downloads: Download[] = [];
  harness.platform.download = (name, text, mime) => void downloads.push({ name, text, mime });
  await harness.store.addContact(contactInput({ first_name: 'Jane', last_name: 'Doe', next_follow_up_on: '2026-11-30' }));
  await harness.store.addContact(contactInput({ first_name: 'Ben', last_name: 'Ito', phone: '+1 212 555 0199', email: 'ben@example.com', tags: [] }));
  renderWith(harness, <ContactsScreen />);
  await waitFor(() => expect(screen.getByTestId('contact-count').textContent).toBe('2 contacts'));
  return downloads;
}

describe('the Export menu', () => {
  it('exports all contacts as CSV and vCard, and follow-ups as a calendar, with dated file names', async () => {
    const downloads = await setUp();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(await screen.findByRole('button', { name: 'CSV (Google, Excel)' }));
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(await screen.findByRole('button', { name: 'vCard (iPhone, Android)' }));
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(await screen.findByRole('button', { name: 'Follow-ups (.ics): 1' }));
    await waitFor(() => expect(downloads).toHaveLength(3));

    const [csv, vcard, ics] = downloads;
    expect(csv?.name).toBe('fieldbook-contacts-2026-11-24.csv');
    expect(csv?.mime).toMatch(/^text\/csv/);
    expect(csv?.text.startsWith('\uFEFFFirst Name,')).toBe(true);
    expect(csv?.text.split('\r\n').filter((line) => /^(Jane|Ben),/.test(line))).toHaveLength(2);
    expect(vcard?.name).toBe('fieldbook-contacts-2026-11-24.vcf');
    expect(vcard?.text.match(/BEGIN:VCARD\r\nVERSION:3\.0/g)).toHaveLength(2);
    expect(ics?.name).toBe('fieldbook-follow-ups-2026-11-24.ics');
    expect(ics?.mime).toMatch(/^text\/calendar/);
    expect(ics?.text.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(ics?.text).toContain('DTSTART;VALUE=DATE:20261130');
    expect(harness.services.toasts.getSnapshot().map((toast) => toast.message)).toContain('Exported 1 follow-up as a calendar file');
  });

  it('exports only the filtered list when a search is on', async () => {
    const downloads = await setUp();
    const user = userEvent.setup();
    await user.type(screen.getByRole('searchbox', { name: 'Search contacts' }), 'ben');
    await waitFor(() => expect(screen.getByTestId('contact-count').textContent).toBe('1 of 2 contacts'));
    await user.click(screen.getByRole('button', { name: 'Export' }));
    expect(await screen.findByText('This list (1 contact)')).toBeTruthy();
    await user.click(screen.getAllByRole('button', { name: 'CSV (Google, Excel)' })[0]!);
    await waitFor(() => expect(downloads).toHaveLength(1));
    const rows = downloads[0]?.text.split('\r\n').filter((line) => /^(Jane|Ben),/.test(line));
    expect(rows).toHaveLength(1);
    expect(rows?.[0]).toMatch(/^Ben,/);
  });
});
