import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { contactInput, testStores } from '../../tests/support/test-store';
import { CLOCK_OFFSET_KEY } from './commit-changes';
import { claimClickNotices, listHotLeads } from './engagement-queries';

const open = testStores();
const HOUR = 3_600_000;

async function clickedContact() {
  const tab = await open();
  const added = await tab.store.addContact(contactInput({ first_name: 'Jane', last_name: 'Doe' }));
  if (!added.ok) throw new Error('setup');
  // Sent two hours before the click, by the server's clock.
  const serverNow = Date.parse('2026-11-29T12:00:00.000Z');
  const sentId = crypto.randomUUID();
  const row = { member_id: tab.ctx.memberId, created_at: new Date(serverNow - 2 * HOUR).toISOString(), updated_at: new Date(serverNow).toISOString(), deleted_at: null, field_stamps: {} };
  await tab.db.sent_emails.add({ ...row, id: sentId, contact_id: added.value, template_id: null, to_email: 'jane@example.com', subject: '', body: '', status: 'handed_off', channel: 'whatsapp', sent_at: row.created_at });
  await tab.db.contacts.update(added.value, { last_touched_at: row.created_at });
  await tab.db.email_clicks.add({ ...row, id: crypto.randomUUID(), sent_email_id: sentId, link_id: null, url: 'https://example.com/kit', clicked_at: new Date(serverNow - 60_000).toISOString(), kind: 'person', reason: '', network: '' });
  return { tab, serverNow };
}

describe('engagement on a phone whose clock is off', () => {
  it('a click a minute old by the server is announced on a phone two hours fast (with the stored offset)', async () => {
    const { tab, serverNow } = await clickedContact();
    const phoneNow = serverNow + 2 * HOUR;
    expect(await claimClickNotices(tab.db, phoneNow)).toEqual([]);
    await tab.db.settings.put({ key: CLOCK_OFFSET_KEY, value: -2 * HOUR });
    expect((await claimClickNotices(tab.db, phoneNow)).map((notice) => notice.message)).toEqual([expect.stringMatching(/Jane Doe opened/) as unknown]);
  });

  it('Hot now judges the last 24 hours by the server’s time too', async () => {
    const { tab, serverNow } = await clickedContact();
    const phoneNow = serverNow + 30 * HOUR;
    expect(await listHotLeads(tab.db, phoneNow)).toEqual([]);
    await tab.db.settings.put({ key: CLOCK_OFFSET_KEY, value: -30 * HOUR });
    expect((await listHotLeads(tab.db, phoneNow)).map((lead) => lead.name)).toEqual(['Jane Doe']);
  });
});
