/*
 * The public redirect of tracked links, GET or HEAD /functions/v1/r/<code> (supabase/functions/r wires
 * it to Deno.serve; tests run it in Node with a fake or real store):
 *
 * 1. anything but GET and HEAD: 405; a code that cannot be one (parseLinkCode): 404 before anything else;
 * 2. a rate limit per client address (a token bucket in this instance): 429 + Retry-After;
 * 3. the link key by its id (service role, cached a minute; unknown ones 5 s): unknown key or a
 *    signature that does not verify: 404, the same answer, so a forged code learns nothing;
 * 4. 302 to the signed target, `Cache-Control: no-store`, `Referrer-Policy: no-referrer`, no body;
 *    past the per-link limit (per link id, so no other spelling of a code escapes it) the hit still
 *    redirects but is not recorded;
 * 5. after answering, the hit is classified (classify.ts) and stored in email_clicks. Hits on one link
 *    are recorded one after another, so a hit sees the one before it. Storing never delays or stops
 *    the redirect: a failure is logged. On hosted Supabase, EdgeRuntime.waitUntil keeps the instance
 *    alive until it is done.
 *
 * Nothing in the request but the code is trusted; the address is used for the rate limit, the gateway
 * ranges and a keyed hash of its network, and never stored.
 */
import { classifyHit, type Hit } from './classify.ts';
import type { ClickStore, LinkKey } from './click-store.ts';
import { clientAddress, networkHash, networkKey } from './network.ts';
import { RateLimiter } from './rate-limit.ts';
import { parseLinkCode, verifyLinkCode } from '../../../src/domain/link-code.ts';

export type RedirectOptions = {
  readonly store: ClickStore;
  /** The server secret network hashes are keyed with (never stored). */
  readonly networkSecret: string;
  /** Hits a minute recorded per link (30 unless told; more still redirect); per address (refused past it) four times that. */
  readonly perCodePerMinute?: number;
  readonly perAddressPerMinute?: number;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
  /** Keeps the instance alive for work after the answer (hosted: EdgeRuntime.waitUntil). */
  readonly waitUntil?: (work: Promise<unknown>) => void;
  readonly newId?: () => string;
};

export type Redirect = {
  /** Answers one request; `remoteAddress` is the connection's peer. */
  readonly handle: (request: Request, remoteAddress?: string) => Promise<Response>;
  /** Resolves when every hit answered so far has been stored (or has failed). */
  readonly idle: () => Promise<void>;
};

export const DEFAULT_PER_CODE_PER_MINUTE = 30;
const KEY_CACHE_MS = 60_000;
const UNKNOWN_KEY_CACHE_MS = 5_000;
const KEY_CACHE_SIZE = 10_000;
const PATH = /^(?:\/functions\/v1)?\/r\/([^/]*)\/?$/;

const noStore = { 'Cache-Control': 'no-store' };
const notFound = () => new Response(null, { status: 404, headers: noStore });

/**
 * The code in a path, or null. Punctuation that a message app's linkifier took along at the end
 * ('…/r/<code>).' or a closing quote) is dropped: it is never part of a code, and the signature is
 * checked anyway.
 */
export function codeOf(pathname: string): string | null {
  const match = PATH.exec(pathname);
  if (!match) return null;
  let segment = match[1]!;
  try {
    segment = decodeURIComponent(segment);
  } catch {
    // A stray % stays as it is, and is dropped below if it is at the end.
  }
  return segment.replace(/[^A-Za-z0-9_-]+$/, '');
}

/** A positive number from an environment variable's text, else the fallback. */
export function positiveNumber(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && text.trim() !== '' && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function createRedirect(options: RedirectOptions): Redirect {
  const { store } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((message: string) => console.error(message));
  const newId = options.newId ?? (() => crypto.randomUUID());
  const perCode = options.perCodePerMinute ?? DEFAULT_PER_CODE_PER_MINUTE;
  const perCodeLimit = new RateLimiter({ perMinute: perCode });
  const perAddressLimit = new RateLimiter({ perMinute: options.perAddressPerMinute ?? perCode * 4 });
  const hashKey = networkKey(options.networkSecret);

  const keys = new Map<string, { readonly value: Promise<LinkKey | null>; readonly until: number }>();
  const linkKey = (keyId: string): Promise<LinkKey | null> => {
    const at = now();
    const cached = keys.get(keyId);
    if (cached && cached.until > at) return cached.value;
    if (keys.size >= KEY_CACHE_SIZE) {
      for (const [id, entry] of keys) if (entry.until <= at || keys.size >= KEY_CACHE_SIZE) keys.delete(id);
    }
    const value = store.linkKey(keyId);
    // A failed lookup is not remembered; an unknown key only briefly (it may be syncing right now).
    keys.set(keyId, { value, until: at + KEY_CACHE_MS });
    value.then(
      (key) => {
        if (key === null && keys.get(keyId)?.value === value) keys.set(keyId, { value, until: at + UNKNOWN_KEY_CACHE_MS });
      },
      () => {
        if (keys.get(keyId)?.value === value) keys.delete(keyId);
      },
    );
    return value;
  };

  const chains = new Map<string, Promise<void>>();
  const pending = new Set<Promise<void>>();

  const record = async (hit: { method: string; userAgent: string; referer: string; address: string; memberId: string; linkId: string; url: string; at: number }) => {
    const key = await hashKey;
    const network = await networkHash(key, hit.address, hit.at);
    const earlier = async (): Promise<Hit['previous']> => {
      try {
        const before = await store.previousHit(hit.memberId, hit.linkId);
        if (!before || !Number.isFinite(before.clickedAtMs)) return null;
        // Hashed with the key of the previous hit's day, so a hit just after midnight still compares.
        const mine = await networkHash(key, hit.address, before.clickedAtMs);
        return { msAgo: hit.at - before.clickedAtMs, sameNetwork: mine === '' || before.network === '' || mine === before.network };
      } catch (error) {
        log(`r: could not read the previous hit on link ${hit.linkId}: ${(error as Error).message}`);
        return null;
      }
    };
    // The previous hit matters only to a hit that would otherwise be a person's (one query saved per
    // preview or scanner).
    const previous = classifyHit({ ...hit, previous: null }).kind === 'person' ? await earlier() : null;
    const { kind, reason } = classifyHit({ ...hit, previous });
    await store.insertClick({
      id: newId(),
      member_id: hit.memberId,
      link_id: hit.linkId,
      url: hit.url,
      kind,
      reason,
      network,
      clicked_at: new Date(hit.at).toISOString(),
    });
  };

  const enqueue = (linkId: string, work: () => Promise<void>) => {
    const before = chains.get(linkId) ?? Promise.resolve();
    const done = before.then(work).catch((error: unknown) => log(`r: a hit on link ${linkId} was not stored: ${(error as Error).message}`));
    chains.set(linkId, done);
    pending.add(done);
    void done.then(() => {
      pending.delete(done);
      if (chains.get(linkId) === done) chains.delete(linkId);
    });
    return done;
  };

  const handle = async (request: Request, remoteAddress = ''): Promise<Response> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { ...noStore, Allow: 'GET, HEAD' } });
    }
    const code = codeOf(new URL(request.url).pathname);
    const parsed = code === null ? null : parseLinkCode(code);
    if (!parsed || code === null) return notFound();
    const at = now();
    const address = clientAddress(request.headers.get('x-forwarded-for'), remoteAddress);
    // Per address, a refusal: it bounds the key lookups one client can cause.
    const byAddress = perAddressLimit.take(address, at);
    if (!byAddress.ok) return new Response(null, { status: 429, headers: { ...noStore, 'Retry-After': String(byAddress.retryAfterSeconds) } });
    let key: LinkKey | null;
    try {
      key = await linkKey(parsed.keyId);
    } catch (error) {
      // Without the key the code cannot be checked, and an unchecked target is never followed.
      log(`r: could not read link key: ${(error as Error).message}`);
      return new Response(null, { status: 503, headers: { ...noStore, 'Retry-After': '5' } });
    }
    if (!key || !(await verifyLinkCode(parsed, key.secret))) return notFound();
    // Per link, hits past the limit still go where the sender pointed (a link shared to a busy group
    // is still followed) but are not recorded: no one inflates a link's clicks by repeating it.
    const redirect = new Response(null, { status: 302, headers: { ...noStore, Location: new URL(parsed.url).href, 'Referrer-Policy': 'no-referrer' } });
    if (!perCodeLimit.take(parsed.linkId, at).ok) return redirect;

    const work = enqueue(parsed.linkId, () =>
      record({
        method: request.method,
        userAgent: request.headers.get('user-agent') ?? '',
        referer: request.headers.get('referer') ?? '',
        address,
        memberId: key.memberId,
        linkId: parsed.linkId,
        url: parsed.url,
        at,
      }),
    );
    try {
      options.waitUntil?.(work);
    } catch (error) {
      log(`r: waitUntil failed: ${(error as Error).message}`);
    }
    // Location is the URL's serialisation: non-ASCII percent-encoded, as a header must be.
    return redirect;
  };

  return {
    handle,
    idle: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
