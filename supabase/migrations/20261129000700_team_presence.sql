-- Who on the team is online: Supabase Realtime Presence on private channels, one per leader,
-- `team-presence:<member id>`, authorized by policies on realtime.messages (Realtime Authorization).
-- A member may join and track on the channel of each member of their upline and on their own; so on
-- their own channel a member sees whoever of their downline is in the app, and on their sponsor's
-- channel, their sponsor and the rest of the sponsor's team. Presence carries only what the app
-- tracks there (in the app, last seen), never what anyone does with a prospect.

create function team_private.may_use_presence(topic text) returns boolean language sql stable security definer set search_path = '' as $$
  select case
    when topic ~ '^team-presence:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      auth.uid() is not null and (
        pg_catalog.substr(topic, 15)::uuid = auth.uid()
        or exists (select 1 from public.team_paths p where p.ancestor_id = pg_catalog.substr(topic, 15)::uuid and p.descendant_id = auth.uid()))
    else false
  end
$$;
revoke all on function team_private.may_use_presence(text) from public, anon;
grant execute on function team_private.may_use_presence(text) to authenticated;

create policy "Team members see who is online on their leaders' channels" on realtime.messages for select to authenticated
  using (extension = 'presence' and (select team_private.may_use_presence(realtime.topic())));
create policy "Team members show they are online on their leaders' channels" on realtime.messages for insert to authenticated
  with check (extension = 'presence' and (select team_private.may_use_presence(realtime.topic())));
