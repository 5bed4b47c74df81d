-- Team presence: each member tracks on their own channel only; the line receives.
--
-- Replaces the rule of 20261129000700_team_presence.sql, under which every member tracked on their
-- own channel and on each upline member's, with a presence key of their choosing: anyone in a line
-- could show any key (another member's id, made-up ids) and any payload on an upline channel, and a
-- sibling on the shared sponsor's channel saw the other branch's downline online.
--
-- Now, on the private channel `team-presence:<member id>`:
--   * presence, write (track): only its owner, the member whose id the topic carries;
--   * presence, read (see who is present, which is only ever the owner): the owner, their upline at
--     any depth, and their downline at depth 1 and 2. Put the other way round, a member sees online
--     their own upline and their downline down to level 2, never a sibling or a sibling's downline,
--     and never anyone deeper than level 2;
--   * broadcast, write: only the owner's downline at depth 1 and 2, to "knock" (a member who has just
--     joined tells their sponsor and their sponsor's sponsor to read the team again); broadcast, read:
--     only the owner. The app reads nothing from a knock but that it came (no payload is believed),
--     and reads the team again at most once every few seconds however many knocks arrive.
-- The app also believes on each channel only the presence entry whose key is the channel's owner.

drop policy "Team members see who is online on their leaders' channels" on realtime.messages;
drop policy "Team members show they are online on their leaders' channels" on realtime.messages;
drop function team_private.may_use_presence(text);

/** The member id a team presence topic carries (`team-presence:<uuid>`, lower case); null for any other topic. */
create function team_private.presence_owner(topic text) returns uuid language sql immutable set search_path = '' as $$
  select case
    when topic ~ '^team-presence:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then pg_catalog.substr(topic, 15)::uuid
  end
$$;

/** May the caller see presence on this topic: their own channel, an upline member's (any depth), a downline member's at depth 1 or 2. */
create function team_private.may_see_presence(topic text) returns boolean language sql stable security definer set search_path = '' as $$
  select coalesce((
    select o.owner = o.me
      or exists (select 1 from public.team_paths p where p.ancestor_id = o.owner and p.descendant_id = o.me)
      or exists (select 1 from public.team_paths p where p.ancestor_id = o.me and p.descendant_id = o.owner and p.depth <= 2)
    from (select team_private.presence_owner(topic) as owner, auth.uid() as me) o
    where o.owner is not null and o.me is not null), false)
$$;

/** May the caller knock on this topic: it is the channel of their sponsor or their sponsor's sponsor. */
create function team_private.may_knock(topic text) returns boolean language sql stable security definer set search_path = '' as $$
  select coalesce((
    select exists (select 1 from public.team_paths p where p.ancestor_id = o.owner and p.descendant_id = o.me and p.depth <= 2)
    from (select team_private.presence_owner(topic) as owner, auth.uid() as me) o
    where o.owner is not null and o.me is not null), false)
$$;

revoke all on function team_private.presence_owner(text), team_private.may_see_presence(text), team_private.may_knock(text) from public, anon;
grant execute on function team_private.presence_owner(text), team_private.may_see_presence(text), team_private.may_knock(text) to authenticated;

create policy "Members see presence on the channels of their line (upline, downline to level 2)" on realtime.messages for select to authenticated
  using (extension = 'presence' and (select team_private.may_see_presence(realtime.topic())));
create policy "Members track presence on their own channel only" on realtime.messages for insert to authenticated
  with check (extension = 'presence' and (select team_private.presence_owner(realtime.topic())) = (select auth.uid()));
create policy "Members hear knocks on their own presence channel" on realtime.messages for select to authenticated
  using (extension = 'broadcast' and (select team_private.presence_owner(realtime.topic())) = (select auth.uid()));
create policy "Members knock on their sponsor's and grand-sponsor's presence channels" on realtime.messages for insert to authenticated
  with check (extension = 'broadcast' and (select team_private.may_knock(realtime.topic())));
