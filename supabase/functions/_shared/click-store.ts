/*
 * What the redirect (supabase/functions/r) reads and writes, through PostgREST with the service role:
 * plain fetch, so it runs the same on hosted Supabase, in the local stack and in vitest.
 *
 * - linkKey: the member and secret of a link key (by its public key id); a deleted key is unknown;
 * - previousHit: the latest hit on a link that was taken for a person's (for the second-hit rule), one query
 *   on the email_clicks_link index;
 * - insertClick: one email_clicks row. The id is made by the caller, so a retry after a lost answer
 *   cannot store the click twice (the second insert is a primary-key conflict, taken as done). The
 *   database gives the click its sent message when the link's row is there (migration
 *   20261129000200), so this never reads tracked_links.
 */
import type { ClickKind } from './classify.ts';

export type LinkKey = { readonly memberId: string; readonly secret: string };
export type PreviousHit = { readonly clickedAtMs: number; readonly network: string };
export type ClickRow = {
  readonly id: string;
  readonly member_id: string;
  readonly link_id: string;
  readonly url: string;
  readonly kind: ClickKind;
  readonly reason: string;
  readonly network: string;
  readonly clicked_at: string;
};

export type ClickStore = {
  readonly linkKey: (keyId: string) => Promise<LinkKey | null>;
  readonly previousHit: (memberId: string, linkId: string) => Promise<PreviousHit | null>;
  readonly insertClick: (row: ClickRow) => Promise<void>;
};

export class StoreError extends Error {}

export type RestStoreOptions = {
  readonly url: string;
  readonly serviceRoleKey: string;
  readonly fetch?: typeof fetch;
  /** Per request (5 s unless told). */
  readonly timeoutMs?: number;
};

export function restClickStore(options: RestStoreOptions): ClickStore {
  const base = `${options.url.replace(/\/+$/, '')}/rest/v1`;
  const doFetch = options.fetch ?? fetch;
  const headers = { apikey: options.serviceRoleKey, Authorization: `Bearer ${options.serviceRoleKey}` };
  const timeoutMs = options.timeoutMs ?? 5_000;

  const call = async (path: string, init: RequestInit = {}) => {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new StoreError(`${init.method ?? 'GET'} ${path.split('?')[0]}: ${(error as Error).message}`);
    }
    return response;
  };
  const readRows = async <T,>(path: string): Promise<T[]> => {
    const response = await call(path, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new StoreError(`GET ${path.split('?')[0]}: ${response.status} ${(await response.text()).slice(0, 200)}`);
    return (await response.json()) as T[];
  };

  return {
    linkKey: async (keyId) => {
      const rows = await readRows<{ member_id: string; secret: string }>(
        `/link_keys?select=member_id,secret&key_id=eq.${encodeURIComponent(keyId)}&deleted_at=is.null&limit=1`,
      );
      const row = rows[0];
      return row ? { memberId: row.member_id, secret: row.secret } : null;
    },
    previousHit: async (memberId, linkId) => {
      const rows = await readRows<{ clicked_at: string; network: string }>(
        `/email_clicks?select=clicked_at,network&link_id=eq.${encodeURIComponent(linkId)}&member_id=eq.${encodeURIComponent(memberId)}` +
          `&kind=eq.person&order=clicked_at.desc&limit=1`,
      );
      const row = rows[0];
      return row ? { clickedAtMs: Date.parse(row.clicked_at), network: row.network } : null;
    },
    insertClick: async (row) => {
      const attempt = async () => {
        const response = await call('/email_clicks', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Prefer: 'return=minimal' },
          body: JSON.stringify(row),
        });
        // 409: this id is already stored (an earlier attempt whose answer was lost).
        if (response.ok || response.status === 409) {
          await response.body?.cancel();
          return null;
        }
        return { status: response.status, error: new StoreError(`POST /email_clicks: ${response.status} ${(await response.text()).slice(0, 200)}`) };
      };
      let lastError: unknown;
      for (let tries = 0; tries < 3; tries += 1) {
        if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100 * tries));
        try {
          const failed = await attempt();
          if (!failed) return;
          lastError = failed.error;
          // A refusal (4xx) will not change on a retry; a server error or a lost connection may.
          if (failed.status < 500) break;
        } catch (error) {
          lastError = error;
        }
      }
      throw lastError instanceof Error ? lastError : new StoreError(String(lastError));
    },
  };
}
