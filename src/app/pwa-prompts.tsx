import { useEffect, useRef } from 'react';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { useAppServices } from '../hooks/app-services';
import { useStoreValue } from '../hooks/use-store-value';

const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;
const OFFLINE_READY_TOAST_MS = 8000;

/**
 * Service-worker registration in prompt mode. A new build waits until the user says so, and the
 * prompt never appears while a form has unsaved input. Updates are checked hourly and whenever the app
 * is focused, comes back online, or is restored from the back-forward cache.
 */
export function PwaPrompts() {
  const { dirtyForms, announcements } = useAppServices();
  const dirty = useStoreValue(dirtyForms) > 0;
  const registration = useRef<ServiceWorkerRegistration | null>(null);
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, reg) {
      registration.current = reg ?? null;
    },
    onRegisterError(error) {
      console.warn('Service worker registration failed', error);
    },
  });

  useEffect(() => {
    const check = () => {
      const reg = registration.current;
      if (reg && navigator.onLine && !reg.installing) void reg.update().catch(() => undefined);
    };
    const timer = setInterval(check, UPDATE_CHECK_INTERVAL_MS);
    const onVisible = () => document.visibilityState === 'visible' && check();
    window.addEventListener('focus', check);
    window.addEventListener('online', check);
    window.addEventListener('pageshow', check);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', check);
      window.removeEventListener('online', check);
      window.removeEventListener('pageshow', check);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  const showUpdate = needRefresh && !dirty;
  useEffect(() => {
    if (showUpdate) announcements.announce('An update is available. Reload to use it.');
  }, [showUpdate, announcements]);
  useEffect(() => {
    if (!offlineReady) return;
    announcements.announce('Fieldbook is ready to work offline.');
    const timer = setTimeout(() => setOfflineReady(false), OFFLINE_READY_TOAST_MS);
    return () => clearTimeout(timer);
  }, [offlineReady, announcements, setOfflineReady]);

  if (showUpdate)
    return (
      <div className="toast toast--update">
        <span>Update available</span>
        <button type="button" className="toast__action" onClick={() => void updateServiceWorker(true)}>
          Reload
        </button>
        <button type="button" className="toast__action toast__action--quiet" onClick={() => setNeedRefresh(false)}>
          Later
        </button>
      </div>
    );
  if (offlineReady)
    return (
      <div className="toast">
        <span>Ready to work offline</span>
        <button type="button" className="toast__action" onClick={() => setOfflineReady(false)}>
          OK
        </button>
      </div>
    );
  return null;
}
