import { detectPlatform, type DevicePlatform } from '../../domain/contact-links';

type NavigatorWithStandalone = Navigator & { standalone?: boolean };

/** Everything the screens need from the browser, in one place (the only layer that touches browser globals). */
export function createBrowserPlatform(win: Window) {
  const nav = win.navigator as NavigatorWithStandalone;
  const device: DevicePlatform = detectPlatform(nav.userAgent, nav.maxTouchPoints);
  return {
    device,
    now: () => Date.now(),
    openExternal(url: string) {
      if (url.startsWith('https:')) win.open(url, '_blank', 'noopener,noreferrer');
      else win.location.href = url;
    },
    onReturn(listener: () => void) {
      // Phones fire visibilitychange when the dialer or messaging app closes; desktops often only focus.
      let last = 0;
      const fire = () => {
        if (win.document.visibilityState !== 'visible' || Date.now() - last < 500) return;
        last = Date.now();
        listener();
      };
      win.document.addEventListener('visibilitychange', fire);
      win.addEventListener('focus', fire);
      return () => {
        win.document.removeEventListener('visibilitychange', fire);
        win.removeEventListener('focus', fire);
      };
    },
    download(filename: string, text: string, mimeType: string) {
      const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
      const link = win.document.createElement('a');
      link.href = url;
      link.download = filename;
      link.click();
      win.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    async storageEstimate() {
      if (!nav.storage?.estimate) return null;
      const { usage = 0, quota = 0 } = await nav.storage.estimate();
      return { usage, quota };
    },
    async storagePersisted() {
      return nav.storage?.persisted ? nav.storage.persisted() : null;
    },
    async requestPersistentStorage() {
      return nav.storage?.persist ? nav.storage.persist().catch(() => false) : null;
    },
    isStandalone: () => win.matchMedia?.('(display-mode: standalone)').matches === true || nav.standalone === true,
    reload: () => win.location.reload(),
  };
}

export type BrowserPlatform = ReturnType<typeof createBrowserPlatform>;
