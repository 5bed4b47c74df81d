import type { Reaction, WinKind } from '../domain/team-feed-schema';
import { reactionId, winId } from '../domain/team-wins';
import { ok, type Result } from '../shared/result';
import type { CommitError, RowChange, WriteContext } from './commit-changes';
import type { FieldbookDb } from './fieldbook-db';
import type { StoreResult } from './local-store';

/*
 * The team feed's commands on local data (wins, comments, reactions, what to share), loaded on
 * first use by the store. Each is one commit: the row and its outbox entry, or nothing.
 */
export function createTeamCommands(
  db: FieldbookDb,
  ctx: WriteContext,
  commit: (changes: RowChange[]) => StoreResult<void>,
  read: <T>(run: () => Promise<T>) => Promise<Result<T, CommitError>>,
) {
  const nowIso = () => new Date(ctx.now()).toISOString();
  /** The member's secret for derived ids, once the profile has come from the server (null before). */
  const saltOf = () => read(async () => (await db.member_profiles.get(ctx.memberId))?.win_salt ?? null);
  return {
    /** Which kinds of win the team sees (the member's answer to the question asked once, or Settings). */
    async saveShareWins(kinds: readonly WinKind[]): StoreResult<void> {
      return commit([{ table: 'member_profiles', op: 'upsert', id: ctx.memberId, fields: { share_wins: [...new Set(kinds)], share_wins_asked_at: nowIso() } }]);
    },

    /**
     * The member's win of `kind` on `day` with its number: one row per member, kind and day under an id
     * every device derives alike from the member's secret (team-wins.ts), so two devices write one win.
     * A shared win only ever grows: a device whose counts lag (still syncing) never lowers or withdraws
     * it, and a win the member removed stays removed. Nothing is shared before the profile (with the
     * secret) has come from the server.
     */
    async shareWin(kind: WinKind, day: string, amount: number): StoreResult<void> {
      if (amount <= 0) return ok(undefined);
      const salt = await saltOf();
      if (!salt.ok || salt.value === null) return salt.ok ? ok(undefined) : salt;
      const id = await winId(salt.value, kind, day);
      const found = await read(() => db.team_wins.get(id));
      if (!found.ok) return found;
      const existing = found.value;
      if (existing && (existing.deleted_at !== null || existing.amount >= amount)) return ok(undefined);
      return commit([
        existing ? { table: 'team_wins', op: 'update', id, fields: { amount } } : { table: 'team_wins', op: 'upsert', id, fields: { kind, amount, occurred_at: nowIso() } },
      ]);
    },

    /** Takes one of the member's wins off the team feed. */
    async removeWin(id: string): StoreResult<void> {
      return commit([{ table: 'team_wins', op: 'update', id, fields: { deleted_at: nowIso() } }]);
    },

    /** A comment on a win the member sees; written offline too (it waits in the outbox). */
    async addTeamComment(forWin: string, body: string): StoreResult<string> {
      const id = ctx.newId();
      const result = await commit([{ table: 'team_comments', op: 'insert', id, fields: { win_id: forWin, body: body.trim(), hidden_at: null, hidden_by: null } }]);
      return result.ok ? ok(id) : result;
    },

    async editTeamComment(id: string, body: string): StoreResult<void> {
      return commit([{ table: 'team_comments', op: 'update', id, fields: { body: body.trim() } }]);
    },

    async deleteTeamComment(id: string): StoreResult<void> {
      return commit([{ table: 'team_comments', op: 'update', id, fields: { deleted_at: nowIso() } }]);
    },

    /**
     * Adds the member's reaction of this kind to a win, or takes it back if it is there. One row per
     * member, win and kind (the server allows no more), under an id derived from the member's secret so
     * two devices reacting offline write the same row.
     */
    async toggleTeamReaction(forWin: string, emoji: Reaction): StoreResult<void> {
      const found = await read(async () => (await db.team_reactions.where('win_id').equals(forWin).toArray()).filter((row) => row.emoji === emoji));
      if (!found.ok) return found;
      const live = found.value.find((row) => row.deleted_at === null);
      if (live) return commit([{ table: 'team_reactions', op: 'update', id: live.id, fields: { deleted_at: nowIso() } }]);
      const withdrawn = found.value[0];
      if (withdrawn) return commit([{ table: 'team_reactions', op: 'update', id: withdrawn.id, fields: { deleted_at: null } }]);
      const salt = await saltOf();
      if (!salt.ok) return salt;
      const id = salt.value === null ? ctx.newId() : await reactionId(salt.value, forWin, emoji);
      return commit([{ table: 'team_reactions', op: 'upsert', id, fields: { win_id: forWin, emoji, deleted_at: null } }]);
    },
  };
}

export type TeamCommands = ReturnType<typeof createTeamCommands>;
