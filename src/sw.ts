import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { clickTarget, openOrFocus, type ClientsLike } from './sw-click';
import { GENERIC_TAG, GENERIC_TITLE, NOTIFICATION_ICON, notificationFromPush } from './sw-push';

/*
 * Fieldbook's service worker (vite-plugin-pwa, injectManifest). It does what the generated one did:
 * the app shell precached, navigations answered with /index.html offline (never Supabase's paths),
 * outdated caches removed, and a new version waits until the app's "Update available → Reload"
 * posts SKIP_WAITING (no clientsClaim: the page that installs it stays with the old one until then).
 * It adds push notifications and what a click on one opens.
 *
 * The types below are the few parts of the worker's global scope used here: the WebWorker lib would
 * put `clients`, `skipWaiting` and the rest into every file of the app's single TypeScript program.
 */

type ExtendableEventLike = Event & { waitUntil(promise: Promise<unknown>): void };
type PushEventLike = ExtendableEventLike & { readonly data: { text(): string } | null };
type NotificationEventLike = ExtendableEventLike & { readonly notification: Notification };
type MessageEventLike = ExtendableEventLike & { readonly data: unknown };
type WorkerScope = {
  readonly __WB_MANIFEST: Array<PrecacheEntry | string>;
  readonly registration: ServiceWorkerRegistration;
  readonly clients: ClientsLike;
  readonly location: { readonly origin: string };
  readonly navigator: { setAppBadge?(count?: number): Promise<void>; clearAppBadge?(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'push', listener: (event: PushEventLike) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEventLike) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
};
declare const self: WorkerScope;

/** Same-origin paths that belong to Supabase (when it is served behind the app's origin), never the app shell. */
const NOT_THE_APP = [/^\/rest\//, /^\/auth\//, /^\/realtime\//, /^\/storage\//, /^\/functions\//];

self.addEventListener('message', (event) => {
  // What workbox-window's messageSkipWaiting() sends when the member chooses Reload.
  const data = event.data as { type?: unknown } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: NOT_THE_APP }));

self.addEventListener('push', (event) => {
  const { title, options, badge } = notificationFromPush(readText(event), self.location.origin);
  const shown = self.registration
    .showNotification(title, options)
    // Options a browser refuses still leave a notification, as userVisibleOnly promises.
    .catch(() => self.registration.showNotification(GENERIC_TITLE, { icon: NOTIFICATION_ICON, tag: GENERIC_TAG, data: { url: options.data.url } }))
    .catch((error: unknown) => console.warn('Fieldbook: could not show a notification', error));
  event.waitUntil(Promise.all([shown, setBadge(badge)]));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { url?: unknown } | null;
  const path = clickTarget(data?.url, self.location.origin);
  event.waitUntil(openOrFocus(self.clients, path, self.location.origin).catch((error: unknown) => console.warn('Fieldbook: could not open the app', error)));
});

function readText(event: PushEventLike): string | null {
  try {
    return event.data?.text() ?? null;
  } catch {
    return null;
  }
}

async function setBadge(count: number | null): Promise<void> {
  if (count === null) return;
  const { navigator } = self;
  try {
    if (count === 0 && navigator.clearAppBadge) await navigator.clearAppBadge();
    else if (navigator.setAppBadge) await navigator.setAppBadge(count);
  } catch {
    // No badge on this platform (or not allowed): nothing else depends on it.
  }
}
