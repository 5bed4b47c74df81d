import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON, member, SERVICE, type Who } from '../support/schema-db';
import { sqlBackends, type SqlBackend } from '../support/sql-backends';

/*
 * The team in the database (migration 20261129000600), on PGlite and on PostgreSQL 15: invitations,
 * accepting, leaving and removing; the downline at any depth kept by the closure table; no cycles; and
 * privacy: the team tables and functions show each member only their own place in the team, and being
 * someone's sponsor opens none of their contacts, activities or messages.
 */

for (const backend of sqlBackends()) {
  describe(`the team on ${backend.name}`, () => {
    let db: SqlBackend;
    beforeAll(async () => {
      db = await backend.open();
    }, 120_000);
    afterAll(async () => db?.close());

    const as = <T = Record<string, unknown>,>(who: Who, sql: string, params: unknown[] = []) => db.as(who, (query) => query<T>(sql, params));
    const person = async (name: string) => {
      const id = await db.createUser({ full_name: name });
      return id;
    };
    const invite = async (inviter: string) => (await as<{ code: string }>(member(inviter), `insert into public.team_invites default values returning code`))[0]!.code;
    const accept = (who: string, code: string) => as<{ sponsor: string }>(member(who), `select public.team_accept_invite($1) as sponsor`, [code]);
    const join = async (who: string, sponsor: string) => (await accept(who, await invite(sponsor)))[0]!.sponsor;
    const paths = async () =>
      (await db.query<{ a: string; d: string; depth: number }>(`select ancestor_id::text as a, descendant_id::text as d, depth from public.team_paths`)).map((p) => `${p.a}>${p.d}:${p.depth}`).sort();
    const myTeam = (who: string) => as<{ member_id: string; full_name: string; depth: number }>(member(who), `select member_id::text, full_name, depth from public.team_my_team()`);

    it('an invitation code is 8 readable characters; accepting it makes the inviter the sponsor, with the downline at every depth', async () => {
      const [ana, ben, cy, dee] = [await person('Ana'), await person('Ben'), await person('Cy'), await person('Dee')];
      const code = await invite(ana);
      expect(code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
      expect((await accept(ben, ` ${code.toLowerCase()} `))[0]!.sponsor).toBe(ana);
      await join(cy, ben);
      await join(dee, cy);
      expect((await myTeam(ana)).map((row) => [row.full_name, row.depth])).toEqual([
        ['Ben', 1],
        ['Cy', 2],
        ['Dee', 3],
      ]);
      expect((await myTeam(cy)).map((row) => [row.full_name, row.depth])).toEqual([
        ['Ana', -2],
        ['Ben', -1],
        ['Dee', 1],
      ]);
      // Accepting the same sponsor's invitation again changes nothing.
      expect((await accept(ben, await invite(ana)))[0]!.sponsor).toBe(ana);
    });

    it('refuses cycles, a second sponsor, one’s own, expired and withdrawn invitations, with reasons', async () => {
      const [a, b, c, x] = [await person('A'), await person('B'), await person('C'), await person('X')];
      await join(b, a);
      await join(c, b);
      await expect(accept(a, await invite(c))).rejects.toThrow(/own upline/);
      await expect(accept(b, await invite(x))).rejects.toThrow(/already have a sponsor/);
      await expect(accept(x, await invite(x))).rejects.toThrow(/your own invitation/);
      const expired = await invite(a);
      await db.query(`update public.team_invites set created_at = now() - interval '10 days', expires_at = now() - interval '1 day' where code = $1`, [expired]);
      await expect(accept(x, expired)).rejects.toThrow(/not valid/);
      const withdrawn = await invite(a);
      await as(member(a), `update public.team_invites set revoked_at = now() where code = $1`, [withdrawn]);
      await expect(accept(x, withdrawn)).rejects.toThrow(/not valid/);
      await expect(accept(x, 'NOPE2345')).rejects.toThrow(/not valid/);
      // An invitation cannot be made to last longer than 30 days.
      await expect(as(member(a), `insert into public.team_invites (expires_at) values (now() + interval '90 days')`)).rejects.toThrow(/team_invites_expiry_range/);
    });

    it('leaving takes the whole downline along; a sponsor removes only a direct member', async () => {
      const [a, b, c, d] = [await person('A'), await person('B'), await person('C'), await person('D')];
      await join(b, a);
      await join(c, b);
      await join(d, c);
      await expect(as(member(a), `select public.team_remove_member($1)`, [c])).rejects.toThrow(/own sponsor/);
      await as(member(c), `select public.team_leave()`);
      expect((await myTeam(a)).map((row) => row.full_name)).toEqual(['B']);
      expect((await myTeam(c)).map((row) => [row.full_name, row.depth])).toEqual([['D', 1]]);
      await as(member(a), `select public.team_remove_member($1)`, [b]);
      expect(await myTeam(a)).toEqual([]);
      expect((await paths()).filter((p) => p.includes(a))).toEqual([]);
    });

    it('deleting a user in the middle of a line leaves no path through them', async () => {
      const [a, b, c] = [await person('A'), await person('B'), await person('C')];
      await join(b, a);
      await join(c, b);
      await db.query(`delete from auth.users where id = $1`, [b]);
      expect((await paths()).filter((p) => p.includes(a) || p.includes(c))).toEqual([]);
      expect(await myTeam(c)).toEqual([]);
    });

    it('privacy: each role reads only its own place in the team, writes only through the functions, and a leader sees none of a member’s data', async () => {
      const [leader, memberId, sibling, stranger] = [await person('Leader'), await person('Member'), await person('Sibling'), await person('Stranger')];
      const niece = await person('Niece');
      await join(memberId, leader);
      await join(sibling, leader);
      await join(niece, sibling);
      const contact = crypto.randomUUID();
      await as(member(memberId), `insert into public.contacts (id, first_name, notes) values ($1, 'Prospect', 'private note')`, [contact]);
      await as(member(memberId), `insert into public.member_activities (contact_id, activity_type, metadata) values ($1, 'call', '{"outcome": "connected"}')`, [contact]);
      const memberInvite = await invite(memberId);

      const roles: Record<string, Who> = { anon: ANON, stranger: member(stranger), sibling: member(sibling), member: member(memberId), leader: member(leader) };
      const count = (who: Who, table: string, where: string, params: unknown[] = []) => as<{ n: number }>(who, `select count(*)::int as n from public.${table} where ${where}`, params).then((r) => r[0]!.n);
      const seen: Record<string, unknown> = {};
      for (const [name, who] of Object.entries(roles)) {
        const read = async (table: string, where: string, params: unknown[] = []) => count(who, table, where, params).catch(() => 'denied');
        seen[name] = {
          memberSponsorRow: await read('team_sponsors', 'member_id = $1', [memberId]),
          memberPaths: await read('team_paths', 'descendant_id = $1 or ancestor_id = $1', [memberId]),
          nieceSponsorRow: await read('team_sponsors', 'member_id = $1', [niece]),
          memberInvites: await read('team_invites', 'inviter_id = $1', [memberId]),
          memberContacts: await read('contacts', 'member_id = $1', [memberId]),
          memberActivities: await read('member_activities', 'member_id = $1', [memberId]),
          memberProfile: await read('member_profiles', 'member_id = $1', [memberId]),
        };
      }
      expect(seen).toEqual({
        anon: { memberSponsorRow: 'denied', memberPaths: 'denied', nieceSponsorRow: 'denied', memberInvites: 'denied', memberContacts: 'denied', memberActivities: 'denied', memberProfile: 'denied' },
        stranger: { memberSponsorRow: 0, memberPaths: 0, nieceSponsorRow: 0, memberInvites: 0, memberContacts: 0, memberActivities: 0, memberProfile: 0 },
        sibling: { memberSponsorRow: 0, memberPaths: 0, nieceSponsorRow: 1, memberInvites: 0, memberContacts: 0, memberActivities: 0, memberProfile: 0 },
        member: { memberSponsorRow: 1, memberPaths: 1, nieceSponsorRow: 0, memberInvites: 1, memberContacts: 1, memberActivities: 1, memberProfile: 1 },
        leader: { memberSponsorRow: 1, memberPaths: 1, nieceSponsorRow: 0, memberInvites: 0, memberContacts: 0, memberActivities: 0, memberProfile: 0 },
      });

      // Names through team_my_team: the sibling sees the leader and their own niece, never the member.
      expect((await myTeam(sibling)).map((row) => row.full_name)).toEqual(['Leader', 'Niece']);
      expect((await myTeam(stranger)).length).toBe(0);
      await expect(as(ANON, `select * from public.team_my_team()`)).rejects.toThrow(/permission denied/);

      // Writes: nobody writes the structure directly, not even the leader or the member themselves.
      for (const who of [member(leader), member(memberId), member(stranger)]) {
        await expect(as(who, `insert into public.team_sponsors (member_id, sponsor_id) values ($1, $2)`, [stranger, leader])).rejects.toThrow(/permission denied/);
        await expect(as(who, `delete from public.team_sponsors where member_id = $1`, [memberId])).rejects.toThrow(/permission denied/);
        await expect(as(who, `insert into public.team_paths (ancestor_id, descendant_id, depth) values ($1, $2, 1)`, [stranger, leader])).rejects.toThrow(/permission denied/);
      }
      // Invitations: only their inviter may withdraw or delete them, and nobody invites in another's name.
      await as(member(leader), `update public.team_invites set revoked_at = now() where code = $1`, [memberInvite]);
      await as(member(leader), `delete from public.team_invites where code = $1`, [memberInvite]);
      expect(await count(SERVICE, 'team_invites', 'code = $1 and revoked_at is null', [memberInvite])).toBe(1);
      await expect(as(member(stranger), `insert into public.team_invites (inviter_id) values ($1)`, [leader])).rejects.toThrow(/row-level security/);
      // The private schema is not reachable as a table or function owner would: no direct table access.
      await expect(as(member(leader), `select * from team_private.my_team()`)).resolves.toBeDefined();
      await expect(as(ANON, `select team_private.leave()`)).rejects.toThrow(/permission denied/);
      // A sibling cannot remove the member (not their sponsor); a stranger cannot either.
      await expect(as(member(sibling), `select public.team_remove_member($1)`, [memberId])).rejects.toThrow(/own sponsor/);
      await expect(as(member(stranger), `select public.team_remove_member($1)`, [memberId])).rejects.toThrow(/own sponsor/);
      expect((await myTeam(leader)).map((row) => row.full_name)).toEqual(['Member', 'Sibling', 'Niece']);
    });

    it('the sponsor of a row cannot be changed in place', async () => {
      const [a, b, c] = [await person('A'), await person('B'), await person('C')];
      await join(b, a);
      await expect(db.query(`update public.team_sponsors set sponsor_id = $1 where member_id = $2`, [c, b])).rejects.toThrow(/leaving and joining again/);
    });
  });
}
