import { addDays, toDay } from './dates';
import { byId, isPersonClick, sendOfClick, type EngagementClick, type EngagementLink, type EngagementSend } from './engagement';

/*
 * How each template does, from the rows on the device (so it works offline): over a window of days,
 * the sends of the template, how many of them a person clicked, the click rate and the median time
 * from sending to the first click; the same per link of the template; and sends and clicked sends per
 * day for the chart. A send counts in the window of the day it was sent, with every click it ever got.
 * Contacts are never read: a click on a send to a contact deleted since still counts.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export type Rate = {
  readonly sends: number;
  /** Sends with at least one person's click. */
  readonly clicked: number;
  /** clicked / sends, 0 when nothing was sent. */
  readonly rate: number;
  readonly medianMsToFirstClick: number | null;
};
export type LinkPerformance = Rate & { readonly url: string };
export type DayPerformance = { readonly day: string; readonly sends: number; readonly clicked: number };
export type TemplatePerformance = Rate & {
  readonly templateId: string;
  readonly name: string;
  readonly links: readonly LinkPerformance[];
  readonly daily: readonly DayPerformance[];
};

export type PerformanceInput = {
  readonly templates: readonly { readonly id: string; readonly name: string }[];
  readonly sends: readonly EngagementSend[];
  readonly links: readonly EngagementLink[];
  readonly clicks: readonly EngagementClick[];
  readonly now: number;
  readonly days: number;
};

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? null) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Rate of a set of sends, given each send's first person click (ms after sending) when it has one. */
function rateOf(sendIds: readonly string[], firstClick: ReadonlyMap<string, number>): Rate {
  const delays = sendIds.flatMap((id) => {
    const delay = firstClick.get(id);
    return delay === undefined ? [] : [delay];
  });
  return { sends: sendIds.length, clicked: delays.length, rate: sendIds.length === 0 ? 0 : delays.length / sendIds.length, medianMsToFirstClick: median(delays) };
}

/** Per template (in the order given), its performance over the last `days` days. */
export function templatePerformance({ templates, sends, links, clicks, now, days }: PerformanceInput): TemplatePerformance[] {
  const from = now - days * DAY_MS;
  const linkById = byId(links);
  const sendById = byId(sends);
  const inWindow = sends.filter((send) => {
    const at = Date.parse(send.sent_at);
    return send.deleted_at === null && send.template_id !== null && at >= from && at <= now;
  });
  const windowIds = new Set(inWindow.map((send) => send.id));

  // Per send, and per (send, url): the time from sending to the first person's click.
  const firstBySend = new Map<string, number>();
  const firstBySendUrl = new Map<string, number>();
  const earliest = (map: Map<string, number>, key: string, delay: number) => map.set(key, Math.min(map.get(key) ?? Infinity, delay));
  for (const click of clicks) {
    if (!isPersonClick(click)) continue;
    const sendId = sendOfClick(click, linkById);
    if (sendId === null || !windowIds.has(sendId)) continue;
    const send = sendById.get(sendId);
    if (!send) continue;
    const delay = Math.max(0, Date.parse(click.clicked_at) - Date.parse(send.sent_at));
    if (Number.isNaN(delay)) continue;
    earliest(firstBySend, sendId, delay);
    const url = (click.link_id === null ? undefined : linkById.get(click.link_id)?.url) ?? click.url;
    earliest(firstBySendUrl, `${sendId} ${url}`, delay);
  }

  const urlsBySend = new Map<string, string[]>();
  for (const link of links) {
    if (link.sent_email_id === null || !windowIds.has(link.sent_email_id)) continue;
    const urls = urlsBySend.get(link.sent_email_id) ?? [];
    if (!urls.includes(link.url)) urls.push(link.url);
    urlsBySend.set(link.sent_email_id, urls);
  }

  const today = toDay(new Date(now));
  const dayKeys = Array.from({ length: days }, (_, i) => addDays(today, i - (days - 1)));
  return templates.map((template) => {
    const own = inWindow.filter((send) => send.template_id === template.id);
    const ids = own.map((send) => send.id);
    const urls: string[] = [];
    for (const id of ids) for (const url of urlsBySend.get(id) ?? []) if (!urls.includes(url)) urls.push(url);
    const linkRows = urls.map((url) => {
      const withUrl = ids.filter((id) => urlsBySend.get(id)?.includes(url));
      const first = new Map(withUrl.flatMap((id) => {
        const delay = firstBySendUrl.get(`${id} ${url}`);
        return delay === undefined ? [] : [[id, delay] as const];
      }));
      return { url, ...rateOf(withUrl, first) };
    });
    // Most sent first, then most clicked, then by address: a stable order for the table.
    linkRows.sort((a, b) => b.sends - a.sends || b.clicked - a.clicked || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
    const perDay = new Map(dayKeys.map((day) => [day, { day, sends: 0, clicked: 0 }]));
    for (const send of own) {
      const bucket = perDay.get(toDay(new Date(send.sent_at)));
      if (!bucket) continue;
      bucket.sends += 1;
      if (firstBySend.has(send.id)) bucket.clicked += 1;
    }
    return { templateId: template.id, name: template.name, ...rateOf(ids, firstBySend), links: linkRows, daily: [...perDay.values()] };
  });
}

/** "4 min", "2 h 5 min", "3 d": a median delay for a table cell. */
export function formatDelay(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 60_000) return '< 1 min';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  // Minutes matter in the first hours; after that, whole hours read better.
  if (hours < 3) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  if (hours < 24) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(hours / 24)} d`;
}

export const formatRate = (rate: Rate): string => (rate.sends === 0 ? '—' : `${Math.round(rate.rate * 100)}%`);
