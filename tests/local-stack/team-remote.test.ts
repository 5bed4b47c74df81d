import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import type { RealtimeChannel } from '@supabase/supabase-js';
import { createTeamRemote, MAX_PRESENCE_CHANNELS, startTeamPresence } from '../../src/adapters/supabase/team-remote';
import { clientFor, signedInClient, type Client } from '../support/local-stack';

/*
 * The team adapter (src/adapters/supabase/team-remote.ts) against the local stack with three real
 * supabase-js clients: a sponsor, a member and a stranger. Every answer is a Result with a sentence
 * a member can read; presence reports who of the watched members is in the app, believing on each
 * channel only its owner's own entry.
 */

describe('team remote (local stack)', () => {
  let stack: LocalStack;
  const clients: Client[] = [];
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, seed: false });
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) await client.removeAllChannels();
    await stack?.close();
  });

  const person = async (name: string) => {
    const signed = await signedInClient(stack, name.split(' ')[0]!.toLowerCase());
    clients.push(signed.client);
    await signed.client.from('member_profiles').update({ full_name: name }).eq('id', signed.userId);
    return { ...signed, team: createTeamRemote(signed.client) };
  };

  it('invites, joins, lists both sides, refuses with readable messages, leaves, removes and revokes', async () => {
    const [sponsor, member, stranger] = [await person('Sam Sponsor'), await person('Mia Member'), await person('Stan Stranger')];

    const invite = await sponsor.team.createInvite();
    if (!invite.ok) throw new Error(invite.error);
    expect(invite.value.code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    expect(Date.parse(invite.value.expires_at)).toBeGreaterThan(Date.now());
    const listed = await sponsor.team.listInvites();
    expect(listed.ok && listed.value.map((row) => row.code)).toEqual([invite.value.code]);

    // Case and spaces do not matter.
    const spaced = `${invite.value.code.slice(0, 4).toLowerCase()} ${invite.value.code.slice(4).toLowerCase()}`;
    expect(await member.team.acceptInvite(spaced)).toEqual({ ok: true, value: sponsor.userId });

    const sponsorsTeam = await sponsor.team.myTeam();
    expect(sponsorsTeam.ok && sponsorsTeam.value.map((row) => [row.member_id, row.full_name, row.depth])).toEqual([[member.userId, 'Mia Member', 1]]);
    const membersTeam = await member.team.myTeam();
    expect(membersTeam.ok && membersTeam.value.map((row) => [row.member_id, row.full_name, row.depth])).toEqual([[sponsor.userId, 'Sam Sponsor', -1]]);

    // A bad code, one's own code and a second sponsor: the server's words.
    expect(await stranger.team.acceptInvite('ZZZZ2222')).toEqual({ ok: false, error: 'This invitation is not valid (it may have expired or been withdrawn)' });
    expect(await sponsor.team.acceptInvite(invite.value.code)).toEqual({ ok: false, error: 'This is your own invitation' });
    const strangerInvite = await stranger.team.createInvite();
    if (!strangerInvite.ok) throw new Error(strangerInvite.error);
    expect(await member.team.acceptInvite(strangerInvite.value.code)).toEqual({ ok: false, error: 'You already have a sponsor; leave that team first' });
    // The stranger sees nothing of the team and cannot remove anyone from it.
    expect(await stranger.team.myTeam()).toEqual({ ok: true, value: [] });
    expect(await stranger.team.removeMember(member.userId)).toEqual({ ok: false, error: "Only a member's own sponsor can remove them" });
    // Each inviter sees only their own invitations.
    expect(await stranger.team.listInvites()).toEqual({ ok: true, value: [expect.objectContaining({ code: strangerInvite.value.code })] });

    // Leaving empties both sides.
    expect(await member.team.leave()).toEqual({ ok: true, value: true });
    expect(await sponsor.team.myTeam()).toEqual({ ok: true, value: [] });

    // Join again, then the sponsor removes the member.
    expect((await member.team.acceptInvite(invite.value.code)).ok).toBe(true);
    expect(await sponsor.team.removeMember(member.userId)).toEqual({ ok: true, value: true });
    expect(await member.team.myTeam()).toEqual({ ok: true, value: [] });

    // Withdrawn: gone from the open list, and refused with the readable message.
    expect(await sponsor.team.revokeInvite(invite.value.code)).toEqual({ ok: true, value: true });
    expect(await sponsor.team.listInvites()).toEqual({ ok: true, value: [] });
    expect(await member.team.acceptInvite(invite.value.code)).toEqual({ ok: false, error: 'This invitation is not valid (it may have expired or been withdrawn)' });
  }, 60_000);

  it('presence: each member tracks on their own channel; the sponsor sees the member and the member the sponsor; a new member knocks once', async () => {
    const [sponsor, member] = [await person('Pat Sponsor'), await person('Max Member')];
    const invite = await sponsor.team.createInvite();
    if (!invite.ok) throw new Error(invite.error);
    expect((await member.team.acceptInvite(invite.value.code)).ok).toBe(true);

    let sponsorSees: ReadonlySet<string> = new Set();
    let memberSees: ReadonlySet<string> = new Set();
    let knocks = 0;
    const errors: string[] = [];
    const sponsorPresence = startTeamPresence(sponsor.client, {
      memberId: sponsor.userId,
      watchIds: [member.userId],
      onOnline: (ids) => (sponsorSees = ids),
      onKnock: () => (knocks += 1),
      onError: (topic, message) => errors.push(`${topic}: ${message}`),
    });
    await expect.poll(() => sponsor.client.getChannels().map((channel) => channel.state), { timeout: 5000 }).toEqual(['joined', 'joined']);
    const memberPresence = startTeamPresence(member.client, {
      memberId: member.userId,
      watchIds: [sponsor.userId],
      knockIds: [sponsor.userId],
      onOnline: (ids) => (memberSees = ids),
      now: () => Date.parse('2026-11-29T10:00:00Z'),
      onError: (topic, message) => errors.push(`${topic}: ${message}`),
    });

    await expect.poll(() => [...sponsorSees], { timeout: 8000 }).toEqual([member.userId]);
    await expect.poll(() => [...memberSees], { timeout: 8000 }).toEqual([sponsor.userId]);
    await expect.poll(() => knocks, { timeout: 5000 }).toBe(1);
    expect(errors).toEqual([]);
    // The member's channels: their own (tracked) and the sponsor's (watched); the sponsor's likewise.
    expect(member.client.getChannels().map((channel) => channel.topic)).toEqual([`realtime:team-presence:${member.userId}`, `realtime:team-presence:${sponsor.userId}`]);
    // What the member shows, on their own channel only: nothing but in_app and since.
    const watched = sponsor.client.getChannels().find((candidate) => candidate.topic === `realtime:team-presence:${member.userId}`);
    const metas = (watched?.presenceState()[member.userId] ?? []).map(({ presence_ref: _ref, ...rest }) => rest);
    expect(metas).toEqual([{ in_app: true, since: '2026-11-29T10:00:00.000Z' }]);
    const ownChannel = sponsor.client.getChannels().find((candidate) => candidate.topic === `realtime:team-presence:${sponsor.userId}`);
    expect(Object.keys(ownChannel?.presenceState() ?? {})).toEqual([sponsor.userId]);

    await memberPresence.stop();
    expect(memberSees.size).toBe(0);
    await expect.poll(() => [...sponsorSees], { timeout: 8000 }).toEqual([]);
    await sponsorPresence.stop();
    expect(knocks).toBe(1);
  }, 60_000);

  it('presence: only the channel owner’s own entry is believed; other keys and payload fields change nothing', async () => {
    const [sponsor, member, stranger] = [await person('Olga Owner'), await person('Ned Newer'), await person('Sid Stranger')];
    const invite = await sponsor.team.createInvite();
    if (!invite.ok) throw new Error(invite.error);
    expect((await member.team.acceptInvite(invite.value.code)).ok).toBe(true);

    // Whatever a channel's owner tracks under other keys (theirs to track: it is their channel), on a
    // device of theirs: another member's id, a stranger's, garbage, with smuggled text.
    const ownerDevice = clientFor(stack);
    clients.push(ownerDevice);
    expect((await ownerDevice.auth.signInWithPassword({ email: sponsor.email, password: 'correct-horse-battery' })).error).toBeNull();
    const forged: RealtimeChannel[] = [];
    for (const key of [stranger.userId, 'not-a-member', member.userId]) {
      const device = clientFor(stack);
      clients.push(device);
      expect((await device.auth.signInWithPassword({ email: sponsor.email, password: 'correct-horse-battery' })).error).toBeNull();
      const channel = device.channel(`team-presence:${sponsor.userId}`, { config: { private: true, presence: { key } } });
      channel.on('presence', { event: 'sync' }, () => undefined);
      await new Promise<void>((resolve) => channel.subscribe((status) => String(status) === 'SUBSCRIBED' && resolve()));
      expect(await channel.track({ in_app: true, since: '2026-11-29T10:00:00Z', note: 'Ana is online', full_name: 'Ana' })).toBe('ok');
      forged.push(channel);
    }

    const seen: string[][] = [];
    const presence = startTeamPresence(member.client, { memberId: member.userId, watchIds: [sponsor.userId], onOnline: (ids) => seen.push([...ids]) });
    const watched = () => member.client.getChannels().find((candidate) => candidate.topic === `realtime:team-presence:${sponsor.userId}`);
    await expect.poll(() => Object.keys(watched()?.presenceState() ?? {}).sort(), { timeout: 8000 }).toEqual([stranger.userId, member.userId, 'not-a-member'].sort());
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The owner is not in the app: nobody is online, whatever the other keys say.
    expect(seen.flat()).toEqual([]);

    // The owner comes online under their own key: only they are reported.
    const owner = startTeamPresence(ownerDevice, { memberId: sponsor.userId, watchIds: [], onOnline: () => undefined });
    await expect.poll(() => seen.at(-1), { timeout: 8000 }).toEqual([sponsor.userId]);
    expect(seen.every((ids) => ids.every((id) => id === sponsor.userId))).toBe(true);
    await owner.stop();
    await expect.poll(() => seen.at(-1), { timeout: 8000 }).toEqual([]);
    await presence.stop();
    for (const channel of forged) await channel.unsubscribe();
  }, 60_000);

  it('presence: at most 100 channels, the own one first, then the nearest of the line', () => {
    const ids = Array.from({ length: 150 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
    const client = clientFor(stack);
    const presence = startTeamPresence(client, { memberId: 'me', watchIds: ['me', ...ids, ids[0]!], onOnline: () => undefined });
    const topics = client.getChannels().map((channel) => channel.topic);
    expect(topics).toHaveLength(MAX_PRESENCE_CHANNELS);
    expect(topics).toEqual(['realtime:team-presence:me', ...ids.slice(0, MAX_PRESENCE_CHANNELS - 1).map((id) => `realtime:team-presence:${id}`)]);
    void presence.stop();
  });
});
