/*
 * What a click on a notification opens, kept apart from the service worker so it can be tested in
 * node with a fake `clients`. Only paths of the app's own origin are opened; anything else (another
 * origin, javascript:, a malformed value) opens Today.
 */

export const FALLBACK_PATH = '/today';

/** The message a page receives when the worker cannot navigate it itself (see adapters/browser/sw-messages.ts). */
export type OpenMessage = { readonly type: 'open'; readonly url: string };

/** The part of a WindowClient this module uses. */
export type WindowClientLike = {
  readonly url: string;
  readonly focused: boolean;
  focus(): Promise<WindowClientLike>;
  navigate?(url: string): Promise<WindowClientLike | null>;
  postMessage(message: OpenMessage): void;
};

/** The part of a service worker's `clients` this module uses. */
export type ClientsLike = {
  matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowClientLike[]>;
  openWindow(url: string): Promise<unknown>;
};

/** The same-origin path (with query and hash) that `url` names, or /today when it names anything else. */
export function clickTarget(url: unknown, origin: string): string {
  if (typeof url !== 'string' || url.trim() === '') return FALLBACK_PATH;
  let parsed: URL;
  try {
    parsed = new URL(url, origin);
  } catch {
    return FALLBACK_PATH;
  }
  if (parsed.origin !== origin || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return FALLBACK_PATH;
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}

export type OpenResult = 'navigated' | 'messaged' | 'focused' | 'opened';

/**
 * Focuses a window of the app (the focused one first) and takes it to `path`: with `navigate` when the
 * worker controls it, else by asking the page to route itself. Without a window, opens one.
 */
export async function openOrFocus(clients: ClientsLike, path: string, origin: string): Promise<OpenResult> {
  const windows = (await clients.matchAll({ type: 'window', includeUncontrolled: true })).filter((client) => sameOrigin(client.url, origin));
  const client = windows.find((candidate) => candidate.focused) ?? windows[0];
  if (!client) {
    await clients.openWindow(path);
    return 'opened';
  }
  const focused = await client.focus().catch(() => client);
  if (samePath(focused.url, path, origin)) return 'focused';
  if (focused.navigate) {
    try {
      // Resolves to null when the page ends up on another origin, and rejects for a window this worker does not control.
      if ((await focused.navigate(path)) !== null) return 'navigated';
    } catch {
      // fall through to asking the page
    }
  }
  focused.postMessage({ type: 'open', url: path });
  return 'messaged';
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

function samePath(url: string, path: string, origin: string): boolean {
  try {
    const current = new URL(url);
    return `${current.pathname}${current.search}${current.hash}` === new URL(path, origin).href.slice(origin.length);
  } catch {
    return false;
  }
}
