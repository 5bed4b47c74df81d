import { createStore } from '../../shared/subscribable';

/** The current path (with query) as a subscribable, kept in step with the History API and back/forward. */
export function createHistoryRouter(win: Window) {
  const current = () => `${win.location.pathname}${win.location.search}`;
  const store = createStore(current());
  win.addEventListener('popstate', () => store.set(current()));
  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    navigate(path: string, options: { replace?: boolean } = {}) {
      if (path === current()) return;
      if (options.replace) win.history.replaceState(null, '', path);
      else win.history.pushState(null, '', path);
      store.set(current());
      win.scrollTo?.(0, 0);
    },
  };
}
