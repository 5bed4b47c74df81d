-- Stamps, the field-level merge, tombstones, and the registry of synced tables.
--
-- Stamps. A hybrid-logical-clock stamp is '<physical ms, base36, 11>-<counter, base36, 5>-<node>',
-- ordered by byte-wise string comparison (COLLATE "C"); src/domain/hlc.ts writes the same format.
--
-- Merge (trigger sync.merge_row, BEFORE INSERT OR UPDATE on every synced table), so the sync RPCs,
-- PostgREST and SQL all obey it. Field by field, an incoming value replaces the stored one only if its
-- stamp is greater. A write "brings" a stamp for a field when field_stamps->field differs from the
-- stored stamp; a write that changes a value without bringing a stamp (REST, the SQL console) gets a
-- server stamp later than the stored one: it happened now, and wins. Columns a stamped insert leaves
-- at their defaults get the lowest stamp, so any later write to them wins. deleted_at is a field like
-- any other: a tombstone is undone only by a newer write to deleted_at itself. A write that changes
-- nothing is skipped (no churn, no echo). The client applies the same rule (src/domain/merge.ts);
-- tests/fixtures/merge-vectors.json runs through both.
--
-- Clock skew. A stamp more than 60 s ahead of the server clock is clamped to now + 60 s, so a phone
-- whose clock runs hours fast cannot win every conflict forever. The clamp is remembered per member
-- (sync.clamped_stamps): the same raw stamp arriving again (a retry whose first answer was lost,
-- perhaps coalesced with newer edits) maps to the value it earned the first time, never to a fresh
-- now + 60 s that could beat a write acknowledged in between.
--
-- Hard deletes (DELETE through REST or SQL) leave a tombstone in public.sync_deleted_rows, so devices
-- that were offline learn the row is gone; an insert can never bring a tombstoned id back.
--
-- Registry. sync.register_table(name) makes a table synced: it records it in sync.tables (which the
-- RPCs read), attaches the merge, tombstone and insert-refusal triggers, creates the index the pull walks, and publishes
-- the table to Realtime. A new synced table is one `select sync.register_table('...')` in a migration.

create sequence sync.stamp_counter cycle maxvalue 60466175; -- 36^5 - 1

create function sync.to_base36(value bigint, width int) returns text language plpgsql immutable strict as $$
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

create function sync.from_base36(value text) returns bigint language plpgsql immutable strict as $$
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

create function sync.now_ms() returns bigint language sql volatile as $$
  select floor(extract(epoch from clock_timestamp()) * 1000)::bigint
$$;

/** How far ahead of the server clock a stamp may be before it is clamped (ms). */
create function sync.max_future_ms() returns bigint language sql immutable as $$ select 60000::bigint $$;

create function sync.next_stamp() returns text language sql volatile as $$
  select sync.to_base36(sync.now_ms(), 11) || '-' || sync.to_base36(nextval('sync.stamp_counter'), 5) || '-server'
$$;

-- Clamps remembered per member: raw stamp -> the stamp it was stored as.
create table sync.clamped_stamps (
  member_id uuid not null references public.members (id) on delete cascade,
  raw text not null,
  clamped text not null,
  clamped_at timestamptz not null default now(),
  primary key (member_id, raw)
);
create index clamped_stamps_age on sync.clamped_stamps (clamped_at);

/**
 * A well-formed stamp, clamped to the server clock plus max_future_ms; null when malformed. A stamp
 * this member's writes already had clamped keeps its first clamped value (see the header).
 */
create function sync.clamp_stamp(stamp text, member uuid) returns text
language plpgsql volatile security definer set search_path = '' as $$
declare
  physical bigint;
  limit_ms bigint;
  earned text;
begin
  if stamp is null or stamp !~ '^[0-9a-z]{11}-[0-9a-z]{5}-[0-9a-z]{1,32}$' then
    return null;
  end if;
  -- The memory is the calling member's own (or any, for service_role and SQL, which have no auth.uid()).
  if auth.uid() is not null and member is distinct from auth.uid() then
    member := null;
  end if;
  select c.clamped into earned from sync.clamped_stamps c where c.member_id = member and c.raw = stamp;
  if earned is not null then
    return earned;
  end if;
  physical := sync.from_base36(substr(stamp, 1, 11));
  limit_ms := sync.now_ms() + sync.max_future_ms();
  if physical <= limit_ms then
    return stamp;
  end if;
  -- A fresh counter, so two clamped writes keep the order they arrive in.
  earned := sync.to_base36(limit_ms, 11) || '-' || sync.to_base36(nextval('sync.stamp_counter'), 5) || substr(stamp, 18);
  if member is not null and exists (select 1 from public.members m where m.id = member) then
    insert into sync.clamped_stamps (member_id, raw, clamped) values (member, stamp, earned) on conflict do nothing;
  end if;
  return earned;
end;
$$;

/** A server stamp greater than `stored` (the HLC rule: a new event is later than every event seen). */
create function sync.stamp_after(stored text) returns text language plpgsql volatile as $$
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

-- Tombstones of hard-deleted rows, for the pull (and, filtered by member, for Realtime).
create table public.sync_deleted_rows (
  table_name text not null,
  id uuid not null,
  member_id uuid not null references public.members (id) on delete cascade,
  deleted_at timestamptz not null default now(),
  stamp text not null default sync.next_stamp(),
  sync_xid xid8 not null default pg_current_xact_id(),
  primary key (member_id, table_name, id)
);
alter table public.sync_deleted_rows enable row level security;
create policy "Members can view their own deleted rows" on public.sync_deleted_rows for select to authenticated using (member_id = (select auth.uid()));
revoke all on public.sync_deleted_rows from anon, authenticated, service_role, public;
grant select on public.sync_deleted_rows to authenticated, service_role;

/** Is this id of this table a row the member hard-deleted? */
create function sync.is_tombstoned(tbl text, row_id uuid, member uuid) returns boolean
language sql stable set search_path = '' as $$
  select exists (select 1 from public.sync_deleted_rows d where d.member_id = member and d.table_name = tbl and d.id = row_id)
$$;

create function sync.merge_row() returns trigger language plpgsql as $$
declare
  fixed constant text[] := array['id', 'member_id', 'created_at', 'updated_at', 'field_stamps', 'sync_xid'];
  new_j jsonb := to_jsonb(new);
  old_j jsonb;
  brought jsonb := case when jsonb_typeof(new.field_stamps) = 'object' then new.field_stamps else '{}'::jsonb end;
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
        last_clamped := sync.clamp_stamp(last_raw, new.member_id);
      end if;
      stamp := last_clamped;
      if stamp is null and brought = '{}'::jsonb then
        -- A plain insert (REST, SQL): every value it sets happens now.
        server_stamp := coalesce(server_stamp, sync.next_stamp());
        stamp := server_stamp;
      end if;
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
        last_clamped := sync.clamp_stamp(last_raw, old.member_id);
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

/*
 * An insert can never bring back a row its member hard-deleted. Checked AFTER the insert: an insert
 * racing a delete of the same id waits for the deleting transaction on the primary key, and only a
 * statement run after that wait (as this trigger's query is) sees the tombstone it committed.
 */
create function sync.refuse_tombstoned() returns trigger language plpgsql as $$
begin
  if sync.is_tombstoned(tg_table_name, new.id, new.member_id) then
    raise exception 'This item was deleted and cannot be created again' using errcode = 'P0002', hint = 'Create it with a new id';
  end if;
  return null;
end;
$$;

/*
 * A hard delete leaves a tombstone. Not when the member itself is being deleted (deleting a user
 * cascades into every table): then nothing of theirs may remain, tombstones included.
 */
create function sync.remember_delete() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  if not exists (select 1 from public.members m where m.id = old.member_id) then
    return old;
  end if;
  insert into public.sync_deleted_rows (table_name, id, member_id) values (tg_table_name, old.id, old.member_id)
  on conflict (member_id, table_name, id) do update set deleted_at = now(), stamp = sync.next_stamp(), sync_xid = pg_current_xact_id();
  return old;
end;
$$;

-- Mutation ids applied by sync_push, per member, recorded in the same transaction as the change.
-- In schema sync, which the API does not expose, and written only by sync_push's definer helper.
create table sync.applied_mutations (
  member_id uuid not null references public.members (id) on delete cascade,
  mutation_id uuid not null,
  applied_at timestamptz not null default now(),
  primary key (member_id, mutation_id)
);
create index applied_mutations_age on sync.applied_mutations (applied_at);

/*
 * Forgets applied mutation ids and remembered clamps older than `keep` (90 days unless told): a device
 * retries a lost answer within minutes or days, not months. Returns how many records went. For a
 * scheduled job (service_role or the database owner), never the API.
 */
create function sync.prune(keep interval default interval '90 days') returns bigint
language plpgsql security definer set search_path = '' as $$
declare
  applied bigint;
  clamps bigint;
begin
  delete from sync.applied_mutations where applied_at < now() - keep;
  get diagnostics applied = row_count;
  delete from sync.clamped_stamps where clamped_at < now() - keep;
  get diagnostics clamps = row_count;
  return applied + clamps;
end;
$$;

/** Records a mutation of the calling member as applied; false when it already was. */
create function sync.mark_applied(mutation uuid) returns boolean
language plpgsql volatile security definer set search_path = '' as $$
begin
  insert into sync.applied_mutations (member_id, mutation_id) values (auth.uid(), mutation) on conflict do nothing;
  return found;
end;
$$;

-- The registry of synced tables. `ord` orders tables inside one transaction in the pull's keyset.
create table sync.tables (
  name text primary key,
  ord smallint not null unique
);

/*
 * Makes public.<name> a synced table. The table must have the sync columns (id uuid primary key,
 * member_id, created_at, updated_at, deleted_at, field_stamps, sync_xid) and row-level security.
 */
create function sync.register_table(name text) returns void language plpgsql as $$
declare
  missing text;
begin
  select c into missing
  from unnest(array['id', 'member_id', 'created_at', 'updated_at', 'deleted_at', 'field_stamps', 'sync_xid']) as c
  where not exists (select 1 from pg_attribute a where a.attrelid = format('public.%I', name)::regclass and a.attname = c and not a.attisdropped)
  limit 1;
  if missing is not null then
    raise exception 'public.% cannot sync: it has no % column', name, missing;
  end if;
  if not (select relrowsecurity from pg_class where oid = format('public.%I', name)::regclass) then
    raise exception 'public.% cannot sync: enable row-level security first', name;
  end if;
  insert into sync.tables (name, ord) values (name, coalesce((select max(ord) + 1 from sync.tables), 1));
  execute format('create trigger merge_fields before insert or update on public.%I for each row execute function sync.merge_row()', name);
  execute format('create trigger remember_delete after delete on public.%I for each row execute function sync.remember_delete()', name);
  execute format('create trigger refuse_tombstoned after insert on public.%I for each row execute function sync.refuse_tombstoned()', name);
  execute format('create index %I on public.%I (member_id, sync_xid, id)', name || '_sync', name);
  execute format('alter publication supabase_realtime add table public.%I', name);
end;
$$;

-- Realtime publishes inserts and updates only: Supabase sends DELETE events to every subscriber of a
-- table without a row-level-security check, which would tell one member the ids of another's deleted
-- rows. Hard deletes reach devices as tombstone inserts instead, filtered by member and RLS.
alter publication supabase_realtime set (publish = 'insert, update');

select sync.register_table(t) from unnest(array['member_profiles', 'contacts', 'member_activities', 'email_templates', 'sent_emails', 'email_clicks']) as t;

create index sync_deleted_rows_sync on public.sync_deleted_rows (member_id, table_name, sync_xid, id);
alter publication supabase_realtime add table public.sync_deleted_rows;

-- Internal helpers: callable by the roles whose writes fire the triggers, never by anon.
revoke all on all functions in schema sync from public, anon;
revoke all on all tables in schema sync from public, anon, authenticated;
revoke all on sequence sync.stamp_counter from public, anon;
grant execute on function sync.to_base36(bigint, int), sync.from_base36(text), sync.now_ms(), sync.max_future_ms(), sync.next_stamp(),
  sync.clamp_stamp(text, uuid), sync.stamp_after(text), sync.is_tombstoned(text, uuid, uuid), sync.mark_applied(uuid)
  to authenticated, service_role;
grant usage on sequence sync.stamp_counter to authenticated, service_role;
revoke all on function sync.prune(interval) from authenticated;
grant execute on function sync.prune(interval) to service_role;
grant select on sync.tables to authenticated, service_role;
