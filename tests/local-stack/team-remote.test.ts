import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { createTeamRemote, startTeamPresence, type TeamPresence } from '../../src/adapters/supabase/team-remote';
import { signedInClient, type Client } from '../support/local-stack';

/*
 * The team adapter (src/adapters/supabase/team-remote.ts) against the local stack with three real
 * supabase-js clients: a sponsor, a member and a stranger. Every answer is a Result with a sentence
 * a member can read; presence reports who is in the app.
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

  it('presence: the sponsor sees the member online, then offline after stop; only in_app and since are tracked', async () => {
    const [sponsor, member] = [await person('Pat Sponsor'), await person('Max Member')];
    const invite = await sponsor.team.createInvite();
    if (!invite.ok) throw new Error(invite.error);
    expect((await member.team.acceptInvite(invite.value.code)).ok).toBe(true);

    let sponsorSees: ReadonlySet<string> = new Set();
    let memberSees: ReadonlySet<string> = new Set();
    const errors: string[] = [];
    const running: TeamPresence[] = [];
    running.push(startTeamPresence(sponsor.client, { memberId: sponsor.userId, uplineIds: [], onOnline: (ids) => (sponsorSees = ids), onError: (topic, message) => errors.push(`${topic}: ${message}`) }));
    const memberPresence = startTeamPresence(member.client, {
      memberId: member.userId,
      uplineIds: [sponsor.userId],
      onOnline: (ids) => (memberSees = ids),
      now: () => Date.parse('2026-11-29T10:00:00Z'),
      onError: (topic, message) => errors.push(`${topic}: ${message}`),
    });

    await expect.poll(() => [...sponsorSees], { timeout: 8000 }).toEqual([member.userId]);
    await expect.poll(() => [...memberSees], { timeout: 8000 }).toEqual([sponsor.userId]);
    expect(errors).toEqual([]);
    // What the member shows on the sponsor's channel: nothing but in_app and since.
    const channel = sponsor.client.getChannels().find((candidate) => candidate.topic === `realtime:team-presence:${sponsor.userId}`);
    const metas = (channel?.presenceState()[member.userId] ?? []).map(({ presence_ref: _ref, ...rest }) => rest);
    expect(metas).toEqual([{ in_app: true, since: '2026-11-29T10:00:00.000Z' }]);

    await memberPresence.stop();
    expect(memberSees.size).toBe(0);
    await expect.poll(() => [...sponsorSees], { timeout: 8000 }).toEqual([]);
    for (const presence of running) await presence.stop();
  }, 60_000);
});
