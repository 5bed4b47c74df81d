-- The convergence digest hashes with SHA-256 instead of MD5: browsers compute the client's half with
-- Web Crypto (crypto.subtle.digest), which has SHA-256 and no MD5. The text hashed is unchanged.
create or replace function public.sync_digest() returns jsonb language plpgsql stable as $$
declare
  t text;
  result jsonb := '{}'::jsonb;
  entry jsonb;
begin
  if auth.uid() is null then
    raise exception 'Sign in to sync' using errcode = '42501';
  end if;
  foreach t in array sync.synced_tables() loop
    execute format(
      $q$select jsonb_build_object('count', count(*),
           'hash', encode(sha256(convert_to(coalesce(string_agg(line, E'\n' order by id), ''), 'UTF8')), 'hex'))
         from (select r.id, r.id::text || ':' || coalesce((select string_agg(key || '=' || value, ',' order by key collate "C") from jsonb_each_text(r.field_stamps)), '') as line
               from public.%I r) rows$q$,
      t
    ) into entry;
    result := result || jsonb_build_object(t, entry);
  end loop;
  return result;
end;
$$;
