/*
 * Messages from the service worker to the page. A click on a notification navigates an open window
 * itself when the worker controls it; a window it does not control yet (the first visit, before a
 * reload) gets { type: 'open', url } instead and routes in the app, without reloading.
 */

type MessageSource = {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
};

/**
 * Calls `navigate` with the path of each { type: 'open', url } message from the service worker; only
 * paths of the app ('/…', never '//host') are followed. Returns the function that stops listening.
 */
export function listenForOpenMessages(
  navigate: (path: string) => void,
  source: MessageSource | undefined = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker,
): () => void {
  if (!source) return () => undefined;
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { type?: unknown; url?: unknown } | null;
    if (data?.type !== 'open' || typeof data.url !== 'string') return;
    if (!data.url.startsWith('/') || data.url.startsWith('//') || data.url.startsWith('/\\')) return;
    navigate(data.url);
  };
  source.addEventListener('message', onMessage);
  return () => source.removeEventListener('message', onMessage);
}
