export type Listener = () => void;

/** A value with `subscribe` + `getSnapshot`, the shape React's useSyncExternalStore reads. */
export type Subscribable<T> = {
  readonly subscribe: (listener: Listener) => () => void;
  readonly getSnapshot: () => T;
};

export type Store<T> = Subscribable<T> & {
  readonly set: (next: T | ((previous: T) => T)) => void;
};

/** Creates a store holding one immutable value; listeners run after each change. */
export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<Listener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => value,
    set(next) {
      const resolved = typeof next === 'function' ? (next as (previous: T) => T)(value) : next;
      if (Object.is(resolved, value)) return;
      value = resolved;
      for (const listener of [...listeners]) listener();
    },
  };
}
