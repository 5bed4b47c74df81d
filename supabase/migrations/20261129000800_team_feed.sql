-- The team feed: wins, reactions and comments, shared along the sponsor line.
--
-- Who sees what: a member's wins (and the reactions and comments on them) are seen by the member, their
-- upline and their downline; not by siblings' downlines, nor by anyone outside the line.
-- What is shared is explicit: a member posts a kind of win only when their profile allows that kind
-- (member_profiles.share_wins, empty until they choose), and a win has no text at all (a kind and a
-- number), so it can never name a prospect. Comments are the only text, written by members for their
-- team. All three are synced tables owned by their author: written offline, queued in the outbox and
-- synced like everything else; the team reads them under the extra policies below.

alter table public.member_profiles
  add column share_wins text[] not null default '{}' constraint member_profiles_share_wins_valid check (
    array_ndims(share_wins) is null or (array_ndims(share_wins) = 1 and share_wins <@ array['new_customer', 'new_team_member', 'goal_reached', 'streak']::text[])),
  -- When the member was asked whether to share wins (null: not yet asked); asked once.
  add column share_wins_asked_at timestamptz constraint member_profiles_share_wins_asked_at_year check (sync.valid_time(share_wins_asked_at));

create table public.team_wins (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  kind text not null constraint team_wins_kind_valid check (kind in ('new_customer', 'new_team_member', 'goal_reached', 'streak')),
  -- The number that goes with the kind: the streak's days, for instance. Never a name.
  amount integer not null default 1 constraint team_wins_amount_range check (amount between 1 and 100000),
  occurred_at timestamptz not null default now() constraint team_wins_occurred_at_year check (sync.valid_time(occurred_at)),
  created_at timestamptz not null default now() constraint team_wins_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint team_wins_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id()
);
create index team_wins_member_time on public.team_wins (member_id, occurred_at desc);

create table public.team_reactions (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  win_id uuid not null references public.team_wins (id) on delete cascade,
  emoji text not null constraint team_reactions_emoji_valid check (emoji in ('clap', 'party', 'fire', 'strong', 'heart')),
  created_at timestamptz not null default now() constraint team_reactions_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint team_reactions_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id()
);
create index team_reactions_win on public.team_reactions (win_id);

create table public.team_comments (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  win_id uuid not null references public.team_wins (id) on delete cascade,
  body text not null constraint team_comments_body_length check (char_length(btrim(body)) between 1 and 500),
  -- Set by a leader of the win's author through team_hide_comment(), never by the comment's author.
  hidden_at timestamptz constraint team_comments_hidden_at_year check (sync.valid_time(hidden_at)),
  hidden_by uuid references public.members (id) on delete set null,
  created_at timestamptz not null default now() constraint team_comments_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint team_comments_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id()
);
create index team_comments_win on public.team_comments (win_id, created_at);

select sync.add_member_table(t) from unnest(array['team_wins', 'team_reactions', 'team_comments']) as t;

-- Synced rows may now be readable by others (the team's wins, comments and reactions): the row sync_push
-- answers with must be the caller's own. Before, an update of a teammate's comment found no row to
-- change (row-level security) but then read the teammate's row and answered "applied" with it.
create or replace function sync.held_row(tbl text, row_id uuid) returns jsonb language plpgsql stable as $$
declare
  held jsonb;
begin
  execute format('select to_jsonb(t) - ''sync_xid'' from public.%I t where id = $1 and member_id = auth.uid()', tbl) into held using row_id;
  if held is null then
    select jsonb_build_object('id', d.id, 'member_id', d.member_id, 'deleted_at', d.deleted_at, 'field_stamps', jsonb_build_object('deleted_at', d.stamp))
    into held from public.sync_deleted_rows d where d.member_id = auth.uid() and d.table_name = tbl and d.id = row_id;
  end if;
  return held;
end;
$$;

/** Whether the caller and `other` are on one sponsor line (either is the other's upline), or the same member. */
create function team_private.in_line_with(other uuid) returns boolean language sql stable security definer set search_path = '' as $$
  select other = auth.uid()
      or exists (select 1 from public.team_paths p where p.ancestor_id = auth.uid() and p.descendant_id = other)
      or exists (select 1 from public.team_paths p where p.ancestor_id = other and p.descendant_id = auth.uid())
$$;
revoke all on function team_private.in_line_with(uuid) from public, anon;
grant execute on function team_private.in_line_with(uuid) to authenticated;

-- Reading: the team sees wins along the line, and the reactions and comments on wins it sees.
create policy "The sponsor line sees a member's wins" on public.team_wins for select to authenticated
  using ((select team_private.in_line_with(member_id)));
create policy "Who sees a win sees its reactions" on public.team_reactions for select to authenticated
  using (exists (select 1 from public.team_wins w where w.id = win_id));
create policy "Who sees a win sees its comments" on public.team_comments for select to authenticated
  using (exists (select 1 from public.team_wins w where w.id = win_id));

-- Writing (on top of the owner-only policies): only kinds of win the member chose to share, and
-- reactions and comments only on wins the member can see.
create policy "Only wins the member chose to share" on public.team_wins as restrictive for insert to authenticated
  with check (kind = any (select unnest(p.share_wins) from public.member_profiles p where p.id = (select auth.uid())));
create policy "Reactions only on visible wins" on public.team_reactions as restrictive for insert to authenticated
  with check (exists (select 1 from public.team_wins w where w.id = win_id));
create policy "Comments only on visible wins" on public.team_comments as restrictive for insert to authenticated
  with check (exists (select 1 from public.team_wins w where w.id = win_id));

/** A comment's author edits and deletes it, but hidden_at and hidden_by change only through team_hide_comment(). */
create function team_private.keep_hidden() returns trigger language plpgsql as $$
begin
  if (new.hidden_at is distinct from old.hidden_at or new.hidden_by is distinct from old.hidden_by)
     and coalesce(current_setting('team.hiding', true), '') <> 'on' then
    raise exception 'Only a leader of the team can hide or show a comment' using errcode = '42501';
  end if;
  if new.win_id is distinct from old.win_id then
    raise exception 'A comment stays on its win' using errcode = 'P0001';
  end if;
  return new;
end;
$$;
create trigger team_comments_keep_hidden before update on public.team_comments for each row execute function team_private.keep_hidden();

create function team_private.keep_new_hidden() returns trigger language plpgsql as $$
begin
  if (new.hidden_at is not null or new.hidden_by is not null) and coalesce(current_setting('team.hiding', true), '') <> 'on' then
    raise exception 'Only a leader of the team can hide or show a comment' using errcode = '42501';
  end if;
  return new;
end;
$$;
create trigger team_comments_keep_new_hidden before insert on public.team_comments for each row execute function team_private.keep_new_hidden();

/** A leader (anyone in the upline of the win's author) hides, or shows again, a comment in their team. */
create function team_private.hide_comment(comment uuid, hide boolean) returns void language plpgsql security definer set search_path = '' as $$
declare
  author_of_win uuid;
begin
  if auth.uid() is null then
    raise exception 'Sign in to manage your team' using errcode = '28000';
  end if;
  select w.member_id into author_of_win from public.team_comments c join public.team_wins w on w.id = c.win_id where c.id = comment;
  if author_of_win is null or not exists (select 1 from public.team_paths p where p.ancestor_id = auth.uid() and p.descendant_id = author_of_win) then
    raise exception 'Only a leader of this member can hide comments on their wins' using errcode = 'P0001';
  end if;
  perform pg_catalog.set_config('team.hiding', 'on', true);
  update public.team_comments c set hidden_at = case when hide then now() end, hidden_by = case when hide then auth.uid() end where c.id = comment;
  perform pg_catalog.set_config('team.hiding', '', true);
end;
$$;
revoke all on function team_private.hide_comment(uuid, boolean) from public, anon;
grant execute on function team_private.hide_comment(uuid, boolean) to authenticated;

create function public.team_hide_comment(comment uuid, hide boolean default true) returns void language sql security invoker set search_path = '' as $$
  select team_private.hide_comment(comment, hide)
$$;
revoke all on function public.team_hide_comment(uuid, boolean) from public, anon;
grant execute on function public.team_hide_comment(uuid, boolean) to authenticated;

revoke all on function team_private.keep_hidden(), team_private.keep_new_hidden() from public, anon, authenticated;

insert into sync.constraint_messages (constraint_name, message) values
  ('member_profiles_share_wins_valid', 'Choose which wins to share: new customers, new team members, goals reached, streaks'),
  ('team_wins_kind_valid', 'Unknown kind of win'),
  ('team_wins_amount_range', 'A win''s number is between 1 and 100,000'),
  ('team_reactions_emoji_valid', 'Unknown reaction'),
  ('team_comments_body_length', 'A comment has 1 to 500 characters');
