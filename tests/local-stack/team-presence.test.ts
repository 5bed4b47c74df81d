import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeChannel } from '@supabase/supabase-js';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { signedInClient, type Client } from '../support/local-stack';

/*
 * Team presence through the local stack with real supabase-js clients: private channels
 * `team-presence:<leader>` authorized by the migration's policies on realtime.messages. A sponsor sees
 * their member come online on their channel; the member sees the sponsor on it; a stranger is refused
 * and sees nobody; a member who left the team loses the channel at their next token.
 */

type Joined = { channel: RealtimeChannel; outcome: Promise<string>; present: () => string[] };

function join(client: Client, topic: string, key: string): Joined {
  const channel = client.channel(topic, { config: { private: true, presence: { key } } });
  channel.on('presence', { event: 'sync' }, () => undefined);
  const outcome = new Promise<string>((resolve) => {
    channel.subscribe((status) => {
      const name = String(status);
      if (name === 'SUBSCRIBED' || name === 'CHANNEL_ERROR' || name === 'TIMED_OUT') resolve(name);
    });
  });
  return { channel, outcome, present: () => Object.keys(channel.presenceState()).sort() };
}

describe('team presence (local stack)', () => {
  let stack: LocalStack;
  const clients: Client[] = [];
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, seed: false });
  }, 60_000);
  afterEach(async () => {
    for (const client of clients) await client.removeAllChannels();
  });
  afterAll(async () => {
    for (const client of clients) await client.removeAllChannels();
    await stack?.close();
  });

  const person = async (name: string) => {
    const signed = await signedInClient(stack, name);
    clients.push(signed.client);
    return signed;
  };

  it("sponsor and member see each other on the sponsor's channel; a stranger is refused; leaving ends it", async () => {
    const [sponsor, memberOf, stranger] = [await person('sponsor'), await person('member'), await person('stranger')];
    const { data: invite, error } = await sponsor.client.from('team_invites').insert({}).select('code').single();
    if (error) throw error;
    const accepted = await memberOf.client.rpc('team_accept_invite', { invite_code: invite.code });
    expect(accepted.error).toBeNull();

    const topic = `team-presence:${sponsor.userId}`;
    const leader = join(sponsor.client, topic, 'sponsor');
    const member = join(memberOf.client, topic, 'member');
    expect(await leader.outcome).toBe('SUBSCRIBED');
    expect(await member.outcome).toBe('SUBSCRIBED');
    expect(await leader.channel.track({ in_app: true })).toBe('ok');
    expect(await member.channel.track({ in_app: true })).toBe('ok');
    await expect.poll(() => leader.present(), { timeout: 5000 }).toEqual(['member', 'sponsor']);
    await expect.poll(() => member.present(), { timeout: 5000 }).toEqual(['member', 'sponsor']);

    // A stranger cannot join the sponsor's channel, and the sponsor cannot join the member's (the
    // sponsor is not below the member).
    expect(await join(stranger.client, topic, 'stranger').outcome).toBe('CHANNEL_ERROR');
    expect(await join(sponsor.client, `team-presence:${memberOf.userId}`, 'sponsor').outcome).toBe('CHANNEL_ERROR');
    expect(leader.present()).toEqual(['member', 'sponsor']);

    // The member leaves the team; at their next token the channel is closed and they drop out.
    expect((await memberOf.client.rpc('team_leave')).error).toBeNull();
    const { data: session } = await memberOf.client.auth.getSession();
    const refreshed = await memberOf.client.auth.refreshSession({ refresh_token: session.session!.refresh_token });
    expect(refreshed.error).toBeNull();
    await memberOf.client.realtime.setAuth(refreshed.data.session!.access_token);
    await expect.poll(() => leader.present(), { timeout: 8000 }).toEqual(['sponsor']);
  }, 60_000);
});
