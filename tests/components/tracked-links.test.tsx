import { afterEach, describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ContactScreen } from '../../src/features/contacts/contact-screen';
import { TemplatesScreen } from '../../src/features/emails/templates-screen';
import { TodayScreen } from '../../src/features/today/today-screen';
import { announceClicks } from '../../src/db/engagement-queries';
import type { EmailClick } from '../../src/domain/email-click';
import { parseLinkCode, verifyLinkCode } from '../../src/domain/link-code';
import { contactInput } from '../support/test-store';
import { createHarness, renderWith, type Harness } from '../support/render-with-services';
import { allEntries } from '../../src/db/outbox-entries';

const REDIRECT = 'https://project.supabase.test/functions/v1/r';
const APP = 'https://app.fieldbook.test';
const VIDEO = 'https://video.example.com/starter?lang=en';
const SHOP = 'https://shop.example.com/kit';
const BODY = `Hi {{first_name}}, the video: ${VIDEO}. Order here (${SHOP}) or watch ${VIDEO} again. Your page: ${APP}/p/sam, call tel:+15550100.`;

let harness: Harness;
afterEach(async () => harness?.db.delete());

async function setUp(options: { tracking?: boolean; trackLinks?: boolean } = {}) {
  harness = await createHarness();
  if (options.tracking ?? true) harness.services = { ...harness.services, linkTracking: { redirectBase: REDIRECT, ownOrigins: [APP] } };
  const template = await harness.store.saveTemplate(null, { name: 'Starter kit video', channel: 'whatsapp', subject: '', body: BODY, track_links: options.trackLinks ?? true, is_invitation: false });
  const contact = await harness.store.addContact(contactInput());
  if (!template.ok || !contact.ok) throw new Error('setup failed');
  harness.clock.advance(60_000);
  return { templateId: template.value, contactId: contact.value };
}

async function sendFromSheet(contactId: string, change?: (sheet: HTMLElement) => Promise<void> | void) {
  const user = userEvent.setup();
  renderWith(harness, <ContactScreen id={contactId} />);
  await user.click(await screen.findByRole('button', { name: 'WhatsApp' }));
  const sheet = screen.getByRole('dialog', { name: 'WhatsApp Jane' });
  await within(sheet).findByRole('option', { name: 'Starter kit video' });
  await user.selectOptions(within(sheet).getByRole('combobox', { name: 'Template' }), 'Starter kit video');
  await change?.(sheet);
  const send = within(sheet).getByRole('button', { name: 'Open WhatsApp' });
  await waitFor(() => expect(send.getAttribute('aria-busy')).toBe('false'));
  await user.click(send);
  await waitFor(async () => expect(await harness.db.sent_emails.count()).toBe(1));
  const opened = harness.platform.opened[0] ?? '';
  return decodeURIComponent(opened.slice(opened.indexOf('?text=') + 6));
}

describe('sending a template with links', () => {
  it('rewrites each distinct link into a signed tracked link and writes the send and its links in one commit', async () => {
    const { contactId, templateId } = await setUp();
    const text = await sendFromSheet(contactId);

    const [sent] = await harness.db.sent_emails.toArray();
    expect(sent).toMatchObject({ channel: 'whatsapp', template_id: templateId, contact_id: contactId, to_email: '+1 555 010 0199', body: text });
    const links = await harness.db.tracked_links.toArray();
    expect(links.map((link) => link.url).sort()).toEqual([SHOP, VIDEO].sort());
    expect(links.every((link) => link.sent_email_id === sent?.id)).toBe(true);

    // The message: both video mentions point at the same tracked link, the app's own page, tel: and the punctuation are untouched.
    const tracked = [...text.matchAll(/https:\/\/project\.supabase\.test\/functions\/v1\/r\/([A-Za-z0-9_-]+)/g)].map((match) => match[1] ?? '');
    expect(tracked).toHaveLength(3);
    expect(tracked[0]).toBe(tracked[2]);
    expect(text).toMatch(/^Hi Jane, the video: https:\/\/project\.supabase\.test\/functions\/v1\/r\/[\w-]+\. Order here \(https:\/\/project\.supabase\.test\/functions\/v1\/r\/[\w-]+\) or watch/);
    expect(text).toContain(`Your page: ${APP}/p/sam, call tel:+15550100.`);
    expect(text).not.toContain('video.example.com');

    // Each code names its link and is signed with the member's key, made on this device.
    const [key] = await harness.db.link_keys.toArray();
    expect(key).toBeDefined();
    for (const code of tracked) {
      const parsed = parseLinkCode(code);
      expect(parsed && links.find((link) => link.id === parsed.linkId)?.url).toBe(parsed?.url);
      expect(parsed && key && (await verifyLinkCode(parsed, key.secret))).toBe(true);
    }

    // Sent message first, then its links, in the outbox (the server needs the message the links refer to).
    const outbox = (await allEntries(harness.db)).map((entry) => entry.table).filter((table) => table === 'sent_emails' || table === 'tracked_links');
    expect(outbox).toEqual(['sent_emails', 'tracked_links', 'tracked_links']);
  });

  it('sends the links as written when tracking is turned off for this send, and still records the send', async () => {
    const { contactId } = await setUp();
    const text = await sendFromSheet(contactId, async (sheet) => {
      const box = within(sheet).getByRole('checkbox', { name: /Track the 2 links/ });
      expect((box as HTMLInputElement).checked).toBe(true);
      await userEvent.setup().click(box);
    });
    expect(text).toContain(`the video: ${VIDEO}. Order here (${SHOP})`);
    expect(await harness.db.tracked_links.count()).toBe(0);
    expect((await harness.db.sent_emails.toArray())[0]?.channel).toBe('whatsapp');
  });

  it('starts with tracking off for a template that has it off', async () => {
    const { contactId } = await setUp({ trackLinks: false });
    const text = await sendFromSheet(contactId, (sheet) => {
      expect(within(sheet).getByRole<HTMLInputElement>('checkbox', { name: /Track the 2 links/ }).checked).toBe(false);
    });
    expect(text).toContain(VIDEO);
    expect(await harness.db.tracked_links.count()).toBe(0);
  });

  it('says that link tracking needs sync in a local-only workspace, and rewrites nothing', async () => {
    const { contactId } = await setUp({ tracking: false });
    const text = await sendFromSheet(contactId, (sheet) => {
      expect(within(sheet).getByText(/Link tracking needs sync/)).toBeTruthy();
      expect(within(sheet).queryByRole('checkbox')).toBeNull();
    });
    expect(text).toContain(VIDEO);
    expect(await harness.db.tracked_links.count()).toBe(0);
    expect(await harness.db.link_keys.count()).toBe(0);
  });
});

/** A click as the redirect writes it and sync brings it to the device. */
async function remoteClick(over: Partial<EmailClick> & Pick<EmailClick, 'link_id' | 'clicked_at' | 'kind'>): Promise<string> {
  const id = crypto.randomUUID();
  const at = over.clicked_at;
  await harness.db.email_clicks.put({
    id,
    member_id: harness.store.memberId,
    created_at: at,
    updated_at: at,
    deleted_at: null,
    field_stamps: {},
    sent_email_id: null,
    url: VIDEO,
    reason: '',
    network: '',
    ...over,
  });
  return id;
}

async function sentWithLinks(): Promise<{ contactId: string; videoLink: string; shopLink: string; sentId: string }> {
  const { contactId } = await setUp();
  const template = (await harness.db.email_templates.toArray())[0];
  const prepared = await harness.store.prepareTrackedBody(BODY, { redirectBase: REDIRECT, ownOrigins: [APP] });
  if (!prepared.ok || !template) throw new Error('prepare failed');
  const sent = await harness.store.recordSent({ contactId, template, channel: 'whatsapp', to: '+15550100199', subject: '', body: prepared.value.body, links: prepared.value.links });
  if (!sent.ok) throw new Error('send failed');
  const byUrl = new Map(prepared.value.links.map((link) => [link.url, link.id]));
  return { contactId, videoLink: byUrl.get(VIDEO) ?? '', shopLink: byUrl.get(SHOP) ?? '', sentId: sent.value };
}

const minutesAgo = (minutes: number) => new Date(harness.clock.now() - minutes * 60_000).toISOString();

describe('a person opening a link, live', () => {
  it('is announced once per click however many tabs hear of it, and never for previews or old clicks', async () => {
    const { videoLink } = await sentWithLinks();
    harness.clock.advance(10 * 60_000);
    await remoteClick({ link_id: videoLink, clicked_at: minutesAgo(1), kind: 'person' });
    await remoteClick({ link_id: videoLink, clicked_at: minutesAgo(1), kind: 'preview', reason: 'WhatsApp preview' });
    await remoteClick({ link_id: videoLink, clicked_at: minutesAgo(9), kind: 'person' });
    const shown: string[] = [];
    const show = (message: string) => void shown.push(message);
    // Two tabs hearing of the same change at once.
    await Promise.all([announceClicks(harness.db, harness.clock.now, show), announceClicks(harness.db, harness.clock.now, show)]);
    await announceClicks(harness.db, harness.clock.now, show);
    expect(shown).toEqual(['Jane Doe opened ‘Starter kit video’']);
  });

  it('is shown by the tab the member is looking at, when another tab hears of it first', async () => {
    const { videoLink } = await sentWithLinks();
    await remoteClick({ link_id: videoLink, clicked_at: minutesAgo(0), kind: 'person' });
    const hidden: string[] = [];
    const front: string[] = [];
    const behind = announceClicks(harness.db, harness.clock.now, (message) => void hidden.push(message), () => false);
    await announceClicks(harness.db, harness.clock.now, (message) => void front.push(message), () => true);
    await behind;
    expect([front, hidden]).toEqual([['Jane Doe opened ‘Starter kit video’'], []]);
  });

  it('puts the person in Hot now until they are reached', async () => {
    const { videoLink, shopLink, contactId } = await sentWithLinks();
    harness.clock.advance(2 * 60 * 60_000);
    await remoteClick({ link_id: videoLink, clicked_at: minutesAgo(50), kind: 'person' });
    await remoteClick({ link_id: shopLink, clicked_at: minutesAgo(20), kind: 'person', url: SHOP });
    await remoteClick({ link_id: shopLink, clicked_at: minutesAgo(19), kind: 'scanner', reason: 'HEAD request' });
    renderWith(harness, <TodayScreen />);
    const hot = await screen.findByRole('region', { name: /Hot now/ });
    expect(within(hot).getByRole('link').textContent).toBe('Jane DoeOpened ‘Starter kit video’ · 2 times20 min ago');

    await act(async () => void (await harness.store.logOutreach(contactId, 'call', 'connected', null)));
    await waitFor(() => expect(screen.queryByRole('region', { name: /Hot now/ })).toBeNull());
  });

  it('shows each sent message with its delivery timeline on the contact screen', async () => {
    const { videoLink, contactId } = await sentWithLinks();
    const sentAt = harness.clock.now();
    await remoteClick({ link_id: videoLink, clicked_at: new Date(sentAt + 2000).toISOString(), kind: 'preview', reason: 'WhatsApp preview' });
    await remoteClick({ link_id: videoLink, clicked_at: new Date(sentAt + 3000).toISOString(), kind: 'scanner', reason: 'HEAD request' });
    await remoteClick({ link_id: videoLink, clicked_at: new Date(sentAt + 30 * 60_000).toISOString(), kind: 'person' });
    harness.clock.advance(60 * 60_000);
    renderWith(harness, <ContactScreen id={contactId} />);
    const delivery = await screen.findByRole('list', { name: 'Delivery of Starter kit video' });
    await waitFor(() => expect(within(delivery).getAllByRole('listitem')).toHaveLength(3));
    expect(within(delivery).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Sent from your phone on WhatsApp1 h ago',
      'Preview fetched by WhatsApp: the message was written or delivered1 h ago',
      'Opened by Jane · video.example.com/starter?lang=en30 min ago',
    ]);
    expect(screen.getByText('1 visit by security scanners, not counted')).toBeTruthy();
    expect(screen.getByText(/Email opens are not tracked/)).toBeTruthy();
  });
});

describe('the template form', () => {
  it('tracks links by default, says email opens are not tracked, and saves tracking off', async () => {
    harness = await createHarness();
    const user = userEvent.setup();
    renderWith(harness, <TemplatesScreen />);
    await user.click(await screen.findByRole('button', { name: '+ New template' }));
    await user.type(screen.getByRole('textbox', { name: 'Template name' }), 'Plain');
    await user.type(screen.getByRole('textbox', { name: 'Message' }), `See ${VIDEO}`);
    const box = screen.getByRole<HTMLInputElement>('checkbox', { name: /Track links/ });
    expect(box.checked).toBe(true);
    expect(screen.getByText(/Email opens are not tracked/)).toBeTruthy();
    await user.click(box);
    await user.click(screen.getByRole('button', { name: 'Save template' }));
    await waitFor(async () => expect((await harness.db.email_templates.toArray()).map((row) => [row.name, row.track_links])).toEqual([['Plain', false]]));
  });
});

describe('template performance', () => {
  it('shows sends, clicks, click rate and time to first click per template and per link, over 7 or 30 days', async () => {
    const { videoLink } = await sentWithLinks();
    const sentAt = harness.clock.now();
    await remoteClick({ link_id: videoLink, clicked_at: new Date(sentAt + 12 * 60_000).toISOString(), kind: 'person' });
    await remoteClick({ link_id: videoLink, clicked_at: new Date(sentAt + 1000).toISOString(), kind: 'preview', reason: 'WhatsApp preview' });
    // A second send, never clicked, from 10 days ago: only in the 30-day figures.
    const template = (await harness.db.email_templates.toArray())[0];
    harness.clock.advance(-10 * 24 * 60 * 60_000);
    const older = await harness.store.recordSent({ contactId: (await harness.db.contacts.toArray())[0]?.id ?? '', template: template ?? null, channel: 'sms', to: '+15550100199', subject: '', body: 'x', links: [] });
    expect(older.ok).toBe(true);
    harness.clock.advance(10 * 24 * 60 * 60_000 + 60 * 60_000);

    const user = userEvent.setup();
    renderWith(harness, <TemplatesScreen />);
    const stats = await screen.findByRole('region', { name: 'Performance of Starter kit video, last 7 days' });
    await waitFor(() => expect(within(stats).getAllByRole('definition').map((dd) => dd.textContent)).toEqual(['1', '1', '100%', '12 min']));
    const rows = within(stats).getAllByRole('row').slice(1).map((row) => row.textContent);
    expect(rows).toEqual(['video.example.com/starter?lang=en11100%12 min', 'shop.example.com/kit100%—']);
    expect(within(stats).getByRole('img').getAttribute('aria-label')).toBe('Sends per day: 1 sent, 1 clicked by the person');

    await user.click(screen.getByRole('button', { name: '30 days' }));
    const month = await screen.findByRole('region', { name: 'Performance of Starter kit video, last 30 days' });
    await waitFor(() => expect(within(month).getAllByRole('definition').map((dd) => dd.textContent)).toEqual(['2', '1', '50%', '12 min']));
  });
});
