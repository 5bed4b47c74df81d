import { describe, expect, it } from 'vitest';
import { clickTarget, openOrFocus, type ClientsLike, type OpenMessage, type WindowClientLike } from './sw-click';

const ORIGIN = 'https://app.fieldbook.test';

describe('clickTarget', () => {
  it('keeps paths of the app, with their query and hash', () => {
    expect(clickTarget('/contacts/c1', ORIGIN)).toBe('/contacts/c1');
    expect(clickTarget('/today?source=push#due', ORIGIN)).toBe('/today?source=push#due');
    expect(clickTarget(`${ORIGIN}/team`, ORIGIN)).toBe('/team');
    expect(clickTarget('contacts/c1', ORIGIN)).toBe('/contacts/c1');
  });

  it('opens Today for other origins, other schemes and anything that is not a URL', () => {
    for (const url of ['https://evil.example/phish', '//evil.example/x', 'javascript:alert(1)', 'data:text/html,hi', 'http://app.fieldbook.test/team', '', '   ', null, undefined, 42, { url: '/team' }]) {
      expect(clickTarget(url, ORIGIN), JSON.stringify(url) ?? 'undefined').toBe('/today');
    }
  });
});

type FakeWindow = WindowClientLike & { messages: OpenMessage[]; navigations: string[]; focusCount: number };

function fakeWindow(url: string, options: { focused?: boolean; controlled?: boolean } = {}): FakeWindow {
  const client: FakeWindow = {
    url,
    focused: options.focused ?? false,
    messages: [],
    navigations: [],
    focusCount: 0,
    focus() {
      client.focusCount += 1;
      return Promise.resolve(client);
    },
    navigate(to: string) {
      // A window the worker does not control cannot be navigated by it.
      if (options.controlled === false) return Promise.reject(new TypeError('This service worker is not the client’s active service worker.'));
      client.navigations.push(to);
      return Promise.resolve(client);
    },
    postMessage(message: OpenMessage) {
      client.messages.push(message);
    },
  };
  return client;
}

function fakeClients(windows: WindowClientLike[]): ClientsLike & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    matchAll: () => Promise.resolve(windows),
    openWindow: (url) => {
      opened.push(url);
      return Promise.resolve(null);
    },
  };
}

describe('openOrFocus', () => {
  it('opens a window on the path when the app has none open', async () => {
    const clients = fakeClients([]);
    expect(await openOrFocus(clients, '/contacts/c1', ORIGIN)).toBe('opened');
    expect(clients.opened).toEqual(['/contacts/c1']);
  });

  it('focuses an open window and navigates it, preferring the focused one', async () => {
    const background = fakeWindow(`${ORIGIN}/dashboard`);
    const focused = fakeWindow(`${ORIGIN}/today`, { focused: true });
    const clients = fakeClients([background, focused]);
    expect(await openOrFocus(clients, '/contacts/c1', ORIGIN)).toBe('navigated');
    expect([focused.focusCount, focused.navigations]).toEqual([1, ['/contacts/c1']]);
    expect([background.focusCount, background.navigations]).toEqual([0, []]);
    expect(clients.opened).toEqual([]);
  });

  it('asks the page to route itself when the worker cannot navigate it', async () => {
    const uncontrolled = fakeWindow(`${ORIGIN}/today`, { controlled: false });
    const clients = fakeClients([uncontrolled]);
    expect(await openOrFocus(clients, '/team', ORIGIN)).toBe('messaged');
    expect(uncontrolled.messages).toEqual([{ type: 'open', url: '/team' }]);
    expect(uncontrolled.focusCount).toBe(1);
    expect(clients.opened).toEqual([]);
  });

  it('only focuses a window already on the path', async () => {
    const there = fakeWindow(`${ORIGIN}/contacts/c1`);
    expect(await openOrFocus(fakeClients([there]), '/contacts/c1', ORIGIN)).toBe('focused');
    expect([there.focusCount, there.navigations, there.messages]).toEqual([1, [], []]);
  });

  it('ignores windows of other origins', async () => {
    const other = fakeWindow('https://elsewhere.test/today', { focused: true });
    const clients = fakeClients([other]);
    expect(await openOrFocus(clients, '/today', ORIGIN)).toBe('opened');
    expect([other.focusCount, other.navigations]).toEqual([0, []]);
    expect(clients.opened).toEqual(['/today']);
  });
});
