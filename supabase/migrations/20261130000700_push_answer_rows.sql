-- A push answers a new row only when the device would learn something from it.
--
-- sync_push answers every applied or duplicate mutation with the row as the server holds it, so that
-- the device adopts the server's stamps (a clamped stamp, a newer edit from elsewhere). For an insert
-- the short way applied as it came, the row holds exactly the stamps the push brought, and the device
-- would adopt nothing from it (it merges by stamps: equal stamps change nothing), yet the answer
-- carried the whole row, about 1.3 kB for a contact, which the device parsed, checked and merged in a
-- transaction of its own. Now such a row stays out of the answer; a row with any stamp the push did
-- not bring (clamped, a field the push left out, or an existing row merged) is sent as before, and so
-- is everything the long way answers. The device needs no change: an acknowledged mutation without a
-- row has its outbox entries removed, as before. The body is 20261130000300's, with that one test.

/**
 * Applies a batch of mutations in order, each exactly once per member, and says what happened to
 * each: applied, duplicate (applied before: the answer to a retry whose first answer was lost), or
 * rejected with a reason. One bad mutation never stops the rest. Applied and duplicate answers carry
 * the row as the server now holds it (or its tombstone), so the client adopts the server's stamps;
 * an insert applied the short way leaves it out when every stamp it holds is the one the push brought
 * (the device holds that row already).
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
  -- 0 when mutations is not an array: the long way then says what is wrong with it.
  pushed int := case when jsonb_typeof(mutations) = 'array' then jsonb_array_length(mutations) else 0 end;
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
  -- What the push as a whole may be (a JSON array, at most 1,000 mutations and 8 MB) the long way
  -- checks; the short way takes only an array of at most 50 mutations of at most 64 kB each.

  -- In a small push (a device online pushes each change as it is made; an added contact is two
  -- inserts, the contact and its "added" activity) the inserts at its head go the short way, one by
  -- one, each in its own subtransaction; from the first mutation the short way does not answer, the
  -- rest go the long way, in order, as they always did. A big push goes the long way, whose runs of
  -- inserts into one table are one statement each.
  while pushed <= short_way_max and done < pushed loop
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
    -- The row goes back only when it holds a stamp the push did not bring (clamped, or a field the
    -- push left out, or an existing row's): otherwise the device would adopt nothing from it.
    if exists (select 1 from jsonb_each_text(merged -> 'field_stamps') s
               where s.value is distinct from coalesce(m -> 'stamps' ->> s.key, case when changes ? s.key then m ->> 'stamp' end)) then
      answered := answered || jsonb_build_array(jsonb_build_object('table', tbl, 'row', merged));
    end if;
    done := done + 1;
  end loop;
  if done = 0 then
    return sync.push_each(mutations);
  end if;
  if done = pushed then
    return jsonb_build_object('results', results, 'rows', answered, 'server_time', sync.now_ms());
  end if;
  rest := sync.push_each(jsonb_path_query_array(mutations, '$[$from to last]', jsonb_build_object('from', done)));
  return jsonb_build_object('results', results || (rest -> 'results'), 'rows', answered || (rest -> 'rows'), 'server_time', rest -> 'server_time');
end;
$$;

revoke all on function public.sync_push(jsonb) from public, anon;
grant execute on function public.sync_push(jsonb) to authenticated, service_role;
