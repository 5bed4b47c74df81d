import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import { startTeamFeed, type TeamFeedSync } from '../../src/app/team-feed';
import { replaceTeam } from '../../src/db/team-cache';
import { assembleFeed, winSentence } from '../../src/domain/team-feed';
import { readFeedSources } from '../../src/db/team-cache';
import { signedInClient } from '../support/local-stack';
import { startedSyncDevice, settle, type SyncClientDevice } from '../support/sync-client';

/*
 * The team feed end to end with three members on the local stack, each with a real device (its own
 * supabase-js client, sync engine and IndexedDB) and the feed sync the app runs (src/app/team-feed.ts):
 * a sponsor, their member, and a stranger. Wins, reactions and comments are written through each
 * device's store and outbox; the others' feeds hear of them through Realtime under row-level security.
 */

const quiet = { warn: () => undefined };

describe('the team feed across members (local stack)', () => {
  let stack: LocalStack;
  const devices: SyncClientDevice[] = [];
  const feeds: TeamFeedSync[] = [];
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, seed: false });
  }, 60_000);
  afterEach(async () => {
    for (const feed of feeds.splice(0)) await feed.stop();
    for (const device of devices.splice(0)) await device.dispose();
  });
  afterAll(async () => stack?.close());

  /** A member with a device and the feed sync running on it, named on the server. */
  const member = async (name: string) => {
    const signed = await signedInClient(stack, name.split(' ')[0]!.toLowerCase());
    await signed.client.from('member_profiles').update({ full_name: name }).eq('id', signed.userId);
    await signed.client.removeAllChannels();
    const device = await startedSyncDevice(stack, signed, devices);
    const feed = startTeamFeed({ client: device.client, db: device.db, now: Date.now, log: quiet });
    feeds.push(feed);
    await expect.poll(() => device.client.getChannels().find((channel) => channel.topic === 'realtime:team-feed')?.state, { timeout: 10_000 }).toBe('joined');
    return { ...signed, device, feed };
  };

  /** The feed as that member's screen shows it (names from the team the server lists). */
  const shown = async (who: Awaited<ReturnType<typeof member>>) => {
    const { data } = await who.device.client.rpc('team_my_team');
    await replaceTeam(who.device.db, (data ?? []) as never, Date.now());
    return assembleFeed(await readFeedSources(who.device.db, who.userId));
  };

  it('a shared win reaches the sponsor live; the sponsor’s comment and reaction reach the member within a second; the stranger sees nothing', async () => {
    const [sponsor, ana, stranger] = [await member('Sam Sponsor'), await member('Ana Alves'), await member('Stan Stranger')];
    const { data: invite } = await sponsor.device.client.from('team_invites').insert({}).select('code').single();
    expect((await ana.device.client.rpc('team_accept_invite', { invite_code: invite!.code })).error).toBeNull();

    // Ana shares new customers, then enrolls one: the win goes through her outbox.
    expect((await ana.device.store.saveShareWins(['new_customer'])).ok).toBe(true);
    await settle(ana.device);
    expect((await ana.device.store.shareWin('new_customer', '2026-11-24', 1)).ok).toBe(true);
    await settle(ana.device);

    // The sponsor's open feed hears it (no refresh): Realtime, then a reread of that win.
    await expect.poll(async () => (await shown(sponsor)).map((win) => winSentence(win.author, win.kind, win.amount)), { timeout: 5_000 }).toEqual(['Ana Alves enrolled a new customer']);
    const [win] = await shown(sponsor);

    // The sponsor comments and claps; Ana's open feed shows both within a second of the push.
    expect((await sponsor.device.store.addTeamComment(win!.id, 'Brilliant, Ana!')).ok).toBe(true);
    expect((await sponsor.device.store.toggleTeamReaction(win!.id, 'clap')).ok).toBe(true);
    await settle(sponsor.device);
    const pushed = Date.now();
    await expect
      .poll(async () => {
        const [mine] = await shown(ana);
        return [mine?.comments.map((comment) => `${comment.author}: ${comment.body}`), mine?.reactions.find((reaction) => reaction.emoji === 'clap')?.count];
      }, { timeout: 5_000, interval: 20 })
      .toEqual([['Sam Sponsor: Brilliant, Ana!'], 1]);
    expect(Date.now() - pushed).toBeLessThan(1_000);

    // The stranger's feed: nothing, live or on refresh; and nothing to comment on.
    expect((await stranger.feed.refresh()).ok).toBe(true);
    expect(await shown(stranger)).toEqual([]);
    expect((await stranger.device.store.addTeamComment(win!.id, 'let me in')).ok).toBe(true);
    await expect.poll(() => stranger.device.db.rejected.count(), { timeout: 5_000 }).toBe(1);
    expect((await ana.feed.refresh()).ok).toBe(true);
    expect((await shown(ana))[0]?.comments.map((comment) => comment.body)).toEqual(['Brilliant, Ana!']);
  }, 60_000);

  it('a comment written offline waits in the outbox, shows as sending, and reaches the sponsor once back; edits and deletes follow; a leader’s hide reaches the member', async () => {
    const [sponsor, ana] = [await member('Sue Sponsor'), await member('Ana Alves')];
    const { data: invite } = await sponsor.device.client.from('team_invites').insert({}).select('code').single();
    expect((await ana.device.client.rpc('team_accept_invite', { invite_code: invite!.code })).error).toBeNull();
    expect((await ana.device.store.saveShareWins(['streak'])).ok).toBe(true);
    expect((await ana.device.store.shareWin('streak', '2026-11-24', 10)).ok).toBe(true);
    await settle(ana.device);
    await expect.poll(async () => (await shown(sponsor)).length, { timeout: 5_000 }).toBe(1);
    const [win] = await shown(sponsor);

    await sponsor.device.goOffline();
    const written = await sponsor.device.store.addTeamComment(win!.id, 'Ten days, keep going');
    if (!written.ok) throw new Error(written.error.message);
    expect((await shown(sponsor))[0]?.comments.map((comment) => [comment.body, comment.pending])).toEqual([['Ten days, keep going', true]]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await shown(ana))[0]?.comments ?? []).toEqual([]);

    sponsor.device.goOnline();
    await settle(sponsor.device);
    await expect.poll(async () => (await shown(ana))[0]?.comments.map((comment) => comment.body), { timeout: 5_000 }).toEqual(['Ten days, keep going']);
    expect((await shown(sponsor))[0]?.comments[0]?.pending).toBe(false);

    // Ana replies; the sponsor (her leader) hides the reply; Ana's device hears it on her own row.
    const reply = await ana.device.store.addTeamComment(win!.id, 'Thanks!');
    if (!reply.ok) throw new Error(reply.error.message);
    await settle(ana.device);
    await expect.poll(async () => (await shown(sponsor))[0]?.comments.length, { timeout: 5_000 }).toBe(2);
    expect((await sponsor.feed.hideComment(reply.value, true)).ok).toBe(true);
    expect((await shown(sponsor))[0]?.comments.find((comment) => comment.id === reply.value)?.hidden).toBe(true);
    await expect.poll(async () => (await ana.device.db.team_comments.get(reply.value))?.hidden_at ?? null, { timeout: 5_000 }).not.toBeNull();

    // The sponsor edits, then deletes the first comment: Ana's feed follows.
    const first = (await shown(sponsor))[0]!.comments.find((comment) => comment.mine)!;
    expect((await sponsor.device.store.editTeamComment(first.id, 'Ten days: keep going!')).ok).toBe(true);
    await settle(sponsor.device);
    await expect
      .poll(async () => {
        const edited = (await shown(ana))[0]?.comments.find((comment) => comment.id === first.id);
        return [edited?.body, edited?.edited];
      }, { timeout: 5_000 })
      .toEqual(['Ten days: keep going!', true]);
    expect((await shown(ana))[0]?.comments.find((comment) => comment.mine)?.edited).toBe(false);
    expect((await sponsor.device.store.deleteTeamComment(first.id)).ok).toBe(true);
    await settle(sponsor.device);
    await expect.poll(async () => (await shown(ana))[0]?.comments.some((comment) => comment.id === first.id), { timeout: 5_000 }).toBe(false);
  }, 60_000);

  it('two devices of one member sharing the same day’s win write one win, not two', async () => {
    const signed = await signedInClient(stack, 'twice');
    await signed.client.from('member_profiles').update({ full_name: 'Tia Twice', share_wins: ['new_customer'] }).eq('id', signed.userId);
    const phone = await startedSyncDevice(stack, signed, devices);
    const laptop = await startedSyncDevice(stack, signed, devices);
    await settle(phone, laptop);
    expect((await phone.store.shareWin('new_customer', '2026-11-24', 1)).ok).toBe(true);
    expect((await laptop.store.shareWin('new_customer', '2026-11-24', 2)).ok).toBe(true);
    await settle(phone, laptop);
    await settle(phone, laptop);
    const { data } = await signed.client.from('team_wins').select('id, amount').eq('member_id', signed.userId);
    expect(data?.map((row) => row.amount)).toEqual([2]);
    const [onPhone, onLaptop] = [(await phone.db.team_wins.toArray())[0], (await laptop.db.team_wins.toArray())[0]];
    expect([onPhone?.amount, onLaptop?.amount]).toEqual([2, 2]);
    expect(onLaptop?.occurred_at).toBe(onPhone?.occurred_at);
  }, 60_000);
});
