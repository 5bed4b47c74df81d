import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { contactInput, testStores } from '../../tests/support/test-store';
import { newLinkKey, parseLinkCode, verifyLinkCode } from '../domain/link-code';
import { allEntries } from './outbox-entries';

const open = testStores();
const tracking = { redirectBase: 'https://p.supabase.test/functions/v1/r', ownOrigins: ['https://app.fieldbook.test'] };

describe('link keys and tracked sends', () => {
  it('makes one link key however many sends ask at once, through the outbox', async () => {
    const { store, db } = await open();
    const [first, second] = await Promise.all([store.ensureLinkKey(), store.ensureLinkKey()]);
    expect(first.ok && second.ok && first.value.key_id === second.value.key_id).toBe(true);
    expect(await db.link_keys.count()).toBe(1);
    expect((await allEntries(db)).filter((entry) => entry.table === 'link_keys')).toHaveLength(1);
    const again = await store.ensureLinkKey();
    expect(again.ok && first.ok && again.value.key_id === first.value.key_id).toBe(true);
  });

  it("signs with a key that came from another of the member's devices rather than making one", async () => {
    const { store, db } = await open();
    const synced = await newLinkKey((length) => crypto.getRandomValues(new Uint8Array(length)));
    const at = new Date().toISOString();
    await db.link_keys.put({ id: crypto.randomUUID(), member_id: store.memberId, created_at: at, updated_at: at, deleted_at: null, field_stamps: {}, ...synced });
    const prepared = await store.prepareTrackedBody('Watch https://v.example.com/a now', tracking);
    if (!prepared.ok) throw new Error(prepared.error.message);
    const code = prepared.value.body.slice('Watch https://p.supabase.test/functions/v1/r/'.length, -' now'.length);
    const parsed = parseLinkCode(code);
    expect(parsed?.url).toBe('https://v.example.com/a');
    expect(parsed && (await verifyLinkCode(parsed, synced.secret))).toBe(true);
    expect(await db.link_keys.count()).toBe(1);
  });

  it('leaves a message without links as written, and records a send on any channel with its links after it', async () => {
    const { store, db } = await open();
    const contact = await store.addContact(contactInput());
    if (!contact.ok) throw new Error('no contact');
    const plain = await store.prepareTrackedBody('Call me at tel:+15550100 or mail me', tracking);
    expect(plain.ok && plain.value).toEqual({ body: 'Call me at tel:+15550100 or mail me', links: [] });
    const prepared = await store.prepareTrackedBody('A https://v.example.com/a B https://v.example.com/b', tracking);
    if (!prepared.ok) throw new Error('prepare failed');
    const sent = await store.recordSent({ contactId: contact.value, template: null, channel: 'sms', to: '+15550100199', subject: '', body: prepared.value.body, links: prepared.value.links });
    if (!sent.ok) throw new Error('send failed');
    expect((await db.sent_emails.get(sent.value))?.channel).toBe('sms');
    expect((await db.tracked_links.toArray()).map((link) => [link.url, link.sent_email_id]).sort()).toEqual([
      ['https://v.example.com/a', sent.value],
      ['https://v.example.com/b', sent.value],
    ]);
    // A text logs no "Emailed" activity (the outcome sheet logs it); the contact counts as reached.
    expect((await db.member_activities.toArray()).map((row) => row.activity_type)).toEqual(['contact_added']);
    const order = (await allEntries(db)).map((entry) => entry.table).filter((table) => table === 'sent_emails' || table === 'tracked_links');
    expect(order).toEqual(['sent_emails', 'tracked_links', 'tracked_links']);
    expect((await db.contacts.get(contact.value))?.last_touched_at).toBe((await db.sent_emails.get(sent.value))?.sent_at);
  });
});
