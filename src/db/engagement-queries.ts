import { loadClockOffset } from './commit-changes';
import { contactFullName } from '../domain/contact';
import { byId, type EngagementClick } from '../domain/engagement';
import type { EmailClick } from '../domain/email-click';
import { clickNotice, clicksToAnnounce, CLICK_NOTICE_WINDOW_MS, HOT_WINDOW_MS, hotLeads, type HotLead } from '../domain/hot-leads';
import type { SentEmail } from '../domain/sent-email';
import { templatePerformance, type TemplatePerformance } from '../domain/template-performance';
import { deliveryTimeline, type DeliveryTimeline } from '../domain/tracked-message';
import type { TrackedLink } from '../domain/tracked-link-schema';
import type { FieldbookDb } from './fieldbook-db';

/*
 * Reads for tracked links: Hot now, a contact's sent messages with their delivery timelines, template
 * performance, and the live "opened" notices. All from the device's own rows, so they work offline;
 * the rules themselves are pure (domain/hot-leads.ts, template-performance.ts, tracked-message.ts).
 */

const isLive = (row: { deleted_at: string | null }) => row.deleted_at === null;
const present = <T,>(row: T | undefined): row is T => row !== undefined;

/** The links of these sends, and every click on them (by the send, or by a link whose row has no send yet). */
async function linksAndClicks(db: FieldbookDb, sendIds: readonly string[]): Promise<{ links: TrackedLink[]; clicks: EmailClick[] }> {
  if (sendIds.length === 0) return { links: [], clicks: [] };
  const links = (await db.tracked_links.where('sent_email_id').anyOf([...sendIds]).toArray()).filter(isLive);
  const [bySend, byLink] = await Promise.all([
    db.email_clicks.where('sent_email_id').anyOf([...sendIds]).toArray(),
    links.length === 0 ? Promise.resolve([]) : db.email_clicks.where('link_id').anyOf(links.map((link) => link.id)).toArray(),
  ]);
  const clicks = [...byId([...bySend, ...byLink]).values()].filter(isLive);
  return { links, clicks };
}

export type HotLeadRow = HotLead & { readonly name: string; readonly templateName: string | null };

/** **Hot now** on Today: people who opened a link in the last 24 hours and were not reached since. */
export async function listHotLeads(db: FieldbookDb, deviceNow: number): Promise<HotLeadRow[]> {
  // Click times are the server's: compare them with the server's time, not a phone clock set hours off.
  const now = deviceNow + ((await loadClockOffset(db)) ?? 0);
  const clicks = await db.email_clicks.where('clicked_at').aboveOrEqual(new Date(now - HOT_WINDOW_MS).toISOString()).filter((click) => click.kind === 'person' && isLive(click)).toArray();
  if (clicks.length === 0) return [];
  const links = (await db.tracked_links.bulkGet(clicks.flatMap((click) => (click.link_id ? [click.link_id] : [])))).filter(present);
  const linkById = byId(links);
  const sendIds = [...new Set(clicks.flatMap((click) => click.sent_email_id ?? (click.link_id ? (linkById.get(click.link_id)?.sent_email_id ?? []) : [])))];
  const sends = (await db.sent_emails.bulkGet(sendIds)).filter(present);
  const contacts = (await db.contacts.bulkGet([...new Set(sends.flatMap((send) => (send.contact_id ? [send.contact_id] : [])))])).filter(present);
  const leads = hotLeads({ clicks, sends, links, contacts, now });
  const templates = byId((await db.email_templates.bulkGet([...new Set(leads.flatMap((lead) => (lead.templateId ? [lead.templateId] : [])))])).filter(present));
  const contactById = byId(contacts);
  return leads.map((lead) => {
    const contact = contactById.get(lead.contactId);
    return { ...lead, name: contact ? contactFullName(contact) : '', templateName: lead.templateId ? (templates.get(lead.templateId)?.name ?? null) : null };
  });
}

export type SentMessageRow = {
  readonly sent: SentEmail;
  readonly templateName: string | null;
  readonly links: number;
  readonly timeline: DeliveryTimeline;
};

/** A contact's sent messages, newest first, each with what happened to it since. */
export async function listContactMessages(db: FieldbookDb, contactId: string, limit: number): Promise<SentMessageRow[]> {
  const sends = (await db.sent_emails.where('contact_id').equals(contactId).toArray())
    .filter(isLive)
    .sort((a, b) => (a.sent_at < b.sent_at ? 1 : -1))
    .slice(0, limit);
  const { links, clicks } = await linksAndClicks(db, sends.map((send) => send.id));
  const linkById = byId(links);
  const templates = byId((await db.email_templates.bulkGet([...new Set(sends.flatMap((send) => (send.template_id ? [send.template_id] : [])))])).filter(present));
  return sends.map((sent) => {
    const own = clicks.filter((click) => (click.sent_email_id ?? (click.link_id ? linkById.get(click.link_id)?.sent_email_id : null)) === sent.id);
    return {
      sent,
      templateName: sent.template_id ? (templates.get(sent.template_id)?.name ?? null) : null,
      links: links.filter((link) => link.sent_email_id === sent.id).length,
      timeline: deliveryTimeline(sent.sent_at, own),
    };
  });
}

/** Each template's performance over the last `days` days (templates deleted since are left out). */
export async function loadTemplatePerformance(db: FieldbookDb, now: number, days: number): Promise<TemplatePerformance[]> {
  const templates = (await db.email_templates.orderBy('name').toArray()).filter(isLive);
  const sends = (await db.sent_emails.where('sent_at').aboveOrEqual(new Date(now - days * 86_400_000).toISOString()).toArray()).filter((send) => isLive(send) && send.template_id !== null);
  const { links, clicks } = await linksAndClicks(db, sends.map((send) => send.id));
  return templatePerformance({ templates, sends, links, clicks, now, days });
}

export const ANNOUNCED_CLICKS_KEY = 'announced_clicks';
const UNRESOLVED_GRACE_MS = 20_000;
const HIDDEN_TAB_DELAY_MS = 1500;

/**
 * The "opened" notices due now, each claimed for this device in one transaction, so however many tabs
 * hear of the same click, one shows it. Claims older than the notice window are forgotten.
 */
export type ClickNotice = { readonly message: string; readonly contactId: string | null };

export async function claimClickNotices(db: FieldbookDb, deviceNow: number): Promise<ClickNotice[]> {
  return db.transaction('rw', [db.email_clicks, db.tracked_links, db.sent_emails, db.contacts, db.email_templates, db.settings], async () => {
    // Click times are the server's: "recent" is judged by the server's time (the stored clock offset).
    const now = deviceNow + ((await loadClockOffset(db)) ?? 0);
    const recent: EngagementClick[] = await db.email_clicks.where('clicked_at').aboveOrEqual(new Date(now - CLICK_NOTICE_WINDOW_MS).toISOString()).toArray();
    const stored = (await db.settings.get(ANNOUNCED_CLICKS_KEY))?.value;
    const claims = (Array.isArray(stored) ? stored : []).filter(
      (claim): claim is { id: string; at: number } => typeof claim === 'object' && claim !== null && typeof (claim as { id?: unknown }).id === 'string' && typeof (claim as { at?: unknown }).at === 'number' && (claim as { at: number }).at >= now - 2 * CLICK_NOTICE_WINDOW_MS,
    );
    const due = clicksToAnnounce(recent, new Set(claims.map((claim) => claim.id)), now);
    const claimed: string[] = [];
    const notices: ClickNotice[] = [];
    for (const click of due) {
      const link = click.link_id ? await db.tracked_links.get(click.link_id) : undefined;
      const sendId = click.sent_email_id ?? link?.sent_email_id ?? null;
      const sent = sendId ? await db.sent_emails.get(sendId) : undefined;
      // Its message not here yet (sent from another device, arriving in the same burst): wait a little
      // for it, so the notice can say who opened what.
      if (!sent && Date.parse(click.clicked_at) > now - UNRESOLVED_GRACE_MS) continue;
      const contact = sent?.contact_id ? await db.contacts.get(sent.contact_id) : undefined;
      const template = sent?.template_id ? await db.email_templates.get(sent.template_id) : undefined;
      claimed.push(click.id);
      notices.push({ message: clickNotice(contact ? contactFullName(contact) : null, template?.name ?? null), contactId: contact && isLive(contact) ? contact.id : null });
    }
    if (claimed.length > 0) await db.settings.put({ key: ANNOUNCED_CLICKS_KEY, value: [...claims, ...claimed.map((id) => ({ id, at: now }))] });
    return notices;
  });
}

/**
 * Shows the "opened" notices due now (see claimClickNotices) with `show(message, contact path)`. A tab
 * the member is not looking at waits a moment first, so the one in front claims the notice; a failure
 * only loses the notice.
 */
export async function announceClicks(db: FieldbookDb, now: () => number, show: (message: string, path: string | null) => void, visible: () => boolean = () => true): Promise<void> {
  try {
    if (!visible()) await new Promise((resolve) => setTimeout(resolve, HIDDEN_TAB_DELAY_MS));
    for (const notice of await claimClickNotices(db, now())) show(notice.message, notice.contactId === null ? null : `/contacts/${notice.contactId}`);
  } catch {
    // The click is still in the feed, the timeline and Hot now.
  }
}
