-- Local-only change capture for the Realtime server (hosted Supabase reads the WAL instead; PGlite has
-- no logical replication). A trigger on every table in the supabase_realtime publication notifies the
-- change: notifications are delivered only after commit, so a rolled-back change is never sent. A
-- change that fits in a notification (under 8 KB) travels in it; a bigger one is written to a queue
-- table and only its id is notified. Every change takes a number from one sequence: commit order.
-- Runs as a superuser at every start of the stack, after the migrations; idempotent.
create schema if not exists realtime_local;
create table if not exists realtime_local.changes (
  id bigserial primary key,
  table_name text not null,
  type text not null,
  record jsonb,
  old_record jsonb,
  committed_at timestamptz not null default clock_timestamp()
);

-- Captures one row change, unless the publication does not publish that kind of change: like logical
-- replication, `alter publication supabase_realtime set (publish = 'insert, update')` means no DELETE
-- events for anyone.
create or replace function realtime_local.capture() returns trigger language plpgsql security definer set search_path = '' as $$
declare
  change jsonb;
begin
  if not exists (
    select 1 from pg_catalog.pg_publication p
    where p.pubname = 'supabase_realtime'
      and case tg_op when 'INSERT' then p.pubinsert when 'UPDATE' then p.pubupdate else p.pubdelete end
  ) then
    return null;
  end if;
  change := pg_catalog.jsonb_build_object(
    'id', pg_catalog.nextval('realtime_local.changes_id_seq'),
    'table_name', tg_table_name,
    'type', tg_op,
    'record', case when tg_op = 'DELETE' then null else pg_catalog.to_jsonb(new) end,
    'old_record', case when tg_op = 'INSERT' then null else pg_catalog.to_jsonb(old) end,
    'committed_at', pg_catalog.clock_timestamp());
  if pg_catalog.octet_length(change::text) < 7900 then
    perform pg_catalog.pg_notify('realtime_local_changes', change::text);
  else
    insert into realtime_local.changes (id, table_name, type, record, old_record, committed_at)
    values ((change ->> 'id')::bigint, tg_table_name, tg_op, change -> 'record', change -> 'old_record', (change ->> 'committed_at')::timestamptz);
    perform pg_catalog.pg_notify('realtime_local_changes', change ->> 'id');
  end if;
  return null;
end;
$$;

-- Gives every published table the capture trigger, and takes it off tables that left the publication.
create or replace function realtime_local.attach_capture_triggers() returns void language plpgsql security definer set search_path = '' as $$
declare
  t record;
begin
  for t in
    select p.schemaname, p.tablename from pg_catalog.pg_publication_tables p
    where p.pubname = 'supabase_realtime'
      and not exists (select 1 from pg_catalog.pg_trigger g
                      where g.tgrelid = format('%I.%I', p.schemaname, p.tablename)::regclass and g.tgname = 'realtime_local_capture')
  loop
    execute format('create trigger realtime_local_capture after insert or update or delete on %I.%I for each row execute function realtime_local.capture()', t.schemaname, t.tablename);
  end loop;
  for t in
    select n.nspname as schemaname, c.relname as tablename
    from pg_catalog.pg_trigger g join pg_catalog.pg_class c on c.oid = g.tgrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where g.tgname = 'realtime_local_capture'
      and not exists (select 1 from pg_catalog.pg_publication_tables p where p.pubname = 'supabase_realtime' and p.schemaname = n.nspname and p.tablename = c.relname)
  loop
    execute format('drop trigger realtime_local_capture on %I.%I', t.schemaname, t.tablename);
  end loop;
end;
$$;

-- Tables can join the publication while the stack runs (SQL console, a test, `tables in schema` and a
-- new table): an event trigger re-attaches after each such command, so no restart is needed.
create or replace function realtime_local.on_publication_change() returns event_trigger language plpgsql security definer set search_path = '' as $$
begin
  perform realtime_local.attach_capture_triggers();
end;
$$;

drop event trigger if exists realtime_local_publication_change;
create event trigger realtime_local_publication_change on ddl_command_end
  when tag in ('ALTER PUBLICATION', 'CREATE PUBLICATION', 'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO')
  execute function realtime_local.on_publication_change();

-- Which captured rows a subscriber may see: `checks` (built by the server from the tables' policies,
-- reading the rows of `records`, a JSON array with one array of rows per part) runs as the
-- subscriber's role and claims. One statement, so one round trip: the settings are local to its own
-- transaction and end with it. Not SECURITY DEFINER, or the role could not be set.
create or replace function realtime_local.visible(subscriber_role text, claims text, checks text, records jsonb)
returns table (part int, n int, ok boolean) language plpgsql as $$
begin
  perform pg_catalog.set_config('role', subscriber_role, true), pg_catalog.set_config('request.jwt.claims', claims, true);
  return query execute checks using records;
end;
$$;
revoke all on function realtime_local.visible(text, text, text, jsonb) from public;

-- The realtime server keeps what it read of grants, policies and columns; any DDL command tells it to
-- read them again.
create or replace function realtime_local.on_schema_change() returns event_trigger language plpgsql security definer set search_path = '' as $$
begin
  perform pg_notify('realtime_local_schema', '');
end;
$$;

drop event trigger if exists realtime_local_schema_change;
create event trigger realtime_local_schema_change on ddl_command_end execute function realtime_local.on_schema_change();

select realtime_local.attach_capture_triggers();
