/*
 * The daily digest email (supabase/functions/digest): what it says and one run.
 *
 * public.digest_claim (migration 20261129001100_notifications.sql) returns the members whose digest
 * is due now (opted in, their local hour is their digest hour, not sent today), already claimed for
 * the day; each gets one email through the provider's HTTP API (POST EMAIL_API_URL with a Bearer key
 * and { from, to, subject, text, html }). A provider that refuses or cannot be reached undoes the
 * claim (public.digest_unclaim), so a run later that hour tries again. Every piece of user text in
 * the HTML is escaped.
 */
import { restRpc, type RestOptions } from './notifications.ts';

export type DigestData = {
  readonly member_id: string;
  readonly email: string | null;
  readonly name: string | null;
  /** The member's local today (YYYY-MM-DD). */
  readonly day: string;
  readonly previous_day_on: string | null;
  /** Yesterday's activities by kind. */
  readonly activities: Readonly<Record<string, number>>;
  readonly emails_sent: number;
  /** Today's follow-ups (due today or overdue), at most 50, with their total. */
  readonly follow_ups: readonly { readonly name: string; readonly due: string }[];
  readonly follow_up_count: number;
};

export type DigestEmail = { readonly from: string; readonly to: string; readonly subject: string; readonly text: string; readonly html: string };

/** What each kind of activity is called in the digest, in this order. */
const ACTIVITY_NAMES: readonly (readonly [string, string, string])[] = [
  ['call', 'call', 'calls'],
  ['text', 'text', 'texts'],
  ['whatsapp', 'WhatsApp message', 'WhatsApp messages'],
  ['email_sent', 'message sent', 'messages sent'],
  ['link_opened', 'link opened', 'links opened'],
  ['contact_added', 'contact added', 'contacts added'],
  ['stage_changed', 'stage change', 'stage changes'],
  ['follow_up_set', 'follow-up set', 'follow-ups set'],
  ['note', 'note', 'notes'],
  ['contacts_imported', 'import', 'imports'],
];

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Yesterday's activity as lines ("3 calls"), known kinds first, then any others by their name. */
export function activityLines(activities: Readonly<Record<string, number>>): string[] {
  const known = new Set(ACTIVITY_NAMES.map(([kind]) => kind));
  const lines = ACTIVITY_NAMES.filter(([kind]) => (activities[kind] ?? 0) > 0).map(([kind, one, many]) => count(activities[kind]!, one, many));
  for (const [kind, n] of Object.entries(activities)) {
    if (!known.has(kind) && kind !== 'test' && n > 0) lines.push(`${n} × ${kind.replace(/_/g, ' ')}`);
  }
  return lines;
}

export function composeDigest(data: DigestData, from: string, appUrl = ''): DigestEmail {
  const firstName = (data.name ?? '').trim().split(/\s+/)[0] ?? '';
  const activity = activityLines(data.activities ?? {});
  const followUps = (data.follow_ups ?? []).map((f) => ({ name: (f.name ?? '').trim() || 'Someone', overdue: f.due < data.day }));
  const total = Math.max(data.follow_up_count ?? 0, followUps.length);
  const more = total - followUps.length;
  const subject = total > 0 ? `Your Fieldbook day: ${count(total, 'follow-up', 'follow-ups')} today` : 'Your Fieldbook day';
  const greeting = firstName ? `Good morning, ${firstName}.` : 'Good morning.';
  const emails = count(data.emails_sent ?? 0, 'email', 'emails');
  const yesterdayText = activity.length > 0 ? activity.map((l) => `- ${l}`).join('\n') : '- Nothing logged.';
  const todayText = followUps.length > 0 ? followUps.map((f) => `- ${f.name}${f.overdue ? ' (overdue)' : ''}`).join('\n') + (more > 0 ? `\n- and ${more} more` : '') : '- No follow-ups due. A good day to reach out to someone new.';
  const link = appUrl ? `${appUrl.replace(/\/+$/, '')}/today` : '';
  const text = [
    greeting,
    '',
    `Yesterday (${emails} sent):`,
    yesterdayText,
    '',
    `Today's follow-ups (${total}):`,
    todayText,
    ...(link ? ['', `Open Today: ${link}`] : []),
    '',
    'You get this email because you turned on the daily digest in Fieldbook. Turn it off in Settings → Notifications.',
  ].join('\n');
  const li = (items: string[]) => `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
  const html = [
    '<!doctype html><html><body style="font-family: system-ui, sans-serif; line-height: 1.5">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<h2>Yesterday</h2><p>${escapeHtml(emails)} sent.</p>`,
    activity.length > 0 ? li(activity.map(escapeHtml)) : '<p>Nothing logged.</p>',
    `<h2>Today's follow-ups (${total})</h2>`,
    followUps.length > 0
      ? li([...followUps.map((f) => `${escapeHtml(f.name)}${f.overdue ? ' <em>(overdue)</em>' : ''}`), ...(more > 0 ? [`and ${more} more`] : [])])
      : '<p>No follow-ups due. A good day to reach out to someone new.</p>',
    link ? `<p><a href="${escapeHtml(link)}">Open Today</a></p>` : '',
    '<p style="color: #666; font-size: 0.9em">You get this email because you turned on the daily digest in Fieldbook. Turn it off in Settings → Notifications.</p>',
    '</body></html>',
  ].join('');
  return { from, to: data.email ?? '', subject, text, html };
}

export type DigestStore = {
  readonly claim: (at: Date) => Promise<DigestData[]>;
  readonly unclaim: (data: DigestData) => Promise<void>;
};

export function restDigestStore(options: RestOptions): DigestStore {
  const rpc = restRpc(options);
  return {
    claim: async (at) => {
      const rows = await rpc<unknown>('digest_claim', { at: at.toISOString() });
      return Array.isArray(rows) ? (rows as DigestData[]) : [];
    },
    unclaim: async (data) => {
      await rpc<unknown>('digest_unclaim', { member: data.member_id, day: data.day, previous: data.previous_day_on });
    },
  };
}

export type EmailProvider = { readonly url: string; readonly key: string; readonly fetch?: typeof fetch };

/** One email through the provider's HTTP API; throws when it is not accepted. */
export async function sendEmail(provider: EmailProvider, email: DigestEmail): Promise<void> {
  const response = await (provider.fetch ?? fetch)(provider.url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${provider.key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(email),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`email provider: ${response.status} ${body.slice(0, 200)}`);
}

export type DigestSummary = { readonly due: number; readonly sent: number; readonly failed: number };

export async function runDigest(options: {
  readonly store: DigestStore;
  readonly provider: EmailProvider;
  readonly from: string;
  readonly appUrl?: string;
  readonly now: Date;
  readonly log?: (line: string) => void;
}): Promise<DigestSummary> {
  const log = options.log ?? (() => undefined);
  const due = await options.store.claim(options.now);
  let sent = 0;
  for (const data of due) {
    try {
      if (!data.email) throw new Error('no email address');
      await sendEmail(options.provider, composeDigest(data, options.from, options.appUrl));
      sent += 1;
    } catch (error) {
      log(`digest: ${data.member_id} not sent: ${(error as Error).message}`);
      if (data.email) await options.store.unclaim(data).catch((e: unknown) => log(`digest: unclaim failed: ${(e as Error).message}`));
    }
  }
  return { due: due.length, sent, failed: due.length - sent };
}
