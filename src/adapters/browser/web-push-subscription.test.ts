import { describe, expect, it } from 'vitest';
import { pushSupport, subscribeDevice } from './web-push-subscription';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const IPAD_AS_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const PIXEL = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';

/** A window with just what pushSupport and subscribeDevice look at. */
function fakeWindow(options: { ua: string; platform?: string; touch?: number; standalone?: boolean; push?: boolean; permission?: NotificationPermission; answer?: NotificationPermission }) {
  const permissionAsked: string[] = [];
  const nav: Record<string, unknown> = { userAgent: options.ua, platform: options.platform ?? 'Linux', maxTouchPoints: options.touch ?? 0, standalone: options.standalone };
  if (options.push !== false) nav['serviceWorker'] = { getRegistration: () => Promise.resolve(undefined) };
  const win: Record<string, unknown> = {
    navigator: nav,
    matchMedia: (query: string) => ({ matches: query === '(display-mode: standalone)' && options.standalone === true }),
  };
  if (options.push !== false) {
    win['PushManager'] = class {};
    win['Notification'] = {
      permission: options.permission ?? 'default',
      requestPermission: () => {
        permissionAsked.push('asked');
        return Promise.resolve(options.answer ?? 'granted');
      },
    };
  }
  return { win: win as unknown as Window, permissionAsked };
}

describe('what this browser can do about push', () => {
  it('iPhone and iPad in a Safari tab: add to the Home Screen first; from the Home Screen: supported', () => {
    expect(pushSupport(fakeWindow({ ua: IPHONE }).win)).toBe('ios-needs-home-screen');
    expect(pushSupport(fakeWindow({ ua: IPAD_AS_MAC, platform: 'MacIntel', touch: 5 }).win)).toBe('ios-needs-home-screen');
    expect(pushSupport(fakeWindow({ ua: IPHONE, standalone: true }).win)).toBe('supported');
  });

  it('Android Chrome: supported; blocked by the member: denied; no Push API: unsupported', () => {
    expect(pushSupport(fakeWindow({ ua: PIXEL }).win)).toBe('supported');
    expect(pushSupport(fakeWindow({ ua: PIXEL, permission: 'denied' }).win)).toBe('denied');
    expect(pushSupport(fakeWindow({ ua: PIXEL, push: false }).win)).toBe('unsupported');
  });

  it('subscribing asks for permission only where push can work, and says why when it cannot', async () => {
    const tab = fakeWindow({ ua: IPHONE });
    const refused = await subscribeDevice(tab.win, 'BPublicKey');
    expect(refused.ok === false && refused.error).toMatch(/Add to Home Screen/);
    expect(tab.permissionAsked).toEqual([]);

    const declined = fakeWindow({ ua: PIXEL, answer: 'denied' });
    const answer = await subscribeDevice(declined.win, 'BPublicKey');
    expect(declined.permissionAsked).toEqual(['asked']);
    expect(answer.ok === false && answer.error).toMatch(/blocked for Fieldbook/);

    const noWorker = fakeWindow({ ua: PIXEL });
    const missing = await subscribeDevice(noWorker.win, 'BPublicKey');
    expect(missing.ok === false && missing.error).toMatch(/background worker/);
  });
});
