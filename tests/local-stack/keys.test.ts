import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKeys } from '../../supabase/local/keys';

/*
 * The local stack remembers tokens whose signature it has verified (every request and realtime join
 * verifies one, and a client sends the same token for up to an hour). Remembering must never make a
 * token valid that verifying it again would refuse.
 */
describe('local stack keys: verified tokens are remembered, never beyond what they allow', () => {
  afterEach(() => vi.useRealTimers());

  it('verifies a token once and answers the same claims again, each caller with its own copy', async () => {
    const keys = await createKeys('a-secret-of-at-least-thirty-two-characters', 'http://local/auth/v1');
    const token = await keys.sign({ sub: 'member-1', role: 'authenticated' }, 3600);
    const first = await keys.verify(token);
    expect(first).toMatchObject({ sub: 'member-1', role: 'authenticated' });
    first!['role'] = 'service_role';
    expect(await keys.verify(token)).toMatchObject({ sub: 'member-1', role: 'authenticated' });
  });

  it('refuses a remembered token once it has expired', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-30T03:00:00Z'), toFake: ['Date'] });
    const keys = await createKeys('a-secret-of-at-least-thirty-two-characters', 'http://local/auth/v1');
    const token = await keys.sign({ sub: 'member-1', role: 'authenticated' }, 60);
    expect(await keys.verify(token)).not.toBeNull();
    vi.setSystemTime(Date.parse('2026-11-30T03:00:59Z'));
    expect(await keys.verify(token)).not.toBeNull();
    vi.setSystemTime(Date.parse('2026-11-30T03:01:00Z'));
    expect(await keys.verify(token)).toBeNull();
    expect(await keys.verify(token)).toBeNull();
  });

  it('refuses a token changed after a good one was remembered, and tokens of another secret', async () => {
    const keys = await createKeys('a-secret-of-at-least-thirty-two-characters', 'http://local/auth/v1');
    const other = await createKeys('another-secret-of-at-least-thirty-two-chars', 'http://local/auth/v1');
    const token = await keys.sign({ sub: 'member-1', role: 'authenticated' }, 3600);
    expect(await keys.verify(token)).not.toBeNull();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'service_role' })).toString('base64url')}.${signature}`;
    expect(await keys.verify(forged)).toBeNull();
    expect(await other.verify(token)).toBeNull();
    expect(await keys.verify(`${token}x`)).toBeNull();
  });
});
