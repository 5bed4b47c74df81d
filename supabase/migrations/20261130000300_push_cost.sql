-- A small push: less bookkeeping around each insert (the aim: a push of one insert costs no more than
-- a plain REST insert of the same row).
--
-- A device that is online pushes each change as it is made: a push of one insert, or two (an added
-- contact and its "added" activity). sync_push spent more on its bookkeeping than on the inserts: the
-- table's column types read by a SQL function (planned again on every call), sync.deadline() (the
-- same), each insert through EXECUTE (planned again on every call), and PL/pgSQL statements with
-- subqueries, each started and finished by the executor.
--
-- Now sync_push tries each insert at the head of a small push (at most 50 mutations) on a short way
-- first, in a subtransaction of its own: one
-- prepared statement (prepared once per session, so its plan is kept) checks what the long way checks
-- before writing (the table syncs; every changed column exists and may be set by a push; values have
-- the column's shape), records the mutation id (sync.mark_applied) and inserts the row with the
-- statement the long way runs for it (the same columns, payload, ON CONFLICT and RETURNING). Anything
-- it does not answer itself (a refusal, a duplicate, a tombstoned id, a merge that leaves the row as
-- it was, any error) rolls it back, and the mutation goes the long way, which answers as before;
-- errors that fail a whole push (serialization, resources, timeouts) still fail it.
--
-- The prepared statements are named sync_push_<md5 of the statement's template, table and changed
-- columns>; the session lists the ones it prepared in the setting sync.push_prepared (a statement
-- that has gone, after DEALLOCATE ALL, sends one push the long way and is prepared again).
--
-- The long way is the sync_push of 20261130000100, unchanged but for the deadline, which it is given
-- (the caller's, taken when sync_push started), as sync.push_each(mutations, deadline).

/** sync_push's long way (20261130000100): every push but a single insert the short way answered. */
create function sync.push_each(mutations jsonb, deadline timestamptz) returns jsonb language plpgsql as $$
declare
  member uuid := auth.uid();
  -- Per registered table, read once: column types, the columns that may hold JSON objects or arrays,
  -- and the foreign keys into the table itself (each a list of its columns).
  column_types jsonb := '{}'::jsonb;
  loose_columns jsonb := '{}'::jsonb;
  self_keys jsonb := '{}'::jsonb;
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
  -- Runs: each mutation's signature (table and columns of an insert; null when it cannot share a
  -- statement), the run being applied, and what one statement over it wrote.
  total int;
  signatures text[];
  pos int := 1;
  run_end int;
  run jsonb;
  fresh uuid[];
  written jsonb;
  held jsonb;
  missing uuid[];
  run_results jsonb[];
  run_rows jsonb[];
  incomplete boolean;
begin
  if member is null then
    raise exception 'Sign in to sync' using errcode = '28000';
  end if;
  if jsonb_typeof(mutations) is distinct from 'array' then
    raise exception 'mutations must be a JSON array' using errcode = '22023';
  end if;
  total := jsonb_array_length(mutations);
  if total > 1000 then
    raise exception 'At most 1000 mutations per push' using errcode = '54000';
  end if;
  if pg_column_size(mutations) > 8 * 1024 * 1024 then
    raise exception 'A push can be at most 8 MB; send fewer changes at once' using errcode = '54000';
  end if;

  -- A push of one mutation has no run to find.
  if total > 1 then
    select array_agg(
             case when jsonb_typeof(e.m) = 'object' and e.m ->> 'op' is distinct from 'update' and e.m ->> 'table' is not null
                       and jsonb_typeof(e.m -> 'changes') = 'object' and pg_column_size(e.m) <= 65536
                       and e.m ->> 'mutation_id' ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
                       and e.m ->> 'row_id' ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
                  then (e.m ->> 'table') || ':' || coalesce((select string_agg(k, ',') from jsonb_object_keys(e.m -> 'changes') as k where k <> 'id'), '')
             end order by e.i)
    into signatures
    from jsonb_array_elements(mutations) with ordinality as e(m, i);
  end if;

  while pos <= total loop
    if clock_timestamp() > deadline then
      raise exception 'canceling statement due to statement timeout' using errcode = '57014';
    end if;
    run_end := pos;
    if signatures[pos] is not null then
      while run_end < total and run_end - pos < 99 and signatures[run_end + 1] = signatures[pos] loop
        run_end := run_end + 1;
      end loop;
    end if;

    if run_end > pos then
      begin
        run := jsonb_path_query_array(mutations, format('$[%s to %s]', pos - 1, run_end - 1)::jsonpath);
        tbl := run -> 0 ->> 'table';
        if not column_types ? tbl then
          select c.types, c.loose into types, loose from sync.push_columns(tbl) as c;
          if types is null then
            raise exception 'Unknown table' using errcode = 'P0001';
          end if;
          column_types := column_types || jsonb_build_object(tbl, types);
          loose_columns := loose_columns || jsonb_build_object(tbl, loose);
        end if;
        if not self_keys ? tbl then
          self_keys := self_keys || jsonb_build_object(tbl, coalesce((
            select jsonb_agg((select jsonb_agg(a.attname) from pg_attribute a where a.attrelid = c.conrelid and a.attnum = any (c.conkey)))
            from pg_constraint c where c.contype = 'f' and c.conrelid = format('public.%I', tbl)::regclass and c.confrelid = c.conrelid), '[]'::jsonb));
        end if;
        -- What one mutation at a time would refuse: an unknown column, a wrong shape; and two
        -- mutations of one id or one row.
        if exists (select 1 from jsonb_object_keys(run -> 0 -> 'changes') as key where not column_types -> tbl ? key)
           or exists (select 1 from jsonb_array_elements(run) as e(m)
                      where jsonb_path_exists((e.m -> 'changes') - array(select jsonb_array_elements_text(loose_columns -> tbl)), '$.* ? (@.type() == "object" || @.type() == "array")')
                         or exists (select 1 from jsonb_array_elements_text(loose_columns -> tbl) as c(key)
                                    where (e.m -> 'changes') ? c.key and (column_types -> tbl ->> c.key) like '%[]'
                                      and not sync.json_fits(e.m -> 'changes' -> c.key, column_types -> tbl ->> c.key)))
           or (select count(distinct (e.m ->> 'mutation_id')::uuid) <> count(*) or count(distinct (e.m ->> 'row_id')::uuid) <> count(*) from jsonb_array_elements(run) as e(m)) then
          raise exception 'One at a time' using errcode = 'P0001';
        end if;

        fresh := sync.mark_applied_all(array(select (e.m ->> 'mutation_id')::uuid from jsonb_array_elements(run) as e(m)));
        written := '{}'::jsonb;
        if cardinality(fresh) > 0 then
          cols := array(select key from jsonb_object_keys(run -> 0 -> 'changes') as key where key <> 'id');
          statement_key := 'run:' || tbl || ':' || array_to_string(cols, ',');
          statement := statements ->> statement_key;
          if statement is null then
            cols := cols || array['id', 'field_stamps'];
            statement := format(
              'with written as (insert into public.%1$I as t (%2$s) select %2$s from jsonb_populate_recordset(null::public.%1$I, $1)
                 on conflict (id) do update set %3$s returning t.id, to_jsonb(t) - ''sync_xid'' as r)
               select coalesce(jsonb_object_agg(id::text, r), ''{}'') from written',
              tbl,
              (select string_agg(format('%I', c), ', ') from unnest(cols) as c),
              (select string_agg(case when c = 'field_stamps' then 'field_stamps = t.field_stamps || excluded.field_stamps' else format('%1$I = excluded.%1$I', c) end, ', ')
                 from unnest(cols) as c where c <> 'id'));
            statements := statements || jsonb_build_object(statement_key, statement);
          end if;
          execute statement into written using (
            select jsonb_agg(
                     (e.m -> 'changes') || jsonb_build_object(
                       'id', (e.m ->> 'row_id')::uuid,
                       'field_stamps', coalesce((select jsonb_object_agg(c.key, coalesce(e.m -> 'stamps' ->> c.key, e.m ->> 'stamp'))
                                                 from jsonb_object_keys(e.m -> 'changes') as c(key) where c.key <> 'id'), '{}'::jsonb))
                     order by e.i)
            from jsonb_array_elements(run) with ordinality as e(m, i)
            where (e.m ->> 'mutation_id')::uuid = any (fresh));
          -- A written row whose foreign key into its own table is set: one statement checks that key
          -- once all rows are written, one at a time before the next row, so such a run goes one at a time.
          if self_keys -> tbl <> '[]'::jsonb and exists (
               select 1 from jsonb_each(written) as w(id, row_json), jsonb_array_elements(self_keys -> tbl) as k(columns)
               where not exists (select 1 from jsonb_array_elements_text(k.columns) as c(key) where coalesce(jsonb_typeof(w.row_json -> c.key), 'null') = 'null')) then
            raise exception 'One at a time' using errcode = 'P0001';
          end if;
        end if;
        -- Duplicates, and rows the merge left as they were, are answered with the row as held (or its tombstone).
        missing := array(select (e.m ->> 'row_id')::uuid from jsonb_array_elements(run) as e(m) where not written ? ((e.m ->> 'row_id')::uuid)::text);
        held := '{}'::jsonb;
        if cardinality(missing) > 0 then
          select coalesce(jsonb_object_agg(d.id::text, jsonb_build_object('id', d.id, 'member_id', d.member_id, 'deleted_at', d.deleted_at, 'field_stamps', jsonb_build_object('deleted_at', d.stamp))), '{}'::jsonb)
          into held from public.sync_deleted_rows d where d.member_id = auth.uid() and d.table_name = tbl and d.id = any (missing);
          execute format('select $1 || coalesce(jsonb_object_agg(t.id::text, to_jsonb(t) - ''sync_xid''), ''{}'') from public.%I t where t.id = any ($2) and t.member_id = auth.uid()', tbl)
          into held using held, missing;
        end if;
        select array_agg(jsonb_build_object('mutation_id', x.mid, 'status', case when x.fresh then 'applied' else 'duplicate' end) order by x.i),
               coalesce(array_agg(jsonb_build_object('table', tbl, 'row', x.answer) order by x.i) filter (where x.answer is not null), '{}'),
               coalesce(bool_or(x.fresh and x.answer is null), false)
        into run_results, run_rows, incomplete
        from (select e.i, (e.m ->> 'mutation_id')::uuid as mid, (e.m ->> 'mutation_id')::uuid = any (fresh) as fresh,
                     coalesce(written -> ((e.m ->> 'row_id')::uuid)::text, held -> ((e.m ->> 'row_id')::uuid)::text) as answer
              from jsonb_array_elements(run) with ordinality as e(m, i)) x;
        if incomplete then
          raise exception 'One at a time' using errcode = 'P0001';
        end if;
        results := results || run_results;
        merged_rows := merged_rows || run_rows;
        pos := run_end + 1;
        continue;
      exception
        when query_canceled then
          raise;
        when others then
          get stacked diagnostics err_state = returned_sqlstate;
          -- As one at a time: the whole push fails and the client tries again after a pause.
          if left(err_state, 2) in ('40', '53', '57') or err_state = '55P03' then
            raise;
          end if;
          -- Anything else: the run goes one mutation at a time, below.
      end;
    end if;

    for m in select e.m from jsonb_path_query(mutations, format('$[%s to %s]', pos - 1, run_end - 1)::jsonpath) as e(m) loop
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
            select c.types, c.loose into types, loose from sync.push_columns(tbl) as c;
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
    pos := run_end + 1;
  end loop;
  return jsonb_build_object('results', to_jsonb(results), 'rows', to_jsonb(merged_rows), 'server_time', sync.now_ms());
end;
$$;
revoke all on function sync.push_each(jsonb, timestamptz) from public, anon;
grant execute on function sync.push_each(jsonb, timestamptz) to authenticated, service_role;

/**
 * Applies a batch of mutations in order, each exactly once per member, and says what happened to
 * each: applied, duplicate (applied before: the answer to a retry whose first answer was lost), or
 * rejected with a reason. One bad mutation never stops the rest. Applied and duplicate answers carry
 * the row as the server now holds it (or its tombstone), so the client adopts the server's stamps.
 * mutations: [{ mutation_id, table, row_id, op: 'insert'|'update', changes: {field: value}, stamp,
 *               stamps?: {field: stamp} }]   (stamps: each field's own stamp, for coalesced edits)
 * The inserts at the head of a push of at most 50 go the short way first (see the header); the rest, sync.push_each.
 */
create or replace function public.sync_push(mutations jsonb) returns jsonb language plpgsql as $$
declare
  -- sync.deadline(), inline: a SQL function with a FROM is planned again on every call.
  budget interval := coalesce(nullif(current_setting('statement_timeout', true), ''), '0')::interval;
  deadline timestamptz := case when budget > interval '0' then clock_timestamp() + budget else 'infinity'::timestamptz end;
  m jsonb;
  changes jsonb;
  tbl text;
  cols text[];
  statement text;
  statement_name text;
  prepared text;
  merged jsonb;
  err_state text;
  -- The head of the push the short way answered: how many, their answers and rows; the long way's answer for the rest.
  short_way_max constant int := 50;
  done int := 0;
  results jsonb := '[]'::jsonb;
  answered jsonb := '[]'::jsonb;
  rest jsonb;
  -- What the short way's statements look like (the text is part of their names, so a statement
  -- prepared under an older definition is never run by a newer one). %1$I: the table, %2$s: the changed
  -- columns (then id, field_stamps), %3$s: what a conflict sets, %4$L: the table's name, %5$s: a check
  -- of each changed value's shape against its column's type, as the long way checks it.
  -- $1: changes, $2: row_id, $3: stamps, $4: stamp, $5: mutation_id.
  template constant text := $t$insert into public.%1$I as t (%2$s)
    select %2$s from jsonb_populate_record(null::public.%1$I, $1 || jsonb_build_object(
      'id', $2, 'field_stamps', coalesce((select jsonb_object_agg(k, coalesce($3 ->> k, $4)) from jsonb_object_keys($1) as k where k <> 'id'), '{}'::jsonb))) as r
    where exists (select 1 from sync.tables s where s.name = %4$L) and %5$s and sync.mark_applied($5)
    on conflict (id) do update set %3$s returning to_jsonb(t) - 'sync_xid'$t$;
  -- The shape check of one column (%1$I) and its value in changes (%2$L): an object or array only where
  -- the column holds one (json, jsonb, arrays), and an array column's value as sync.json_fits says.
  -- The type is the column's as the statement was last planned: a change of the table plans it again.
  fits constant text := $t$case when format_type(pg_typeof(r.%1$I), null) in ('json', 'jsonb') then true
      when format_type(pg_typeof(r.%1$I), null) like '%%[]' then sync.json_fits($1 -> %2$L, format_type(pg_typeof(r.%1$I), null))
      else jsonb_typeof($1 -> %2$L) not in ('object', 'array') end$t$;
begin
  if auth.uid() is null then
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

  -- In a small push (a device online pushes each change as it is made; an added contact is two
  -- inserts, the contact and its "added" activity) the inserts at its head go the short way, one by
  -- one, each in its own subtransaction; from the first mutation the short way does not answer, the
  -- rest go the long way, in order, as they always did. A big push goes the long way, whose runs of
  -- inserts into one table are one statement each.
  while jsonb_array_length(mutations) <= short_way_max and done < jsonb_array_length(mutations) loop
    m := mutations -> done;
    exit when not (jsonb_typeof(m) = 'object' and m ->> 'op' is distinct from 'update'
      and jsonb_typeof(m -> 'changes') = 'object' and pg_column_size(m) <= 65536
      and m ->> 'mutation_id' is not null and m ->> 'row_id' is not null and m ->> 'table' is not null
      and not (m -> 'changes') ?| array['field_stamps', 'sync_xid', 'updated_at']);
    if clock_timestamp() > deadline then
      raise exception 'canceling statement due to statement timeout' using errcode = '57014';
    end if;
    merged := null;
    begin
      changes := m -> 'changes';
      tbl := m ->> 'table';
      statement_name := 'sync_push_' || md5(jsonb_build_array(tbl, jsonb_path_query_array(changes, '$.keyvalue().key'))::text || md5(template || fits));
      prepared := coalesce(current_setting('sync.push_prepared', true), '');
      if strpos(prepared, statement_name) = 0 then
        if not exists (select 1 from pg_catalog.pg_prepared_statements p where p.name = statement_name) then
          cols := array(select key from jsonb_object_keys(changes) as key where key <> 'id') || array['id', 'field_stamps'];
          statement := format(template,
            tbl,
            (select string_agg(format('%I', c), ', ') from unnest(cols) as c),
            (select string_agg(case when c = 'field_stamps' then 'field_stamps = t.field_stamps || excluded.field_stamps' else format('%1$I = excluded.%1$I', c) end, ', ')
               from unnest(cols) as c where c <> 'id'),
            tbl,
            coalesce((select string_agg(format(fits, key, key), ' and ') from jsonb_object_keys(changes) as key), 'true'));
          execute format('prepare %I (jsonb, uuid, jsonb, text, uuid) as %s', statement_name, statement);
        end if;
        perform set_config('sync.push_prepared', prepared || ' ' || statement_name, false);
      end if;
      execute format('execute %I (%L, %L, %L, %L, %L)', statement_name, changes, m ->> 'row_id', m -> 'stamps', m ->> 'stamp', m ->> 'mutation_id') into merged;
      if merged is null then
        raise exception 'The long way' using errcode = 'P0001';
      end if;
    exception
      when query_canceled then
        raise;
      when others then
        get stacked diagnostics err_state = returned_sqlstate;
        -- As the long way: the whole push fails and the client tries again after a pause.
        if left(err_state, 2) in ('40', '53', '57') or err_state = '55P03' then
          raise;
        end if;
        -- A prepared statement that has gone (DEALLOCATE ALL) is prepared again next time.
        if err_state = '26000' then
          perform set_config('sync.push_prepared', '', false);
        end if;
        merged := null; -- anything else: the long way, from this mutation on
    end;
    exit when merged is null;
    results := results || jsonb_build_array(jsonb_build_object('mutation_id', (m ->> 'mutation_id')::uuid, 'status', 'applied'));
    answered := answered || jsonb_build_array(jsonb_build_object('table', tbl, 'row', merged));
    done := done + 1;
  end loop;
  if done = jsonb_array_length(mutations) then
    return jsonb_build_object('results', results, 'rows', answered, 'server_time', sync.now_ms());
  end if;
  if done = 0 then
    return sync.push_each(mutations, deadline);
  end if;
  rest := sync.push_each(jsonb_path_query_array(mutations, '$[$from to last]', jsonb_build_object('from', done)), deadline);
  return jsonb_build_object('results', results || (rest -> 'results'), 'rows', answered || (rest -> 'rows'), 'server_time', rest -> 'server_time');
end;
$$;
