-- sync_pull, same contract, less work per page: it picks the page's keys first (an index range on
-- (member_id, sync_xid, id) per table) and builds JSON only for those rows. The first version built
-- JSON for every changed row and then kept one page of it, so an initial sync of n rows cost O(n²).
create or replace function public.sync_pull(cursor jsonb default null, page_size int default 1000) returns jsonb language plpgsql stable as $$
declare
  member uuid := auth.uid();
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
  if member is null then
    raise exception 'Sign in to sync' using errcode = '42501';
  end if;
  if cursor ? 'watermark' and (cursor ->> 'watermark') is not null and (cursor ->> 'watermark')::xid8 < watermark then
    watermark := (cursor ->> 'watermark')::xid8;
  end if;

  -- One page of keys (plus one, to know whether more remain), then JSON for just those rows.
  with keys as materialized (
    select c.t, c.gone, c.sync_xid, c.id, row_number() over (order by c.sync_xid, c.t collate "C", c.id)::int as n
    from (
      select 'member_profiles' as t, false as gone, sync_xid, id from public.member_profiles where member_id = member and sync_xid >= from_xid
      union all select 'contacts', false, sync_xid, id from public.contacts where member_id = member and sync_xid >= from_xid
      union all select 'member_activities', false, sync_xid, id from public.member_activities where member_id = member and sync_xid >= from_xid
      union all select 'email_templates', false, sync_xid, id from public.email_templates where member_id = member and sync_xid >= from_xid
      union all select 'sent_emails', false, sync_xid, id from public.sent_emails where member_id = member and sync_xid >= from_xid
      union all select 'email_clicks', false, sync_xid, id from public.email_clicks where member_id = member and sync_xid >= from_xid
      union all select table_name, true, sync_xid, id from public.sync_deleted_rows where member_id = member and sync_xid >= from_xid
    ) c
    where after_xid is null or (c.sync_xid, c.t collate "C", c.id) > (after_xid, after_table collate "C", after_id)
    order by c.sync_xid, c.t collate "C", c.id
    limit lim + 1
  )
  select
    (select count(*) from keys),
    (select coalesce(jsonb_agg(jsonb_build_object('table', k.t, 'row',
        case
          when k.gone then (select jsonb_build_object('id', d.id, 'member_id', d.member_id, 'deleted_at', d.deleted_at, 'field_stamps', jsonb_build_object('deleted_at', d.stamp))
                            from public.sync_deleted_rows d where d.table_name = k.t and d.id = k.id)
          when k.t = 'member_profiles' then (select to_jsonb(r) - 'sync_xid' from public.member_profiles r where r.id = k.id)
          when k.t = 'contacts' then (select to_jsonb(r) - 'sync_xid' from public.contacts r where r.id = k.id)
          when k.t = 'member_activities' then (select to_jsonb(r) - 'sync_xid' from public.member_activities r where r.id = k.id)
          when k.t = 'email_templates' then (select to_jsonb(r) - 'sync_xid' from public.email_templates r where r.id = k.id)
          when k.t = 'sent_emails' then (select to_jsonb(r) - 'sync_xid' from public.sent_emails r where r.id = k.id)
          when k.t = 'email_clicks' then (select to_jsonb(r) - 'sync_xid' from public.email_clicks r where r.id = k.id)
        end) order by k.n), '[]'::jsonb) from keys k where k.n <= lim),
    (select jsonb_build_object('xid', k.sync_xid::text, 'table', k.t, 'id', k.id) from keys k where k.n = lim)
  into n, page, last;

  if n > lim then
    return jsonb_build_object(
      'rows', page,
      'has_more', true,
      'next_cursor', jsonb_build_object('from', from_xid::text, 'watermark', watermark::text, 'after', last),
      'server_time', sync.now_ms()
    );
  end if;
  return jsonb_build_object(
    'rows', page,
    'has_more', false,
    'next_cursor', jsonb_build_object('from', watermark::text, 'watermark', null, 'after', null),
    'server_time', sync.now_ms()
  );
end;
$$;
