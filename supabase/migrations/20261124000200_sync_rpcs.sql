-- The sync RPCs, over every table in the registry (sync.tables):
--   sync_push(mutations)   applies each mutation exactly once per member and says what happened;
--   sync_pull(cursor, n)   the member's changed rows since a commit-safe cursor, a page at a time;
--   sync_digest()          per table, a count and a SHA-256 of ids and stamps (the convergence check).
--
-- Catch-up. Each row remembers the id of the transaction that last wrote it (sync_xid). A pull
-- returns rows with sync_xid >= the cursor's watermark and hands back, as the next watermark, the xmin
-- of its snapshot: every transaction below it has finished and was visible, every transaction at or
-- above it may still commit later and will be read next time. An updated_at cursor cannot do this:
-- now() is the transaction's start, so a slow transaction that commits after a client pulled past
-- its timestamp is never fetched. Pages are keyset-ordered on (sync_xid, table, id); each table's
-- part of a page is one range of its (member_id, sync_xid, id) index, so a page costs the same however
-- many rows the member has.
--
-- Limits. A push holds at most 1,000 mutations and 8 MB, one mutation at most 64 kB; the RPCs stop
-- with SQLSTATE 57014 when the role's statement_timeout runs out, also where the database itself
-- cannot enforce it (PGlite).

/** The readable reason for each constraint, in the client's words (src/domain/limits.ts MESSAGES). */
create table sync.constraint_messages (
  constraint_name text primary key,
  message text not null
);
insert into sync.constraint_messages (constraint_name, message) values
  ('contacts_first_name_required', 'First name is required'),
  ('contacts_first_name_length', 'First name can be at most 100 characters'),
  ('contacts_last_name_length', 'Last name can be at most 100 characters'),
  ('contacts_phone_length', 'Phone can be at most 32 characters'),
  ('contacts_phone_chars', 'Phone can contain digits, spaces, +, -, ( and ) only'),
  ('contacts_phone_digits', 'Phone needs at least 5 digits'),
  ('contacts_email_length', 'Email can be at most 254 characters'),
  ('contacts_email_format', 'Enter an email like name@example.com'),
  ('contacts_stage_valid', 'Choose a stage from the list'),
  ('contacts_contact_type_valid', 'Choose customer path or business path'),
  ('contacts_lead_source_length', 'Lead source can be at most 100 characters'),
  ('contacts_tags_count', 'At most 20 tags'),
  ('contacts_tags_items', 'Each tag can be at most 40 characters, and not empty'),
  ('contacts_notes_length', 'Notes can be at most 5000 characters'),
  ('member_profiles_full_name_length', 'Name can be at most 100 characters'),
  ('member_profiles_company_length', 'Company can be at most 100 characters'),
  ('member_profiles_phone_length', 'Phone can be at most 32 characters'),
  ('member_profiles_phone_chars', 'Phone can contain digits, spaces, +, -, ( and ) only'),
  ('member_profiles_phone_digits', 'Phone needs at least 5 digits'),
  ('member_profiles_timezone_format', 'Choose a time zone like Europe/London'),
  ('member_profiles_one_per_member', 'A profile must belong to its member'),
  ('email_templates_name_required', 'Give the template a name'),
  ('email_templates_name_length', 'Name can be at most 80 characters'),
  ('email_templates_subject_length', 'Subject can be at most 200 characters'),
  ('email_templates_body_required', 'Write the message'),
  ('email_templates_body_length', 'Message can be at most 5000 characters'),
  ('email_templates_channel_valid', 'Choose email, text message or WhatsApp'),
  ('member_activities_activity_type_valid', 'Unknown activity type'),
  ('member_activities_metadata_valid', 'Activity details must be an object of at most 4 KB with the expected fields'),
  ('sent_emails_to_email_length', 'Recipient can be at most 254 characters'),
  ('sent_emails_subject_length', 'Subject can be at most 200 characters'),
  ('sent_emails_body_length', 'Message can be at most 10000 characters'),
  ('sent_emails_status_valid', 'Unknown delivery status'),
  ('email_clicks_url_length', 'Link can be at most 2048 characters');

/** A reason a person can read, from the error a rejected mutation raised. */
create function sync.readable_error(state text, constraint_name text, column_name text, message text) returns text
language sql stable set search_path = '' as $$
  select coalesce(
    (select m.message from sync.constraint_messages m where m.constraint_name = readable_error.constraint_name),
    case
      when state in ('P0001', 'P0002') then message
      when constraint_name like '%\_year' then 'Dates must be between the years 1900 and 9999'
      when constraint_name like '%same\_member' then 'It refers to an item that does not exist (or is not yours)'
      when state = '23502' then 'Missing required field ' || coalesce(column_name, '') || ' (the item may no longer exist on the server)'
      when state = '23514' then 'A value is not allowed (' || coalesce(constraint_name, 'check') || ')'
      when state = '23503' then 'It refers to an item that does not exist'
      when state = '42501' then 'You are not allowed to change this item'
      when state in ('22P02', '22007', '22008', '22023', '22003') then 'A value has the wrong format: ' || message
      when state = '22001' then 'A value is too long'
      else 'The server could not save this change: ' || message
    end)
$$;

/** When the calling role's statement_timeout runs out ('infinity' when it has none). */
create function sync.deadline() returns timestamptz language sql volatile as $$
  select case when budget > interval '0' then clock_timestamp() + budget else 'infinity'::timestamptz end
  from (select coalesce(nullif(current_setting('statement_timeout', true), ''), '0')::interval as budget) setting
$$;

/** The row as the server holds it (without sync_xid), or its tombstone, or null. */
create function sync.held_row(tbl text, row_id uuid) returns jsonb language plpgsql stable as $$
declare
  held jsonb;
begin
  execute format('select to_jsonb(t) - ''sync_xid'' from public.%I t where id = $1', tbl) into held using row_id;
  if held is null then
    select jsonb_build_object('id', d.id, 'member_id', d.member_id, 'deleted_at', d.deleted_at, 'field_stamps', jsonb_build_object('deleted_at', d.stamp))
    into held from public.sync_deleted_rows d where d.member_id = auth.uid() and d.table_name = tbl and d.id = row_id;
  end if;
  return held;
end;
$$;

/** Whether a JSON value can be stored in a column of this type without changing its shape. */
create function sync.json_fits(value jsonb, column_type text) returns boolean language sql immutable as $$
  select case
    when jsonb_typeof(value) = 'null' then true
    when column_type in ('jsonb', 'json') then true
    when column_type in ('boolean') then jsonb_typeof(value) = 'boolean'
    when column_type in ('smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision') then jsonb_typeof(value) = 'number'
    when column_type like '%[]' then jsonb_typeof(value) = 'array'
      and not exists (select 1 from jsonb_array_elements(value) e where jsonb_typeof(e) <> 'string')
    else jsonb_typeof(value) = 'string'
  end
$$;

/**
 * Applies a batch of mutations in order, each exactly once per member, and says what happened to
 * each: applied, duplicate (applied before: the answer to a retry whose first answer was lost), or
 * rejected with a reason. One bad mutation never stops the rest. Applied and duplicate answers carry
 * the row as the server now holds it (or its tombstone), so the client adopts the server's stamps.
 * mutations: [{ mutation_id, table, row_id, op: 'insert'|'update', changes: {field: value}, stamp,
 *               stamps?: {field: stamp} }]   (stamps: each field's own stamp, for coalesced edits)
 */
create function public.sync_push(mutations jsonb) returns jsonb language plpgsql as $$
declare
  member uuid := auth.uid();
  deadline timestamptz := sync.deadline();
  -- Per registered table, read once: column types, and the columns that may hold JSON objects or arrays.
  column_types jsonb := '{}'::jsonb;
  loose_columns jsonb := '{}'::jsonb;
  types jsonb;
  loose jsonb;
  -- Statements by table, op and column list, built once per push.
  statements jsonb := '{}'::jsonb;
  statement_key text;
  statement text;
  m jsonb;
  mid uuid;
  tbl text;
  row_uuid uuid;
  changes jsonb;
  stamp text;
  bad text;
  cols text[];
  payload jsonb;
  merged jsonb;
  -- jsonb[] grows in place (expanded arrays); appending to a jsonb array would copy it every time.
  results jsonb[] := '{}';
  merged_rows jsonb[] := '{}';
  err_state text;
  err_constraint text;
  err_column text;
  err_message text;
begin
  if member is null then
    raise exception 'Sign in to sync' using errcode = '28000';
  end if;
  if jsonb_typeof(mutations) is distinct from 'array' then
    raise exception 'mutations must be a JSON array' using errcode = '22023';
  end if;
  if jsonb_array_length(mutations) > 1000 then
    raise exception 'At most 1000 mutations per push' using errcode = '54000';
  end if;
  if pg_column_size(mutations) > 8 * 1024 * 1024 then
    raise exception 'A push can be at most 8 MB; send fewer changes at once' using errcode = '54000';
  end if;

  for m in select value from jsonb_array_elements(mutations) loop
    if clock_timestamp() > deadline then
      raise exception 'canceling statement due to statement timeout' using errcode = '57014';
    end if;
    begin
      mid := null;
      if jsonb_typeof(m) is distinct from 'object' then
        raise exception 'A mutation must be an object' using errcode = 'P0001';
      end if;
      mid := (m ->> 'mutation_id')::uuid;
      if mid is null then
        raise exception 'A mutation needs a mutation_id' using errcode = 'P0001';
      end if;
      tbl := m ->> 'table';
      if tbl is null or not column_types ? tbl then
        select jsonb_object_agg(a.attname, format_type(a.atttypid, null)),
               coalesce(jsonb_agg(a.attname) filter (where format_type(a.atttypid, null) in ('json', 'jsonb') or format_type(a.atttypid, null) like '%[]'), '[]'::jsonb)
        into types, loose
        from sync.tables r join pg_attribute a on a.attrelid = format('public.%I', r.name)::regclass
        where r.name = tbl and a.attnum > 0 and not a.attisdropped and a.attname not in ('field_stamps', 'sync_xid', 'updated_at');
        if types is null then
          raise exception 'Unknown table "%"', left(coalesce(tbl, ''), 64) using errcode = 'P0001';
        end if;
        column_types := column_types || jsonb_build_object(tbl, types);
        loose_columns := loose_columns || jsonb_build_object(tbl, loose);
      end if;
      row_uuid := (m ->> 'row_id')::uuid;
      if row_uuid is null then
        raise exception 'A mutation needs a row_id' using errcode = 'P0001';
      end if;

      -- Recorded first, in this mutation's subtransaction: a rejection below rolls the record back.
      if not sync.mark_applied(mid) then
        results := array_append(results, jsonb_build_object('mutation_id', mid, 'status', 'duplicate'));
        merged := sync.held_row(tbl, row_uuid);
        if merged is not null then
          merged_rows := array_append(merged_rows, jsonb_build_object('table', tbl, 'row', merged));
        end if;
        continue;
      end if;

      if pg_column_size(m) > 65536 then
        raise exception 'This change is too large to sync (at most 64 kB)' using errcode = 'P0001';
      end if;
      changes := m -> 'changes';
      if jsonb_typeof(changes) is distinct from 'object' then
        raise exception 'changes must be an object' using errcode = 'P0001';
      end if;
      stamp := m ->> 'stamp';
      select key into bad from jsonb_object_keys(changes) as key where not column_types -> tbl ? key limit 1;
      if bad is not null then
        raise exception 'Unknown column "%" in %', left(bad, 64), tbl using errcode = 'P0001';
      end if;
      -- Shapes: an object or array only where the column holds one, an array of text only. One path
      -- query decides the common case; the per-field search that names the culprit runs on failure.
      if jsonb_path_exists(changes - array(select jsonb_array_elements_text(loose_columns -> tbl)), '$.* ? (@.type() == "object" || @.type() == "array")')
         or exists (select 1 from jsonb_array_elements_text(loose_columns -> tbl) as c(key)
                    where changes ? c.key and (column_types -> tbl ->> c.key) like '%[]' and not sync.json_fits(changes -> c.key, column_types -> tbl ->> c.key)) then
        select key into bad from jsonb_each(changes) as c(key, value) where not sync.json_fits(c.value, column_types -> tbl ->> c.key) limit 1;
        raise exception 'Field "%" has the wrong type (expected %)', bad, column_types -> tbl ->> bad using errcode = 'P0001';
      end if;

      -- A row hard-deleted on the server is never recreated (refuse_tombstoned raises P0002 for an
      -- insert; an update finds no row): either way the answer is its tombstone, so the device
      -- removes the row too.
      cols := array(select key from jsonb_object_keys(changes) as key where key <> 'id');
      payload := changes || jsonb_build_object(
        'id', row_uuid,
        'field_stamps', coalesce((select jsonb_object_agg(c, coalesce(m -> 'stamps' ->> c, stamp)) from unnest(cols) as c), '{}'::jsonb)
      );
      merged := null;
      statement_key := tbl || ':' || (m ->> 'op') || ':' || array_to_string(cols, ',');
      statement := statements ->> statement_key;
      if m ->> 'op' = 'update' then
        -- An update must not create: NOT NULL columns would be checked before any conflict is found.
        if statement is null then
          cols := cols || array['field_stamps'];
          statement := format(
            'update public.%1$I as t set (%2$s) = (select %3$s from jsonb_populate_record(null::public.%1$I, $1) as r) where t.id = $2 returning to_jsonb(t) - ''sync_xid''',
            tbl,
            (select string_agg(format('%I', c), ', ') from unnest(cols) as c),
            (select string_agg(case when c = 'field_stamps' then 't.field_stamps || r.field_stamps' else format('r.%I', c) end, ', ') from unnest(cols) as c));
          statements := statements || jsonb_build_object(statement_key, statement);
        end if;
        execute statement into merged using payload, row_uuid;
      else
        if statement is null then
          cols := cols || array['id', 'field_stamps'];
          statement := format(
            'insert into public.%1$I as t (%2$s) select %2$s from jsonb_populate_record(null::public.%1$I, $1)
               on conflict (id) do update set %3$s returning to_jsonb(t) - ''sync_xid''',
            tbl,
            (select string_agg(format('%I', c), ', ') from unnest(cols) as c),
            (select string_agg(case when c = 'field_stamps' then 'field_stamps = t.field_stamps || excluded.field_stamps' else format('%1$I = excluded.%1$I', c) end, ', ')
               from unnest(cols) as c where c <> 'id'));
          statements := statements || jsonb_build_object(statement_key, statement);
        end if;
        execute statement into merged using payload;
      end if;
      if merged is null then
        -- The merge found nothing newer (the trigger skipped the write): fine when the row is there.
        -- Gone meanwhile (a delete committed while this update waited): the answer is its tombstone.
        merged := sync.held_row(tbl, row_uuid);
        if merged is null then
          raise exception 'This item does not exist on the server, or you are not allowed to change it' using errcode = 'P0001';
        end if;
      end if;
      results := array_append(results, jsonb_build_object('mutation_id', mid, 'status', 'applied'));
      merged_rows := array_append(merged_rows, jsonb_build_object('table', tbl, 'row', merged));
    exception
      when query_canceled then
        raise;
      when others then
        get stacked diagnostics err_state = returned_sqlstate, err_constraint = constraint_name, err_column = column_name, err_message = message_text;
        -- Deadlocks, serialization failures, lock timeouts, lack of resources: nothing wrong with the
        -- change; the whole push fails and the client tries again after a pause.
        if left(err_state, 2) in ('40', '53', '57') or err_state = '55P03' then
          raise;
        end if;
        -- An insert of a hard-deleted id, also one that waited for the deleting transaction.
        if err_state = 'P0002' and mid is not null and sync.is_tombstoned(tbl, row_uuid, member) then
          perform sync.mark_applied(mid);
          results := array_append(results, jsonb_build_object('mutation_id', mid, 'status', 'applied'));
          merged_rows := array_append(merged_rows, jsonb_build_object('table', tbl, 'row', sync.held_row(tbl, row_uuid)));
          continue;
        end if;
        results := array_append(results, jsonb_build_object(
          'mutation_id', coalesce(mid::text, left(m ->> 'mutation_id', 64)),
          'status', 'rejected',
          'code', err_state,
          'reason', sync.readable_error(err_state, nullif(err_constraint, ''), nullif(err_column, ''), err_message)
        ));
    end;
  end loop;
  return jsonb_build_object('results', to_jsonb(results), 'rows', to_jsonb(merged_rows), 'server_time', sync.now_ms());
end;
$$;

/**
 * Rows of every synced table changed since the cursor, at most page_size (<= 1000) a page, oldest
 * transaction first, hard deletes as tombstones ({id, member_id, deleted_at, field_stamps}).
 * cursor: null to start, or the next_cursor of the previous page. When has_more is false,
 * next_cursor starts the next catch-up from the commit-safe watermark (see the header).
 */
-- Planner settings: each branch must walk its index range in order and stop after a page, whatever
-- the statistics say (PGlite never runs autovacuum, so it has none and would sort every changed row).
create function public.sync_pull(cursor jsonb default null, page_size int default 1000) returns json language plpgsql stable
set enable_bitmapscan = off
set enable_seqscan = off
as $$
declare
  member uuid := auth.uid();
  lim int := least(greatest(coalesce(page_size, 1000), 1), 1000);
  from_xid xid8;
  after jsonb;
  after_xid xid8;
  after_ord int;
  after_id uuid;
  watermark xid8 := pg_snapshot_xmin(pg_current_snapshot());
  branches text[] := '{}';
  row_cases text := '';
  t record;
  bound text;
  columns text;
  stamped text[];
  page json;
  n int;
  last json;
begin
  if member is null then
    raise exception 'Sign in to sync' using errcode = '28000';
  end if;
  -- A cursor this server cannot read (damaged, or from an older version) starts the catch-up over:
  -- reading rows again is harmless, applying is idempotent.
  begin
    from_xid := coalesce((cursor ->> 'from')::xid8, '0'::xid8);
    after := case when jsonb_typeof(cursor -> 'after') = 'object' then cursor -> 'after' end;
    after_xid := (after ->> 'xid')::xid8;
    after_ord := (after ->> 'ord')::int;
    after_id := (after ->> 'id')::uuid;
    if (cursor ->> 'watermark') is not null and (cursor ->> 'watermark')::xid8 < watermark then
      watermark := (cursor ->> 'watermark')::xid8;
    end if;
  exception when others then
    from_xid := '0'::xid8;
    after_xid := null;
  end;
  if after_xid is not null and (after_ord is null or after_id is null) then
    from_xid := '0'::xid8;
    after_xid := null;
  end if;

  -- One branch per table and one per table's tombstones, each a range of its own index, each
  -- limited; tombstones order after the rows of the same transaction (ord + 1000).
  for t in select name, ord from sync.tables order by ord loop
    foreach bound in array array['row', 'gone'] loop
      declare
        k int := t.ord + case when bound = 'gone' then 1000 else 0 end;
        cond text;
      begin
        cond := case
          when after_xid is null then 'sync_xid >= $2'
          when k < after_ord then 'sync_xid > $3'
          when k = after_ord then '(sync_xid, id) > ($3, $4)'
          else 'sync_xid >= $3' end;
        branches := branches || format(
          '(select %s as ord, %L::text as t, %L::boolean as gone, sync_xid, id from public.%I where member_id = $1 %s and %s order by sync_xid, id limit $5 + 1)',
          k, t.name, bound = 'gone',
          case when bound = 'gone' then 'sync_deleted_rows' else t.name end,
          case when bound = 'gone' then format('and table_name = %L', t.name) else '' end,
          cond);
      end;
    end loop;
    -- The row as JSON text (cheaper to build than jsonb), without sync_xid. When every field has
    -- the same stamp (a row written once, as most are on a first sync) the stamps travel as
    -- {"": stamp}: about half the bytes. The client expands it (src/domain/sync-wire-schema.ts).
    select string_agg(format('r.%I', attname), ', ' order by attnum),
           array_agg(attname::text order by attnum) filter (where attname not in ('id', 'member_id', 'created_at', 'updated_at', 'field_stamps'))
    into columns, stamped
    from pg_attribute where attrelid = format('public.%I', t.name)::regclass and attnum > 0 and not attisdropped and attname not in ('sync_xid', 'field_stamps');
    row_cases := row_cases || format(
      $r$ when %1$L then (select row_to_json(x) from (select %2$s,
            case when r.field_stamps ?& %3$L::text[] and r.field_stamps - %3$L::text[] = '{}'::jsonb
                      and not jsonb_path_exists(r.field_stamps, '$.* ? (@ != $b)', jsonb_build_object('b', r.field_stamps -> 'deleted_at'))
                 then jsonb_build_object('', r.field_stamps -> 'deleted_at') else r.field_stamps end as field_stamps
          from public.%1$I r where r.id = k.id) x)$r$,
      t.name, columns, stamped);
  end loop;
  if cardinality(branches) = 0 then
    return json_build_object('rows', '[]'::json, 'has_more', false, 'next_cursor', json_build_object('from', watermark::text), 'server_time', sync.now_ms());
  end if;

  execute format($q$
    with keys as materialized (
      select k.*, row_number() over (order by k.sync_xid, k.ord, k.id)::int as n
      from (select * from (%s) u order by sync_xid, ord, id limit $5 + 1) k
    )
    select
      (select count(*)::int from keys),
      (select coalesce(json_agg(json_build_object('table', k.t, 'row',
          case when k.gone then
            (select json_build_object('id', d.id, 'member_id', d.member_id, 'deleted_at', d.deleted_at, 'field_stamps', json_build_object('deleted_at', d.stamp))
             from public.sync_deleted_rows d where d.member_id = $1 and d.table_name = k.t and d.id = k.id)
          else case k.t %s end end) order by k.n), '[]'::json) from keys k where k.n <= $5),
      (select json_build_object('xid', k.sync_xid::text, 'ord', k.ord, 'id', k.id) from keys k where k.n = $5)
  $q$, array_to_string(branches, ' union all '), row_cases)
  into n, page, last
  using member, from_xid, after_xid, after_id, lim;

  if n > lim then
    return json_build_object(
      'rows', page,
      'has_more', true,
      'next_cursor', json_build_object('from', from_xid::text, 'watermark', watermark::text, 'after', last),
      'server_time', sync.now_ms()
    );
  end if;
  return json_build_object(
    'rows', page,
    'has_more', false,
    'next_cursor', json_build_object('from', watermark::text),
    'server_time', sync.now_ms()
  );
end;
$$;

/**
 * Per synced table: the number of rows (soft-deleted ones included) and a SHA-256 over each row's id
 * and field stamps, so a client can tell cheaply whether it holds exactly what the server holds. The
 * row line is "<id>:<field>=<stamp>,..." with fields in byte order; lines are joined by "\n" in id
 * order (src/domain/digest.ts builds the same text).
 */
create function public.sync_digest() returns jsonb language plpgsql stable as $$
declare
  member uuid := auth.uid();
  deadline timestamptz := sync.deadline();
  t text;
  result jsonb := '{}'::jsonb;
  entry jsonb;
begin
  if member is null then
    raise exception 'Sign in to sync' using errcode = '28000';
  end if;
  for t in select name from sync.tables order by ord loop
    if clock_timestamp() > deadline then
      raise exception 'canceling statement due to statement timeout' using errcode = '57014';
    end if;
    execute format(
      $q$select jsonb_build_object('count', count(*),
           'hash', encode(sha256(convert_to(coalesce(string_agg(line, E'\n' order by id), ''), 'UTF8')), 'hex'))
         from (select r.id, r.id::text || ':' || coalesce((select string_agg(key || '=' || value, ',' order by key collate "C") from jsonb_each_text(r.field_stamps)), '') as line
               from public.%I r where r.member_id = $1) rows$q$,
      t
    ) into entry using member;
    result := result || jsonb_build_object(t, entry);
  end loop;
  return result;
end;
$$;

revoke all on function public.sync_push(jsonb), public.sync_pull(jsonb, int), public.sync_digest() from public, anon;
grant execute on function public.sync_push(jsonb), public.sync_pull(jsonb, int), public.sync_digest() to authenticated, service_role;
revoke all on function sync.readable_error(text, text, text, text), sync.deadline(), sync.held_row(text, uuid), sync.json_fits(jsonb, text) from public, anon;
grant execute on function sync.readable_error(text, text, text, text), sync.deadline(), sync.held_row(text, uuid), sync.json_fits(jsonb, text) to authenticated, service_role;
revoke all on sync.constraint_messages from public, anon;
grant select on sync.constraint_messages to authenticated, service_role;
