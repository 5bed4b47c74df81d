-- A link key's id is derived from its secret: the first 8 bytes of SHA-256 of the secret's 32 bytes,
-- base64url (src/domain/link-code.ts linkKeyId). Key ids are public (every link carries one), and ids
-- are unique, so before this anyone who received a link could register its key id first, from a
-- device of their own, and break the sender's links. Now only the holder of the secret can register it.

create function sync.link_key_id(secret text) returns text language sql immutable strict set search_path = '' as $$
  select rtrim(translate(encode(substring(sha256(decode(translate(secret, '-_', '+/') || '=', 'base64')) from 1 for 8), 'base64'), '+/', '-_'), '=')
$$;

alter table public.link_keys add constraint link_keys_key_id_derived check (key_id = sync.link_key_id(secret));

insert into sync.constraint_messages (constraint_name, message) values
  ('link_keys_key_id_derived', 'A link key id is made from its secret');

revoke all on function sync.link_key_id(text) from public, anon;
grant execute on function sync.link_key_id(text) to authenticated, service_role;
