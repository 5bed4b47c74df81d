-- A push answered "duplicate" (its first answer was lost on the way) now carries the row as the server
-- holds it, like "applied" does, so the client can adopt the server's stamps (a stamp clamped from a
-- fast clock included) instead of keeping its own until the next digest repair.
-- The applying function moves to the sync schema (not exposed by PostgREST); public.sync_push wraps it.
alter function public.sync_push(jsonb) rename to sync_push_apply;
alter function public.sync_push_apply(jsonb) set schema sync;
revoke execute on function sync.sync_push_apply(jsonb) from public, anon;

create or replace function public.sync_push(mutations jsonb) returns jsonb language plpgsql as $$
declare
  answer jsonb := sync.sync_push_apply(mutations);
  extra jsonb[] := '{}';
  outcome jsonb;
  m jsonb;
  held jsonb;
begin
  for outcome in select value from jsonb_array_elements(answer -> 'results') where value ->> 'status' = 'duplicate' loop
    select value into m from jsonb_array_elements(mutations) where value ->> 'mutation_id' = outcome ->> 'mutation_id' limit 1;
    continue when m is null or not (m ->> 'table') = any (sync.synced_tables());
    begin
      execute format('select to_jsonb(t) - ''sync_xid'' from public.%I t where id = $1', m ->> 'table') into held using (m ->> 'row_id')::uuid;
    exception when invalid_text_representation then
      held := null;
    end;
    if held is not null then
      extra := array_append(extra, jsonb_build_object('table', m ->> 'table', 'row', held));
    end if;
  end loop;
  return jsonb_set(answer, '{rows}', (answer -> 'rows') || to_jsonb(extra));
end;
$$;

revoke execute on function public.sync_push(jsonb) from public, anon;
grant execute on function public.sync_push(jsonb) to authenticated, service_role;
