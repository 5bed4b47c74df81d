-- The team: who sponsored whom, invitations, and the downline at any depth.
--
-- team_sponsors holds one row per member who has a sponsor (at most one). team_paths is its closure,
-- every (ancestor, descendant, depth) pair, kept by triggers on team_sponsors, so "my downline" and "is
-- X in my downline" are one indexed read however deep and wide the team is. Changes to the structure
-- are serialized by one advisory lock, so two members accepting each other's invitations at the same
-- moment cannot make a cycle.
--
-- Privacy: these tables hold who is in whose team and nothing else. A member reads their own rows;
-- names of upline and downline come through team_my_team(), which returns only those. Nothing here
-- opens contacts, activities or messages to anyone: those tables keep their owner-only policies.
-- The functions that need more than the caller's rights live in schema team_private, which the API
-- does not expose, with a fixed search_path; the API reaches them only through the public wrappers.

create schema team_private;
revoke all on schema team_private from public;
grant usage on schema team_private to authenticated, service_role;

create table public.team_sponsors (
  member_id uuid primary key references public.members (id) on delete cascade,
  sponsor_id uuid not null references public.members (id) on delete cascade,
  joined_at timestamptz not null default now(),
  constraint team_sponsors_not_self check (member_id <> sponsor_id)
);
create index team_sponsors_sponsor on public.team_sponsors (sponsor_id);

create table public.team_paths (
  ancestor_id uuid not null references public.members (id) on delete cascade,
  descendant_id uuid not null references public.members (id) on delete cascade,
  depth integer not null constraint team_paths_depth_positive check (depth >= 1),
  primary key (ancestor_id, descendant_id)
);
create index team_paths_descendant on public.team_paths (descendant_id, depth);

create table public.team_invites (
  id uuid primary key default gen_random_uuid(),
  inviter_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  -- 8 characters without look-alikes (no 0/O, 1/I/L): easy to read out or type from a message.
  code text not null constraint team_invites_code_format check (code ~ '^[A-HJKMNP-Z2-9]{8}$'),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  revoked_at timestamptz,
  constraint team_invites_code_unique unique (code),
  constraint team_invites_expiry_range check (expires_at > created_at and expires_at <= created_at + interval '30 days')
);
create index team_invites_inviter on public.team_invites (inviter_id, created_at desc);

/**
 * A fresh invitation code (the column's default): 8 characters from a 31-letter alphabet, from the
 * random bytes of a v4 uuid (skipping the two that carry its version and variant bits).
 */
create function team_private.new_invite_code() returns text language sql volatile set search_path = '' as $$
  select pg_catalog.string_agg(pg_catalog.substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + (pg_catalog.get_byte(r.b, t.i) % 31), 1), '' order by t.n)
  from (select pg_catalog.decode(pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', ''), 'hex') as b) r,
       unnest(array[0, 1, 2, 3, 4, 5, 10, 11]) with ordinality as t(i, n)
$$;
alter table public.team_invites alter column code set default team_private.new_invite_code();

-- Closure upkeep --------------------------------------------------------------------------------

create function team_private.add_paths() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('fieldbook.team_structure'));
  if exists (select 1 from public.team_paths p where p.ancestor_id = new.member_id and p.descendant_id = new.sponsor_id) then
    raise exception 'This would make you part of your own upline' using errcode = 'P0001';
  end if;
  insert into public.team_paths (ancestor_id, descendant_id, depth)
  select a.ancestor_id, d.descendant_id, a.depth + d.depth + 1
  from (select new.sponsor_id as ancestor_id, 0 as depth
        union all select p.ancestor_id, p.depth from public.team_paths p where p.descendant_id = new.sponsor_id) a
  cross join (select new.member_id as descendant_id, 0 as depth
              union all select p.descendant_id, p.depth from public.team_paths p where p.ancestor_id = new.member_id) d;
  return null;
end;
$$;

create function team_private.remove_paths() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('fieldbook.team_structure'));
  delete from public.team_paths p
  where p.descendant_id in (select old.member_id union all select q.descendant_id from public.team_paths q where q.ancestor_id = old.member_id)
    and p.ancestor_id in (select old.sponsor_id union all select q.ancestor_id from public.team_paths q where q.descendant_id = old.sponsor_id);
  return null;
end;
$$;

create function team_private.keep_sponsor() returns trigger language plpgsql as $$
begin
  raise exception 'A sponsor is changed by leaving and joining again' using errcode = 'P0001';
end;
$$;

/**
 * A member deleted (their account erased): their place in the team goes first, through the triggers
 * above, while the paths through them still exist to be undone. Left to the foreign keys' cascades,
 * those paths could be gone before the sponsor rows, and the closure would keep a path through them.
 */
create function team_private.leave_on_delete() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  delete from public.team_sponsors s where s.sponsor_id = old.id;
  delete from public.team_sponsors s where s.member_id = old.id;
  return old;
end;
$$;
create trigger team_leave_on_delete before delete on public.members for each row execute function team_private.leave_on_delete();

create trigger team_add_paths after insert on public.team_sponsors for each row execute function team_private.add_paths();
create trigger team_remove_paths after delete on public.team_sponsors for each row execute function team_private.remove_paths();
create trigger team_keep_sponsor before update on public.team_sponsors for each row execute function team_private.keep_sponsor();

-- Row-level security ------------------------------------------------------------------------------

alter table public.team_sponsors enable row level security;
alter table public.team_paths enable row level security;
alter table public.team_invites enable row level security;

-- A member sees their own sponsor row and those of their direct members; paths they are part of.
-- Writes go through the functions below only.
create policy "Members see their own and their direct members' sponsor rows" on public.team_sponsors for select to authenticated
  using (member_id = (select auth.uid()) or sponsor_id = (select auth.uid()));
create policy "Members see paths they are part of" on public.team_paths for select to authenticated
  using (ancestor_id = (select auth.uid()) or descendant_id = (select auth.uid()));
create policy "Inviters see their invitations" on public.team_invites for select to authenticated
  using (inviter_id = (select auth.uid()));
create policy "Inviters create their invitations" on public.team_invites for insert to authenticated
  with check (inviter_id = (select auth.uid()));
create policy "Inviters revoke their invitations" on public.team_invites for update to authenticated
  using (inviter_id = (select auth.uid())) with check (inviter_id = (select auth.uid()));
create policy "Inviters delete their invitations" on public.team_invites for delete to authenticated
  using (inviter_id = (select auth.uid()));

revoke all on public.team_sponsors, public.team_paths, public.team_invites from anon, authenticated, service_role, public;
grant select on public.team_sponsors, public.team_paths to authenticated;
grant select, insert, delete on public.team_invites to authenticated;
grant update (revoked_at, expires_at) on public.team_invites to authenticated;
grant select, insert, update, delete on public.team_sponsors, public.team_paths, public.team_invites to service_role;

-- Joining, leaving, removing --------------------------------------------------------------------

create function team_private.accept_invite(invite_code text) returns uuid language plpgsql security definer set search_path = '' as $$
declare
  me uuid := auth.uid();
  invite public.team_invites;
begin
  if me is null then
    raise exception 'Sign in to join a team' using errcode = '28000';
  end if;
  select * into invite from public.team_invites i where i.code = upper(pg_catalog.btrim(coalesce(invite_code, '')));
  if invite.id is null or invite.revoked_at is not null or invite.expires_at <= now() then
    raise exception 'This invitation is not valid (it may have expired or been withdrawn)' using errcode = 'P0001';
  end if;
  if invite.inviter_id = me then
    raise exception 'This is your own invitation' using errcode = 'P0001';
  end if;
  if exists (select 1 from public.team_sponsors s where s.member_id = me) then
    if exists (select 1 from public.team_sponsors s where s.member_id = me and s.sponsor_id = invite.inviter_id) then
      return invite.inviter_id;
    end if;
    raise exception 'You already have a sponsor; leave that team first' using errcode = 'P0001';
  end if;
  insert into public.team_sponsors (member_id, sponsor_id) values (me, invite.inviter_id);
  return invite.inviter_id;
end;
$$;

create function team_private.leave() returns void language plpgsql security definer set search_path = '' as $$
begin
  if auth.uid() is null then
    raise exception 'Sign in to leave a team' using errcode = '28000';
  end if;
  delete from public.team_sponsors s where s.member_id = auth.uid();
end;
$$;

create function team_private.remove_member(member uuid) returns void language plpgsql security definer set search_path = '' as $$
begin
  if auth.uid() is null then
    raise exception 'Sign in to manage your team' using errcode = '28000';
  end if;
  delete from public.team_sponsors s where s.member_id = member and s.sponsor_id = auth.uid();
  if not found then
    raise exception 'Only a member''s own sponsor can remove them' using errcode = 'P0001';
  end if;
end;
$$;

/**
 * The caller's team: their upline (negative depth: -1 is the sponsor) and their downline (1 = people
 * they sponsored), each with the name from their profile. Nobody else's team, and nothing but names.
 */
create function team_private.my_team() returns table (member_id uuid, full_name text, depth integer, joined_at timestamptz)
language sql stable security definer set search_path = '' as $$
  select p.ancestor_id, coalesce(pr.full_name, ''), -p.depth, s.joined_at
  from public.team_paths p
  left join public.member_profiles pr on pr.id = p.ancestor_id and pr.deleted_at is null
  left join public.team_sponsors s on s.member_id = p.ancestor_id
  where p.descendant_id = auth.uid()
  union all
  select p.descendant_id, coalesce(pr.full_name, ''), p.depth, s.joined_at
  from public.team_paths p
  left join public.member_profiles pr on pr.id = p.descendant_id and pr.deleted_at is null
  left join public.team_sponsors s on s.member_id = p.descendant_id
  where p.ancestor_id = auth.uid()
  order by 3, 2
$$;

revoke all on all functions in schema team_private from public, anon, authenticated;
grant execute on function team_private.accept_invite(text), team_private.leave(), team_private.remove_member(uuid), team_private.my_team(),
  team_private.new_invite_code() to authenticated;

-- The API's entry points: thin wrappers (the caller's rights) over the functions above.
create function public.team_accept_invite(invite_code text) returns uuid language sql security invoker set search_path = '' as $$
  select team_private.accept_invite(invite_code)
$$;
create function public.team_leave() returns void language sql security invoker set search_path = '' as $$
  select team_private.leave()
$$;
create function public.team_remove_member(member uuid) returns void language sql security invoker set search_path = '' as $$
  select team_private.remove_member(member)
$$;
create function public.team_my_team() returns table (member_id uuid, full_name text, depth integer, joined_at timestamptz)
language sql stable security invoker set search_path = '' as $$
  select * from team_private.my_team()
$$;
revoke all on function public.team_accept_invite(text), public.team_leave(), public.team_remove_member(uuid), public.team_my_team() from public, anon;
grant execute on function public.team_accept_invite(text), public.team_leave(), public.team_remove_member(uuid), public.team_my_team() to authenticated;
