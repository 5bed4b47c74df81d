import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNCED_TABLES } from '../../src/domain/synced-table';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { signedInClient } from '../support/local-stack';
import { connectSyncDevice } from '../support/sync-client';
import { addContact, contactOn } from '../support/sync-device';
import { countWaiting } from '../../src/db/outbox';

/*
 * [SV8] No id of one member's rows reaches another member through Realtime. The attacker is a
 * signed-up member who listens to every event of every synced table and of the tombstones, with no
 * filter, while the victim adds, edits, soft-deletes and hard-deletes. Supabase sends DELETE events
 * without a row-level check, so the schema publishes none; the attacker's own changes still arrive,
 * which shows the subscription works.
 */

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ port: 0, seed: false });
});
afterAll(async () => stack?.close());

describe('realtime privacy', () => {
  it('[SV8] an unfiltered listener hears only its own member’s rows, whatever the other member does', async () => {
    const attacker = await signedInClient(stack, 'attacker');
    const victim = await signedInClient(stack, 'victim');
    const heard: { table: string; type: string; payload: string }[] = [];
    let channel = attacker.client.channel('eavesdrop');
    for (const table of [...SYNCED_TABLES, 'sync_deleted_rows'])
      channel = channel.on('postgres_changes', { event: '*', schema: 'public', table }, (payload) => heard.push({ table, type: payload.eventType, payload: JSON.stringify(payload) }));
    await new Promise<void>((resolve, reject) => channel.subscribe((state, error) => (String(state) === 'SUBSCRIBED' ? resolve() : error ? reject(error) : undefined)));

    const device = await connectSyncDevice(stack, victim);
    device.engine.start();
    const id = await addContact(device, { first_name: 'Private' });
    await device.store.updateContact(id, { notes: 'secret' });
    const other = await addContact(device, { first_name: 'Doomed' });
    await expect.poll(() => countWaiting(device.db), { timeout: 10_000 }).toBe(0);
    await device.store.deleteContact(id);
    await expect.poll(() => countWaiting(device.db), { timeout: 10_000 }).toBe(0);
    await victim.client.from('member_activities').delete().eq('contact_id', other);
    const { error } = await victim.client.from('contacts').delete().eq('id', other);
    expect(error).toBeNull();
    await expect.poll(() => contactOn(device, other), { timeout: 10_000 }).toBeUndefined();

    const { data: mine } = await attacker.client.from('contacts').insert({ first_name: 'Mine' }).select('id').single();
    await expect.poll(() => heard.some((event) => event.payload.includes(String(mine?.id))), { timeout: 10_000 }).toBe(true);
    expect(heard.filter((event) => event.payload.includes(victim.userId) || event.payload.includes(id) || event.payload.includes(other))).toEqual([]);
    expect(heard.filter((event) => event.type === 'DELETE')).toEqual([]);

    await attacker.client.removeAllChannels();
    await device.dispose();
  });
});
