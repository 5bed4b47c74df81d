/*
 * The push sender (supabase/functions/notify): what each claimed push says, and one run.
 *
 * The database decides what is due and claims it (public.notify_claim, migration
 * 20261129001100_notifications.sql: a delivery row under a unique key per device and event, inserted
 * before anything is sent, so overlapping runs never send one thing twice); this file words each push,
 * sends it with ./web-push.ts and reports each push service's answer (public.notify_report): sent,
 * failed for good, gone (404/410: the device is deleted) or retry (429, 5xx, unreachable: the claim is
 * undone and the device waits for Retry-After). Plain fetch and Web Crypto: runs in Deno and in Node.
 */
import type { SendOptions, SendResult, VapidDetails } from './web-push.ts';

export type PushKind = 'follow_ups' | 'hot_lead' | 'team' | 'sync';

/** One push as notify_claim returns it. */
export type ClaimedPush = {
  readonly subscription_id: string;
  readonly endpoint: string;
  readonly p256dh: string;
  readonly auth: string;
  readonly kind: PushKind;
  /** The delivery keys this push carries (one per bundled event). */
  readonly keys: readonly string[];
  readonly data: unknown;
};

/** What the service worker shows (src/sw-push.ts). */
export type PushPayload = {
  readonly title: string;
  readonly body: string;
  readonly tag: string;
  readonly url: string;
  readonly badge?: number;
};

export type Outcome = 'sent' | 'failed' | 'gone' | 'retry';

export type PushReport = {
  readonly subscription_id: string;
  readonly keys: readonly string[];
  readonly outcome: Outcome;
  readonly status: number | null;
  readonly retry_after?: number;
};

// Wording ------------------------------------------------------------------------------------------

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const whole = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Jane", "Jane and Marcus", "Jane, Marcus and 3 more": at most two names, then how many more. */
export function namesSentence(names: readonly string[], total: number): string {
  const shown = names.filter((name) => name !== '').slice(0, 2);
  const more = Math.max(0, total - shown.length);
  if (shown.length === 0) return more > 0 ? plural(more, 'contact', 'contacts') : '';
  if (more === 0) return shown.length === 1 ? shown[0]! : `${shown[0]} and ${shown[1]}`;
  return `${shown.join(', ')} and ${more} more`;
}

/** At most `max` characters, cut at a character (not inside a surrogate pair), with an ellipsis when cut. */
export function clip(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max).join('').trimEnd()}…`;
}

type TeamItem = { readonly type: string; readonly name: string; readonly text: string; readonly depth: number };

function teamLine(item: TeamItem): { title: string; body: string } {
  const who = item.name || 'Someone';
  if (item.type === 'comment') return { title: `${who} commented on your win`, body: item.text };
  return { title: item.depth > 1 ? `${who} joined your team (level ${item.depth})` : `${who} joined your team`, body: 'Say welcome in the team feed' };
}

/** The notification for one claimed push. */
export function composePush(push: Pick<ClaimedPush, 'kind' | 'data'>): PushPayload {
  const data = record(push.data);
  switch (push.kind) {
    case 'follow_ups': {
      const count = whole(data['count']);
      const names = Array.isArray(data['names']) ? data['names'].map(text) : [];
      return { title: `${plural(count, 'follow-up', 'follow-ups')} today`, body: namesSentence(names, count), tag: 'follow-ups', url: '/today', badge: count };
    }
    case 'hot_lead': {
      const items = (Array.isArray(data['items']) ? data['items'] : []).map(record);
      // People, not clicks: one person opening twice is still "Jane Doe opened your link".
      const people = new Map<string, { id: string; name: string }>();
      items.forEach((item, index) => {
        const id = text(item['contact_id']);
        const name = text(item['name']);
        people.set(id || `unknown-${index}`, { id, name });
      });
      const list = [...people.values()];
      if (list.length <= 1) {
        const person = list[0];
        const name = person?.name || 'Someone';
        return {
          title: `${name} opened your link`,
          body: items.length > 1 ? `${items.length} opens. Follow up while it's fresh` : "Follow up while it's fresh",
          tag: 'hot-leads',
          url: person?.id ? `/contacts/${encodeURIComponent(person.id)}` : '/today',
        };
      }
      return {
        title: `${list.length} people opened your links`,
        body: namesSentence(list.map((p) => p.name), list.length),
        tag: 'hot-leads',
        url: '/today',
      };
    }
    case 'team': {
      const items = (Array.isArray(data['items']) ? data['items'] : []).map(record).map(
        (item): TeamItem => ({ type: text(item['type']), name: text(item['name']), text: text(item['text']), depth: whole(item['depth']) }),
      );
      if (items.length <= 1) {
        const line = teamLine(items[0] ?? { type: 'join', name: '', text: '', depth: 1 });
        return { title: line.title, body: clip(line.body, 80), tag: 'team', url: '/team' };
      }
      const titles = items.map((item) => teamLine(item).title);
      return {
        title: `${items.length} updates from your team`,
        body: titles.length > 2 ? `${titles.slice(0, 2).join('; ')} and ${titles.length - 2} more` : titles.join('; '),
        tag: 'team',
        url: '/team',
      };
    }
    case 'sync':
      return { title: 'Some changes need your review', body: "They couldn't be saved. Open Fieldbook to retry, edit or discard them.", tag: 'sync', url: '/sync/review' };
  }
}

/** How long a push service keeps each kind, how urgent it is, and the topic that replaces an older undelivered one. */
function sendOptionsFor(kind: PushKind): Pick<SendOptions, 'ttl' | 'urgency' | 'topic'> {
  switch (kind) {
    case 'follow_ups':
      return { ttl: 12 * 3600, urgency: 'normal', topic: 'follow-ups' };
    case 'hot_lead':
      return { ttl: 4 * 3600, urgency: 'high' };
    case 'team':
      return { ttl: 24 * 3600, urgency: 'normal' };
    case 'sync':
      return { ttl: 24 * 3600, urgency: 'low', topic: 'sync' };
  }
}

/** A push service's answer as what to do with the claim. */
export function outcomeOf(result: SendResult): Outcome {
  if (result.gone) return 'gone';
  if (result.status >= 200 && result.status < 300) return 'sent';
  if (result.status === 0 || result.status === 429 || result.status >= 500) return 'retry';
  return 'failed';
}

// The database, through PostgREST with the service role ---------------------------------------------

export type NotifyStore = {
  readonly claim: (at: Date) => Promise<ClaimedPush[]>;
  readonly report: (at: Date, results: readonly PushReport[]) => Promise<void>;
};

export type RestOptions = { readonly url: string; readonly serviceRoleKey: string; readonly fetch?: typeof fetch; readonly timeoutMs?: number };

/** POST /rest/v1/rpc/<name> with the service role; the JSON answer. */
export function restRpc(options: RestOptions) {
  const base = `${options.url.replace(/\/+$/, '')}/rest/v1/rpc`;
  const doFetch = options.fetch ?? fetch;
  return async <T,>(name: string, args: Record<string, unknown>): Promise<T> => {
    const response = await doFetch(`${base}/${name}`, {
      method: 'POST',
      headers: { apikey: options.serviceRoleKey, Authorization: `Bearer ${options.serviceRoleKey}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`rpc ${name}: ${response.status} ${body.slice(0, 300)}`);
    return (body === '' ? null : JSON.parse(body)) as T;
  };
}

export function restNotifyStore(options: RestOptions): NotifyStore {
  const rpc = restRpc(options);
  return {
    claim: async (at) => {
      const rows = await rpc<unknown>('notify_claim', { at: at.toISOString() });
      return Array.isArray(rows) ? (rows as ClaimedPush[]) : [];
    },
    report: async (at, results) => {
      if (results.length > 0) await rpc<unknown>('notify_report', { at: at.toISOString(), results });
    },
  };
}

// One run ---------------------------------------------------------------------------------------------

export type Sender = (subscription: { endpoint: string; keys: { p256dh: string; auth: string } }, payload: PushPayload, vapid: VapidDetails, options: SendOptions) => Promise<SendResult>;

export type RunSummary = { readonly claimed: number; readonly sent: number; readonly failed: number; readonly gone: number; readonly retry: number };

/** Runs `work` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** Claims what is due at `now`, sends it (8 at a time), reports every answer. One bad push never stops the others. */
export async function runNotify(options: {
  readonly store: NotifyStore;
  readonly send: Sender;
  readonly vapid: VapidDetails;
  readonly now: Date;
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}): Promise<RunSummary> {
  const log = options.log ?? (() => undefined);
  const claimed = await options.store.claim(options.now);
  const reports: PushReport[] = [];
  await pool(claimed, options.concurrency ?? 8, async (push) => {
    const keys = Array.isArray(push.keys) ? push.keys : [];
    try {
      const payload = composePush(push);
      const result = await options.send({ endpoint: push.endpoint, keys: { p256dh: push.p256dh, auth: push.auth } }, payload, options.vapid, sendOptionsFor(push.kind));
      const outcome = outcomeOf(result);
      if (outcome !== 'sent') log(`notify: ${push.kind} to ${push.subscription_id}: ${result.status} (${outcome})`);
      reports.push({ subscription_id: push.subscription_id, keys, outcome, status: result.status, ...(result.retryAfter !== undefined ? { retry_after: result.retryAfter } : {}) });
    } catch (error) {
      // A malformed row (a key that is not one, an endpoint that is not a URL): this push fails, the run goes on.
      log(`notify: ${String(push.kind)} to ${String(push.subscription_id)} not sent: ${(error as Error).message}`);
      reports.push({ subscription_id: push.subscription_id, keys, outcome: 'failed', status: null });
    }
  });
  await options.store.report(options.now, reports);
  const count = (outcome: Outcome) => reports.filter((r) => r.outcome === outcome).length;
  return { claimed: claimed.length, sent: count('sent'), failed: count('failed'), gone: count('gone'), retry: count('retry') };
}

// The HTTP side shared by notify and digest ------------------------------------------------------------

/** Constant-time comparison of two strings. */
export function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) diff |= (x[i % (x.length || 1)] ?? 0) ^ (y[i % (y.length || 1)] ?? 0);
  return diff === 0;
}

/** Only the service-role key (the cron job's Bearer) may run a job. */
export function isServiceRole(request: Request, serviceRoleKey: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
  return match !== null && serviceRoleKey !== '' && sameSecret(match[1]!, serviceRoleKey);
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } });

/**
 * The job's request: POST with the service-role key (else 401 / 405); the body may name `now` (an ISO
 * time; the tests control the clock with it), else the current time. A malformed body is a 400.
 */
export async function jobRequest(request: Request, serviceRoleKey: string): Promise<{ now: Date } | Response> {
  if (request.method !== 'POST') return json(405, { error: 'POST only' });
  if (!isServiceRole(request, serviceRoleKey)) return json(401, { error: 'This job runs with the service-role key only' });
  const raw = await request.text();
  let body: Record<string, unknown> = {};
  if (raw.trim() !== '') {
    try {
      body = record(JSON.parse(raw));
    } catch {
      return json(400, { error: 'The body is not JSON' });
    }
  }
  if (body['now'] === undefined || body['now'] === null) return { now: new Date() };
  const now = typeof body['now'] === 'string' ? new Date(body['now']) : new Date(NaN);
  if (Number.isNaN(now.getTime())) return json(400, { error: '`now` must be an ISO date-time' });
  return { now };
}
