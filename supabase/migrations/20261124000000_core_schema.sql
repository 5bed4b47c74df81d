-- Fieldbook core schema: members and their CRM data, with row-level security on every table.
-- Column names are the client's (src/domain/*-schema.ts), and CHECK constraints mirror its zod rules,
-- so the server rejects what the client would. Every synced table carries the sync columns:
--   id (client-generated uuid), member_id (owner, defaults to auth.uid()), created_at, updated_at,
--   deleted_at (tombstone), field_stamps (per-field HLC stamps), sync_xid (writing transaction id).
-- The merge trigger and the sync RPCs that use them live in the next migration.

create schema if not exists sync;

-- Members: one per auth user, created by trigger.
create table public.members (
  id uuid primary key references auth.users (id) on delete cascade,
  email text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.member_profiles (
  id uuid primary key,
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  full_name text not null default '' constraint member_profiles_full_name_length check (char_length(full_name) <= 100),
  company text not null default '' constraint member_profiles_company_length check (char_length(company) <= 100),
  phone text not null default '' constraint member_profiles_phone_format check (char_length(phone) <= 32 and phone ~ '^[0-9+()./[:space:]-]*$'),
  timezone text not null default '' constraint member_profiles_timezone_format check (timezone = '' or (char_length(timezone) <= 64 and timezone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint member_profiles_one_per_member check (id = member_id)
);

create or replace function sync.valid_tags(tags text[]) returns boolean language sql immutable as $$
  select coalesce(cardinality(tags), 0) <= 20
     and not exists (select 1 from unnest(tags) as tag where tag is null or char_length(btrim(tag)) = 0 or char_length(tag) > 40)
$$;

create table public.contacts (
  id uuid primary key,
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  first_name text not null constraint contacts_first_name_length check (char_length(btrim(first_name)) between 1 and 100),
  last_name text not null default '' constraint contacts_last_name_length check (char_length(last_name) <= 100),
  phone text not null default '' constraint contacts_phone_format check (
    char_length(phone) <= 32 and phone ~ '^[0-9+()./[:space:]-]*$' and (phone = '' or char_length(regexp_replace(phone, '[^0-9]', '', 'g')) >= 5)
  ),
  email text not null default '' constraint contacts_email_format check (
    email = '' or (char_length(email) <= 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$')
  ),
  stage text not null default 'new' constraint contacts_stage_valid check (
    stage in ('new', 'contacted', 'presented', 'follow_up', 'customer', 'team_member', 'not_interested')
  ),
  contact_type text not null default 'customer' constraint contacts_type_valid check (contact_type in ('customer', 'business')),
  lead_source text not null default '' constraint contacts_lead_source_length check (char_length(lead_source) <= 100),
  tags text[] not null default '{}' constraint contacts_tags_valid check (sync.valid_tags(tags)),
  notes text not null default '' constraint contacts_notes_length check (char_length(notes) <= 5000),
  next_follow_up_on date,
  last_touched_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  -- (id, member_id) lets other tables refer to a contact of the same member only.
  constraint contacts_id_member unique (id, member_id)
);

create table public.member_activities (
  id uuid primary key,
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  contact_id uuid,
  activity_type text not null constraint member_activities_type_valid check (
    activity_type in ('contact_added', 'contact_updated', 'contact_deleted', 'stage_changed', 'call', 'text', 'whatsapp', 'email_sent', 'follow_up_set', 'note', 'test')
  ),
  metadata jsonb not null default '{}'::jsonb constraint member_activities_metadata_object check (jsonb_typeof(metadata) = 'object' and pg_column_size(metadata) <= 4096),
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint member_activities_contact_same_member foreign key (contact_id, member_id) references public.contacts (id, member_id)
);

create table public.email_templates (
  id uuid primary key,
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  name text not null constraint email_templates_name_length check (char_length(btrim(name)) between 1 and 80),
  channel text not null default 'email' constraint email_templates_channel_valid check (channel in ('email', 'sms', 'whatsapp')),
  subject text not null default '' constraint email_templates_subject_length check (char_length(subject) <= 200),
  body text not null constraint email_templates_body_length check (char_length(btrim(body)) between 1 and 5000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint email_templates_id_member unique (id, member_id)
);

create table public.sent_emails (
  id uuid primary key,
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  contact_id uuid,
  template_id uuid,
  to_email text not null constraint sent_emails_to_email_length check (char_length(to_email) <= 254),
  subject text not null default '' constraint sent_emails_subject_length check (char_length(subject) <= 200),
  body text not null default '' constraint sent_emails_body_length check (char_length(body) <= 10000),
  status text not null default 'handed_off' constraint sent_emails_status_valid check (status in ('handed_off', 'sent', 'delivered', 'bounced')),
  sent_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint sent_emails_id_member unique (id, member_id),
  constraint sent_emails_contact_same_member foreign key (contact_id, member_id) references public.contacts (id, member_id),
  constraint sent_emails_template_same_member foreign key (template_id, member_id) references public.email_templates (id, member_id)
);

create table public.email_clicks (
  id uuid primary key,
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  sent_email_id uuid not null,
  url text not null constraint email_clicks_url_length check (char_length(url) <= 2048),
  clicked_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint email_clicks_sent_email_same_member foreign key (sent_email_id, member_id) references public.sent_emails (id, member_id)
);

-- Indexes for the sync pull (per member, in transaction order) and the screens' queries.
create index member_profiles_sync on public.member_profiles (member_id, sync_xid, id);
create index contacts_sync on public.contacts (member_id, sync_xid, id);
create index member_activities_sync on public.member_activities (member_id, sync_xid, id);
create index email_templates_sync on public.email_templates (member_id, sync_xid, id);
create index sent_emails_sync on public.sent_emails (member_id, sync_xid, id);
create index email_clicks_sync on public.email_clicks (member_id, sync_xid, id);
create index contacts_member on public.contacts (member_id, next_follow_up_on);
create index member_activities_member_recent on public.member_activities (member_id, occurred_at desc);
create index member_activities_contact on public.member_activities (contact_id, member_id);
create index sent_emails_member on public.sent_emails (member_id, sent_at desc);
create index sent_emails_contact on public.sent_emails (contact_id, member_id);
create index sent_emails_template on public.sent_emails (template_id, member_id);
create index email_clicks_sent_email on public.email_clicks (sent_email_id, member_id);
create index email_templates_member on public.email_templates (member_id);

-- A member row and an empty profile for every new auth user, as Supabase projects usually do.
create or replace function public.handle_new_user() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.members (id, email) values (new.id, new.email) on conflict (id) do nothing;
  insert into public.member_profiles (id, member_id, full_name)
  values (new.id, new.id, coalesce(new.raw_user_meta_data ->> 'full_name', ''))
  on conflict (id) do nothing;
  return new;
end;
$$;
revoke execute on function public.handle_new_user() from public, anon, authenticated;

create trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user();

-- Row-level security: a member sees and changes only their own rows; anon gets nothing.
alter table public.members enable row level security;
create policy "Members can view their own member row" on public.members for select to authenticated using (id = auth.uid());
create policy "Members can update their own member row" on public.members for update to authenticated using (id = auth.uid()) with check (id = auth.uid());

do $$
declare
  t text;
begin
  foreach t in array array['member_profiles', 'contacts', 'member_activities', 'email_templates', 'sent_emails', 'email_clicks'] loop
    execute format('alter table public.%I enable row level security', t);
    execute format('create policy "Users can view their own %s" on public.%I for select to authenticated using (member_id = auth.uid())', t, t);
    execute format('create policy "Users can insert their own %s" on public.%I for insert to authenticated with check (member_id = auth.uid())', t, t);
    execute format('create policy "Users can update their own %s" on public.%I for update to authenticated using (member_id = auth.uid()) with check (member_id = auth.uid())', t, t);
    execute format('create policy "Users can delete their own %s" on public.%I for delete to authenticated using (member_id = auth.uid())', t, t);
  end loop;
end
$$;

-- anon has no policy, so RLS already returns nothing; revoking says so plainly.
revoke all on public.members, public.member_profiles, public.contacts, public.member_activities, public.email_templates, public.sent_emails, public.email_clicks from anon;
grant select, update on public.members to authenticated;
grant select, insert, update, delete on public.member_profiles, public.contacts, public.member_activities, public.email_templates, public.sent_emails, public.email_clicks to authenticated;
grant all on public.members, public.member_profiles, public.contacts, public.member_activities, public.email_templates, public.sent_emails, public.email_clicks to service_role;

-- Realtime: changes of these tables are published to subscribers (filtered by RLS).
alter publication supabase_realtime add table public.member_profiles, public.contacts, public.member_activities, public.email_templates, public.sent_emails, public.email_clicks;
