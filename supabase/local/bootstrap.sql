-- Supabase conventions for local development and tests (NOT a migration; hosted Supabase has all of this).
--
-- Run as a superuser, before the migrations, on PGlite (PostgreSQL 18) and on PostgreSQL 15. Idempotent,
-- so it runs again at every start of the local stack. It recreates what the migrations may assume:
--   * the API roles anon, authenticated, service_role and authenticator, with Supabase's grants and
--     statement timeouts;
--   * the role that applies the migrations, with the powers hosted Supabase gives `postgres` (which is
--     NOT a superuser there; the superuser is supabase_admin): LOGIN, CREATEROLE, BYPASSRLS, owner of
--     the database (so of schema public) and of the supabase_realtime publication, ALL on auth.users,
--     and default privileges that grant anon, authenticated and service_role ALL on what it creates
--     in public. Migrations run as this role, so one that needs a superuser fails here as it would on
--     `supabase db push`;
--   * the auth schema with auth.users and the auth.uid()/role()/jwt()/email() helpers, which read the
--     request's JWT claims from the `request.jwt.claims` setting, as PostgREST sets it;
--   * the empty supabase_realtime publication;
--   * Realtime Authorization's schema `realtime`: the table realtime.messages (row-level security on,
--     no policy, so private channels are closed until a migration opens them) and realtime.topic(),
--     with hosted Supabase's grants;
--   * supabase_migrations.schema_migrations, where the Supabase CLI records applied migrations.

-- Local-only helpers, absent on hosted Supabase.
create schema if not exists supabase_local;
revoke all on schema supabase_local from public;

-- The role that applies the migrations: `postgres` as on hosted Supabase, unless `postgres` is this
-- server's superuser (PGlite's bootstrap superuser is called postgres and cannot stop being one); then
-- a dedicated role with the same powers stands in for it. Decided here only; the stack asks this function.
create or replace function supabase_local.migration_role() returns name language sql stable as $$
  select case when exists (select 1 from pg_roles where rolname = 'postgres' and rolsuper) then 'supabase_migrator' else 'postgres' end::name
$$;

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then create role authenticator login noinherit; end if;
  -- Where the superuser has another name (supabase_admin in the PostgreSQL tests, as on hosted), this
  -- creates `postgres` itself, not a superuser.
  if not exists (select 1 from pg_roles where rolname = supabase_local.migration_role()) then
    execute format('create role %I', supabase_local.migration_role());
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

create schema if not exists extensions;
create schema if not exists auth;

grant usage on schema public, auth, extensions to anon, authenticated, service_role;
-- For objects a superuser creates (this file, tests, the SQL console), as hosted does for supabase_admin.
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255) default 'authenticated',
  role varchar(255) default 'authenticated',
  email varchar(255) unique,
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  confirmed_at timestamptz generated always as (email_confirmed_at) stored,
  phone text unique,
  phone_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb default '{}'::jsonb,
  raw_user_meta_data jsonb default '{}'::jsonb,
  is_super_admin boolean,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  banned_until timestamptz,
  deleted_at timestamptz,
  is_anonymous boolean not null default false,
  is_sso_user boolean not null default false,
  confirmation_token varchar(255),
  recovery_token varchar(255)
);
grant select on auth.users to service_role;

-- The request's JWT claims: PostgREST sets request.jwt.claims; the older per-claim settings are read too.
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to anon, authenticated, service_role;

do $$
begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;

-- Realtime Authorization (private channels): the local Realtime server (realtime.ts) decides who may
-- join, receive, send and track presence on a private channel from the policies on realtime.messages,
-- as hosted Realtime does: it inserts a broadcast and a presence row for the channel's topic, then,
-- as the client's role with its claims in request.jwt.claims and the topic in realtime.topic, selects
-- them (read) and inserts its own (write), and rolls everything back. Nothing is ever kept here.
-- Hosted partitions this table by inserted_at and adds binary_payload; neither matters to a policy.
create schema if not exists realtime;
create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp without time zone not null default now(),
  inserted_at timestamp without time zone not null default now(),
  id uuid not null default gen_random_uuid(),
  primary key (id, inserted_at)
);
create index if not exists messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;
-- No policy: deny by default, as on a new hosted project.
alter table realtime.messages enable row level security;

-- The channel's topic (without the `realtime:` prefix) while Realtime checks a join; null otherwise.
create or replace function realtime.topic() returns text language sql stable as $$
  select nullif(current_setting('realtime.topic', true), '')::text
$$;

grant usage on schema realtime to anon, authenticated, service_role;
grant select, insert, update on realtime.messages to anon, authenticated, service_role;
grant execute on function realtime.topic() to anon, authenticated, service_role;

create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text primary key,
  name text,
  statements text[]
);
-- Local only: the SHA-256 (hex) of each applied migration file, so an edited migration is noticed.
alter table supabase_migrations.schema_migrations add column if not exists sha256 text;

-- The migration role's powers (see the header). Owning the database makes it the owner of schema
-- public too (public belongs to pg_database_owner).
do $$
declare
  migrator name := supabase_local.migration_role();
begin
  execute format('alter role %I nosuperuser login createrole bypassrls', migrator);
  execute format('alter database %I owner to %I', current_database(), migrator);
  execute format('grant anon, authenticated, service_role to %I', migrator);
  execute format('grant all on schema extensions to %I', migrator);
  execute format('grant usage on schema auth to %I', migrator);
  execute format('grant all on auth.users to %I', migrator);
  execute format('grant execute on all functions in schema auth to %I', migrator);
  execute format('alter publication supabase_realtime owner to %I', migrator);
  -- Migrations create and drop the policies of realtime.messages. Hosted lets `postgres` do that
  -- through supautils' policy_grants while supabase_realtime_admin owns the table; here the
  -- migration role owns it instead (which would also let it ALTER the table: hosted refuses that).
  execute format('grant usage on schema realtime to %I', migrator);
  execute format('alter table realtime.messages owner to %I', migrator);
  execute format('grant execute on function realtime.topic() to %I', migrator);
  execute format('alter default privileges for role %I in schema public grant all on tables to anon, authenticated, service_role', migrator);
  execute format('alter default privileges for role %I in schema public grant all on functions to anon, authenticated, service_role', migrator);
  execute format('alter default privileges for role %I in schema public grant all on sequences to anon, authenticated, service_role', migrator);
end
$$;
