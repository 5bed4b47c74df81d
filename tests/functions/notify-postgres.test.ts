import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../supabase/functions/_shared/web-push';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { startFakePushService, type FakePushService } from '../support/fake-push-service';
import { clientFor, signedInClient } from '../support/local-stack';
import { postgresAvailability, startPostgres, type PostgresServer } from '../support/postgres-server';

/*
 * Overlapping runs of notify on a real PostgreSQL 15 server, where transactions do run at the same
 * time (PGlite runs one at a time): clicks keep arriving while three runs at once go over the same
 * devices, round after round. Every click reaches every device exactly once: the counts in the
 * pushes add up to the clicks, and each delivery row is 'sent'.
 */

const available = postgresAvailability();

describe.skipIf(!available)('notify: overlapping runs on PostgreSQL 15', () => {
  let server: PostgresServer;
  let stack: LocalStack;
  let push: FakePushService;

  beforeAll(async () => {
    const vapid = await generateVapidKeys();
    push = await startFakePushService();
    server = await startPostgres({ schema: false });
    stack = await startLocalStack({
      port: 0,
      seed: false,
      databaseUrl: server.url,
      functions: { env: { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:ops@fieldbook.test' } },
    });
    await stack.functions.warm('notify');
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await server?.stop();
    await push?.close();
  });

  it('three runs at once, five rounds, clicks arriving meanwhile: each click once on each device', async () => {
    const { client, userId } = await signedInClient(stack, 'overlap');
    const member = client as unknown as SupabaseClient;
    const service = clientFor(stack, stack.serviceRoleKey) as unknown as SupabaseClient;
    const devices = [push.subscribe(), push.subscribe(), push.subscribe()];
    for (const sub of devices) {
      const answer: { data: unknown; error: { message: string } | null } = await member.rpc('push_subscribe', { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth });
      if (answer.error) throw new Error(answer.error.message);
      // No quiet hours, and no follow-up reminder: at its hour (8:00 UTC) it would claim a delivery of
      // its own ('empty', with nothing due), which is not what this test counts.
      await member.from('push_subscriptions').update({ quiet_start: 0, quiet_end: 0, follow_ups: false }).eq('id', answer.data);
    }
    const run = () =>
      fetch(`${stack.url}/functions/v1/notify`, { method: 'POST', headers: { Authorization: `Bearer ${stack.serviceRoleKey}` }, body: '{}' }).then((r) => r.status);
    const clickOnce = async (n: number) => {
      const contact = crypto.randomUUID();
      const sent = crypto.randomUUID();
      const link = crypto.randomUUID();
      await member.from('contacts').insert({ id: contact, first_name: `P${n}`, last_name: 'Person' });
      await member.from('sent_emails').insert({ id: sent, contact_id: contact, to_email: 'p@example.com' });
      await member.from('tracked_links').insert({ id: link, sent_email_id: sent, url: 'https://example.com/x' });
      const { error } = await service.from('email_clicks').insert({ member_id: userId, link_id: link, url: 'https://example.com/x', kind: 'person' });
      if (error) throw new Error(error.message);
    };

    let clicks = 0;
    for (let round = 0; round < 5; round += 1) {
      const statuses = await Promise.all([run(), run(), run(), (async () => {
        for (let i = 0; i < 4; i += 1) await clickOnce(clicks++);
        return 200;
      })()]);
      expect(statuses).toEqual([200, 200, 200, 200]);
    }
    expect(await run()).toBe(200);

    const opened = (title: string) => (title.endsWith(' opened your link') ? 1 : Number(/^(\d+) people opened your links$/.exec(title)?.[1] ?? NaN));
    for (const sub of devices) {
      const received = push.received.filter((r) => r.id === sub.id);
      expect(received.every((r) => r.vapid.verified && r.decryptError === undefined)).toBe(true);
      const total = received.reduce((sum, r) => sum + opened((r.payload as { title: string }).title), 0);
      expect(total).toBe(clicks);
    }
    const { rows } = await stack.db.query<{ status: string; n: number }>(`select status, count(*)::int as n from notify_private.deliveries group by status`);
    expect(rows).toEqual([{ status: 'sent', n: clicks * devices.length }]);
  }, 120_000);
});
