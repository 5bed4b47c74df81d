import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devVapidEnv } from '../../supabase/local/dev-vapid';
import { sendPush } from '../../supabase/functions/_shared/web-push';
import { startFakePushService, type FakePushService } from '../support/fake-push-service';

/*
 * `npm run dev` sends real pushes with no setup: a VAPID pair made on first start and kept, unless the
 * developer set one in supabase/functions/.env. The pair made here signs pushes a push service accepts.
 */

describe('VAPID keys for the local stack', () => {
  let push: FakePushService | undefined;
  afterAll(async () => push?.close());

  it('made once and kept across restarts; a pair the developer set wins; the pair signs pushes a push service accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldbook-vapid-'));
    const stateFile = join(dir, '.local', 'vapid.json');
    const first = devVapidEnv({ functionsDir: dir, stateFile });
    expect(first.VAPID_PUBLIC_KEY).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(first.VAPID_PRIVATE_KEY).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(devVapidEnv({ functionsDir: dir, stateFile })).toEqual(first);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ VAPID_PUBLIC_KEY: first.VAPID_PUBLIC_KEY });

    writeFileSync(join(dir, '.env'), 'VAPID_PUBLIC_KEY=own-public\nVAPID_PRIVATE_KEY=own-private\n');
    expect(devVapidEnv({ functionsDir: dir, stateFile })).toEqual({});

    push = await startFakePushService();
    const subscription = push.subscribe();
    const answer = await sendPush(subscription, { title: 'Hello' }, { subject: first.VAPID_SUBJECT!, publicKey: first.VAPID_PUBLIC_KEY!, privateKey: first.VAPID_PRIVATE_KEY! });
    expect(answer.status).toBe(201);
    expect(push.received.at(-1)?.vapid.verified).toBe(true);
  });
});
