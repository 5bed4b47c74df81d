import { useAppServices } from './app-services';
import { useStoreValue } from './use-store-value';

export type Route =
  | { readonly name: 'today' }
  | { readonly name: 'dashboard' }
  | { readonly name: 'goals' }
  | { readonly name: 'review' }
  | { readonly name: 'contacts' }
  | { readonly name: 'contact-new' }
  | { readonly name: 'contacts-import' }
  | { readonly name: 'contacts-duplicates' }
  | { readonly name: 'contact'; readonly id: string }
  | { readonly name: 'contact-edit'; readonly id: string }
  | { readonly name: 'activity' }
  | { readonly name: 'templates' }
  | { readonly name: 'settings' }
  | { readonly name: 'dev' }
  | { readonly name: 'account' }
  | { readonly name: 'sync-review' }
  /** `/team`, or `/join/<code>`: the team screen with an invitation code filled in. */
  | { readonly name: 'team'; readonly code?: string }
  | { readonly name: 'not-found'; readonly path: string };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function parseRoute(path: string): Route {
  const clean = path.split(/[?#]/)[0]?.replace(/\/+$/, '') ?? '';
  const parts = clean.split('/').filter(Boolean);
  const [first, second, third] = parts;
  if (parts.length === 0 || (first === 'today' && parts.length === 1)) return { name: 'today' };
  if (first === 'dashboard' && parts.length === 1) return { name: 'dashboard' };
  if (first === 'activity' && parts.length === 1) return { name: 'activity' };
  if (first === 'goals' && parts.length === 1) return { name: 'goals' };
  if (first === 'review' && parts.length === 1) return { name: 'review' };
  if (first === 'templates' && parts.length === 1) return { name: 'templates' };
  if (first === 'settings' && parts.length === 1) return { name: 'settings' };
  if (first === 'dev' && parts.length === 1) return { name: 'dev' };
  if (first === 'account' && parts.length === 1) return { name: 'account' };
  if (first === 'team' && parts.length === 1) return { name: 'team' };
  if (first === 'join' && second !== undefined && parts.length === 2) {
    const code = decode(second);
    if (code !== null) return { name: 'team', code };
  }
  if (first === 'sync' && second === 'review' && parts.length === 2) return { name: 'sync-review' };
  if (first === 'contacts') {
    if (second === undefined) return { name: 'contacts' };
    if (second === 'new' && third === undefined) return { name: 'contact-new' };
    if (second === 'import' && third === undefined) return { name: 'contacts-import' };
    if (second === 'duplicates' && third === undefined) return { name: 'contacts-duplicates' };
    const id = decode(second);
    if (id !== null && third === undefined) return { name: 'contact', id };
    if (id !== null && third === 'edit' && parts.length === 3) return { name: 'contact-edit', id };
  }
  return { name: 'not-found', path: clean };
}

export function useRoute(): Route {
  return parseRoute(useStoreValue(useAppServices().router));
}

export function useNavigate() {
  return useAppServices().router.navigate;
}
