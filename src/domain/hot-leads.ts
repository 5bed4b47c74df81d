import { byId, isPersonClick, sendOfClick, type EngagementClick, type EngagementLink, type EngagementSend } from './engagement';

export const HOT_WINDOW_MS = 24 * 60 * 60 * 1000;

export type HotLeadContact = { readonly id: string; readonly last_touched_at: string; readonly deleted_at: string | null };

export type HotLead = {
  readonly contactId: string;
  /** The latest of their opens in the window. */
  readonly lastOpenedAt: string;
  readonly opens: number;
  readonly templateId: string | null;
  readonly url: string;
};

export type HotLeadInput = {
  readonly clicks: readonly EngagementClick[];
  readonly sends: readonly EngagementSend[];
  readonly links: readonly EngagementLink[];
  readonly contacts: readonly HotLeadContact[];
  readonly now: number;
};

/**
 * **Hot now**: people who opened a link in the last 24 hours and have heard nothing from the member
 * since (their last touch, which every logged call, message and send moves, is older than the open).
 * Only a person's click counts; a preview or a scanner never makes anyone hot. Latest open first.
 */
export function hotLeads({ clicks, sends, links, contacts, now }: HotLeadInput): HotLead[] {
  const cutoff = now - HOT_WINDOW_MS;
  const sendById = byId(sends);
  const linkById = byId(links);
  const contactById = byId(contacts);
  const leads = new Map<string, HotLead>();
  for (const click of clicks) {
    const at = Date.parse(click.clicked_at);
    if (!isPersonClick(click) || Number.isNaN(at) || at < cutoff) continue;
    const sendId = sendOfClick(click, linkById);
    const send = sendId === null ? undefined : sendById.get(sendId);
    const contact = send?.contact_id ? contactById.get(send.contact_id) : undefined;
    if (!send || !contact || contact.deleted_at !== null) continue;
    if (Date.parse(contact.last_touched_at) >= at) continue;
    const current = leads.get(contact.id);
    const latest = !current || click.clicked_at > current.lastOpenedAt;
    leads.set(contact.id, {
      contactId: contact.id,
      lastOpenedAt: latest ? click.clicked_at : (current?.lastOpenedAt ?? click.clicked_at),
      opens: (current?.opens ?? 0) + 1,
      templateId: latest ? send.template_id : (current?.templateId ?? null),
      url: latest ? (click.link_id ? (linkById.get(click.link_id)?.url ?? click.url) : click.url) : (current?.url ?? click.url),
    });
  }
  return [...leads.values()].sort((a, b) => (a.lastOpenedAt < b.lastOpenedAt ? 1 : -1));
}

/** Recent enough for a live "opened" toast; older clicks (a first sync, a phone back from a week offline) are not news. */
export const CLICK_NOTICE_WINDOW_MS = 5 * 60 * 1000;

/** The toast for a person's click: "Jane Doe opened ‘Starter kit video’". */
export function clickNotice(contactName: string | null, templateName: string | null): string {
  const who = contactName && contactName.trim() !== '' ? contactName.trim() : 'Someone';
  return templateName ? `${who} opened ‘${templateName}’` : `${who} opened your link`;
}

/**
 * Which clicks deserve a toast now: a person's, recent, not already announced on this device (by any
 * tab: the caller keeps `announced` in one transaction across tabs).
 */
export function clicksToAnnounce(clicks: readonly EngagementClick[], announced: ReadonlySet<string>, now: number): EngagementClick[] {
  return clicks.filter((click) => {
    const at = Date.parse(click.clicked_at);
    return isPersonClick(click) && !announced.has(click.id) && at >= now - CLICK_NOTICE_WINDOW_MS && at <= now + 60_000;
  });
}
