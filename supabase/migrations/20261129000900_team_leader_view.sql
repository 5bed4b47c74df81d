-- The leader's view: per downline member and day, counts only.
--
-- The counts are made on each member's device from their own data (the goal rules run there, offline
-- too) and synced as one small row per day, daily_summaries: lead measures, follow-ups due and overdue,
-- when they were last active. Only the member reads the rows; a leader reads them only through
-- team_leader_day(), which checks the downline relation, returns numbers and names (never a contact,
-- note or message), and lives in team_private with a fixed search_path.

create table public.daily_summaries (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  day date not null constraint daily_summaries_day_year check (sync.valid_day(day)),
  conversations smallint not null default 0 constraint daily_summaries_conversations_range check (conversations between 0 and 10000),
  invitations smallint not null default 0 constraint daily_summaries_invitations_range check (invitations between 0 and 10000),
  follow_ups smallint not null default 0 constraint daily_summaries_follow_ups_range check (follow_ups between 0 and 10000),
  presentations smallint not null default 0 constraint daily_summaries_presentations_range check (presentations between 0 and 10000),
  new_customers smallint not null default 0 constraint daily_summaries_new_customers_range check (new_customers between 0 and 10000),
  new_team_members smallint not null default 0 constraint daily_summaries_new_team_members_range check (new_team_members between 0 and 10000),
  follow_ups_due smallint not null default 0 constraint daily_summaries_follow_ups_due_range check (follow_ups_due between 0 and 30000),
  follow_ups_overdue smallint not null default 0 constraint daily_summaries_follow_ups_overdue_range check (follow_ups_overdue between 0 and 30000),
  last_active_at timestamptz constraint daily_summaries_last_active_at_year check (sync.valid_time(last_active_at)),
  created_at timestamptz not null default now() constraint daily_summaries_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint daily_summaries_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id()
);
create index daily_summaries_member_day on public.daily_summaries (member_id, day);

select sync.add_member_table('daily_summaries');

/**
 * For each member of the caller's downline down to `max_depth` levels: their name, level, the day's
 * counts against the goals they had that day, follow-ups due and overdue, and when they were last
 * active. Counts only. Of two summaries of one day (two devices), the one written last counts.
 */
create function team_private.leader_day(on_day date, max_depth integer) returns table (
  member_id uuid, full_name text, depth integer,
  conversations integer, invitations integer, follow_ups integer, presentations integer, new_customers integer, new_team_members integer,
  goal_conversations integer, goal_invitations integer, goal_follow_ups integer, goal_presentations integer, goal_new_customers integer, goal_new_team_members integer,
  works_that_day boolean, follow_ups_due integer, follow_ups_overdue integer, last_active_at timestamptz
) language sql stable security definer set search_path = '' as $$
  select p.descendant_id, coalesce(pr.full_name, ''), p.depth,
         coalesce(s.conversations, 0), coalesce(s.invitations, 0), coalesce(s.follow_ups, 0), coalesce(s.presentations, 0),
         coalesce(s.new_customers, 0), coalesce(s.new_team_members, 0),
         g.conversations, g.invitations, g.follow_ups, g.presentations, g.new_customers, g.new_team_members,
         case when g.work_days is null then null else extract(isodow from on_day)::smallint = any (g.work_days) end,
         coalesce(s.follow_ups_due, 0), coalesce(s.follow_ups_overdue, 0),
         (select max(a.last_active_at) from public.daily_summaries a where a.member_id = p.descendant_id and a.deleted_at is null)
  from public.team_paths p
  left join public.member_profiles pr on pr.id = p.descendant_id and pr.deleted_at is null
  left join lateral (
    select d.* from public.daily_summaries d
    where d.member_id = p.descendant_id and d.day = on_day and d.deleted_at is null
    order by d.updated_at desc, d.id desc limit 1) s on true
  left join lateral (
    select dg.* from public.daily_goals dg
    where dg.member_id = p.descendant_id and dg.starts_on <= on_day and dg.deleted_at is null
    order by dg.starts_on desc, dg.updated_at desc, dg.id desc limit 1) g on true
  where p.ancestor_id = auth.uid() and p.depth <= greatest(1, least(coalesce(max_depth, 1), 64))
  order by p.depth, 2
$$;
revoke all on function team_private.leader_day(date, integer) from public, anon;
grant execute on function team_private.leader_day(date, integer) to authenticated;

create function public.team_leader_day(on_day date, max_depth integer default 1) returns table (
  member_id uuid, full_name text, depth integer,
  conversations integer, invitations integer, follow_ups integer, presentations integer, new_customers integer, new_team_members integer,
  goal_conversations integer, goal_invitations integer, goal_follow_ups integer, goal_presentations integer, goal_new_customers integer, goal_new_team_members integer,
  works_that_day boolean, follow_ups_due integer, follow_ups_overdue integer, last_active_at timestamptz
) language sql stable security invoker set search_path = '' as $$
  select * from team_private.leader_day(on_day, max_depth)
$$;
revoke all on function public.team_leader_day(date, integer) from public, anon;
grant execute on function public.team_leader_day(date, integer) to authenticated;

insert into sync.constraint_messages (constraint_name, message) values
  ('daily_summaries_conversations_range', 'A day''s count is between 0 and 10,000'),
  ('daily_summaries_invitations_range', 'A day''s count is between 0 and 10,000'),
  ('daily_summaries_follow_ups_range', 'A day''s count is between 0 and 10,000'),
  ('daily_summaries_presentations_range', 'A day''s count is between 0 and 10,000'),
  ('daily_summaries_new_customers_range', 'A day''s count is between 0 and 10,000'),
  ('daily_summaries_new_team_members_range', 'A day''s count is between 0 and 10,000'),
  ('daily_summaries_follow_ups_due_range', 'Follow-ups due is between 0 and 30,000'),
  ('daily_summaries_follow_ups_overdue_range', 'Follow-ups overdue is between 0 and 30,000');
