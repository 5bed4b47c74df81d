import type { ClickKind } from './email-click';
import { isTrackableUrl } from './link-code';

/*
 * Finding the links in a message and rewriting them into tracked links, and reading the clicks back as
 * a delivery timeline. A URL in running text ends before whitespace, and trailing punctuation that
 * belongs to the sentence (". , ; : ! ?", quotes, a closing bracket that opened before the URL) is not
 * part of it; a bracket opened inside the URL (a Wikipedia page) keeps its closing one.
 */

export type UrlMatch = { readonly start: number; readonly end: number; readonly url: string };

const URL_START = /(?<![\p{L}\p{N}_@/.-])https?:\/\/[^\s<>"`]+/giu;
const TRAILING = /[.,;:!?'"’”»…*。、，；：！？]$/u;
const PAIRS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

const count = (text: string, ch: string) => text.split(ch).length - 1;

function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    const last = url.at(-1) ?? '';
    const opener = PAIRS[last];
    if (TRAILING.test(url)) url = url.slice(0, -1);
    else if (opener !== undefined && count(url, last) > count(url, opener)) url = url.slice(0, -1);
    else return url;
  }
}

/** Every http(s) URL in the text, in order, with its position (repeats included). */
export function findUrls(text: string): UrlMatch[] {
  const matches: UrlMatch[] = [];
  for (const match of text.matchAll(URL_START)) {
    const url = trimUrl(match[0]);
    if (/^https?:\/\/./i.test(url)) matches.push({ start: match.index, end: match.index + url.length, url });
  }
  return matches;
}

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * The distinct URLs of a message that become tracked links, in order of first appearance: http(s),
 * trackable, and not on one of `ownOrigins` (the app itself, the redirect). tel: and mailto: never
 * match. Each is tracked as written.
 */
export function trackableUrls(text: string, ownOrigins: readonly string[]): string[] {
  const own = new Set(ownOrigins.map((origin) => originOf(origin)).filter((origin) => origin !== null));
  const urls: string[] = [];
  for (const { url } of findUrls(text)) {
    if (urls.includes(url) || !isTrackableUrl(url)) continue;
    const origin = originOf(url);
    if (origin === null || own.has(origin)) continue;
    urls.push(url);
  }
  return urls;
}

/** The text with each URL for which `replacement` answers a string replaced by it; the rest as written. */
export function rewriteUrls(text: string, replacement: (url: string) => string | undefined): string {
  let result = '';
  let at = 0;
  for (const { start, end, url } of findUrls(text)) {
    const next = replacement(url);
    if (next === undefined) continue;
    result += text.slice(at, start) + next;
    at = end;
  }
  return result + text.slice(at);
}

/** The public address of a tracked link: the redirect function's URL and the code. */
export function trackedLinkAddress(redirectBase: string, code: string): string {
  return `${redirectBase.replace(/\/+$/, '')}/${code}`;
}

/** The redirect's base URL on a Supabase project (hosted or the local stack). */
export function redirectBaseFor(supabaseUrl: string): string {
  return `${supabaseUrl.replace(/\/+$/, '')}/functions/v1/r`;
}

// ---------------------------------------------------------------------------------------------------
// Delivery timeline

const PREVIEW_AGENTS = ['WhatsApp', 'iMessage', 'Telegram', 'Slack', 'Facebook', 'Discord', 'Skype', 'LinkedIn', 'Twitter', 'Signal'] as const;

/** The app that fetched a link preview, from the redirect's reason ("WhatsApp preview" → "WhatsApp"). */
export function previewAgent(reason: string): string {
  const found = PREVIEW_AGENTS.find((agent) => reason.toLowerCase().includes(agent.toLowerCase()));
  if (found) return found;
  if (/facebot|twitterbot/i.test(reason)) return 'iMessage';
  return 'a link preview';
}

export type TimelineClick = { readonly id: string; readonly clicked_at: string; readonly kind: ClickKind; readonly reason: string; readonly url: string };

export type TimelineEvent =
  | { readonly kind: 'sent'; readonly at: string }
  | { readonly kind: 'preview'; readonly at: string; readonly agent: string }
  | { readonly kind: 'opened'; readonly at: string; readonly url: string; readonly id: string };

export type DeliveryTimeline = { readonly events: readonly TimelineEvent[]; readonly scanners: number; readonly opens: number };

/**
 * What happened to one sent message, oldest first: sent, the first preview by each app (the message
 * was written or delivered), then every open by a person. Scanners are only counted.
 */
export function deliveryTimeline(sentAt: string, clicks: readonly TimelineClick[]): DeliveryTimeline {
  const sorted = [...clicks].sort((a, b) => (a.clicked_at < b.clicked_at ? -1 : a.clicked_at > b.clicked_at ? 1 : 0));
  const events: TimelineEvent[] = [{ kind: 'sent', at: sentAt }];
  const agents = new Set<string>();
  let scanners = 0;
  let opens = 0;
  for (const click of sorted) {
    if (click.kind === 'scanner') scanners += 1;
    else if (click.kind === 'preview') {
      const agent = previewAgent(click.reason);
      if (agents.has(agent)) continue;
      agents.add(agent);
      events.push({ kind: 'preview', at: click.clicked_at, agent });
    } else {
      opens += 1;
      events.push({ kind: 'opened', at: click.clicked_at, url: click.url, id: click.id });
    }
  }
  return { events, scanners, opens };
}

/** "youtube.com/watch…": a link shortened for a line of the timeline. */
export function shortUrl(url: string, max = 40): string {
  const bare = url.replace(/^https?:\/\/(www\.)?/i, '').replace(/\/$/, '');
  return bare.length > max ? `${bare.slice(0, max - 1)}…` : bare;
}
