/*
 * The app badge (Badging API: installed PWAs on Chrome, Edge and Safari 16.4+ on the Home Screen):
 * the number on the app's icon. Feature-detected; elsewhere setting it does nothing. It never throws
 * or rejects: a badge the platform refuses changes nothing else.
 */

export type BadgeNavigator = {
  setAppBadge?(count?: number): Promise<void>;
  clearAppBadge?(): Promise<void>;
};

/** Shows `count` on the app's icon; 0 (or anything not a positive number) clears it. */
export async function setBadge(count: number, nav: BadgeNavigator | undefined = typeof navigator === 'undefined' ? undefined : navigator): Promise<void> {
  if (!nav) return;
  const value = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
  try {
    if (value === 0 && typeof nav.clearAppBadge === 'function') await nav.clearAppBadge();
    else if (typeof nav.setAppBadge === 'function') await nav.setAppBadge(value);
  } catch {
    // Not allowed here (not installed, no permission): the badge is a nicety.
  }
}
