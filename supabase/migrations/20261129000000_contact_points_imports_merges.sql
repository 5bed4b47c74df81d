-- Contacts with several phones and emails; imports that can be undone; merges that can be undone.
--
-- Phones and emails. A contact keeps every number and address it came with, each with a label
-- ('mobile', 'home', 'work', 'other' or the person's own word): contacts.phones and contacts.emails,
-- JSON arrays of {label, value}, the first one primary. The seed's single `phone` and `email` columns
-- stay, always equal to the primary value, so REST clients that read (or write) one number keep
-- working: trigger accept_single_point (before the merge) turns a write of `phone`/`email` alone into
-- a change of the primary entry, and trigger mirror_primary_point (after the merge) sets `phone` and
-- `email` from whatever arrays won. The app writes both in one mutation, with one stamp, so they win
-- or lose together.
--
-- Imports. One import is one row of contact_imports; every contact it created carries its id
-- (contacts.import_id), and every existing contact it added to has a contact_merges row with that id.
-- Undo, from any device: the created contacts get deleted_at, each merge is undone (below), and the
-- import gets undone_at. All of it is ordinary synced writes.
--
-- Merges. contact_merges records what a merge wrote on the surviving contact (`applied`), the values
-- those fields had before (`before`), the contacts merged away (`merged_ids`, each now deleted with
-- merged_into = the survivor) and the activities and sent messages re-pointed to the survivor
-- (`moved`). Undo restores a field only where it still holds the merged value (a later edit wins),
-- brings the merged-away contacts back and points the moved rows at them again.
--
-- References to a merged-away contact. A device that was offline during a merge may still log a call
-- on the old contact. Trigger redirect_merged_contact sends any activity or sent message written for a
-- merged-away contact to its survivor (following a chain of merges), with a stamp newer than the one the
-- write brought, so the writer's device learns the new value on its next pull. When a contact is merged
-- away, rows still pointing at it on the server are re-pointed as well.

-- Phones and emails -------------------------------------------------------------------------------

/** A JSON array of at most 10 entries. */
create function sync.valid_point_count(points jsonb) returns boolean language sql immutable as $$
  select jsonb_typeof(points) = 'array' and jsonb_array_length(points) <= 10
$$;

/** Every entry is {label, value}: label at most 40 characters, value a valid phone number or email address. */
create function sync.valid_point_items(points jsonb, kind text) returns boolean language sql immutable as $$
  select jsonb_typeof(points) <> 'array' or not exists (
    select 1 from jsonb_array_elements(points) as p
    where jsonb_typeof(p) <> 'object'
       or jsonb_typeof(p -> 'label') is distinct from 'string' or char_length(p ->> 'label') > 40
       or jsonb_typeof(p -> 'value') is distinct from 'string' or btrim(p ->> 'value') = ''
       or (select count(*) from jsonb_object_keys(p)) <> 2
       or case kind
            when 'phone' then char_length(p ->> 'value') > 32 or not sync.valid_phone_chars(p ->> 'value') or not sync.valid_phone_digits(p ->> 'value')
            else char_length(p ->> 'value') > 254 or (p ->> 'value') !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
          end
  )
$$;

alter table public.contacts
  add column phones jsonb not null default '[]'::jsonb,
  add column emails jsonb not null default '[]'::jsonb,
  add column import_id uuid,
  add column merged_into uuid;

-- Existing numbers and addresses become the primary entries, stamped as the single value was, so no
-- device sees a conflict it did not have.
update public.contacts c set
  phones = case when c.phone = '' then '[]'::jsonb else jsonb_build_array(jsonb_build_object('label', 'mobile', 'value', c.phone)) end,
  emails = case when c.email = '' then '[]'::jsonb else jsonb_build_array(jsonb_build_object('label', 'home', 'value', c.email)) end,
  field_stamps = c.field_stamps
    || case when c.field_stamps ? 'phone' then jsonb_build_object('phones', c.field_stamps -> 'phone') else '{}'::jsonb end
    || case when c.field_stamps ? 'email' then jsonb_build_object('emails', c.field_stamps -> 'email') else '{}'::jsonb end
where c.phone <> '' or c.email <> '';

alter table public.contacts
  add constraint contacts_phones_count check (sync.valid_point_count(phones)),
  add constraint contacts_phones_items check (sync.valid_point_items(phones, 'phone')),
  add constraint contacts_emails_count check (sync.valid_point_count(emails)),
  add constraint contacts_emails_items check (sync.valid_point_items(emails, 'email')),
  add constraint contacts_merged_into_other check (merged_into is distinct from id),
  -- Only into a contact of the same member; the survivor's hard delete forgets the link.
  add constraint contacts_merged_into_same_member foreign key (merged_into, member_id)
    references public.contacts (id, member_id) on delete set null (merged_into);

create index contacts_import on public.contacts (import_id) where import_id is not null;
create index contacts_merged_into on public.contacts (merged_into) where merged_into is not null;

/** The primary entry with a new value ('' removes it), the others kept. */
create function sync.with_primary(points jsonb, value text, label text) returns jsonb language sql immutable as $$
  select case
    when value = '' then coalesce((select jsonb_agg(p order by i) from jsonb_array_elements(points) with ordinality as e(p, i) where i > 1), '[]'::jsonb)
    when jsonb_array_length(points) = 0 then jsonb_build_array(jsonb_build_object('label', label, 'value', value))
    else jsonb_set(points, '{0,value}', to_jsonb(value))
  end
$$;

create function sync.accept_single_point() returns trigger language plpgsql as $$
declare
  stamps jsonb := case when jsonb_typeof(new.field_stamps) = 'object' then new.field_stamps else '{}'::jsonb end;
  held jsonb := case when tg_op = 'UPDATE' then old.field_stamps else '{}'::jsonb end;
begin
  -- A list derived from a stamped single value carries that value's stamp, so both win or lose together.
  if tg_op = 'INSERT' then
    if new.phones = '[]'::jsonb and new.phone <> '' then
      new.phones := sync.with_primary('[]'::jsonb, new.phone, 'mobile');
      if stamps ? 'phone' then stamps := stamps || jsonb_build_object('phones', stamps -> 'phone'); end if;
    end if;
    if new.emails = '[]'::jsonb and new.email <> '' then
      new.emails := sync.with_primary('[]'::jsonb, new.email, 'home');
      if stamps ? 'email' then stamps := stamps || jsonb_build_object('emails', stamps -> 'email'); end if;
    end if;
  else
    if new.phones is not distinct from old.phones and new.phone is distinct from old.phone then
      new.phones := sync.with_primary(old.phones, new.phone, 'mobile');
      if (stamps -> 'phone') is distinct from (held -> 'phone') then stamps := stamps || jsonb_build_object('phones', stamps -> 'phone'); end if;
    end if;
    if new.emails is not distinct from old.emails and new.email is distinct from old.email then
      new.emails := sync.with_primary(old.emails, new.email, 'home');
      if (stamps -> 'email') is distinct from (held -> 'email') then stamps := stamps || jsonb_build_object('emails', stamps -> 'email'); end if;
    end if;
  end if;
  if stamps is distinct from new.field_stamps and jsonb_typeof(new.field_stamps) = 'object' then
    new.field_stamps := stamps;
  end if;
  return new;
end;
$$;

create function sync.mirror_primary_point() returns trigger language plpgsql as $$
begin
  new.phone := coalesce(new.phones -> 0 ->> 'value', '');
  new.email := coalesce(new.emails -> 0 ->> 'value', '');
  return new;
end;
$$;

-- Triggers of one event fire in name order: accept_single_point, merge_fields, mirror_primary_point.
create trigger accept_single_point before insert or update on public.contacts for each row execute function sync.accept_single_point();
create trigger mirror_primary_point before insert or update on public.contacts for each row execute function sync.mirror_primary_point();

-- Imports and merges ------------------------------------------------------------------------------

create table public.contact_imports (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  source text not null default '' constraint contact_imports_source_length check (char_length(source) <= 100),
  file_name text not null default '' constraint contact_imports_file_name_length check (char_length(file_name) <= 255),
  created_count int not null default 0 constraint contact_imports_counts check (created_count between 0 and 1000000),
  merged_count int not null default 0 constraint contact_imports_merged_count check (merged_count between 0 and 1000000),
  undone_at timestamptz constraint contact_imports_undone_at_year check (sync.valid_time(undone_at)),
  created_at timestamptz not null default now() constraint contact_imports_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint contact_imports_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id()
);

create table public.contact_merges (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  survivor_id uuid not null,
  merged_ids uuid[] not null default '{}' constraint contact_merges_merged_ids_count check (coalesce(array_ndims(merged_ids), 1) = 1 and coalesce(cardinality(merged_ids), 0) <= 20),
  import_id uuid,
  applied jsonb not null default '{}'::jsonb constraint contact_merges_applied_valid check (jsonb_typeof(applied) = 'object' and pg_column_size(applied) <= 24576),
  before jsonb not null default '{}'::jsonb constraint contact_merges_before_valid check (jsonb_typeof(before) = 'object' and pg_column_size(before) <= 24576),
  moved jsonb not null default '{}'::jsonb constraint contact_merges_moved_valid check (jsonb_typeof(moved) = 'object' and pg_column_size(moved) <= 16384),
  undone_at timestamptz constraint contact_merges_undone_at_year check (sync.valid_time(undone_at)),
  created_at timestamptz not null default now() constraint contact_merges_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint contact_merges_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint contact_merges_survivor_same_member foreign key (survivor_id, member_id) references public.contacts (id, member_id) on delete cascade
);
create index contact_merges_survivor on public.contact_merges (survivor_id, member_id);
create index contact_merges_import on public.contact_merges (import_id) where import_id is not null;

/*
 * Makes public.<name> a member-owned synced table: row-level security with the four member policies,
 * grants to authenticated and service_role only, then sync.register_table. What every synced table
 * added from here on needs, in one call.
 */
create function sync.add_member_table(name text) returns void language plpgsql as $$
begin
  execute format('alter table public.%I enable row level security', name);
  execute format('create policy "Users can view their own %s" on public.%I for select to authenticated using (member_id = (select auth.uid()))', name, name);
  execute format('create policy "Users can insert their own %s" on public.%I for insert to authenticated with check (member_id = (select auth.uid()))', name, name);
  execute format('create policy "Users can update their own %s" on public.%I for update to authenticated using (member_id = (select auth.uid())) with check (member_id = (select auth.uid()))', name, name);
  execute format('create policy "Users can delete their own %s" on public.%I for delete to authenticated using (member_id = (select auth.uid()))', name, name);
  execute format('revoke all on public.%I from anon, authenticated, service_role, public', name);
  execute format('grant select, insert, update, delete on public.%I to authenticated, service_role', name);
  perform sync.register_table(name);
end;
$$;
revoke all on function sync.add_member_table(text) from public, anon, authenticated, service_role;

select sync.add_member_table(t) from unnest(array['contact_imports', 'contact_merges']) as t;

-- References to merged-away contacts --------------------------------------------------------------

/** The contact a merged-away contact ended up in (following up to 8 merges), or the id itself. */
create function sync.surviving_contact(contact uuid, member uuid) returns uuid
language plpgsql stable set search_path = '' as $$
declare
  current_id uuid := contact;
  next_id uuid;
begin
  for hop in 1..8 loop
    select c.merged_into into next_id from public.contacts c where c.id = current_id and c.member_id = member and c.deleted_at is not null;
    exit when next_id is null;
    current_id := next_id;
  end loop;
  return current_id;
end;
$$;

create function sync.redirect_merged_contact() returns trigger language plpgsql as $$
declare
  survivor uuid;
begin
  if new.contact_id is null then
    return new;
  end if;
  survivor := sync.surviving_contact(new.contact_id, new.member_id);
  if survivor = new.contact_id then
    return new;
  end if;
  new.contact_id := survivor;
  -- A stamped write keeps its other stamps; contact_id gets a newer one than it brought, so the
  -- redirect wins and the writer's device adopts it.
  if jsonb_typeof(new.field_stamps) = 'object' and new.field_stamps ? 'contact_id' then
    new.field_stamps := new.field_stamps || jsonb_build_object('contact_id', sync.stamp_after(new.field_stamps ->> 'contact_id'));
  end if;
  return new;
end;
$$;

-- Named to fire before merge_fields.
create trigger contact_redirect before insert or update on public.member_activities for each row execute function sync.redirect_merged_contact();
create trigger contact_redirect before insert or update on public.sent_emails for each row execute function sync.redirect_merged_contact();

create function sync.repoint_merged_away() returns trigger language plpgsql as $$
begin
  if new.merged_into is not null and new.deleted_at is not null and (old.merged_into is distinct from new.merged_into or old.deleted_at is null) then
    update public.member_activities set contact_id = new.merged_into where contact_id = new.id and member_id = new.member_id;
    update public.sent_emails set contact_id = new.merged_into where contact_id = new.id and member_id = new.member_id;
  end if;
  return null;
end;
$$;
create trigger repoint_merged_away after update of merged_into, deleted_at on public.contacts for each row execute function sync.repoint_merged_away();

-- Activities: an import and a merge are one entry each in the feed ------------------------------

alter table public.member_activities drop constraint member_activities_activity_type_valid;
alter table public.member_activities add constraint member_activities_activity_type_valid check (
  activity_type in ('contact_added', 'contact_updated', 'contact_deleted', 'stage_changed', 'call', 'text', 'whatsapp', 'email_sent',
                    'follow_up_set', 'note', 'test', 'contacts_imported', 'contacts_merged')
);

create or replace function sync.valid_activity_metadata(metadata jsonb) returns boolean language sql immutable as $$
  select jsonb_typeof(metadata) = 'object'
     and pg_column_size(metadata) <= 4096
     and (not metadata ? 'contact_name' or (jsonb_typeof(metadata -> 'contact_name') = 'string' and char_length(metadata ->> 'contact_name') <= 201))
     and (not metadata ? 'template_name' or (jsonb_typeof(metadata -> 'template_name') = 'string' and char_length(metadata ->> 'template_name') <= 80))
     and (not metadata ? 'subject' or (jsonb_typeof(metadata -> 'subject') = 'string' and char_length(metadata ->> 'subject') <= 200))
     and (not metadata ? 'stage' or (jsonb_typeof(metadata -> 'stage') = 'string' and char_length(metadata ->> 'stage') <= 40))
     and (not metadata ? 'note' or (jsonb_typeof(metadata -> 'note') = 'string' and char_length(metadata ->> 'note') <= 500))
     and (not metadata ? 'outcome' or metadata ->> 'outcome' in ('connected', 'no_answer', 'left_message', 'booked', 'not_now'))
     and (not metadata ? 'follow_up_on' or (jsonb_typeof(metadata -> 'follow_up_on') = 'string' and metadata ->> 'follow_up_on' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'))
     and (not metadata ? 'count' or (jsonb_typeof(metadata -> 'count') = 'number' and (metadata ->> 'count')::numeric between 0 and 1000000))
     and (not metadata ? 'source' or (jsonb_typeof(metadata -> 'source') = 'string' and char_length(metadata ->> 'source') <= 100))
$$;

insert into sync.constraint_messages (constraint_name, message) values
  ('contacts_phones_count', 'At most 10 phone numbers'),
  ('contacts_phones_items', 'Each phone number needs a label of at most 40 characters and at least 5 digits (digits, spaces, +, -, ( and ) only, at most 32 characters)'),
  ('contacts_emails_count', 'At most 10 email addresses'),
  ('contacts_emails_items', 'Each email address needs a label of at most 40 characters and the form name@example.com'),
  ('contacts_merged_into_other', 'A contact cannot be merged into itself'),
  ('contacts_merged_into_same_member', 'It refers to an item that does not exist (or is not yours)'),
  ('contact_imports_source_length', 'Source can be at most 100 characters'),
  ('contact_imports_file_name_length', 'File name can be at most 255 characters'),
  ('contact_merges_merged_ids_count', 'At most 20 contacts can be merged at once'),
  ('contact_merges_survivor_same_member', 'It refers to an item that does not exist (or is not yours)');

revoke all on function sync.valid_point_count(jsonb), sync.valid_point_items(jsonb, text), sync.with_primary(jsonb, text, text), sync.surviving_contact(uuid, uuid),
  sync.accept_single_point(), sync.mirror_primary_point(), sync.redirect_merged_contact(), sync.repoint_merged_away() from public, anon;
grant execute on function sync.valid_point_count(jsonb), sync.valid_point_items(jsonb, text), sync.with_primary(jsonb, text, text), sync.surviving_contact(uuid, uuid) to authenticated, service_role;
