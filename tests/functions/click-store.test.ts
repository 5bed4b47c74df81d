import { describe, expect, it } from 'vitest';
import { restClickStore, type ClickRow } from '../../supabase/functions/_shared/click-store';

/* The redirect's PostgREST calls (supabase/functions/_shared/click-store.ts) against a scripted fetch. */

type Call = { url: string; method: string; headers: Record<string, string>; body: string | null };

function scripted(answers: (Response | Error)[]) {
  const calls: Call[] = [];
  const fetcher = (input: string, init: RequestInit = {}) => {
    calls.push({ url: input, method: init.method ?? 'GET', headers: init.headers as Record<string, string>, body: (init.body as string | undefined) ?? null });
    const next = answers.shift() ?? new Error('no answer scripted');
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { calls, store: restClickStore({ url: 'http://stack.local/', serviceRoleKey: 'service-key', fetch: fetcher as unknown as typeof fetch }) };
}

const row: ClickRow = {
  id: '22222222-2222-4222-8222-222222222222',
  member_id: '11111111-1111-4111-8111-111111111111',
  link_id: '33333333-3333-4333-8333-333333333333',
  url: 'https://example.com/kit',
  kind: 'person',
  reason: '',
  network: 'abcdefghijklmnop',
  clicked_at: '2026-11-29T12:00:00.000Z',
};

describe('the click store', () => {
  it('reads a live key by its id with the service role', async () => {
    const { calls, store } = scripted([Response.json([{ member_id: row.member_id, secret: 's' }]), Response.json([])]);
    expect(await store.linkKey('AbC_-123456')).toEqual({ memberId: row.member_id, secret: 's' });
    expect(await store.linkKey('AbC_-123456')).toBeNull();
    expect(calls[0]!.url).toBe('http://stack.local/rest/v1/link_keys?select=member_id,secret&key_id=eq.AbC_-123456&deleted_at=is.null&limit=1');
    expect(calls[0]!.headers).toMatchObject({ apikey: 'service-key', Authorization: 'Bearer service-key' });
  });

  it('reads the latest person hit of the member on the link', async () => {
    const { calls, store } = scripted([Response.json([{ clicked_at: row.clicked_at, network: 'n' }]), Response.json([])]);
    expect(await store.previousHit(row.member_id, row.link_id)).toEqual({ clickedAtMs: Date.parse(row.clicked_at), network: 'n' });
    expect(await store.previousHit(row.member_id, row.link_id)).toBeNull();
    expect(calls[0]!.url).toBe(
      `http://stack.local/rest/v1/email_clicks?select=clicked_at,network&link_id=eq.${row.link_id}&member_id=eq.${row.member_id}&kind=eq.person&order=clicked_at.desc&limit=1`,
    );
  });

  it('a failed read throws (the redirect then answers 503 or classifies without it)', async () => {
    const { store } = scripted([new Response('boom', { status: 500 }), new TypeError('connection refused')]);
    await expect(store.linkKey('AbC_-123456')).rejects.toThrow(/500 boom/);
    await expect(store.linkKey('AbC_-123456')).rejects.toThrow(/connection refused/);
  });

  it('inserts once; a lost answer or a server error is retried with the same id, and a conflict means it is there', async () => {
    const { calls, store } = scripted([new TypeError('socket hang up'), new Response('oops', { status: 503 }), new Response(null, { status: 409 })]);
    await store.insertClick(row);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call).toMatchObject({ url: 'http://stack.local/rest/v1/email_clicks', method: 'POST' });
      expect(JSON.parse(call.body!)).toEqual(row);
      expect(call.headers).toMatchObject({ Prefer: 'return=minimal', 'Content-Type': 'application/json' });
    }
  });

  it('a refusal is not retried, and three failures give up', async () => {
    const refused = scripted([new Response('{"message":"violates check"}', { status: 400 })]);
    await expect(refused.store.insertClick(row)).rejects.toThrow(/400 .*violates check/);
    expect(refused.calls).toHaveLength(1);
    const down = scripted([new TypeError('a'), new TypeError('b'), new TypeError('c'), Response.json([])]);
    await expect(down.store.insertClick(row)).rejects.toThrow(/c/);
    expect(down.calls).toHaveLength(3);
  });
});
