import type { Session } from '../hooks/app-services';

/** Where supabase-js keeps the session (its `storageKey`), read here without loading supabase-js. */
export const AUTH_STORAGE_KEY = 'fieldbook-auth';

type StoredSession = { user?: { id?: unknown; email?: unknown } };

/**
 * The signed-in member as stored by supabase-js, read without the network (an expired token still
 * counts: its queued writes wait in the member's database for a refresh), so startup can open the
 * right database while supabase-js is still loading.
 */
export function storedSession(win: Window): Session | null {
  try {
    const stored = JSON.parse(win.localStorage.getItem(AUTH_STORAGE_KEY) ?? 'null') as StoredSession | null;
    const id = stored?.user?.id;
    return typeof id === 'string' ? { userId: id, email: typeof stored?.user?.email === 'string' ? stored.user.email : '' } : null;
  } catch {
    return null;
  }
}
