-- Faster pushes, same answers.
--
-- sync_push applied every mutation with its own INSERT, each planned, started and finished on its own:
-- about three quarters of a push's time, more since contacts gained the point lists (their checks and
-- triggers). Now a run of consecutive mutations that would be applied by the same statement (inserts of
-- one table naming the same columns, as a device's new rows and imports are) is applied by one
-- statement over all its rows, in their order. What each mutation is answered and what the tables hold
-- afterwards are what one statement per mutation gives:
--
--   * A run is tried in a subtransaction of its own. Anything a single mutation could be refused for (a
--     constraint, a policy, a tombstoned id, an unknown column, a wrong shape, a row the merge leaves
--     missing) rolls the run back, and its mutations go again one at a time, through the path that was
--     already here, each answered as before.
--   * Mutation ids are recorded in the same subtransaction; one applied before is answered duplicate
--     with the row as held, as a retry always was. Two mutations of one run never share a mutation id
--     or a row (if they do, the run goes one at a time).
--   * One statement fires AFTER ROW triggers when its last row is written, not after each row. The
--     synced tables' AFTER triggers write to other tables, refuse (which sends the run one at a time)
--     or notify; none of them changes what a later row of the same table is checked against. A foreign
--     key into the same table is the exception (contacts.merged_into): a run that writes a row with one
--     set goes one at a time.
--   * A run holds at most 100 mutations, so the deadline that stands in for statement_timeout on
--     PGlite is still checked every few milliseconds of work.
--
-- The merge trigger also stops asking clamp_stamp about columns a write brought no stamp for (the
-- answer was always null): a contact insert asked six times, now once.

create or replace function sync.merge_row() returns trigger language plpgsql as $$
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
      -- A push stamps every field with the same stamp: clamp it once. A column the write brought no
      -- stamp for clamps to nothing, without asking.
      if (brought ->> key) is null then
        stamp := null;
      elsif (brought ->> key) is distinct from last_raw then
        last_raw := brought ->> key;
        last_clamped := sync.clamp_stamp(last_raw, new.member_id);
        stamp := last_clamped;
      else
        stamp := last_clamped;
      end if;
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
    if (brought ->> key) is distinct from stored and (brought ->> key) is not null then
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

/** Records the calling member's mutation ids as applied; returns those not applied before. */
create function sync.mark_applied_all(mutation_ids uuid[]) returns uuid[]
language plpgsql volatile security definer set search_path = '' as $$
declare
  fresh uuid[];
begin
  with marked as (
    insert into sync.applied_mutations (member_id, mutation_id) select auth.uid(), id from unnest(mutation_ids) as id
    on conflict do nothing returning mutation_id
  )
  select coalesce(array_agg(mutation_id), '{}') into fresh from marked;
  return fresh;
end;
$$;
revoke all on function sync.mark_applied_all(uuid[]) from public, anon;
grant execute on function sync.mark_applied_all(uuid[]) to authenticated, service_role;

/**
 * A synced table's columns as sync_push checks changes against them: each column's type, and the
 * columns that may hold a JSON object or array (json, jsonb, arrays). Both null for a name that is no
 * synced table. Read once per table and push.
 */
create function sync.push_columns(tbl text, out types jsonb, out loose jsonb)
language sql stable set search_path = '' as $$
  select jsonb_object_agg(a.attname, format_type(a.atttypid, null)),
         coalesce(jsonb_agg(a.attname) filter (where format_type(a.atttypid, null) in ('json', 'jsonb') or format_type(a.atttypid, null) like '%[]'), '[]'::jsonb)
  from sync.tables r join pg_catalog.pg_attribute a on a.attrelid = format('public.%I', r.name)::regclass
  where r.name = tbl and a.attnum > 0 and not a.attisdropped and a.attname not in ('field_stamps', 'sync_xid', 'updated_at')
$$;
revoke all on function sync.push_columns(text) from public, anon;
grant execute on function sync.push_columns(text) to authenticated, service_role;

/**
 * Applies a batch of mutations in order, each exactly once per member, and says what happened to
 * each: applied, duplicate (applied before: the answer to a retry whose first answer was lost), or
 * rejected with a reason. One bad mutation never stops the rest. Applied and duplicate answers carry
 * the row as the server now holds it (or its tombstone), so the client adopts the server's stamps.
 * mutations: [{ mutation_id, table, row_id, op: 'insert'|'update', changes: {field: value}, stamp,
 *               stamps?: {field: stamp} }]   (stamps: each field's own stamp, for coalesced edits)
 * Runs of inserts into one table with the same columns are applied by one statement (see the header).
 */
create or replace function public.sync_push(mutations jsonb) returns jsonb language plpgsql as $$
declare
  member uuid := auth.uid();
  deadline timestamptz := sync.deadline();
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
