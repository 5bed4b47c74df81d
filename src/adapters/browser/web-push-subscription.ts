/*
 * This device's Web Push subscription, through the service worker's PushManager. Every call is made
 * from a user gesture where the browser asks for permission (subscribe), never on load.
 */

/** What this browser can do about push. */
export type PushSupport =
  | 'supported'
  /** iPhone or iPad in a browser tab: push works only for the app added to the Home Screen (iOS 16.4+). */
  | 'ios-needs-home-screen'
  /** The member refused notifications for this site: only the browser's settings can undo that. */
  | 'denied'
  | 'unsupported';

type IosNavigator = Navigator & { standalone?: boolean };
/** The window with its Notification constructor, where the browser has one. */
const notificationsOf = (win: Window): typeof Notification | undefined => (win as Window & { Notification?: typeof Notification }).Notification;

export function isIos(nav: Navigator): boolean {
  return /iPad|iPhone|iPod/.test(nav.userAgent) || (nav.platform === 'MacIntel' && nav.maxTouchPoints > 1);
}

export function pushSupport(win: Window): PushSupport {
  const nav = win.navigator as IosNavigator;
  const standalone = nav.standalone === true || win.matchMedia?.('(display-mode: standalone)').matches === true;
  if (isIos(nav) && !standalone) return 'ios-needs-home-screen';
  const notifications = notificationsOf(win);
  if (!('serviceWorker' in nav) || !('PushManager' in win) || !notifications) return 'unsupported';
  if (notifications.permission === 'denied') return 'denied';
  return 'supported';
}

export type DeviceSubscription = { readonly endpoint: string; readonly p256dh: string; readonly auth: string };

const toBase64Url = (buffer: ArrayBuffer | null): string =>
  buffer === null
    ? ''
    : btoa(String.fromCharCode(...new Uint8Array(buffer)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const asDevice = (subscription: PushSubscription): DeviceSubscription => ({
  endpoint: subscription.endpoint,
  p256dh: toBase64Url(subscription.getKey('p256dh')),
  auth: toBase64Url(subscription.getKey('auth')),
});

/** The service worker's registration, without waiting forever where there is none (development). */
async function registration(win: Window): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in win.navigator)) return null;
  return (await win.navigator.serviceWorker.getRegistration()) ?? null;
}

/** This device's subscription, if it has one and notifications are still allowed. */
export async function currentSubscription(win: Window): Promise<DeviceSubscription | null> {
  if (pushSupport(win) !== 'supported' || notificationsOf(win)?.permission !== 'granted') return null;
  const found = await (await registration(win))?.pushManager.getSubscription();
  return found ? asDevice(found) : null;
}

/** Asks for permission (call from a user gesture) and subscribes with the server's VAPID key. */
export async function subscribeDevice(win: Window, vapidPublicKey: string): Promise<{ ok: true; value: DeviceSubscription } | { ok: false; error: string }> {
  const support = pushSupport(win);
  if (support !== 'supported') return { ok: false, error: SUPPORT_MESSAGES[support] };
  const permission = (await notificationsOf(win)?.requestPermission()) ?? 'denied';
  if (permission !== 'granted')
    return { ok: false, error: permission === 'denied' ? SUPPORT_MESSAGES.denied : 'Notifications were not allowed. Try again and choose Allow.' };
  const reg = await registration(win);
  if (!reg) return { ok: false, error: 'Notifications need the installed app’s background worker, which is not running. Reload the app and try again.' };
  try {
    const existing = await reg.pushManager.getSubscription();
    const subscription = existing ?? (await withTimeout(reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(vapidPublicKey) }), SUBSCRIBE_TIMEOUT_MS));
    if (subscription === null) return { ok: false, error: 'The browser’s push service did not answer. Check your connection and try again.' };
    return { ok: true, value: asDevice(subscription) };
  } catch (error) {
    return { ok: false, error: `This browser could not turn on notifications (${error instanceof Error ? error.message : String(error)}).` };
  }
}

/** How long the browser's push service may take to register this device. */
const SUBSCRIBE_TIMEOUT_MS = 15_000;

/** The promise's value, or null when it takes longer than `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(null), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Drops this device's subscription in the browser; the endpoint it had, if any. */
export async function unsubscribeDevice(win: Window): Promise<string | null> {
  const found = await (await registration(win))?.pushManager.getSubscription();
  if (!found) return null;
  await found.unsubscribe();
  return found.endpoint;
}

export const SUPPORT_MESSAGES: Readonly<Record<Exclude<PushSupport, 'supported'>, string>> = {
  'ios-needs-home-screen':
    'On iPhone and iPad, notifications work for Fieldbook added to the Home Screen (iOS 16.4 or later): tap Share, then “Add to Home Screen”, open Fieldbook from there and turn them on in its Settings.',
  denied: 'Notifications are blocked for Fieldbook in this browser’s settings. Allow them there, then come back.',
  unsupported: 'This browser cannot show notifications from Fieldbook. The app badge and the daily email still work.',
};
