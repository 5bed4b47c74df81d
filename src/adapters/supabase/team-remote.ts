import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { parseFeedPage, parseLeaderDay } from '../../domain/team-feed-wire';
import { remoteErrorOf } from './supabase-remote';
import { readableMessages, readableRunner, type Answer } from './readable-answers';
import type { Database } from './database.types';

/*
 * The team over supabase-js: invitations (the table team_invites), the team RPCs of migration
 * 20261129000600_team.sql, and presence on the private channels `team-presence:<member id>`
 * (20261129001060_team_presence_own_channel.sql). Every failure comes back as a sentence a member can read: the
 * server's own words for the team's refusals (raised as P0001, written for people), otherwise one per
 * failure kind, classified from codes as the sync remote does (remoteErrorOf).
 */

export type TeamInvite = { readonly code: string; readonly created_at: string; readonly expires_at: string };
/** One row of team_my_team(): depth < 0 upline (-1 the sponsor), depth > 0 downline (1 personally sponsored). */
export type TeamMember = { readonly member_id: string; readonly full_name: string; readonly depth: number; readonly joined_at: string | null };

const KIND_MESSAGES = readableMessages('Sign in again to manage your team.');

/** A readable sentence for a failed answer: the team functions' own message (P0001), else one per kind. */
export function teamErrorMessage(answer: Pick<Answer, 'error' | 'status'>): string {
  if (answer.error?.code === 'P0001' && answer.error.message) return answer.error.message;
  return KIND_MESSAGES[remoteErrorOf(answer).kind];
}

/** Upper case, no spaces or dashes: "abcd efgh" and "ABCD-EFGH" are the same code. */
export const normalizeInviteCode = (code: string) => code.replace(/[\s-]+/g, '').toUpperCase();

const run = readableRunner(KIND_MESSAGES, teamErrorMessage);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const parseInvite = (value: unknown): TeamInvite | null =>
  isRecord(value) && typeof value['code'] === 'string' && typeof value['created_at'] === 'string' && typeof value['expires_at'] === 'string'
    ? { code: value['code'], created_at: value['created_at'], expires_at: value['expires_at'] }
    : null;

const parseMember = (value: unknown): TeamMember | null =>
  isRecord(value) && typeof value['member_id'] === 'string' && typeof value['depth'] === 'number' && value['depth'] !== 0
    ? {
        member_id: value['member_id'],
        full_name: typeof value['full_name'] === 'string' ? value['full_name'] : '',
        depth: value['depth'],
        joined_at: typeof value['joined_at'] === 'string' ? value['joined_at'] : null,
      }
    : null;

function parseList<T>(data: unknown, item: (value: unknown) => T | null): T[] | null {
  if (!Array.isArray(data)) return null;
  const out: T[] = [];
  for (const value of data) {
    const parsed = item(value);
    if (parsed === null) return null;
    out.push(parsed);
  }
  return out;
}

export function createTeamRemote(client: SupabaseClient<Database>, now: () => number = Date.now) {
  return {
    /** A fresh invitation (the server makes the code and the expiry). */
    createInvite: () => run(() => client.from('team_invites').insert({}).select('code, created_at, expires_at').single(), parseInvite),
    /** Withdraws one of the member's invitations. */
    revokeInvite: (code: string) =>
      run(
        () => client.from('team_invites').update({ revoked_at: new Date(now()).toISOString() }).eq('code', normalizeInviteCode(code)).is('revoked_at', null),
        () => true as const,
      ),
    /** The member's invitations still open (not withdrawn, not expired), newest first. */
    listInvites: () =>
      run(
        () =>
          client
            .from('team_invites')
            .select('code, created_at, expires_at')
            .is('revoked_at', null)
            .gt('expires_at', new Date(now()).toISOString())
            .order('created_at', { ascending: false }),
        (data) => parseList(data, parseInvite),
      ),
    /** Joins the inviter's team; the sponsor's id. */
    acceptInvite: (code: string) =>
      run(
        () => client.rpc('team_accept_invite', { invite_code: normalizeInviteCode(code) }),
        (data) => (typeof data === 'string' ? data : null),
      ),
    /** Leaves the sponsor's team (the member's own downline comes along). */
    leave: () => run(() => client.rpc('team_leave'), () => true as const),
    /** A sponsor removes one of their personally sponsored members. */
    removeMember: (memberId: string) => run(() => client.rpc('team_remove_member', { member: memberId }), () => true as const),
    /** Upline and downline with names, as team_my_team() answers. */
    myTeam: () => run(() => client.rpc('team_my_team'), (data) => parseList(data, parseMember)),
  };
}

export type TeamRemote = ReturnType<typeof createTeamRemote>;

/**
 * Joins once Realtime holds the member's token: a channel joined before supabase-js has read the
 * stored session joins as anon, and row-level security then lets it hear nothing. Asked once per
 * client (supabase-js keeps the token current from then on), not once per channel.
 */
const tokenSet = new WeakMap<SupabaseClient<Database>, Promise<void>>();
async function subscribeSignedIn(client: SupabaseClient<Database>, subscribe: () => void): Promise<void> {
  let ready = tokenSet.get(client);
  if (!ready) {
    ready = client.realtime.setAuth();
    tokenSet.set(client, ready);
    // A failure is not remembered: the next channel asks again.
    ready.catch(() => tokenSet.delete(client));
  }
  try {
    await ready;
  } finally {
    subscribe();
  }
}

export type TeamPresence = { readonly stop: () => Promise<void> };

/** Channels one member's presence uses at most: their own, and the nearest of their line's. */
export const MAX_PRESENCE_CHANNELS = 100;

/** The private presence channel of one member: only they track there (20261129001060_team_presence_own_channel.sql). */
export const presenceTopic = (memberId: string) => `team-presence:${memberId}`;

/** The broadcast event a new member sends on their sponsor's and grand-sponsor's channels: "read the team again". */
const KNOCK = 'knock';

/**
 * Is the channel's owner in the app? Only their own entry counts (its key is their id, which only they
 * may track under, on their own channel), and of it only `in_app`; any other key is ignored.
 */
function ownerPresent(channel: RealtimeChannel, ownerId: string): boolean {
  const metas: unknown = channel.presenceState()[ownerId];
  return Array.isArray(metas) && metas.some((meta) => isRecord(meta) && meta['in_app'] === true);
}

/**
 * Shows the member as in the app on their own channel, `team-presence:<member id>` (tracking only
 * `{ in_app: true, since }`: presence never carries anything about prospects), and reports which of
 * the watched members are in the app: each watched member's own channel is joined without tracking,
 * and only its owner's entry is believed. `watchIds` come nearest first (upline, then level 1, then
 * level 2); past MAX_PRESENCE_CHANNELS in all, the farthest are left out. On each channel of
 * `knockIds` (a new sponsor or grand-sponsor) the member knocks once, so that member's app reads the
 * team again and starts watching them; `onKnock` hears knocks on the member's own channel.
 */
export function startTeamPresence(
  client: SupabaseClient<Database>,
  options: {
    readonly memberId: string;
    readonly watchIds: readonly string[];
    readonly knockIds?: readonly string[];
    readonly onOnline: (online: ReadonlySet<string>) => void;
    readonly onKnock?: () => void;
    readonly now?: () => number;
    readonly onError?: (topic: string, message: string) => void;
  },
): TeamPresence {
  const { memberId, onOnline } = options;
  const since = new Date((options.now ?? Date.now)()).toISOString();
  const watched = [...new Set(options.watchIds)].filter((id) => id !== memberId).slice(0, MAX_PRESENCE_CHANNELS - 1);
  const knock = new Set(options.knockIds ?? []);
  let stopped = false;
  let last = '';
  const own = client.channel(presenceTopic(memberId), { config: { private: true, presence: { key: memberId } } });
  const others = watched.map((ownerId) => ({ ownerId, channel: client.channel(presenceTopic(ownerId), { config: { private: true } }) }));
  const report = () => {
    if (stopped) return;
    const online = new Set(others.filter(({ ownerId, channel }) => ownerPresent(channel, ownerId)).map(({ ownerId }) => ownerId));
    const signature = [...online].sort().join(',');
    if (signature === last) return;
    last = signature;
    onOnline(online);
  };
  const join = (channel: RealtimeChannel, onJoined: () => void) =>
    void subscribeSignedIn(client, () => {
      if (stopped) return;
      channel.subscribe((status, error) => {
        const state = String(status);
        if (state === 'SUBSCRIBED') onJoined();
        else if (state === 'CHANNEL_ERROR' || state === 'TIMED_OUT') options.onError?.(channel.topic, error?.message ?? state);
      });
    });
  own.on('broadcast', { event: KNOCK }, () => {
    if (!stopped) options.onKnock?.();
  });
  // A listener keeps presence on for the channel (supabase-js sends presence.enabled with the join).
  own.on('presence', { event: 'sync' }, () => undefined);
  join(own, () => void own.track({ in_app: true, since }));
  for (const { ownerId, channel } of others) {
    channel.on('presence', { event: 'sync' }, report);
    join(channel, () => {
      if (!knock.delete(ownerId)) return;
      void channel.send({ type: 'broadcast', event: KNOCK, payload: {} }).then((answer) => {
        if (answer !== 'ok') options.onError?.(channel.topic, `knock not sent: ${answer}`);
      });
    });
  }
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([own, ...others.map(({ channel }) => channel)].map((channel) => client.removeChannel(channel)));
      onOnline(new Set());
    },
  };
}

/*
 * The team feed (team_feed(), migration 20261129001000_team_feed_page.sql): a page of the sponsor
 * line's wins with their reactions and comments, and the leader's day view (team_leader_day()),
 * parsed by team-feed-wire.ts.
 */

export const FEED_PAGE_SIZE = 20;

export function createTeamFeedRemote(client: SupabaseClient<Database>, onMalformed: (count: number) => void = () => {}) {
  const page = (data: unknown) => {
    const parsed = parseFeedPage(data);
    if (parsed && parsed.malformed > 0) onMalformed(parsed.malformed);
    return parsed?.wins ?? null;
  };
  return {
    /**
     * A page of wins, newest first, older than `before` when given; `full` when the server sent a whole
     * page (rows it sent that did not parse count too), so older wins may remain; `last` is where the
     * next page starts.
     */
    page: (before: { readonly at: string; readonly id: string } | null, pageSize = FEED_PAGE_SIZE) =>
      run(
        () => client.rpc('team_feed', { before_at: before?.at ?? null, before_id: before?.id ?? null, page_size: pageSize } as never),
        (data) => {
          const wins = page(data);
          if (wins === null || !Array.isArray(data)) return null;
          const last = data.at(-1) as { id?: unknown; occurred_at?: unknown } | undefined;
          const cursor = typeof last?.id === 'string' && typeof last.occurred_at === 'string' ? { at: last.occurred_at, id: last.id } : null;
          return { wins, full: data.length >= pageSize, last: cursor };
        },
      ),
    /** One win as the server has it now (null: gone or not visible). */
    win: (id: string) =>
      run(
        () => client.rpc('team_feed', { only_win: id } as never),
        (data) => {
          const wins = page(data);
          return wins === null ? null : { win: wins.find((win) => win.id === id) ?? null };
        },
      ),
    hideComment: (commentId: string, hide: boolean) => run(() => client.rpc('team_hide_comment', { comment: commentId, hide }), () => true as const),
    leaderDay: (day: string, maxDepth: number) => run(() => client.rpc('team_leader_day', { on_day: day, max_depth: maxDepth }), parseLeaderDay),
  };
}

export type TeamFeedRemote = ReturnType<typeof createTeamFeedRemote>;

export type FeedChange = { readonly table: 'team_wins' | 'team_reactions' | 'team_comments'; readonly winId: string | null; readonly rowId: string | null };

/**
 * Hears every change to the wins, reactions and comments the member may read (Realtime checks each
 * against row-level security) and reports which win it touched; a hard delete tells only the row's id.
 */
export function listenToFeed(client: SupabaseClient<Database>, onChange: (change: FeedChange) => void, onStatus?: (status: string) => void): { readonly stop: () => Promise<void> } {
  let channel = client.channel('team-feed');
  for (const table of ['team_wins', 'team_reactions', 'team_comments'] as const) {
    channel = channel.on('postgres_changes', { event: '*', schema: 'public', table }, (payload) => {
      const record = isRecord(payload.new) ? payload.new : {};
      const old = isRecord(payload.old) ? payload.old : {};
      const id = typeof record['id'] === 'string' ? record['id'] : typeof old['id'] === 'string' ? old['id'] : null;
      const win = table === 'team_wins' ? id : typeof record['win_id'] === 'string' ? record['win_id'] : null;
      onChange({ table, winId: win, rowId: id });
    });
  }
  let stopped = false;
  void subscribeSignedIn(client, () => {
    if (!stopped) channel.subscribe((status) => onStatus?.(String(status)));
  });
  return {
    stop: async () => {
      stopped = true;
      await client.removeChannel(channel);
    },
  };
}
