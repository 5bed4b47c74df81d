-- The server half of sync (../shared/SYNC.md guarantees 2-6 and 13), enforced in the database so every
-- writer obeys it: the sync RPCs, plain PostgREST upserts, and SQL.
--
-- Stamps. An HLC stamp is '<physical ms, base36, 11>-<counter, base36, 5>-<node>', ordered by byte-wise
-- string comparison (COLLATE "C"), the same rule as src/domain/hlc.ts.
--
-- Merge (trigger sync.merge_row, BEFORE INSERT OR UPDATE on every synced table). Field by field, an
-- incoming value replaces the stored one only if its stamp is greater. A write "brings" a stamp for a
-- field when field_stamps->field differs from the stored stamp; a write that changes a value without
-- bringing a stamp (REST, SQL console) gets a server stamp later than the stored one, i.e. it happened
-- now and wins; columns a
-- stamped insert leaves at their defaults get the lowest stamp, so any later write wins. Stamps more
-- than MAX_FUTURE ahead of the server clock are clamped to it, so a phone whose clock runs hours fast
-- cannot win every conflict forever. deleted_at is a field like any other: a tombstone is undone only
-- by a newer write to deleted_at itself. A write that changes nothing is skipped (no churn, no echo).
--
-- Catch-up (sync_pull). Each row remembers the id of the transaction that last wrote it (sync_xid).
-- A pull returns rows with sync_xid >= the cursor's watermark and hands back, as the next watermark,
-- the xmin of its snapshot: every transaction below it has finished and was visible, every transaction
-- at or above it may still commit later and will be read next time. An updated_at cursor cannot do
-- this: now() is the transaction's start, so a slow transaction that commits after a client pulled
-- past its timestamp is never fetched. Pages are keyset-ordered on (sync_xid, table, id).

create sequence sync.stamp_counter cycle maxvalue 60466175; -- 36^5 - 1

create or replace function sync.synced_tables() returns text[] language sql immutable as $$
  select array['member_profiles', 'contacts', 'member_activities', 'email_templates', 'sent_emails', 'email_clicks']
$$;

create or replace function sync.to_base36(value bigint, width int) returns text language plpgsql immutable strict as $$
declare
  digits constant text := '0123456789abcdefghijklmnopqrstuvwxyz';
  result text := '';
  n bigint := value;
begin
  loop
    result := substr(digits, (n % 36)::int + 1, 1) || result;
    n := n / 36;
    exit when n = 0;
  end loop;
  return lpad(result, width, '0');
end;
$$;

create or replace function sync.from_base36(value text) returns bigint language plpgsql immutable strict as $$
declare
  result bigint := 0;
  ch text;
begin
  foreach ch in array regexp_split_to_array(value, '') loop
    result := result * 36 + (position(ch in '0123456789abcdefghijklmnopqrstuvwxyz') - 1);
  end loop;
  return result;
end;
$$;

create or replace function sync.now_ms() returns bigint language sql volatile as $$
  select floor(extract(epoch from clock_timestamp()) * 1000)::bigint
$$;

/** How far ahead of the server clock a stamp may be before it is clamped (ms). */
create or replace function sync.max_future_ms() returns bigint language sql immutable as $$ select 60000::bigint $$;

create or replace function sync.next_stamp() returns text language sql volatile as $$
  select sync.to_base36(sync.now_ms(), 11) || '-' || sync.to_base36(nextval('sync.stamp_counter'), 5) || '-server'
$$;

/** A well-formed stamp, clamped to the server clock plus max_future_ms; null when malformed. */
create or replace function sync.clamp_stamp(stamp text) returns text language plpgsql volatile as $$
declare
  physical bigint;
  limit_ms bigint;
begin
  if stamp is null or stamp !~ '^[0-9a-z]{11}-[0-9a-z]{5}-[0-9a-z]{1,32}$' then
    return null;
  end if;
  physical := sync.from_base36(substr(stamp, 1, 11));
  limit_ms := sync.now_ms() + sync.max_future_ms();
  if physical > limit_ms then
    -- A fresh counter, so two clamped writes keep the order they arrive in.
    return sync.to_base36(limit_ms, 11) || '-' || sync.to_base36(nextval('sync.stamp_counter'), 5) || substr(stamp, 18);
  end if;
  return stamp;
end;
$$;

/** A server stamp greater than `stored` (the HLC rule: a new event is later than every event seen). */
create or replace function sync.stamp_after(stored text) returns text language plpgsql volatile as $$
declare
  fresh text := sync.next_stamp();
  physical bigint;
  counter bigint;
begin
  if stored is null or fresh collate "C" > stored collate "C" then
    return fresh;
  end if;
  physical := sync.from_base36(substr(stored, 1, 11));
  counter := sync.from_base36(substr(stored, 13, 5)) + 1;
  if counter > 60466175 then
    physical := physical + 1;
    counter := 0;
  end if;
  return sync.to_base36(physical, 11) || '-' || sync.to_base36(counter, 5) || '-server';
end;
$$;

create or replace function sync.merge_row() returns trigger language plpgsql as $$
declare
  fixed constant text[] := array['id', 'member_id', 'created_at', 'updated_at', 'field_stamps', 'sync_xid'];
  new_j jsonb := to_jsonb(new);
  old_j jsonb;
  brought jsonb := coalesce(new.field_stamps, '{}'::jsonb);
  stamps jsonb;
  server_stamp text;
  key text;
  stamp text;
  stored text;
  changed boolean := false;
  last_raw text;
  last_clamped text;
begin
  if tg_op = 'INSERT' then
    stamps := '{}'::jsonb;
    for key in select jsonb_object_keys(new_j) loop
      continue when key = any (fixed);
      -- A push stamps every field with the same stamp: clamp it once.
      if (brought ->> key) is distinct from last_raw then
        last_raw := brought ->> key;
        last_clamped := sync.clamp_stamp(last_raw);
      end if;
      stamp := last_clamped;
      if stamp is null and brought = '{}'::jsonb then
        -- A plain insert (REST, SQL): every value it sets happens now.
        server_stamp := coalesce(server_stamp, sync.next_stamp());
        stamp := server_stamp;
      end if;
      -- A stamped insert leaves the columns it did not mention at their defaults, stamped lowest:
      -- any later write to them wins, as on the client.
      stamps := stamps || jsonb_build_object(key, coalesce(stamp, '00000000000-00000-0'));
    end loop;
    new.field_stamps := stamps;
    new.updated_at := now();
    new.sync_xid := pg_current_xact_id();
    return new;
  end if;

  if new.member_id is distinct from old.member_id then
    raise exception 'The owner of a row cannot be changed' using errcode = '42501';
  end if;
  old_j := to_jsonb(old);
  stamps := coalesce(old.field_stamps, '{}'::jsonb);
  for key in select jsonb_object_keys(new_j) loop
    continue when key = any (fixed);
    stored := stamps ->> key;
    stamp := null;
    if (brought ->> key) is distinct from stored then
      if (brought ->> key) is distinct from last_raw then
        last_raw := brought ->> key;
        last_clamped := sync.clamp_stamp(last_raw);
      end if;
      stamp := last_clamped;
    end if;
    if stamp is null then
      continue when (new_j -> key) is not distinct from (old_j -> key);
      -- A plain write changed this value: it happens now, after everything the row has seen.
      stamp := sync.stamp_after(stored);
    end if;
    if stored is null or stamp collate "C" > stored collate "C" then
      stamps := stamps || jsonb_build_object(key, stamp);
      changed := changed or (new_j -> key) is distinct from (old_j -> key) or stamp is distinct from stored;
    else
      new_j := jsonb_set(new_j, array[key], old_j -> key);
    end if;
  end loop;
  if not changed then
    return null;
  end if;
  new_j := new_j || jsonb_build_object('id', old.id, 'created_at', old.created_at, 'field_stamps', stamps);
  new := jsonb_populate_record(new, new_j);
  new.updated_at := now();
  new.sync_xid := pg_current_xact_id();
  return new;
end;
$$;

-- Hard deletes (allowed by RLS, e.g. DELETE through REST) are remembered as tombstones for the pull,
-- so devices that were offline still learn the row is gone.
create table public.sync_deleted_rows (
  table_name text not null,
  id uuid not null,
  member_id uuid not null references public.members (id) on delete cascade,
  deleted_at timestamptz not null default now(),
  stamp text not null default sync.next_stamp(),
  sync_xid xid8 not null default pg_current_xact_id(),
  primary key (table_name, id)
);
create index sync_deleted_rows_sync on public.sync_deleted_rows (member_id, sync_xid, id);
alter table public.sync_deleted_rows enable row level security;
create policy "Members can view their own deleted rows" on public.sync_deleted_rows for select to authenticated using (member_id = auth.uid());
revoke all on public.sync_deleted_rows from anon;
grant select on public.sync_deleted_rows to authenticated;
grant all on public.sync_deleted_rows to service_role;

create or replace function sync.remember_delete() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  insert into public.sync_deleted_rows (table_name, id, member_id) values (tg_table_name, old.id, old.member_id)
  on conflict (table_name, id) do update set deleted_at = now(), stamp = sync.next_stamp(), sync_xid = pg_current_xact_id();
  return old;
end;
$$;

-- Every synced table merges field by field on write and remembers hard deletes.
do $$
declare
  t text;
begin
  foreach t in array sync.synced_tables() loop
    execute format('create trigger merge_fields before insert or update on public.%I for each row execute function sync.merge_row()', t);
    execute format('create trigger remember_delete after delete on public.%I for each row execute function sync.remember_delete()', t);
  end loop;
end
$$;

-- Mutation ids applied by sync_push, recorded in the same transaction as the change (exactly once).
create table public.sync_applied_mutations (
  mutation_id uuid primary key,
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  applied_at timestamptz not null default now()
);
alter table public.sync_applied_mutations enable row level security;
create policy "Members can view their own applied mutations" on public.sync_applied_mutations for select to authenticated using (member_id = auth.uid());
create policy "Members can record their own applied mutations" on public.sync_applied_mutations for insert to authenticated with check (member_id = auth.uid());
revoke all on public.sync_applied_mutations from anon;
grant select, insert on public.sync_applied_mutations to authenticated;
grant all on public.sync_applied_mutations to service_role;

/** A reason a person can read, from the error a rejected mutation raised. */
create or replace function sync.readable_error(state text, constraint_name text, column_name text, message text) returns text language sql immutable as $$
  select case
    when state = 'P0001' then message
    when constraint_name = 'contacts_first_name_length' then 'First name is required and can be at most 100 characters'
    when constraint_name = 'contacts_last_name_length' then 'Last name can be at most 100 characters'
    when constraint_name = 'contacts_phone_format' then 'Phone can contain digits, spaces, +, -, ( and ) only, with at least 5 digits, up to 32 characters'
    when constraint_name = 'contacts_email_format' then 'Email must look like name@example.com (up to 254 characters)'
    when constraint_name = 'contacts_stage_valid' then 'Stage must be one of: new, contacted, presented, follow_up, customer, team_member, not_interested'
    when constraint_name = 'contacts_type_valid' then 'Type must be customer or business'
    when constraint_name = 'contacts_lead_source_length' then 'Lead source can be at most 100 characters'
    when constraint_name = 'contacts_tags_valid' then 'At most 20 tags, each 1 to 40 characters'
    when constraint_name = 'contacts_notes_length' then 'Notes can be at most 5000 characters'
    when constraint_name like 'email_templates_name_length' then 'Template name is required and can be at most 80 characters'
    when constraint_name like 'email_templates_body_length' then 'Template message is required and can be at most 5000 characters'
    when constraint_name like 'email_templates_subject_length' then 'Subject can be at most 200 characters'
    when constraint_name like 'email_templates_channel_valid' then 'Channel must be email, sms or whatsapp'
    when constraint_name like 'member_activities_type_valid' then 'Unknown activity type'
    when constraint_name like 'member_activities_metadata_object' then 'Activity details must be an object of at most 4 KB'
    when constraint_name like '%same_member' then 'It refers to an item that does not exist (or is not yours)'
    when constraint_name like 'member_profiles_%' then 'Profile: ' || replace(replace(constraint_name, 'member_profiles_', ''), '_', ' ') || ' is not valid'
    when constraint_name = 'member_profiles_one_per_member' then 'A profile must belong to its member'
    when state = '23502' then 'Missing required field ' || coalesce(column_name, '') || ' (the item may no longer exist on the server)'
    when state = '23514' then 'A value is not allowed (' || coalesce(constraint_name, 'check') || ')'
    when state = '23503' then 'It refers to an item that does not exist'
    when state = '42501' then 'You are not allowed to change this item'
    when state in ('22P02', '22007', '22008', '22023') then 'A value has the wrong format: ' || message
    when state = '22001' then 'A value is too long'
    else 'The server could not save this change: ' || message
  end
$$;

/**
 * Applies a batch of mutations in order, each exactly once, and says what happened to each. One bad
 * mutation is rejected with a reason and does not stop the rest. Returns the merged rows (what the
 * server now holds) and the server time, which the client uses to correct its clock.
 * mutations: [{ mutation_id, table, row_id, op, changes: {field: value}, stamp, stamps?: {field: stamp} }]
 * (stamps, when given, stamps fields one by one: a client that coalesced several edits of a row)
 */
create or replace function public.sync_push(mutations jsonb) returns jsonb language plpgsql as $$
declare
  member uuid := auth.uid();
  m jsonb;
  mid uuid;
  tbl text;
  row_uuid uuid;
  changes jsonb;
  stamp text;
  allowed text[];
  columns_of jsonb := '{}'::jsonb;
  bad text;
  cols text[];
  payload jsonb;
  merged jsonb;
  found boolean;
  -- jsonb[] grows in place (expanded arrays); appending to a jsonb array would copy it every time.
  results jsonb[] := '{}';
  merged_rows jsonb[] := '{}';
  err_state text;
  err_constraint text;
  err_column text;
  err_message text;
begin
  if member is null then
    raise exception 'Sign in to sync' using errcode = '42501';
  end if;
  if jsonb_typeof(mutations) is distinct from 'array' then
    raise exception 'mutations must be a JSON array' using errcode = '22023';
  end if;
  if jsonb_array_length(mutations) > 1000 then
    raise exception 'At most 1000 mutations per push' using errcode = '22023';
  end if;

  for m in select value from jsonb_array_elements(mutations) loop
    begin
      if jsonb_typeof(m) is distinct from 'object' then
        raise exception 'A mutation must be an object';
      end if;
      mid := (m ->> 'mutation_id')::uuid;
      if mid is null then
        raise exception 'A mutation needs a mutation_id';
      end if;
      if exists (select 1 from public.sync_applied_mutations where mutation_id = mid) then
        results := array_append(results, jsonb_build_object('mutation_id', mid, 'status', 'duplicate'));
        continue;
      end if;
      tbl := m ->> 'table';
      if tbl is null or not tbl = any (sync.synced_tables()) then
        raise exception 'Unknown table "%"', coalesce(tbl, '');
      end if;
      row_uuid := (m ->> 'row_id')::uuid;
      if row_uuid is null then
        raise exception 'A mutation needs a row_id';
      end if;
      changes := m -> 'changes';
      if jsonb_typeof(changes) is distinct from 'object' then
        raise exception 'changes must be an object';
      end if;
      stamp := m ->> 'stamp';
      if not columns_of ? tbl then
        columns_of := columns_of || jsonb_build_object(tbl, (
          select jsonb_agg(attname) from pg_attribute
          where attrelid = format('public.%I', tbl)::regclass and attnum > 0 and not attisdropped
            and attname not in ('field_stamps', 'sync_xid', 'updated_at')));
      end if;
      allowed := array(select jsonb_array_elements_text(columns_of -> tbl));
      select key into bad from jsonb_object_keys(changes) as key where not key = any (allowed) limit 1;
      if bad is not null then
        raise exception 'Unknown column "%" in %', bad, tbl;
      end if;

      cols := array(select key from jsonb_object_keys(changes) as key where key <> 'id');
      payload := changes || jsonb_build_object(
        'id', row_uuid,
        'field_stamps', coalesce((select jsonb_object_agg(c, coalesce(m -> 'stamps' ->> c, stamp)) from unnest(cols) as c), '{}'::jsonb)
      );
      if m ->> 'op' = 'update' then
        -- An update must not create: NOT NULL columns would be checked before any conflict is found.
        cols := cols || array['field_stamps'];
        execute format(
          'update public.%1$I as t set (%2$s) = (select %3$s from jsonb_populate_record(null::public.%1$I, $1) as r) where t.id = $2',
          tbl,
          (select string_agg(format('%I', c), ', ') from unnest(cols) as c),
          (select string_agg(case when c = 'field_stamps' then 't.field_stamps || r.field_stamps' else format('r.%I', c) end, ', ') from unnest(cols) as c)
        ) using payload, row_uuid;
        -- Zero rows is fine when the merge found nothing newer; it is an error when the row is not there.
        execute format('select exists (select 1 from public.%I where id = $1)', tbl) into found using row_uuid;
        if not found then
          raise exception 'This item does not exist on the server, or you are not allowed to change it';
        end if;
      else
        cols := cols || array['id', 'field_stamps'];
        execute format(
          'insert into public.%1$I as t (%2$s) select %2$s from jsonb_populate_record(null::public.%1$I, $1)
             on conflict (id) do update set %3$s',
          tbl,
          (select string_agg(format('%I', c), ', ') from unnest(cols) as c),
          (select string_agg(case when c = 'field_stamps' then 'field_stamps = t.field_stamps || excluded.field_stamps' else format('%1$I = excluded.%1$I', c) end, ', ')
             from unnest(cols) as c where c <> 'id')
        ) using payload;
      end if;
      insert into public.sync_applied_mutations (mutation_id, member_id) values (mid, member);
      execute format('select to_jsonb(t) - ''sync_xid'' from public.%I t where id = $1', tbl) into merged using row_uuid;
      results := array_append(results, jsonb_build_object('mutation_id', mid, 'status', 'applied'));
      merged_rows := array_append(merged_rows, jsonb_build_object('table', tbl, 'row', merged));
    exception when others then
      get stacked diagnostics err_state = returned_sqlstate, err_constraint = constraint_name, err_column = column_name, err_message = message_text;
      if err_constraint = 'sync_applied_mutations_pkey' then
        -- A concurrent push of the same mutation won the race: it is applied once, by that push.
        results := array_append(results, jsonb_build_object('mutation_id', mid, 'status', 'duplicate'));
      else
        results := array_append(results, jsonb_build_object(
          'mutation_id', m ->> 'mutation_id',
          'status', 'rejected',
          'code', err_state,
          'reason', sync.readable_error(err_state, nullif(err_constraint, ''), nullif(err_column, ''), err_message)
        ));
      end if;
    end;
  end loop;
  return jsonb_build_object('results', to_jsonb(results), 'rows', to_jsonb(merged_rows), 'server_time', sync.now_ms());
end;
$$;

/**
 * Rows of every synced table changed since the cursor, at most page_size (<= 1000) a page, oldest
 * transaction first. cursor: null to start, or the next_cursor of the previous page. When has_more is
 * false, next_cursor starts the next catch-up from the commit-safe watermark (see the header).
 */
create or replace function public.sync_pull(cursor jsonb default null, page_size int default 1000) returns jsonb language plpgsql stable as $$
declare
  lim int := least(greatest(coalesce(page_size, 1000), 1), 1000);
  from_xid xid8 := coalesce((cursor ->> 'from')::xid8, '0'::xid8);
  after jsonb := cursor -> 'after';
  after_xid xid8 := (after ->> 'xid')::xid8;
  after_table text := after ->> 'table';
  after_id uuid := (after ->> 'id')::uuid;
  watermark xid8 := pg_snapshot_xmin(pg_current_snapshot());
  page jsonb;
  n int;
  last jsonb;
begin
  if auth.uid() is null then
    raise exception 'Sign in to sync' using errcode = '42501';
  end if;
  if cursor ? 'watermark' and (cursor ->> 'watermark') is not null and (cursor ->> 'watermark')::xid8 < watermark then
    watermark := (cursor ->> 'watermark')::xid8;
  end if;

  with changed as (
    select 'member_profiles' as t, sync_xid, id, to_jsonb(r) - 'sync_xid' as row from public.member_profiles r where sync_xid >= from_xid
    union all select 'contacts', sync_xid, id, to_jsonb(r) - 'sync_xid' from public.contacts r where sync_xid >= from_xid
    union all select 'member_activities', sync_xid, id, to_jsonb(r) - 'sync_xid' from public.member_activities r where sync_xid >= from_xid
    union all select 'email_templates', sync_xid, id, to_jsonb(r) - 'sync_xid' from public.email_templates r where sync_xid >= from_xid
    union all select 'sent_emails', sync_xid, id, to_jsonb(r) - 'sync_xid' from public.sent_emails r where sync_xid >= from_xid
    union all select 'email_clicks', sync_xid, id, to_jsonb(r) - 'sync_xid' from public.email_clicks r where sync_xid >= from_xid
    union all select d.table_name, d.sync_xid, d.id,
      jsonb_build_object('id', d.id, 'member_id', d.member_id, 'deleted_at', d.deleted_at, 'field_stamps', jsonb_build_object('deleted_at', d.stamp))
      from public.sync_deleted_rows d where d.sync_xid >= from_xid
  ), ordered as (
    select * from changed
    where after_xid is null or (sync_xid, t collate "C", id) > (after_xid, after_table collate "C", after_id)
    order by sync_xid, t collate "C", id
    limit lim + 1
  )
  select coalesce(jsonb_agg(jsonb_build_object('table', t, 'xid', sync_xid::text, 'row', row) order by sync_xid, t collate "C", id), '[]'::jsonb), count(*)
  into page, n
  from ordered;

  if n > lim then
    page := page - lim;
    last := page -> (lim - 1);
    return jsonb_build_object(
      'rows', (select jsonb_agg(e - 'xid') from jsonb_array_elements(page) as e),
      'has_more', true,
      'next_cursor', jsonb_build_object('from', from_xid::text, 'watermark', watermark::text,
        'after', jsonb_build_object('xid', last ->> 'xid', 'table', last ->> 'table', 'id', last -> 'row' ->> 'id')),
      'server_time', sync.now_ms()
    );
  end if;
  return jsonb_build_object(
    'rows', coalesce((select jsonb_agg(e - 'xid') from jsonb_array_elements(page) as e), '[]'::jsonb),
    'has_more', false,
    'next_cursor', jsonb_build_object('from', watermark::text, 'watermark', null, 'after', null),
    'server_time', sync.now_ms()
  );
end;
$$;

/**
 * Per table: the number of rows (tombstones included) and an md5 over each row's id and field stamps,
 * so a client can tell cheaply whether it holds exactly what the server holds. The row line is
 * "<id>:<field>=<stamp>,..." with fields in byte order; lines are joined by "\n" in id order.
 */
create or replace function public.sync_digest() returns jsonb language plpgsql stable as $$
declare
  t text;
  result jsonb := '{}'::jsonb;
  entry jsonb;
begin
  if auth.uid() is null then
    raise exception 'Sign in to sync' using errcode = '42501';
  end if;
  foreach t in array sync.synced_tables() loop
    execute format(
      $q$select jsonb_build_object('count', count(*), 'hash', md5(coalesce(string_agg(line, E'\n' order by id), '')))
         from (select r.id, r.id::text || ':' || coalesce((select string_agg(key || '=' || value, ',' order by key collate "C") from jsonb_each_text(r.field_stamps)), '') as line
               from public.%I r) rows$q$,
      t
    ) into entry;
    result := result || jsonb_build_object(t, entry);
  end loop;
  return result;
end;
$$;

grant usage on schema sync to anon, authenticated, service_role;
grant execute on all functions in schema sync to authenticated, service_role;
grant usage, select on sequence sync.stamp_counter to authenticated, service_role;
revoke execute on function public.sync_push(jsonb), public.sync_pull(jsonb, int), public.sync_digest() from public, anon;
grant execute on function public.sync_push(jsonb), public.sync_pull(jsonb, int), public.sync_digest() to authenticated, service_role;
