-- Local-only Auth server tables (hosted Supabase Auth keeps its own). Idempotent.
create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now()
);
create table if not exists auth.refresh_tokens (
  token text primary key,
  session_id uuid not null references auth.sessions (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  revoked boolean not null default false,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
alter table auth.refresh_tokens add column if not exists revoked_at timestamptz;
create table if not exists auth.one_time_tokens (
  email text primary key,
  code text not null,
  created_at timestamptz not null default now()
);
