/*
 * Who followed a tracked link: a person, a link preview or a scanner (the redirect, supabase/functions/r,
 * stores every hit with its kind and a short reason; only people count in the app).
 *
 * - preview: the fetchers of chat apps that read a link when a message is written or delivered;
 * - scanner: any HEAD request; mail security gateways that follow links at delivery time with
 *   browser-like agents (known address ranges, or their markers in the agent or referrer); a second hit
 *   within a few seconds of the previous one from another network;
 * - person: everything else.
 *
 * Pure and synchronous: the caller works out the address bytes and whether the previous hit came from
 * the same network (network.ts). Plain TypeScript on web-standard APIs, for Deno and vitest alike.
 */
import { inRange, parseAddress } from './network.ts';

export type ClickKind = 'person' | 'preview' | 'scanner';
export type Classification = { readonly kind: ClickKind; readonly reason: string };

export type Hit = {
  readonly method: string;
  readonly userAgent: string;
  readonly referer: string;
  /** The client's address as text ('' when unknown). */
  readonly address: string;
  /**
   * The latest earlier hit on the same link that was taken for a person's, or null. Not a scanner's:
   * Safe Links checks a link from Microsoft's network just before the person's browser follows it.
   */
  readonly previous: { readonly msAgo: number; readonly sameNetwork: boolean } | null;
};

/** A second hit this soon after the previous one, from another network, is a scanner's. */
export const SECOND_HIT_WINDOW_MS = 10_000;

/**
 * Link-preview fetchers, first match wins. iMessage's agent names Facebook's and Twitter's bots, so it
 * comes first. WhatsApp's fetcher says `WhatsApp/2.23.20.0 A` (a digit after the slash, and no browser
 * engine); its in-app browser is a browser agent and a person.
 */
const PREVIEWS: readonly { readonly test: (agent: string) => boolean; readonly reason: string }[] = [
  { test: (ua) => /facebookexternalhit\/1\.1 Facebot Twitterbot\/1\.0/i.test(ua), reason: 'iMessage preview' },
  { test: (ua) => /(?:^|[\s;(])WhatsApp\/\d/i.test(ua) && !/^Mozilla\//i.test(ua), reason: 'WhatsApp preview' },
  { test: (ua) => /TelegramBot/i.test(ua), reason: 'Telegram preview' },
  { test: (ua) => /Slackbot/i.test(ua), reason: 'Slack preview' },
  { test: (ua) => /facebookexternalhit|Facebot|facebookcatalog/i.test(ua), reason: 'Facebook preview' },
  { test: (ua) => /Discordbot/i.test(ua), reason: 'Discord preview' },
  { test: (ua) => /SkypeUriPreview/i.test(ua), reason: 'Skype preview' },
  { test: (ua) => /LinkedInBot/i.test(ua), reason: 'LinkedIn preview' },
  { test: (ua) => /Twitterbot/i.test(ua), reason: 'Twitter preview' },
];

/** Microsoft Exchange Online Protection (Safe Links follows links from these). */
export const MICROSOFT_RANGES: readonly string[] = [
  '40.92.0.0/15',
  '40.107.0.0/16',
  '52.100.0.0/14',
  '104.47.0.0/17',
  '2a01:111:f400::/48',
  '2a01:111:f403::/48',
];

/** Security gateways by a host name they put in the referrer (or, rarely, the agent). */
const GATEWAY_HOSTS: readonly { readonly host: string; readonly reason: string }[] = [
  { host: 'safelinks.protection.outlook.com', reason: 'Microsoft Safe Links' },
  { host: 'urldefense.com', reason: 'Proofpoint URL Defense' },
  { host: 'urldefense.proofpoint.com', reason: 'Proofpoint URL Defense' },
  { host: 'url.emailprotection.link', reason: 'Proofpoint Essentials' },
  { host: 'urlsand.com', reason: 'URL sandbox (urlsand.com)' },
  { host: 'mimecastprotect.com', reason: 'Mimecast URL Protect' },
  { host: 'mimecast.com', reason: 'Mimecast URL Protect' },
  { host: 'linkprotect.cudasvc.com', reason: 'Barracuda Link Protection' },
  { host: 'cudasvc.com', reason: 'Barracuda Link Protection' },
];

const refererHost = (referer: string): string => {
  try {
    return new URL(referer).hostname.toLowerCase();
  } catch {
    return '';
  }
};

const gatewayOf = (userAgent: string, referer: string): string | null => {
  const host = refererHost(referer);
  const agent = userAgent.toLowerCase();
  for (const gateway of GATEWAY_HOSTS) {
    if (host === gateway.host || host.endsWith(`.${gateway.host}`) || agent.includes(gateway.host)) return gateway.reason;
  }
  if (/proofpoint/i.test(userAgent)) return 'Proofpoint URL Defense';
  if (/mimecast/i.test(userAgent)) return 'Mimecast URL Protect';
  if (/barracuda/i.test(userAgent)) return 'Barracuda Link Protection';
  return null;
};

export function classifyHit(hit: Hit): Classification {
  if (hit.method.toUpperCase() === 'HEAD') return { kind: 'scanner', reason: 'HEAD request' };
  for (const preview of PREVIEWS) {
    if (preview.test(hit.userAgent)) return { kind: 'preview', reason: preview.reason };
  }
  const address = parseAddress(hit.address);
  if (address && MICROSOFT_RANGES.some((range) => inRange(address, range))) return { kind: 'scanner', reason: 'Microsoft Safe Links' };
  const gateway = gatewayOf(hit.userAgent, hit.referer);
  if (gateway) return { kind: 'scanner', reason: gateway };
  const { previous } = hit;
  if (previous && !previous.sameNetwork && previous.msAgo >= 0 && previous.msAgo <= SECOND_HIT_WINDOW_MS) {
    return { kind: 'scanner', reason: `second hit from another network within ${SECOND_HIT_WINDOW_MS / 1000} s` };
  }
  return { kind: 'person', reason: '' };
}
