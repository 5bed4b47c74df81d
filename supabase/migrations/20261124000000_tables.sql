-- Fieldbook's tables and who may touch them.
--
-- Column names are the client's (src/domain/*-schema.ts) and every CHECK constraint enforces a limit
-- from src/domain/limits.ts, so the server refuses exactly what the client's forms refuse
-- (tests/supabase/limits.test.ts sends every boundary value to both). Every synced table carries the
-- sync columns: id (uuid, client-generated or defaulted), member_id (owner, defaults to auth.uid()),
-- created_at, updated_at, deleted_at (tombstone), field_stamps (per-field HLC stamps) and sync_xid
-- (the id of the transaction that last wrote the row). Merge, stamps and tombstones: the next
-- migration. The sync RPCs: the one after it.
--
-- Applied on hosted Supabase by `postgres`, which is not a superuser; nothing here needs one.

create schema if not exists sync;
revoke all on schema sync from public;

-- Shape rules shared by several tables (immutable, so CHECK constraints may call them).

/** Timestamps and days within the years the client accepts (limits.ts `years`). */
create function sync.valid_time(ts timestamptz) returns boolean language sql immutable as $$
  select ts is null or (ts >= '1900-01-01 00:00:00+00' and ts < '10000-01-01 00:00:00+00')
$$;
create function sync.valid_day(day date) returns boolean language sql immutable as $$
  select day is null or (day >= '1900-01-01' and day <= '9999-12-31')
$$;

/** Phones: up to 32 of digits, spaces and + - ( ) . / ; empty, or with at least 5 digits. */
create function sync.valid_phone_chars(phone text) returns boolean language sql immutable as $$
  select phone ~ '^[0-9+()./[:space:]-]*$'
$$;
create function sync.valid_phone_digits(phone text) returns boolean language sql immutable as $$
  select phone = '' or char_length(regexp_replace(phone, '[^0-9]', '', 'g')) >= 5
$$;

/** Tags: a flat list of at most 20, each 1 to 40 characters after trimming. */
create function sync.valid_tag_list(tags text[]) returns boolean language sql immutable as $$
  select coalesce(array_ndims(tags), 1) = 1 and coalesce(cardinality(tags), 0) <= 20
$$;
create function sync.valid_tag_items(tags text[]) returns boolean language sql immutable as $$
  select not exists (select 1 from unnest(tags) as tag where tag is null or char_length(btrim(tag)) = 0 or char_length(tag) > 40)
$$;

/** An activity's details: an object of at most 4 KB whose known keys have the client's types. */
create function sync.valid_activity_metadata(metadata jsonb) returns boolean language sql immutable as $$
  select jsonb_typeof(metadata) = 'object'
     and pg_column_size(metadata) <= 4096
     and (not metadata ? 'contact_name' or (jsonb_typeof(metadata -> 'contact_name') = 'string' and char_length(metadata ->> 'contact_name') <= 201))
     and (not metadata ? 'template_name' or (jsonb_typeof(metadata -> 'template_name') = 'string' and char_length(metadata ->> 'template_name') <= 80))
     and (not metadata ? 'subject' or (jsonb_typeof(metadata -> 'subject') = 'string' and char_length(metadata ->> 'subject') <= 200))
     and (not metadata ? 'stage' or (jsonb_typeof(metadata -> 'stage') = 'string' and char_length(metadata ->> 'stage') <= 40))
     and (not metadata ? 'note' or (jsonb_typeof(metadata -> 'note') = 'string' and char_length(metadata ->> 'note') <= 500))
     and (not metadata ? 'outcome' or metadata ->> 'outcome' in ('connected', 'no_answer', 'left_message', 'booked', 'not_now'))
     and (not metadata ? 'follow_up_on' or (jsonb_typeof(metadata -> 'follow_up_on') = 'string' and metadata ->> 'follow_up_on' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'))
$$;

-- Members: one per auth user, created by trigger, gone with it.
create table public.members (
  id uuid primary key references auth.users (id) on delete cascade,
  email text constraint members_email_length check (char_length(email) <= 254),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.member_profiles (
  -- A member's one profile has the member's id, so the default is the caller's.
  id uuid primary key default auth.uid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  full_name text not null default '' constraint member_profiles_full_name_length check (char_length(full_name) <= 100),
  company text not null default '' constraint member_profiles_company_length check (char_length(company) <= 100),
  phone text not null default '' constraint member_profiles_phone_length check (char_length(phone) <= 32),
  timezone text not null default '' constraint member_profiles_timezone_format check (timezone = '' or (char_length(timezone) <= 64 and timezone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$')),
  created_at timestamptz not null default now() constraint member_profiles_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint member_profiles_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint member_profiles_phone_chars check (sync.valid_phone_chars(phone)),
  constraint member_profiles_phone_digits check (sync.valid_phone_digits(phone)),
  constraint member_profiles_one_per_member check (id = member_id)
);

create table public.contacts (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  first_name text not null constraint contacts_first_name_required check (char_length(btrim(first_name)) >= 1),
  last_name text not null default '' constraint contacts_last_name_length check (char_length(last_name) <= 100),
  phone text not null default '' constraint contacts_phone_length check (char_length(phone) <= 32),
  email text not null default '' constraint contacts_email_length check (char_length(email) <= 254),
  stage text not null default 'new' constraint contacts_stage_valid check (
    stage in ('new', 'contacted', 'presented', 'follow_up', 'customer', 'team_member', 'not_interested')
  ),
  contact_type text not null default 'customer' constraint contacts_contact_type_valid check (contact_type in ('customer', 'business')),
  lead_source text not null default '' constraint contacts_lead_source_length check (char_length(lead_source) <= 100),
  tags text[] not null default '{}' constraint contacts_tags_count check (sync.valid_tag_list(tags)),
  notes text not null default '' constraint contacts_notes_length check (char_length(notes) <= 5000),
  next_follow_up_on date constraint contacts_next_follow_up_on_year check (sync.valid_day(next_follow_up_on)),
  last_touched_at timestamptz not null default now() constraint contacts_last_touched_at_year check (sync.valid_time(last_touched_at)),
  created_at timestamptz not null default now() constraint contacts_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint contacts_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint contacts_first_name_length check (char_length(first_name) <= 100),
  constraint contacts_phone_chars check (sync.valid_phone_chars(phone)),
  constraint contacts_phone_digits check (sync.valid_phone_digits(phone)),
  constraint contacts_email_format check (email = '' or email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  constraint contacts_tags_items check (sync.valid_tag_items(tags)),
  -- (id, member_id) lets other tables refer to a contact of the same member only.
  constraint contacts_id_member unique (id, member_id)
);

create table public.member_activities (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  contact_id uuid,
  activity_type text not null constraint member_activities_activity_type_valid check (
    activity_type in ('contact_added', 'contact_updated', 'contact_deleted', 'stage_changed', 'call', 'text', 'whatsapp', 'email_sent', 'follow_up_set', 'note', 'test')
  ),
  metadata jsonb not null default '{}'::jsonb constraint member_activities_metadata_valid check (sync.valid_activity_metadata(metadata)),
  occurred_at timestamptz not null default now() constraint member_activities_occurred_at_year check (sync.valid_time(occurred_at)),
  created_at timestamptz not null default now() constraint member_activities_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint member_activities_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint member_activities_contact_same_member foreign key (contact_id, member_id) references public.contacts (id, member_id)
);

create table public.email_templates (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  name text not null constraint email_templates_name_required check (char_length(btrim(name)) >= 1),
  channel text not null default 'email' constraint email_templates_channel_valid check (channel in ('email', 'sms', 'whatsapp')),
  subject text not null default '' constraint email_templates_subject_length check (char_length(subject) <= 200),
  body text not null constraint email_templates_body_required check (char_length(btrim(body)) >= 1),
  created_at timestamptz not null default now() constraint email_templates_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint email_templates_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint email_templates_name_length check (char_length(name) <= 80),
  constraint email_templates_body_length check (char_length(body) <= 5000),
  constraint email_templates_id_member unique (id, member_id)
);

create table public.sent_emails (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  contact_id uuid,
  template_id uuid,
  to_email text not null constraint sent_emails_to_email_length check (char_length(to_email) <= 254),
  subject text not null default '' constraint sent_emails_subject_length check (char_length(subject) <= 200),
  body text not null default '' constraint sent_emails_body_length check (char_length(body) <= 10000),
  status text not null default 'handed_off' constraint sent_emails_status_valid check (status in ('handed_off', 'sent', 'delivered', 'bounced')),
  sent_at timestamptz not null default now() constraint sent_emails_sent_at_year check (sync.valid_time(sent_at)),
  created_at timestamptz not null default now() constraint sent_emails_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint sent_emails_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint sent_emails_id_member unique (id, member_id),
  constraint sent_emails_contact_same_member foreign key (contact_id, member_id) references public.contacts (id, member_id),
  constraint sent_emails_template_same_member foreign key (template_id, member_id) references public.email_templates (id, member_id)
);

create table public.email_clicks (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  sent_email_id uuid not null,
  url text not null constraint email_clicks_url_length check (char_length(url) <= 2048),
  clicked_at timestamptz not null default now() constraint email_clicks_clicked_at_year check (sync.valid_time(clicked_at)),
  created_at timestamptz not null default now() constraint email_clicks_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint email_clicks_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint email_clicks_sent_email_same_member foreign key (sent_email_id, member_id) references public.sent_emails (id, member_id)
);

-- Indexes for the screens' queries (the sync indexes come with each table's registration).
create index contacts_member on public.contacts (member_id, next_follow_up_on);
create index member_activities_member_recent on public.member_activities (member_id, occurred_at desc);
create index member_activities_contact on public.member_activities (contact_id, member_id);
create index sent_emails_member on public.sent_emails (member_id, sent_at desc);
create index sent_emails_contact on public.sent_emails (contact_id, member_id);
create index sent_emails_template on public.sent_emails (template_id, member_id);
create index email_clicks_sent_email on public.email_clicks (sent_email_id, member_id);

-- A member row and an empty profile for every new auth user. Sign-up never fails on what its
-- metadata holds: a full_name that is not text, or too long for the profile, is cut or left out.
create function public.handle_new_user() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  meta jsonb := case when jsonb_typeof(new.raw_user_meta_data) = 'object' then new.raw_user_meta_data else '{}'::jsonb end;
  full_name text := case when jsonb_typeof(meta -> 'full_name') = 'string' then left(btrim(meta ->> 'full_name'), 100) else '' end;
begin
  insert into public.members (id, email)
  values (new.id, case when char_length(new.email) <= 254 then new.email end)
  on conflict (id) do nothing;
  insert into public.member_profiles (id, member_id, full_name) values (new.id, new.id, full_name) on conflict (id) do nothing;
  return new;
end;
$$;
revoke execute on function public.handle_new_user() from public, anon, authenticated, service_role;

create trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user();

-- Row-level security: a member sees and changes only their own rows; anon gets nothing.
alter table public.members enable row level security;
create policy "Members can view their own member row" on public.members for select to authenticated using (id = auth.uid());

do $$
declare
  t text;
begin
  foreach t in array array['member_profiles', 'contacts', 'member_activities', 'email_templates', 'sent_emails', 'email_clicks'] loop
    execute format('alter table public.%I enable row level security', t);
    execute format('create policy "Users can view their own %s" on public.%I for select to authenticated using (member_id = (select auth.uid()))', t, t);
    execute format('create policy "Users can insert their own %s" on public.%I for insert to authenticated with check (member_id = (select auth.uid()))', t, t);
    execute format('create policy "Users can update their own %s" on public.%I for update to authenticated using (member_id = (select auth.uid())) with check (member_id = (select auth.uid()))', t, t);
    -- A profile lives as long as its member (deleting the user removes it): it is never deleted alone.
    continue when t = 'member_profiles';
    execute format('create policy "Users can delete their own %s" on public.%I for delete to authenticated using (member_id = (select auth.uid()))', t, t);
  end loop;
end
$$;

-- Grants: hosted Supabase's default privileges give every API role ALL on new tables; take back
-- what the app does not use (TRUNCATE, TRIGGER, REFERENCES; anything for anon).
revoke all on public.members, public.member_profiles, public.contacts, public.member_activities, public.email_templates, public.sent_emails, public.email_clicks from anon, authenticated, service_role, public;
grant select on public.members to authenticated;
grant select, insert, update on public.member_profiles to authenticated;
grant select, insert, update, delete on public.contacts, public.member_activities, public.email_templates, public.sent_emails, public.email_clicks to authenticated;
grant select, insert, update, delete on public.member_profiles, public.contacts, public.member_activities, public.email_templates, public.sent_emails, public.email_clicks to service_role;
grant select, insert, update, delete on public.members to service_role;

revoke execute on function sync.valid_time(timestamptz), sync.valid_day(date), sync.valid_phone_chars(text), sync.valid_phone_digits(text),
  sync.valid_tag_list(text[]), sync.valid_tag_items(text[]), sync.valid_activity_metadata(jsonb) from public;
grant usage on schema sync to authenticated, service_role;
grant execute on function sync.valid_time(timestamptz), sync.valid_day(date), sync.valid_phone_chars(text), sync.valid_phone_digits(text),
  sync.valid_tag_list(text[]), sync.valid_tag_items(text[]), sync.valid_activity_metadata(jsonb) to authenticated, service_role;
