import { describe, expect, it } from 'vitest';
import { listenForOpenMessages } from './sw-messages';

describe('listenForOpenMessages', () => {
  it('routes to the path of an open message from the service worker, and only to paths of the app', () => {
    const source = new EventTarget();
    const paths: string[] = [];
    const stop = listenForOpenMessages((path) => paths.push(path), source as never);
    const send = (data: unknown) => source.dispatchEvent(new MessageEvent('message', { data }));
    send({ type: 'open', url: '/contacts/c1' });
    send({ type: 'open', url: '//evil.example/x' });
    send({ type: 'open', url: '/\\evil.example' });
    send({ type: 'open', url: 'https://evil.example/' });
    send({ type: 'open', url: 42 });
    send({ type: 'SKIP_WAITING' });
    send(null);
    send('open');
    send({ type: 'open', url: '/today?source=push' });
    stop();
    send({ type: 'open', url: '/team' });
    expect(paths).toEqual(['/contacts/c1', '/today?source=push']);
  });

  it('does nothing without service workers', () => {
    expect(() => listenForOpenMessages(() => undefined, undefined)()).not.toThrow();
  });
});
