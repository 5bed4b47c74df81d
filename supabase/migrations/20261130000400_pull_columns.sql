-- sync_pull_columns(cursor, n): the pull in columns. The same rows, cursor and page boundaries as
-- sync_pull, but each table's column names travel once per page instead of once per row:
--
--   { "tables":  [{ "table": "contacts", "columns": ["id", ..., "field_stamps"], "rows": [[...], ...] }],
--     "deleted": [["contacts", id, member_id, deleted_at, stamp], ...],
--     "has_more": bool, "next_cursor": {...}, "server_time": ms }
--
-- Rows of one table keep the page's order (oldest transaction first). The last column holds the
-- row's field stamps: an object, or one string when every stamped field of the row carries the same
-- stamp (a row written once, as most are on a first sync). About 0.4 kB a contact instead of 0.7, and
-- cheaper to build: each table's part is one small statement over the keys the page picked, planned
-- for the tables the page holds instead of for every synced table.
--
-- sync_pull keeps its answer for clients of earlier builds: it is now that page, shaped as before.

/**
 * The keys of one page: the member's changed rows and tombstones after the cursor, oldest transaction
 * first, at most lim (<= 1000), and the cursor that follows them (see sync_pull's header in
 * 20261124000200_sync_rpcs.sql for the watermark). Planner settings: each branch must walk its index
 * range in order and stop after a page, whatever the statistics say.
 */
create function sync.pull_keys(member uuid, cursor jsonb, lim int,
  out tables text[], out ids uuid[], out gone boolean[], out has_more boolean, out next_cursor json)
language plpgsql stable
set enable_bitmapscan = off
set enable_seqscan = off
as $$
declare
  from_xid xid8;
  after jsonb;
  after_xid xid8;
  after_ord int;
  after_id uuid;
  watermark xid8 := pg_snapshot_xmin(pg_current_snapshot());
  branches text[] := '{}';
  t record;
  bound text;
  n int;
  last json;
begin
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
  end loop;
  if cardinality(branches) = 0 then
    tables := '{}';
    ids := '{}';
    gone := '{}';
    has_more := false;
    next_cursor := json_build_object('from', watermark::text);
    return;
  end if;

  execute format($q$
    with keys as materialized (
      select k.*, row_number() over (order by k.sync_xid, k.ord, k.id)::int as n
      from (select * from (%s) u order by sync_xid, ord, id limit $5 + 1) k
    )
    select (select count(*)::int from keys),
           coalesce((select array_agg(k.t order by k.n) from keys k where k.n <= $5), '{}'),
           coalesce((select array_agg(k.id order by k.n) from keys k where k.n <= $5), '{}'),
           coalesce((select array_agg(k.gone order by k.n) from keys k where k.n <= $5), '{}'),
           (select json_build_object('xid', k.sync_xid::text, 'ord', k.ord, 'id', k.id) from keys k where k.n = $5)
  $q$, array_to_string(branches, ' union all '))
  into n, tables, ids, gone, last
  using member, from_xid, after_xid, after_id, lim;

  has_more := n > lim;
  next_cursor := case when has_more
    then json_build_object('from', from_xid::text, 'watermark', watermark::text, 'after', last)
    else json_build_object('from', watermark::text) end;
end;
$$;

/** A synced table's columns as a pull sends them (all but sync_xid and field_stamps), and those that carry stamps. */
create function sync.pull_columns_of(tbl text, out columns text[], out stamped text[]) language sql stable as $$
  select array_agg(attname::text order by attnum),
         array_agg(attname::text order by attnum) filter (where attname not in ('id', 'member_id', 'created_at', 'updated_at'))
  from pg_attribute
  where attrelid = format('public.%I', tbl)::regclass and attnum > 0 and not attisdropped and attname not in ('sync_xid', 'field_stamps')
$$;

/** The one stamp every stamped column of a row carries (its deleted_at's), or null when they differ or one is missing. */
create function sync.shared_stamp(field_stamps jsonb, stamped text[]) returns jsonb language sql immutable as $$
  select case when field_stamps ?& stamped and field_stamps - stamped = '{}'::jsonb
                   and not jsonb_path_exists(field_stamps, '$.* ? (@ != $b)', jsonb_build_object('b', field_stamps -> 'deleted_at'))
              then field_stamps -> 'deleted_at' end
$$;

/**
 * The rows of one table on a page (tables, ids, gone: the page's keys), in the page's order, shaped
 * as `shape` says: 'columns', a list of values with the stamps last (one string when shared), or
 * 'object', {"table", "row"} with the row as an object ({"": stamp} when shared). at: each row's place
 * on the page; columns: the table's columns as sent, the stamps aside.
 */
create function sync.pull_rows(tbl text, shape text, tables text[], ids uuid[], gone boolean[], member uuid,
  out columns text[], out at int[], out items json[])
language plpgsql stable as $$
declare
  stamped text[];
  listed text;
  item text;
begin
  select c.columns, c.stamped into columns, stamped from sync.pull_columns_of(tbl) c;
  listed := (select string_agg(format('r.%I', c), ', ') from unnest(columns) as c);
  item := case shape
    when 'columns' then format('json_build_array(%s, coalesce(sync.shared_stamp(r.field_stamps, %L::text[]), r.field_stamps))', listed, stamped)
    else format($i$json_build_object('table', %L, 'row', (select row_to_json(x) from (select %s,
            coalesce((select jsonb_build_object('', q.s) from (select sync.shared_stamp(r.field_stamps, %L::text[]) as s) q where q.s is not null), r.field_stamps) as field_stamps) x))$i$,
      tbl, listed, stamped) end;
  execute format(
    $q$select array_agg(u.n::int order by u.n), array_agg(%1$s order by u.n)
       from unnest($1::text[], $2::uuid[], $3::boolean[]) with ordinality as u(t, id, gone, n)
       join public.%2$I r on r.id = u.id
       where u.t = %3$L and not u.gone and r.member_id = $4$q$,
    item, tbl, tbl)
  into at, items
  using tables, ids, gone, member;
end;
$$;

/**
 * The member's rows changed since the cursor, in columns (see the header); page_size <= 1000.
 * cursor: null to start, or the next_cursor of the previous page.
 */
create function public.sync_pull_columns(cursor jsonb default null, page_size int default 1000) returns json language plpgsql stable
-- Each table's rows are looked up by id, one index probe per key: never a scan of the whole table.
set enable_seqscan = off
set enable_bitmapscan = off
set enable_hashjoin = off
set enable_mergejoin = off
as $$
declare
  member uuid := auth.uid();
  lim int := least(greatest(coalesce(page_size, 1000), 1), 1000);
  page record;
  tbl text;
  columns text[];
  items json[];
  parts json[] := '{}';
  deleted json;
begin
  if member is null then
    raise exception 'Sign in to sync' using errcode = '28000';
  end if;
  page := sync.pull_keys(member, cursor, lim);

  -- One statement per table on the page, its rows in the page's order.
  for tbl in select distinct u.t from unnest(page.tables, page.gone) as u(t, gone) where not u.gone loop
    select r.columns, r.items into columns, items from sync.pull_rows(tbl, 'columns', page.tables, page.ids, page.gone, member) r;
    parts := parts || json_build_object('table', tbl, 'columns', columns || 'field_stamps'::text, 'rows', coalesce(to_json(items), '[]'::json));
  end loop;

  select coalesce(json_agg(json_build_array(d.table_name, d.id, d.member_id, d.deleted_at, d.stamp) order by u.n), '[]'::json)
  into deleted
  from unnest(page.tables, page.ids, page.gone) with ordinality as u(t, id, gone, n)
  join public.sync_deleted_rows d on d.member_id = member and d.table_name = u.t and d.id = u.id
  where u.gone;

  return json_build_object('tables', to_json(parts), 'deleted', deleted, 'has_more', page.has_more, 'next_cursor', page.next_cursor, 'server_time', sync.now_ms());
end;
$$;

/**
 * sync_pull's answer for clients of earlier builds, from the same keys: one {table, row} per row or
 * tombstone in the page's order, rows as objects ({"": stamp} for one shared stamp), tombstones as
 * {id, member_id, deleted_at, field_stamps: {deleted_at}}.
 */
create or replace function public.sync_pull(cursor jsonb default null, page_size int default 1000) returns json language plpgsql stable
-- Each table's rows are looked up by id, one index probe per key: never a scan of the whole table.
set enable_seqscan = off
set enable_bitmapscan = off
set enable_hashjoin = off
set enable_mergejoin = off
as $$
declare
  member uuid := auth.uid();
  lim int := least(greatest(coalesce(page_size, 1000), 1), 1000);
  page record;
  tbl text;
  at int[] := '{}';
  items json[] := '{}';
  part_at int[];
  part_items json[];
begin
  if member is null then
    raise exception 'Sign in to sync' using errcode = '28000';
  end if;
  page := sync.pull_keys(member, cursor, lim);
  for tbl in select distinct u.t from unnest(page.tables, page.gone) as u(t, gone) where not u.gone loop
    select r.at, r.items into part_at, part_items from sync.pull_rows(tbl, 'object', page.tables, page.ids, page.gone, member) r;
    at := at || part_at;
    items := items || part_items;
  end loop;
  select at || coalesce(array_agg(u.n::int), '{}'),
         items || coalesce(array_agg(json_build_object('table', d.table_name, 'row',
           json_build_object('id', d.id, 'member_id', d.member_id, 'deleted_at', d.deleted_at, 'field_stamps', json_build_object('deleted_at', d.stamp)))), '{}')
  into at, items
  from unnest(page.tables, page.ids, page.gone) with ordinality as u(t, id, gone, n)
  join public.sync_deleted_rows d on d.member_id = member and d.table_name = u.t and d.id = u.id
  where u.gone;
  return json_build_object(
    'rows', (select coalesce(json_agg(o.item order by o.n), '[]'::json) from unnest(at, items) as o(n, item)),
    'has_more', page.has_more, 'next_cursor', page.next_cursor, 'server_time', sync.now_ms());
end;
$$;

revoke all on function sync.pull_keys(uuid, jsonb, int), sync.pull_columns_of(text), sync.shared_stamp(jsonb, text[]), sync.pull_rows(text, text, text[], uuid[], boolean[], uuid) from public, anon;
grant execute on function sync.pull_keys(uuid, jsonb, int), sync.pull_columns_of(text), sync.shared_stamp(jsonb, text[]), sync.pull_rows(text, text, text[], uuid[], boolean[], uuid) to authenticated, service_role;
revoke all on function public.sync_pull_columns(jsonb, int) from public, anon;
grant execute on function public.sync_pull_columns(jsonb, int) to authenticated, service_role;
