-- Daily goals (the daily method of operation). The counts are computed on the device from what the
-- member already logs; the server keeps only the goals and their history, so the counts work offline.
--
-- daily_goals: one row per change of plan, in effect from `starts_on` until the next row's day. Past
-- days are judged by the plan then in effect, so changing the goals never rewrites a past streak. Two
-- devices that change the plan on the same day offline each write a row for that day; the one edited
-- last wins (the app reads them that way), and neither is lost from the history.

/** Whether a list of weekdays names each day at most once. */
create function sync.distinct_weekdays(days smallint[]) returns boolean language sql immutable set search_path = '' as $$
  select count(distinct d) = count(*) from pg_catalog.unnest(days) as d
$$;
revoke all on function sync.distinct_weekdays(smallint[]) from public, anon;
grant execute on function sync.distinct_weekdays(smallint[]) to authenticated, service_role;

create table public.daily_goals (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  starts_on date not null constraint daily_goals_starts_on_year check (sync.valid_day(starts_on)),
  preset text not null default 'custom' constraint daily_goals_preset_valid check (preset in ('part_time', 'full_time', 'custom')),
  conversations smallint not null default 0 constraint daily_goals_conversations_range check (conversations between 0 and 50),
  invitations smallint not null default 0 constraint daily_goals_invitations_range check (invitations between 0 and 50),
  follow_ups smallint not null default 0 constraint daily_goals_follow_ups_range check (follow_ups between 0 and 50),
  presentations smallint not null default 0 constraint daily_goals_presentations_range check (presentations between 0 and 50),
  new_customers smallint not null default 0 constraint daily_goals_new_customers_range check (new_customers between 0 and 50),
  new_team_members smallint not null default 0 constraint daily_goals_new_team_members_range check (new_team_members between 0 and 50),
  -- ISO weekdays that count: 1 = Monday … 7 = Sunday.
  work_days smallint[] not null default '{1,2,3,4,5}' constraint daily_goals_work_days_valid check (
    array_ndims(work_days) = 1 and cardinality(work_days) between 1 and 7 and work_days <@ '{1,2,3,4,5,6,7}'::smallint[]
    and sync.distinct_weekdays(work_days)),
  week_min_days smallint not null default 4 constraint daily_goals_week_min_days_range check (week_min_days between 1 and 7),
  constraint daily_goals_week_min_days_within check (week_min_days <= cardinality(work_days)),
  review_day smallint not null default 7 constraint daily_goals_review_day_range check (review_day between 1 and 7),
  created_at timestamptz not null default now() constraint daily_goals_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint daily_goals_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id()
);
create index daily_goals_member_starts_on on public.daily_goals (member_id, starts_on);

select sync.add_member_table('daily_goals');

-- Pushes may now carry arrays of numbers (work_days), not only arrays of text.
create or replace function sync.json_fits(value jsonb, column_type text) returns boolean language sql immutable as $$
  select case
    when jsonb_typeof(value) = 'null' then true
    when column_type in ('jsonb', 'json') then true
    when column_type in ('boolean') then jsonb_typeof(value) = 'boolean'
    when column_type in ('smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision') then jsonb_typeof(value) = 'number'
    when column_type in ('smallint[]', 'integer[]', 'bigint[]', 'numeric[]') then jsonb_typeof(value) = 'array'
      and not exists (select 1 from jsonb_array_elements(value) e where jsonb_typeof(e) <> 'number')
    when column_type like '%[]' then jsonb_typeof(value) = 'array'
      and not exists (select 1 from jsonb_array_elements(value) e where jsonb_typeof(e) <> 'string')
    else jsonb_typeof(value) = 'string'
  end
$$;

-- A template can be marked as an invitation: each send of it counts as one invitation.
alter table public.email_templates add column is_invitation boolean not null default false;

-- "Replied" is an outcome of a text or WhatsApp (a conversation), and a touch records the contact's
-- stage when it happened (`from_stage`: a touch past "new" is a follow-up).
create or replace function sync.valid_activity_metadata(metadata jsonb) returns boolean language sql immutable as $$
  select jsonb_typeof(metadata) = 'object'
     and pg_column_size(metadata) <= 4096
     and (not metadata ? 'contact_name' or (jsonb_typeof(metadata -> 'contact_name') = 'string' and char_length(metadata ->> 'contact_name') <= 201))
     and (not metadata ? 'template_name' or (jsonb_typeof(metadata -> 'template_name') = 'string' and char_length(metadata ->> 'template_name') <= 80))
     and (not metadata ? 'subject' or (jsonb_typeof(metadata -> 'subject') = 'string' and char_length(metadata ->> 'subject') <= 200))
     and (not metadata ? 'stage' or (jsonb_typeof(metadata -> 'stage') = 'string' and char_length(metadata ->> 'stage') <= 40))
     and (not metadata ? 'from_stage' or (jsonb_typeof(metadata -> 'from_stage') = 'string' and char_length(metadata ->> 'from_stage') <= 40))
     and (not metadata ? 'note' or (jsonb_typeof(metadata -> 'note') = 'string' and char_length(metadata ->> 'note') <= 500))
     and (not metadata ? 'outcome' or metadata ->> 'outcome' in ('connected', 'no_answer', 'left_message', 'booked', 'not_now', 'replied'))
     and (not metadata ? 'follow_up_on' or (jsonb_typeof(metadata -> 'follow_up_on') = 'string' and metadata ->> 'follow_up_on' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'))
     and (not metadata ? 'count' or (jsonb_typeof(metadata -> 'count') = 'number' and (metadata ->> 'count')::numeric between 0 and 1000000))
     and (not metadata ? 'source' or (jsonb_typeof(metadata -> 'source') = 'string' and char_length(metadata ->> 'source') <= 100))
$$;

insert into sync.constraint_messages (constraint_name, message) values
  ('daily_goals_preset_valid', 'Choose part-time, full-time or custom'),
  ('daily_goals_conversations_range', 'A daily goal is a number from 0 to 50'),
  ('daily_goals_invitations_range', 'A daily goal is a number from 0 to 50'),
  ('daily_goals_follow_ups_range', 'A daily goal is a number from 0 to 50'),
  ('daily_goals_presentations_range', 'A daily goal is a number from 0 to 50'),
  ('daily_goals_new_customers_range', 'A daily goal is a number from 0 to 50'),
  ('daily_goals_new_team_members_range', 'A daily goal is a number from 0 to 50'),
  ('daily_goals_work_days_valid', 'Choose at least one working day, each day once'),
  ('daily_goals_week_min_days_within', 'A week cannot need more days than you work'),
  ('daily_goals_week_min_days_range', 'A week needs between 1 and 7 days that met the goal'),
  ('daily_goals_review_day_range', 'Choose a day of the week for the review');
