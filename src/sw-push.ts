import { clickTarget, FALLBACK_PATH } from './sw-click';

/*
 * What a push message shows, kept apart from the service worker so it can be tested in node. The
 * payload is JSON: { title, body, tag?, url, badge?, renotify? }. Chrome subscribes with
 * userVisibleOnly, so every push shows a notification: a payload that is missing or malformed shows a
 * minimal "Fieldbook" one rather than none.
 */

export const NOTIFICATION_ICON = '/icon-192.png';
export const GENERIC_TITLE = 'Fieldbook';
/** The generic notifications share one tag, so a run of bad payloads shows one notification, not many. */
export const GENERIC_TAG = 'fieldbook';

const MAX_TITLE = 120;
const MAX_BODY = 500;
const MAX_TAG = 120;

export type PushNotification = {
  readonly title: string;
  readonly options: {
    readonly body: string;
    readonly icon: string;
    readonly tag?: string;
    readonly renotify?: boolean;
    readonly data: { readonly url: string };
  };
  /** Follow-ups due today for the app badge (0 clears it), or null to leave the badge alone. */
  readonly badge: number | null;
};

/** The notification for a push whose data reads as `text` (null: no data). Never throws. */
export function notificationFromPush(text: string | null, origin: string): PushNotification {
  const payload = parse(text);
  const title = typeof payload?.['title'] === 'string' ? payload['title'].trim().slice(0, MAX_TITLE) : '';
  if (payload === null || title === '') return generic(badgeOf(payload));
  const body = typeof payload['body'] === 'string' ? payload['body'].slice(0, MAX_BODY) : '';
  const tag = typeof payload['tag'] === 'string' && payload['tag'] !== '' ? payload['tag'].slice(0, MAX_TAG) : undefined;
  // Renotifying needs a tag (Chrome throws without one): with a tag, a replacement alerts again only when asked to.
  const renotify = tag !== undefined && payload['renotify'] === true;
  return {
    title,
    options: { body, icon: NOTIFICATION_ICON, ...(tag !== undefined ? { tag } : {}), ...(renotify ? { renotify } : {}), data: { url: clickTarget(payload['url'], origin) } },
    badge: badgeOf(payload),
  };
}

function generic(badge: number | null): PushNotification {
  return { title: GENERIC_TITLE, options: { body: '', icon: NOTIFICATION_ICON, tag: GENERIC_TAG, data: { url: FALLBACK_PATH } }, badge };
}

function parse(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function badgeOf(payload: Record<string, unknown> | null): number | null {
  const badge = payload?.['badge'];
  return typeof badge === 'number' && Number.isInteger(badge) && badge >= 0 && badge <= 1_000_000 ? badge : null;
}
