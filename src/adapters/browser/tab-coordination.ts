import type { ChannelPort, LockPort } from '../../sync/ports';

/** Web Locks, or (where missing) every tab leads: correct, only less economical. */
export function browserLocks(win: Window): LockPort {
  return {
    request(name, whileHeld) {
      const locks = win.navigator.locks as LockManager | undefined;
      if (locks) void locks.request(name, whileHeld);
      else void whileHeld();
    },
  };
}

/**
 * A BroadcastChannel between this origin's tabs; a silent channel where the browser has none. What
 * arrives is handed on as unknown data: the receiver checks it (another tab may run another build).
 */
export function browserChannel<M>(win: Window, name: string): ChannelPort<M> {
  const Channel = (win as Window & { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
  if (typeof Channel !== 'function') return { post: () => undefined, onMessage: () => () => undefined, close: () => undefined };
  const channel = new Channel(name);
  return {
    post: (message) => channel.postMessage(message),
    onMessage(listener) {
      const handle = (event: MessageEvent<unknown>) => listener(event.data);
      channel.addEventListener('message', handle);
      return () => channel.removeEventListener('message', handle);
    },
    close: () => channel.close(),
  };
}

/** The browser's own idea of the network: `online`/`offline` events and navigator.onLine. */
export function onNetworkChange(win: Window, listener: (online: boolean) => void): () => void {
  const online = () => listener(true);
  const offline = () => listener(false);
  win.addEventListener('online', online);
  win.addEventListener('offline', offline);
  return () => {
    win.removeEventListener('online', online);
    win.removeEventListener('offline', offline);
  };
}

export const isOnline = (win: Window) => win.navigator.onLine !== false;
