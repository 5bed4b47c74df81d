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

-- ---------------------------------------------------------------------------------------------------
-- Supabase Cron (pg_cron), pg_net and Vault, emulated. Hosted Supabase has the extensions; here neither
-- is installed (PGlite and a plain PostgreSQL 15), so a migration's
-- `if exists (select 1 from pg_available_extensions where name = 'pg_cron') then create extension …`
-- skips them and its `cron.schedule(…)`, `net.http_post(…)` and `vault.decrypted_secrets` land on the
-- schemas below, with the extensions' own names and signatures. The local stack's scheduler
-- (scheduler.ts) runs the jobs every minute as their owner and performs the queued HTTP requests.
-- Privileges as on hosted: cron and vault are for postgres (here the migration role) and service_role;
-- net's functions may be called by the API roles too (hosted's grant_pg_net_access does that), but no
-- API role can read net's tables.
-- ---------------------------------------------------------------------------------------------------

-- A cron field (minute, hour, …) as the set of values it matches, parsed as pg_cron (Vixie cron) does:
-- `*`, numbers, names (jan…dec, sun…sat), lists `a,b`, ranges `a-b`, steps `*/n` and `a-b/n`. A step
-- without a range (`5/10`) is refused as pg_cron refuses it; so is a backwards range (pg_cron accepts
-- `10-5` and never runs it).
create or replace function supabase_local.cron_value(token text, lo int, names text[]) returns int
language plpgsql immutable set search_path = '' as $$
begin
  if token ~ '^[0-9]+$' then return token::int; end if;
  if names is not null and pg_catalog.array_position(names, pg_catalog.lower(token)) is not null then
    return pg_catalog.array_position(names, pg_catalog.lower(token)) - 1 + lo;
  end if;
  raise exception '"%" is not a number%', token,
    case when names is null then '' else ' or a name (' || pg_catalog.array_to_string(names, ', ') || ')' end;
end
$$;

create or replace function supabase_local.cron_field(field text, what text, lo int, hi int, names text[] default null) returns int[]
language plpgsql immutable set search_path = '' as $$
declare
  part text;
  m text[];
  a int;
  b int;
  step int;
  result int[] := '{}';
begin
  foreach part in array pg_catalog.string_to_array(field, ',') loop
    m := pg_catalog.regexp_match(part, '^(?:(\*)|([0-9A-Za-z]{1,9})(?:-([0-9A-Za-z]{1,9}))?)(?:/([0-9]{1,4}))?$');
    if m is null then
      raise exception 'the % field "%" has "%", which is none of: *, a number, a list a,b, a range a-b, a step */n or a-b/n', what, field, part;
    end if;
    if m[1] is not null then
      a := lo;
      b := hi;
    else
      a := supabase_local.cron_value(m[2], lo, names);
      if m[3] is null and m[4] is not null then
        raise exception 'the % field has "%": a step needs a range (*/% or %-%/%)', what, part, m[4], m[2], hi, m[4];
      end if;
      b := case when m[3] is null then a else supabase_local.cron_value(m[3], lo, names) end;
    end if;
    step := coalesce(m[4]::int, 1);
    if step < 1 then raise exception 'the % field has "%": the step must be 1 or more', what, part; end if;
    if a < lo or a > hi or b < lo or b > hi then
      raise exception 'the % field has "%", outside % to %', what, part, lo, hi;
    end if;
    if a > b then raise exception 'the % field has "%", a range that runs backwards', what, part; end if;
    result := result || array(select pg_catalog.generate_series(a, b, step));
  end loop;
  return result;
end
$$;

-- A schedule, parsed: {"seconds": n} for pg_cron's interval form '[1-59] seconds', else the five
-- fields' values and whether day-of-month / day-of-week start with `*` (when neither does, a day
-- matches if either matches, as in Vixie cron). Sunday is 0 and 7. An invalid schedule raises
-- pg_cron's error, `invalid schedule: …`, with what is wrong in the detail.
create or replace function supabase_local.cron_parse(schedule text) returns jsonb
language plpgsql immutable set search_path = '' as $$
declare
  s text := pg_catalog.btrim(schedule);
  f text[];
  m text[];
  dow int[];
begin
  begin
    if s is null or s = '' then raise exception 'the schedule is empty'; end if;
    m := pg_catalog.regexp_match(s, '^([0-9]{1,3})\s*seconds?$', 'i');
    if m is not null then
      if m[1]::int not between 1 and 59 then raise exception 'an interval is 1 to 59 seconds'; end if;
      return pg_catalog.jsonb_build_object('seconds', m[1]::int);
    end if;
    s := case pg_catalog.lower(s)
      when '@yearly' then '0 0 1 1 *' when '@annually' then '0 0 1 1 *' when '@monthly' then '0 0 1 * *'
      when '@weekly' then '0 0 * * 0' when '@daily' then '0 0 * * *' when '@midnight' then '0 0 * * *'
      when '@hourly' then '0 * * * *' else s end;
    if s like '@%' then raise exception '"%" is not supported by the local stack (@yearly, @monthly, @weekly, @daily and @hourly are)', s; end if;
    f := pg_catalog.regexp_split_to_array(s, '\s+');
    if pg_catalog.array_length(f, 1) <> 5 then
      raise exception 'a schedule has 5 fields (minute hour day-of-month month day-of-week); this one has %', pg_catalog.array_length(f, 1);
    end if;
    dow := supabase_local.cron_field(f[5], 'day-of-week', 0, 7, array['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
    if 7 = any(dow) then dow := dow || 0; end if;
    return pg_catalog.jsonb_build_object(
      'minute', supabase_local.cron_field(f[1], 'minute', 0, 59),
      'hour', supabase_local.cron_field(f[2], 'hour', 0, 23),
      'dom', supabase_local.cron_field(f[3], 'day-of-month', 1, 31),
      'month', supabase_local.cron_field(f[4], 'month', 1, 12, array['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']),
      'dow', dow,
      'dom_star', f[3] like '*%',
      'dow_star', f[5] like '*%');
  exception when others then
    raise exception using errcode = '22023', message = pg_catalog.format('invalid schedule: %s', schedule), detail = sqlerrm,
      hint = 'Use cron format (e.g. 5 4 * * *), or interval format ''[1-59] seconds''';
  end;
end
$$;

-- Whether a job with this schedule is due at `at`: a cron expression when `at` is in a minute it
-- matches (in UTC, pg_cron's default cron.timezone) and minute_jobs is true; an interval when the
-- epoch second of `at` is a multiple of it. An invalid schedule is never due.
create or replace function supabase_local.cron_matches(schedule text, at timestamptz, minute_jobs boolean default true) returns boolean
language plpgsql immutable set search_path = '' as $$
declare
  p jsonb;
  t timestamp := at at time zone 'UTC';
  dom_ok boolean;
  dow_ok boolean;
begin
  begin
    p := supabase_local.cron_parse(schedule);
  exception when others then
    return false;
  end;
  if p ? 'seconds' then
    return pg_catalog.floor(extract(epoch from at))::bigint % (p ->> 'seconds')::bigint = 0;
  end if;
  if not minute_jobs then return false; end if;
  if not (p -> 'minute' @> pg_catalog.to_jsonb(extract(minute from t)::int)
      and p -> 'hour' @> pg_catalog.to_jsonb(extract(hour from t)::int)
      and p -> 'month' @> pg_catalog.to_jsonb(extract(month from t)::int)) then
    return false;
  end if;
  dom_ok := p -> 'dom' @> pg_catalog.to_jsonb(extract(day from t)::int);
  dow_ok := p -> 'dow' @> pg_catalog.to_jsonb(extract(dow from t)::int);
  if (p ->> 'dom_star')::boolean or (p ->> 'dow_star')::boolean then return dom_ok and dow_ok; end if;
  return dom_ok or dow_ok;
end
$$;

-- pg_cron's tables (1.6), with its row-level security: a role sees its own jobs (the migration role
-- and service_role bypass it).
create schema if not exists cron;
create table if not exists cron.job (
  jobid bigserial primary key,
  schedule text not null,
  command text not null,
  nodename text not null default 'localhost',
  nodeport integer not null default coalesce(inet_server_port(), 5432),
  database text not null default current_database(),
  username text not null default current_user,
  active boolean not null default true,
  jobname text,
  constraint jobname_username_uniq unique (jobname, username)
);
create table if not exists cron.job_run_details (
  jobid bigint,
  runid bigserial primary key,
  job_pid integer,
  database text,
  username text,
  command text,
  status text,
  return_message text,
  start_time timestamptz,
  end_time timestamptz
);
alter table cron.job enable row level security;
alter table cron.job_run_details enable row level security;
drop policy if exists cron_job_policy on cron.job;
create policy cron_job_policy on cron.job using (username = current_user);
drop policy if exists cron_job_run_details_policy on cron.job_run_details;
create policy cron_job_run_details_policy on cron.job_run_details using (username = current_user);

-- cron.schedule(name, schedule, command): creates the job, or (same name, same owner) changes its
-- schedule and command, as pg_cron does; the job runs as the role that scheduled it.
create or replace function cron.schedule(job_name text, schedule text, command text) returns bigint
language plpgsql as $$
declare
  id bigint;
begin
  perform supabase_local.cron_parse($2);
  insert into cron.job (schedule, command, jobname) values ($2, $3, $1)
  on conflict on constraint jobname_username_uniq do update set schedule = excluded.schedule, command = excluded.command
  returning jobid into id;
  return id;
end
$$;

create or replace function cron.schedule(schedule text, command text) returns bigint
language plpgsql as $$
declare
  id bigint;
begin
  perform supabase_local.cron_parse($1);
  insert into cron.job (schedule, command) values ($1, $2) returning jobid into id;
  return id;
end
$$;

create or replace function cron.unschedule(job_name text) returns boolean
language plpgsql as $$
begin
  delete from cron.job where jobname = $1 and username = current_user;
  if not found then raise exception 'could not find valid entry for job ''%''', $1; end if;
  return true;
end
$$;

create or replace function cron.unschedule(job_id bigint) returns boolean
language plpgsql as $$
declare
  job_owner text;
begin
  select username into job_owner from cron.job where jobid = $1;
  if job_owner is null then raise exception 'could not find valid entry for job %', $1; end if;
  if job_owner <> current_user and not (select rolsuper from pg_catalog.pg_roles where rolname = current_user) then
    raise exception using errcode = '42501', message = pg_catalog.format('must be owner of the job %s', $1);
  end if;
  delete from cron.job where jobid = $1;
  return true;
end
$$;

-- pg_net's tables and functions (0.14). http_post and http_get only queue the request, as pg_net does;
-- the stack's worker performs it after the transaction commits and stores the answer in
-- net._http_response under the same id (kept 6 hours, pg_net's default ttl).
create schema if not exists net;
create table if not exists net.http_request_queue (
  id bigserial primary key,
  method text not null check (method in ('GET', 'POST', 'DELETE')),
  url text not null,
  headers jsonb not null,
  body bytea,
  timeout_milliseconds integer not null
);
create table if not exists net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);
create index if not exists _http_response_created_idx on net._http_response (created);

-- Percent-encodes everything but RFC 3986's unreserved characters, byte by byte (UTF-8).
create or replace function supabase_local.urlencode(value text) returns text
language sql immutable set search_path = '' as $$
  select coalesce(pg_catalog.string_agg(
    case when b between 48 and 57 or b between 65 and 90 or b between 97 and 122 or b in (45, 46, 95, 126) then pg_catalog.chr(b)
         else '%' || pg_catalog.upper(pg_catalog.lpad(pg_catalog.to_hex(b), 2, '0')) end, '' order by i), '')
  from (select i, pg_catalog.get_byte(pg_catalog.convert_to(value, 'UTF8'), i) as b
        from pg_catalog.generate_series(0, pg_catalog.octet_length(pg_catalog.convert_to(value, 'UTF8')) - 1) as i) as bytes
$$;

-- The URL with `params` (a JSON object) appended as its query string.
create or replace function supabase_local.url_with_params(url text, params jsonb) returns text
language sql immutable set search_path = '' as $$
  select case when q is null then url else url || case when url like '%?%' then '&' else '?' end || q end
  from (select pg_catalog.string_agg(supabase_local.urlencode(key) || '=' || supabase_local.urlencode(value), '&') as q
        from pg_catalog.jsonb_each_text(coalesce(params, '{}'::jsonb))) as p
$$;

-- Queues one request for the scheduler to send (what each net.http_* adds); answers its id. Called by
-- the net.http_* functions, which run as their owner.
create or replace function supabase_local.queue_request(method text, url text, headers jsonb, body bytea, timeout_milliseconds integer) returns bigint
language sql volatile set search_path = '' as $$
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values (method, url, headers, body, timeout_milliseconds)
  returning id
$$;

create or replace function net.http_get(url text, params jsonb default '{}'::jsonb, headers jsonb default '{}'::jsonb, timeout_milliseconds integer default 5000) returns bigint
language sql volatile security definer set search_path = net as $$
  select supabase_local.queue_request('GET', supabase_local.url_with_params($1, $2), coalesce($3, '{}'::jsonb), null, $4)
$$;

create or replace function net.http_post(url text, body jsonb default '{}'::jsonb, params jsonb default '{}'::jsonb, headers jsonb default '{"Content-Type": "application/json"}'::jsonb, timeout_milliseconds integer default 5000) returns bigint
language plpgsql volatile security definer set search_path = net as $$
declare
  content_type text;
  all_headers jsonb := coalesce($4, '{}'::jsonb);
begin
  select value into content_type from pg_catalog.jsonb_each_text(all_headers) where pg_catalog.lower(key) = 'content-type' limit 1;
  if content_type is null then
    all_headers := all_headers || '{"Content-Type": "application/json"}'::jsonb;
  elsif content_type <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;
  return supabase_local.queue_request('POST', supabase_local.url_with_params($1, $3), all_headers, pg_catalog.convert_to($2::text, 'UTF8'), $5);
end
$$;

create or replace function net.http_delete(url text, params jsonb default '{}'::jsonb, headers jsonb default '{}'::jsonb, timeout_milliseconds integer default 5000) returns bigint
language sql volatile security definer set search_path = net as $$
  select supabase_local.queue_request('DELETE', supabase_local.url_with_params($1, $2), coalesce($3, '{}'::jsonb), null, $4)
$$;

-- Vault (supabase_vault 0.3). Locally the secret is stored as it is given (hosted encrypts it with a
-- key the database never sees); decrypted_secrets exposes it as decrypted_secret, as hosted does.
create schema if not exists vault;
create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);
create unique index if not exists secrets_name_idx on vault.secrets (name) where name is not null;
create or replace view vault.decrypted_secrets as
  select id, name, description, secret, secret as decrypted_secret, key_id, nonce, created_at, updated_at from vault.secrets;

create or replace function vault.create_secret(new_secret text, new_name text default null, new_description text default '', new_key_id uuid default null) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  new_id uuid;
begin
  insert into vault.secrets (secret, name, description, key_id) values ($1, $2, coalesce($3, ''), $4) returning secrets.id into new_id;
  return new_id;
end
$$;

create or replace function vault.update_secret(secret_id uuid, new_secret text default null, new_name text default null, new_description text default null, new_key_id uuid default null) returns void
language plpgsql security definer set search_path = '' as $$
begin
  update vault.secrets set
    secret = coalesce($2, secret),
    name = coalesce($3, name),
    description = coalesce($4, description),
    key_id = coalesce($5, key_id),
    updated_at = now()
  where id = $1;
end
$$;

-- Who may use them. Hosted: postgres (here the migration role) has cron and vault; service_role too;
-- net's functions are executable by postgres and the API roles (security definer, as hosted alters
-- them), its tables readable by postgres. anon and authenticated get nothing else.
revoke all on schema cron, net, vault from public;
revoke all on all tables in schema cron, net, vault from public, anon, authenticated;
revoke all on all functions in schema cron, net, vault from public;
revoke all on function supabase_local.cron_value(text, int, text[]), supabase_local.cron_field(text, text, int, int, text[]),
  supabase_local.cron_parse(text), supabase_local.cron_matches(text, timestamptz, boolean),
  supabase_local.urlencode(text), supabase_local.url_with_params(text, jsonb) from public;
grant usage on schema net to anon, authenticated, service_role;
grant execute on function net.http_get(text, jsonb, jsonb, integer), net.http_post(text, jsonb, jsonb, jsonb, integer),
  net.http_delete(text, jsonb, jsonb, integer) to anon, authenticated, service_role;
grant usage on schema cron, vault to service_role;
grant all on all tables in schema cron to service_role;
grant all on all sequences in schema cron to service_role;
grant execute on all functions in schema cron to service_role;
grant select on all tables in schema net to service_role;
grant select, delete on vault.secrets to service_role;
grant select on vault.decrypted_secrets to service_role;
grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid) to service_role;
-- cron.schedule checks the schedule with the parser above, as the caller.
grant usage on schema supabase_local to service_role;
grant execute on function supabase_local.cron_parse(text), supabase_local.cron_field(text, text, int, int, text[]),
  supabase_local.cron_value(text, int, text[]) to service_role;
do $$
declare
  migrator name := supabase_local.migration_role();
begin
  execute format('grant usage on schema cron, net, vault, supabase_local to %I', migrator);
  execute format('grant all on all tables in schema cron to %I', migrator);
  execute format('grant all on all sequences in schema cron to %I', migrator);
  execute format('grant execute on all functions in schema cron to %I', migrator);
  execute format('grant execute on function net.http_get(text, jsonb, jsonb, integer), net.http_post(text, jsonb, jsonb, jsonb, integer), net.http_delete(text, jsonb, jsonb, integer) to %I', migrator);
  execute format('grant select on all tables in schema net to %I', migrator);
  execute format('grant select, delete on vault.secrets to %I', migrator);
  execute format('grant select on vault.decrypted_secrets to %I', migrator);
  execute format('grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid) to %I', migrator);
  execute format('grant execute on function supabase_local.cron_parse(text), supabase_local.cron_field(text, text, int, int, text[]), supabase_local.cron_value(text, int, text[]) to %I', migrator);
end
$$;
