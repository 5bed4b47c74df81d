-- Local-only change capture for the Realtime server (hosted Supabase reads the WAL instead; PGlite has
-- no logical replication). A trigger on every table in the supabase_realtime publication writes the
-- change to a queue table and notifies its id: notifications are delivered only after commit (so a
-- rolled-back change is never sent) and carry only the id (payloads of 8 KB or more fail).
create schema if not exists realtime_local;
create table if not exists realtime_local.changes (
  id bigserial primary key,
  table_name text not null,
  type text not null,
  record jsonb,
  old_record jsonb,
  committed_at timestamptz not null default clock_timestamp()
);

create or replace function realtime_local.capture() returns trigger language plpgsql security definer set search_path = '' as $$
declare
  change_id bigint;
begin
  insert into realtime_local.changes (table_name, type, record, old_record)
  values (tg_table_name, tg_op,
          case when tg_op = 'DELETE' then null else to_jsonb(new) end,
          case when tg_op = 'INSERT' then null else to_jsonb(old) end)
  returning id into change_id;
  perform pg_notify('realtime_local_changes', change_id::text);
  return null;
end;
$$;

-- (Re)attach the capture trigger to every published table; run at each start.
do $$
declare
  t record;
begin
  for t in select schemaname, tablename from pg_publication_tables where pubname = 'supabase_realtime' loop
    execute format('drop trigger if exists realtime_local_capture on %I.%I', t.schemaname, t.tablename);
    execute format('create trigger realtime_local_capture after insert or update or delete on %I.%I for each row execute function realtime_local.capture()', t.schemaname, t.tablename);
  end loop;
end
$$;
