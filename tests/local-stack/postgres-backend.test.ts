import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { postgresAvailability, startPostgres, type PostgresServer } from '../support/postgres-server';
import { signedInClient } from '../support/local-stack';

const available = postgresAvailability();

describe.skipIf(!available)('the local stack over a real PostgreSQL 15 server (--database-url)', () => {
  let server: PostgresServer;
  let stack: LocalStack;

  beforeAll(async () => {
    server = await startPostgres({ schema: false });
    stack = await startLocalStack({ port: 0, databaseUrl: server.url });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await server?.stop();
  });

  it('applies bootstrap, migrations and seed, then serves auth, REST and realtime with the real client', async () => {
    const seeded = await stack.db.query<{ n: number }>('select count(*)::int as n from public.contacts');
    expect(seeded.rows[0]?.n).toBeGreaterThan(0);
    const { client, userId } = await signedInClient(stack, 'pg');
    const events: RealtimePostgresChangesPayload<Record<string, unknown>>[] = [];
    await new Promise<void>((resolve) =>
      client
        .channel('pg-backend')
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'contacts', filter: `member_id=eq.${userId}` }, (payload) => events.push(payload))
        .subscribe((status) => String(status) === 'SUBSCRIBED' && resolve()),
    );
    const id = crypto.randomUUID();
    const inserted = await client.from('contacts').insert({ id, first_name: 'On Postgres' }).select('member_id').single();
    expect(inserted.data?.member_id).toBe(userId);
    await expect.poll(() => events.length, { timeout: 5000 }).toBe(1);
    expect(events[0]?.new).toMatchObject({ id, first_name: 'On Postgres' });
    await client.removeAllChannels();
  });
});
