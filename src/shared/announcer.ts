import { createStore, type Subscribable } from './subscribable';

export type Announcement = { readonly text: string; readonly seq: number };

/** Messages for the one status region; the sequence number lets the same words be announced twice. */
export type Announcer = Subscribable<Announcement> & { readonly announce: (text: string) => void };

export function createAnnouncer(): Announcer {
  const store = createStore<Announcement>({ text: '', seq: 0 });
  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    announce: (text) => store.set((previous) => ({ text, seq: previous.seq + 1 })),
  };
}
