-- The single phone and email columns take the stamp of the list they mirror.
--
-- mirror_primary_point sets contacts.phone from the first entry of contacts.phones (and email from
-- emails) after the field-level merge. Until now it left phone's stamp alone, so a write that changed
-- only the list (another number added) gave phone a new value under its old stamp: a device holding that
-- stamp kept its older phone for good, and the digest (ids and stamps) could not see it. Now the single
-- column always carries the list's stamp, so every device adopts both together.

create or replace function sync.mirror_primary_point() returns trigger language plpgsql as $$
declare
  stamps jsonb := case when jsonb_typeof(new.field_stamps) = 'object' then new.field_stamps else '{}'::jsonb end;
begin
  new.phone := coalesce(new.phones -> 0 ->> 'value', '');
  new.email := coalesce(new.emails -> 0 ->> 'value', '');
  if stamps ? 'phones' then stamps := stamps || jsonb_build_object('phone', stamps -> 'phones'); end if;
  if stamps ? 'emails' then stamps := stamps || jsonb_build_object('email', stamps -> 'emails'); end if;
  new.field_stamps := stamps;
  return new;
end;
$$;

-- Rows whose single column drifted from its list's stamp get it now (devices pull them again).
update public.contacts set field_stamps = field_stamps
  || case when field_stamps ? 'phones' then jsonb_build_object('phone', field_stamps -> 'phones') else '{}'::jsonb end
  || case when field_stamps ? 'emails' then jsonb_build_object('email', field_stamps -> 'emails') else '{}'::jsonb end
where (field_stamps ? 'phones' and field_stamps -> 'phone' is distinct from field_stamps -> 'phones')
   or (field_stamps ? 'emails' and field_stamps -> 'email' is distinct from field_stamps -> 'emails');

revoke all on function sync.mirror_primary_point() from public, anon;
