-- The team feed, a page at a time; hidden comments kept from the team; policies evaluated once per query.
--
-- team_feed() returns a page of the wins the caller sees (the caller's, their upline's and their
-- downline's; never a sibling's downline), newest first, each with its reactions and comments, so the
-- Team screen reads one page in one request and pages on with a keyset (occurred_at, id). It runs with
-- the caller's rights: what it returns is exactly what row-level security lets the caller read.
--
-- Hidden comments: a comment a leader hid (hidden_at set) is read only by its author and by the leaders
-- (upline) of the win's author, through REST and through team_feed alike. Hiding or showing a comment
-- also touches its win, so every member who sees the win gets a Realtime UPDATE of it and rereads its
-- comments (team_feed(only_win => id)): Realtime never delivers the comment's own update to a member
-- who may no longer read it.
--
-- Speed (Supabase's advice on row-level security): the team's policies ask "is this member in my line?"
-- as `member_id in (select team_private.line_ids())`, a set computed once per query and probed per row,
-- instead of a function call per row; the feed's order has its index.

/** The caller and everyone on their sponsor line: their upline and their downline at any depth. */
create function team_private.line_ids() returns setof uuid language sql stable security definer set search_path = '' rows 50 as $$
  select auth.uid() where auth.uid() is not null
  union all
  select p.descendant_id from public.team_paths p where p.ancestor_id = auth.uid()
  union all
  select p.ancestor_id from public.team_paths p where p.descendant_id = auth.uid()
$$;

revoke all on function team_private.line_ids() from public, anon;
grant execute on function team_private.line_ids() to authenticated;

-- Wins: the line's, as a set computed once per query (was: team_private.in_line_with(member_id) per row).
drop policy "The sponsor line sees a member's wins" on public.team_wins;
create policy "The sponsor line sees a member's wins" on public.team_wins for select to authenticated
  using (member_id in (select team_private.line_ids()));

-- Nothing else asked the old per-row question.
drop function team_private.in_line_with(uuid);

-- Reactions and comments: on wins the caller sees (the lookup of the win is by its primary key, and
-- the win's own policy above is the set computed once).
drop policy "Who sees a win sees its reactions" on public.team_reactions;
create policy "Who sees a win sees its reactions" on public.team_reactions for select to authenticated
  using (exists (select 1 from public.team_wins w where w.id = win_id));
drop policy "Who sees a win sees its comments" on public.team_comments;
create policy "Who sees a win sees its comments" on public.team_comments for select to authenticated
  using (exists (select 1 from public.team_wins w where w.id = win_id));

/** Whether the caller leads (is in the upline of) the author of this win: two index lookups. */
create function team_private.leads_author_of(win uuid) returns boolean language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.team_wins w join public.team_paths p on p.descendant_id = w.member_id
    where w.id = win and p.ancestor_id = auth.uid())
$$;
revoke all on function team_private.leads_author_of(uuid) from public, anon;
grant execute on function team_private.leads_author_of(uuid) to authenticated;

-- A hidden comment: only its author and the leaders of the win's author read it. (Asked per hidden
-- comment only, and in two index lookups, rather than as the caller's whole downline.)
create policy "Hidden comments only for their author and the win author's leaders" on public.team_comments as restrictive for select to authenticated
  using (hidden_at is null or member_id = (select auth.uid()) or team_private.leads_author_of(win_id));

-- The feed's order (newest first, ties by id), over all wins and per member for short lines.
create index team_wins_feed on public.team_wins (occurred_at desc, id desc);
create index team_wins_member_feed on public.team_wins (member_id, occurred_at desc, id desc);
drop index public.team_wins_member_time;
create index team_comments_win_order on public.team_comments (win_id, created_at, id);
drop index public.team_comments_win;

/**
 * Marks a win changed without changing anything the author wrote: the stamp of its `kind` is raised by
 * the least step (the same stamp with one more character), which the merge takes as a newer write of
 * the same value. The row gets a new updated_at and sync_xid, so Realtime sends an UPDATE to everyone
 * who sees the win and the author's devices pull the same values with that stamp; any real edit of the
 * kind made later (a later stamp) still wins over it. (An update of updated_at alone changes no field,
 * and the merge skips it.)
 */
create function team_private.touch_win(win uuid) returns void language plpgsql security definer set search_path = '' as $$
declare
  stored text;
begin
  select w.field_stamps ->> 'kind' into stored from public.team_wins w where w.id = win;
  if not found then
    return;
  end if;
  update public.team_wins w
  set field_stamps = w.field_stamps || jsonb_build_object('kind',
    case
      when stored is null then '00000000000-00000-0'
      when stored ~ '^[0-9a-z]{11}-[0-9a-z]{5}-[0-9a-z]{1,31}$' then stored || '0'
      else sync.stamp_after(stored)
    end)
  where w.id = win;
end;
$$;
revoke all on function team_private.touch_win(uuid) from public, anon, authenticated;

/** A leader (anyone in the upline of the win's author) hides, or shows again, a comment in their team. */
create or replace function team_private.hide_comment(comment uuid, hide boolean) returns void language plpgsql security definer set search_path = '' as $$
declare
  author_of_win uuid;
  author_of_comment uuid;
  hider uuid;
  win uuid;
  changed integer;
begin
  if auth.uid() is null then
    raise exception 'Sign in to manage your team' using errcode = '28000';
  end if;
  select w.member_id, w.id, c.member_id, c.hidden_by into author_of_win, win, author_of_comment, hider
  from public.team_comments c join public.team_wins w on w.id = c.win_id where c.id = comment;
  if author_of_win is null or not exists (select 1 from public.team_paths p where p.ancestor_id = auth.uid() and p.descendant_id = author_of_win) then
    raise exception 'Only a leader of this member can hide comments on their wins' using errcode = 'P0001';
  end if;
  if author_of_comment = auth.uid() then
    raise exception 'A leader above you decides about your own comments' using errcode = 'P0001';
  end if;
  -- Shown again only by the leader who hid it, or by a leader above them.
  if not hide and hider is not null and hider <> auth.uid()
     and not exists (select 1 from public.team_paths p where p.ancestor_id = auth.uid() and p.descendant_id = hider) then
    raise exception 'Only the leader who hid this comment, or one above them, can show it again' using errcode = 'P0001';
  end if;
  perform pg_catalog.set_config('team.hiding', 'on', true);
  update public.team_comments c set hidden_at = case when hide then now() end, hidden_by = case when hide then auth.uid() end where c.id = comment;
  get diagnostics changed = row_count;
  perform pg_catalog.set_config('team.hiding', '', true);
  if changed > 0 then
    -- Members who could read the comment and now cannot hear of it only through its win.
    perform team_private.touch_win(win);
  end if;
end;
$$;

/**
 * A page of the caller's team feed: the wins they see, newest first (occurred_at, then id, both
 * descending), strictly older than (before_at, before_id) when given (before_at alone: older than that
 * time), at most page_size (1 to 100) of them; or only the win only_win, if the caller sees it. Each with
 * its reactions and its comments (in the order they were written), none deleted; hidden comments only
 * for whom they are not hidden from. With the caller's rights: row-level security decides every row.
 *
 * How the page is found depends on the size of the caller's line: a short line (up to 200 members)
 * reads each member's newest wins from their (member_id, occurred_at, id) index; a long one walks the
 * (occurred_at, id) index of all wins, where most rows are the line's, and the policy's set (built
 * once) picks them. Either way the line is also asked for explicitly, so the page is the caller's line
 * whoever calls (a role that bypasses row-level security too).
 */
create function public.team_feed(before_at timestamptz default null, before_id uuid default null, page_size integer default 20, only_win uuid default null)
returns table (id uuid, member_id uuid, kind text, amount integer, occurred_at timestamptz, updated_at timestamptz, reactions jsonb, comments jsonb)
language plpgsql stable security invoker set search_path = '' as $$
#variable_conflict use_column
declare
  size constant integer := greatest(1, least(coalesce(page_size, 20), 100));
  -- The keyset as one row comparison: no bound is (infinity, the greatest uuid); a time alone is
  -- (that time, the least uuid), so its own instant is left out.
  at_bound constant timestamptz := coalesce(before_at, 'infinity');
  id_bound constant uuid := coalesce(before_id, case when before_at is null then 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid else '00000000-0000-0000-0000-000000000000'::uuid end);
  line uuid[];
  page uuid[];
begin
  if only_win is not null then
    page := array(select w.id from public.team_wins w where w.id = only_win and w.deleted_at is null);
  else
    line := array(select team_private.line_ids());
    if cardinality(line) <= 200 then
      page := array(
        select w.id
        from unnest(line) as l (member)
        cross join lateral (
          select w.id, w.occurred_at from public.team_wins w
          where w.member_id = l.member and w.deleted_at is null and (w.occurred_at, w.id) < (at_bound, id_bound)
          order by w.occurred_at desc, w.id desc
          limit size) w
        order by w.occurred_at desc, w.id desc
        limit size);
    else
      page := array(
        select w.id from public.team_wins w
        where w.deleted_at is null and (w.occurred_at, w.id) < (at_bound, id_bound) and w.member_id = any (line)
        order by w.occurred_at desc, w.id desc
        limit size);
    end if;
  end if;
  return query
  select w.id, w.member_id, w.kind, w.amount, w.occurred_at, w.updated_at,
    coalesce((select jsonb_agg(jsonb_build_object('id', r.id, 'member_id', r.member_id, 'emoji', r.emoji) order by r.created_at, r.id)
              from public.team_reactions r where r.win_id = w.id and r.deleted_at is null), '[]'::jsonb),
    coalesce((select jsonb_agg(jsonb_build_object('id', c.id, 'member_id', c.member_id, 'body', c.body, 'hidden_at', c.hidden_at, 'hidden_by', c.hidden_by,
                                                  'created_at', c.created_at, 'updated_at', c.updated_at,
                                                  -- Every field of a new comment carries its insert's stamp; an edit restamps the body.
                                                  'edited', (c.field_stamps ->> 'body') is distinct from (c.field_stamps ->> 'win_id')) order by c.created_at, c.id)
              from public.team_comments c where c.win_id = w.id and c.deleted_at is null), '[]'::jsonb)
  from unnest(page) with ordinality as p (win, n)
  join public.team_wins w on w.id = p.win
  order by p.n;
end;
$$;
revoke all on function public.team_feed(timestamptz, uuid, integer, uuid) from public, anon;
grant execute on function public.team_feed(timestamptz, uuid, integer, uuid) to authenticated;
