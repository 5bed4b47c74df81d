import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeChannel } from '@supabase/supabase-js';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { clientFor, signedInClient, type Client } from '../support/local-stack';

/*
 * Team presence through the local stack with real supabase-js clients: private channels
 * `team-presence:<member id>` authorized by the policies of 20261129001060_team_presence_own_channel.sql
 * on realtime.messages. Only a channel's owner tracks on it; their line receives it: the owner, their
 * upline at any depth and their downline at depth 1 and 2; never a sibling, a sibling's downline, a
 * level 3 member or a stranger. Only the owner's sponsor and grand-sponsor may knock (a broadcast) on
 * it, and only the owner hears knocks. The team, built once:
 *
 *   G ─ L ─┬─ M ─ D ─ E        G sponsored L; L sponsored M and S; M sponsored D; D sponsored E;
 *          └─ S ─ T            S sponsored T. X is a stranger.
 */

type Joined = { channel: RealtimeChannel; outcome: Promise<string>; present: () => string[]; broadcasts: unknown[]; statuses: string[]; system: string[] };

function join(client: Client, topic: string, options: { key?: string; ack?: boolean } = {}): Joined {
  const channel = client.channel(topic, { config: { private: true, broadcast: { ack: options.ack ?? false }, presence: { key: options.key ?? '' } } });
  const broadcasts: unknown[] = [];
  const statuses: string[] = [];
  const system: string[] = [];
  channel.on('presence', { event: 'sync' }, () => undefined);
  channel.on('broadcast', { event: 'knock' }, (message: { payload: unknown }) => broadcasts.push(message.payload));
  channel.on('system', {}, (message: Record<string, unknown>) => system.push(String(message['message'])));
  const outcome = new Promise<string>((resolve) => {
    channel.subscribe((status) => {
      const name = String(status);
      statuses.push(name);
      if (name === 'SUBSCRIBED' || name === 'CHANNEL_ERROR' || name === 'TIMED_OUT') resolve(name);
    });
  });
  return { channel, outcome, present: () => Object.keys(channel.presenceState()).sort(), broadcasts, statuses, system };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Person = { client: Client; userId: string; email: string };

describe('team presence (local stack)', () => {
  let stack: LocalStack;
  const clients: Client[] = [];
  const people = {} as Record<'G' | 'L' | 'M' | 'S' | 'D' | 'E' | 'T' | 'X', Person>;
  const topic = (who: keyof typeof people) => `team-presence:${people[who].userId}`;

  /** Another device of a member: its own client, signed in with the same account. */
  const device = async (who: keyof typeof people) => {
    const client = clientFor(stack);
    const { error } = await client.auth.signInWithPassword({ email: people[who].email, password: 'correct-horse-battery' });
    if (error) throw error;
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, seed: false });
    for (const name of ['G', 'L', 'M', 'S', 'D', 'E', 'T', 'X'] as const) {
      people[name] = await signedInClient(stack, `presence-${name.toLowerCase()}`);
      clients.push(people[name].client);
    }
    const sponsor = async (sponsorName: keyof typeof people, memberName: keyof typeof people) => {
      const { data: invite, error } = await people[sponsorName].client.from('team_invites').insert({}).select('code').single();
      if (error) throw error;
      const accepted = await people[memberName].client.rpc('team_accept_invite', { invite_code: invite.code });
      if (accepted.error) throw accepted.error;
    };
    await sponsor('G', 'L');
    await sponsor('L', 'M');
    await sponsor('L', 'S');
    await sponsor('M', 'D');
    await sponsor('D', 'E');
    await sponsor('S', 'T');
  }, 60_000);
  afterEach(async () => {
    for (const client of clients) await client.removeAllChannels();
  });
  afterAll(async () => {
    for (const client of clients) await client.removeAllChannels();
    await stack?.close();
  });

  it('who may receive on L’s channel: L, the upline at any depth, levels 1 and 2; not level 3, a sibling’s branch or a stranger', async () => {
    // From L's point of view: its own channel, G (upline), M (level 1), D (level 2) yes; E (level 3) no.
    const cases: [viewer: keyof typeof people, owner: keyof typeof people, expected: string][] = [
      ['L', 'L', 'SUBSCRIBED'], // own
      ['L', 'G', 'SUBSCRIBED'], // upline, depth 1
      ['E', 'G', 'SUBSCRIBED'], // upline, depth 4
      ['L', 'M', 'SUBSCRIBED'], // downline, depth 1
      ['L', 'D', 'SUBSCRIBED'], // downline, depth 2
      ['L', 'E', 'CHANNEL_ERROR'], // downline, depth 3
      ['G', 'D', 'CHANNEL_ERROR'], // downline, depth 3
      ['M', 'S', 'CHANNEL_ERROR'], // sibling
      ['M', 'T', 'CHANNEL_ERROR'], // sibling's downline
      ['D', 'T', 'CHANNEL_ERROR'], // the other branch, deeper
      ['T', 'M', 'CHANNEL_ERROR'], // the other branch, the other way
      ['X', 'L', 'CHANNEL_ERROR'], // stranger
      ['L', 'X', 'CHANNEL_ERROR'], // stranger's channel
    ];
    const outcomes = [];
    for (const [viewer, owner] of cases) outcomes.push([viewer, owner, await join(people[viewer].client, topic(owner)).outcome]);
    expect(outcomes).toEqual(cases);
    // Anon never.
    const anon = clientFor(stack);
    clients.push(anon);
    expect(await join(anon, topic('L')).outcome).toBe('CHANNEL_ERROR');
  }, 60_000);

  it('only the owner tracks on a channel: the line sees the owner; a member cannot track on their sponsor’s channel, nor under its key', async () => {
    const owner = join(people.L.client, topic('L'), { key: people.L.userId });
    const member = join(people.M.client, topic('L'), { key: people.M.userId });
    const sponsorOfOwner = join(people.G.client, topic('L'), { key: people.G.userId });
    for (const joined of [owner, member, sponsorOfOwner]) expect(await joined.outcome).toBe('SUBSCRIBED');
    expect(await owner.channel.track({ in_app: true, since: '2026-11-29T10:00:00.000Z' })).toBe('ok');
    await expect.poll(() => member.present(), { timeout: 5000 }).toEqual([people.L.userId]);
    await expect.poll(() => sponsorOfOwner.present(), { timeout: 5000 }).toEqual([people.L.userId]);

    // Refused: the member on their sponsor's channel, the grand-sponsor on it, and the member under
    // the owner's own key (a forged "L is online").
    expect(await member.channel.track({ in_app: true })).toBe('error');
    expect(await sponsorOfOwner.channel.track({ in_app: true })).toBe('error');
    const forger = join(await device('M'), topic('L'), { key: people.L.userId });
    expect(await forger.outcome).toBe('SUBSCRIBED');
    expect(await forger.channel.track({ in_app: false, note: 'smuggled' })).toBe('error');
    await pause(300);
    expect(member.present()).toEqual([people.L.userId]);
    const metas = (member.channel.presenceState()[people.L.userId] ?? []).map(({ presence_ref: _ref, ...rest }) => rest);
    expect(metas).toEqual([{ in_app: true, since: '2026-11-29T10:00:00.000Z' }]);

    // A member tracks on their own channel; their sponsor and grand-sponsor see them there.
    const own = join(people.M.client, topic('M'), { key: people.M.userId });
    const sponsorWatching = join(people.L.client, topic('M'), { key: people.L.userId });
    const grandWatching = join(people.G.client, topic('M'), { key: people.G.userId });
    for (const joined of [own, sponsorWatching, grandWatching]) expect(await joined.outcome).toBe('SUBSCRIBED');
    expect(await own.channel.track({ in_app: true })).toBe('ok');
    await expect.poll(() => [sponsorWatching.present(), grandWatching.present()], { timeout: 5000 }).toEqual([[people.M.userId], [people.M.userId]]);
    // A level 2 member reads the channel and may not track on it either.
    const levelTwo = join(people.D.client, topic('L'), { key: people.D.userId });
    expect(await levelTwo.outcome).toBe('SUBSCRIBED');
    expect(await levelTwo.channel.track({ in_app: true })).toBe('error');
  }, 60_000);

  it('knocks: a sponsor’s and a grand-sponsor’s channel take one from levels 1 and 2 only, and only the owner hears it', async () => {
    const owner = join(people.L.client, topic('L'));
    const watcher = join(people.G.client, topic('L'));
    const fromLevel1 = join(people.M.client, topic('L'), { ack: true });
    const fromLevel2 = join(people.D.client, topic('L'), { ack: true });
    const fromLevel3 = join(people.E.client, topic('G'), { ack: true }); // G is E's depth 4: reads, may not knock
    const fromSponsor = join(people.L.client, topic('M'), { ack: true }); // the upline may not knock downward
    for (const joined of [owner, watcher, fromLevel1, fromLevel2, fromLevel3, fromSponsor]) expect(await joined.outcome).toBe('SUBSCRIBED');
    expect(await fromLevel1.channel.send({ type: 'broadcast', event: 'knock', payload: { n: 1 } }, { timeout: 3000 })).toBe('ok');
    expect(await fromLevel2.channel.send({ type: 'broadcast', event: 'knock', payload: { n: 2 } }, { timeout: 3000 })).toBe('ok');
    expect(await fromLevel3.channel.send({ type: 'broadcast', event: 'knock', payload: { n: 3 } }, { timeout: 1000 })).toBe('timed out');
    expect(await fromSponsor.channel.send({ type: 'broadcast', event: 'knock', payload: { n: 4 } }, { timeout: 1000 })).toBe('timed out');
    await expect.poll(() => owner.broadcasts, { timeout: 3000 }).toEqual([{ n: 1 }, { n: 2 }]);
    await pause(200);
    // Nobody but the owner hears knocks (the grand-sponsor and the knockers themselves read presence only).
    expect([watcher.broadcasts, fromLevel1.broadcasts, fromLevel2.broadcasts, fromSponsor.broadcasts]).toEqual([[], [], [], []]);
  }, 60_000);

  it('a member who leaves the team loses the channels of their old line at their next token, and their old line loses theirs', async () => {
    const own = join(people.T.client, topic('T'), { key: people.T.userId });
    const sponsor = join(people.S.client, topic('T'), { key: people.S.userId });
    const onSponsors = join(people.T.client, topic('S'), { key: people.T.userId });
    for (const joined of [own, sponsor, onSponsors]) expect(await joined.outcome).toBe('SUBSCRIBED');
    expect(await own.channel.track({ in_app: true })).toBe('ok');
    await expect.poll(() => sponsor.present(), { timeout: 5000 }).toEqual([people.T.userId]);

    expect((await people.T.client.rpc('team_leave')).error).toBeNull();
    const refresh = async (who: Person) => {
      const { data: session } = await who.client.auth.getSession();
      const refreshed = await who.client.auth.refreshSession({ refresh_token: session.session!.refresh_token });
      expect(refreshed.error).toBeNull();
      await who.client.realtime.setAuth(refreshed.data.session!.access_token);
    };
    await refresh(people.T);
    await expect.poll(() => onSponsors.statuses, { timeout: 8000 }).toContain('CLOSED');
    expect(onSponsors.system).toContain(`You no longer have permission to read from this Channel topic: ${topic('S')}`);
    await refresh(people.S);
    await expect.poll(() => sponsor.statuses, { timeout: 8000 }).toContain('CLOSED');
    // Rejoining is refused for both now.
    expect(await join(await device('S'), topic('T')).outcome).toBe('CHANNEL_ERROR');
    expect(await join(await device('T'), topic('S')).outcome).toBe('CHANNEL_ERROR');
  }, 60_000);
});
