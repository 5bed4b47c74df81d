-- Notifications: Web Push to each of a member's devices, and an opt-in daily digest email.
--
-- push_subscriptions holds one row per device (its push endpoint and keys, and the device's
-- preferences: which kinds, the reminder hour, quiet hours, its time zone). Members read, change and
-- delete their own rows, and change only the preferences; they subscribe through push_subscribe()
-- and never insert directly. notification_settings holds the member's digest choice.
--
-- What to send is recorded by triggers into notify_private.events (hot leads: a person opened a
-- tracked link; team: a comment on your win, a new member in your downline). The notify Edge Function
-- (supabase/functions/notify, called every minute by Supabase Cron through pg_net) claims what is due
-- with notify_claim(): each (device, event) pair, the day's follow-up reminder and the sync review
-- reminder get a row in notify_private.deliveries under a unique key BEFORE anything is sent, so two
-- overlapping runs never send one thing twice; it then reports each push service's answer with
-- notify_report() (gone: the device's row is deleted; 429 / 5xx: the claim is undone for a later run).
-- The digest Edge Function (hourly) claims the members whose digest hour it is with digest_claim().
--
-- notify_private is not exposed by the API; its functions are security definer with a fixed search_path.
-- Applied on hosted Supabase by `postgres`, which is not a superuser; nothing here needs one.

create schema notify_private;
revoke all on schema notify_private from public;
grant usage on schema notify_private to authenticated, service_role;

/** A time zone the database knows, else 'UTC' (a device may send a name this server has never heard of). */
create function notify_private.safe_zone(zone text) returns text language plpgsql stable set search_path = '' as $$
begin
  if zone is null or zone = '' then
    return 'UTC';
  end if;
  perform pg_catalog.timezone(zone, pg_catalog.now());
  return zone;
exception when others then
  return 'UTC';
end;
$$;

/** Whether a local hour is in the quiet hours [quiet_start, quiet_end), which may wrap midnight; equal ends: none. */
create function notify_private.is_quiet(local_hour integer, quiet_start integer, quiet_end integer) returns boolean
language sql immutable set search_path = '' as $$
  select case
    when quiet_start = quiet_end then false
    when quiet_start < quiet_end then local_hour >= quiet_start and local_hour < quiet_end
    else local_hour >= quiet_start or local_hour < quiet_end
  end
$$;

/** The hour the daily reminder goes: the chosen hour, or the end of the quiet hours when it falls in them. */
create function notify_private.reminder_hour(chosen integer, quiet_start integer, quiet_end integer) returns integer
language sql immutable set search_path = '' as $$
  select case when notify_private.is_quiet(chosen, quiet_start, quiet_end) then quiet_end else chosen end
$$;

-- Devices -----------------------------------------------------------------------------------------

create table public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  endpoint text not null constraint push_subscriptions_endpoint_valid check (
    char_length(endpoint) <= 2048
    and (endpoint ~ '^https://[^/[:space:]]+(/[^[:space:]]*)?$' or endpoint ~ '^http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?(/[^[:space:]]*)?$')),
  -- The browser's P-256 key (65 bytes: 87 base64url characters) and auth secret (16 bytes: 22).
  p256dh text not null constraint push_subscriptions_p256dh_valid check (p256dh ~ '^[A-Za-z0-9_-]{86,88}={0,2}$'),
  auth text not null constraint push_subscriptions_auth_valid check (auth ~ '^[A-Za-z0-9_-]{21,24}={0,2}$'),
  user_agent text not null default '' constraint push_subscriptions_user_agent_length check (char_length(user_agent) <= 300),
  time_zone text not null default 'UTC' constraint push_subscriptions_time_zone_valid check (
    char_length(time_zone) between 1 and 64 and time_zone ~ '^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$'),
  reminder_hour smallint not null default 8 constraint push_subscriptions_reminder_hour_range check (reminder_hour between 0 and 23),
  quiet_start smallint not null default 21 constraint push_subscriptions_quiet_start_range check (quiet_start between 0 and 23),
  quiet_end smallint not null default 7 constraint push_subscriptions_quiet_end_range check (quiet_end between 0 and 23),
  follow_ups boolean not null default true,
  hot_leads boolean not null default true,
  team boolean not null default true,
  sync_problems boolean not null default true,
  -- The device's oldest change refused by the server and not yet reviewed (the device writes it).
  review_pending_since timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  -- Bookkeeping of the sender (not writable by members):
  last_reminder_on date,                -- the local day the follow-up reminder was last claimed
  sync_notified_for timestamptz,        -- the review_pending_since value the sync reminder was sent for
  retry_after timestamptz,              -- the push service asked to wait (429, 5xx) until then
  constraint push_subscriptions_endpoint_unique unique (endpoint)
);
create index push_subscriptions_member on public.push_subscriptions (member_id);

create table public.notification_settings (
  member_id uuid primary key default auth.uid() references public.members (id) on delete cascade,
  digest_enabled boolean not null default false,
  digest_hour smallint not null default 7 constraint notification_settings_digest_hour_range check (digest_hour between 0 and 23),
  time_zone text not null default 'UTC' constraint notification_settings_time_zone_valid check (
    char_length(time_zone) between 1 and 64 and time_zone ~ '^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Bookkeeping of the sender: the member's local day the digest was last sent.
  last_digest_on date
);

/** updated_at on every change (who may change which column: the column privileges below). */
create function notify_private.touch_subscription() returns trigger language plpgsql set search_path = '' as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end;
$$;
create trigger touch_subscription before update on public.push_subscriptions for each row execute function notify_private.touch_subscription();

create trigger touch_settings before update on public.notification_settings for each row execute function notify_private.touch_subscription();

alter table public.push_subscriptions enable row level security;
alter table public.notification_settings enable row level security;

create policy "Members see their own devices" on public.push_subscriptions for select to authenticated
  using (member_id = (select auth.uid()));
create policy "Members change their own devices' preferences" on public.push_subscriptions for update to authenticated
  using (member_id = (select auth.uid())) with check (member_id = (select auth.uid()));
create policy "Members remove their own devices" on public.push_subscriptions for delete to authenticated
  using (member_id = (select auth.uid()));

create policy "Members see their own notification settings" on public.notification_settings for select to authenticated
  using (member_id = (select auth.uid()));
create policy "Members create their own notification settings" on public.notification_settings for insert to authenticated
  with check (member_id = (select auth.uid()));
create policy "Members change their own notification settings" on public.notification_settings for update to authenticated
  using (member_id = (select auth.uid())) with check (member_id = (select auth.uid()));

-- Column privileges: a member changes preferences and review_pending_since, never the endpoint, keys,
-- owner or the sender's bookkeeping (an update naming them is refused with 42501).
revoke all on public.push_subscriptions, public.notification_settings from anon, authenticated, service_role, public;
grant select, delete on public.push_subscriptions to authenticated;
grant update (time_zone, reminder_hour, quiet_start, quiet_end, follow_ups, hot_leads, team, sync_problems, review_pending_since)
  on public.push_subscriptions to authenticated;
grant select on public.notification_settings to authenticated;
grant insert (member_id, digest_enabled, digest_hour, time_zone), update (digest_enabled, digest_hour, time_zone)
  on public.notification_settings to authenticated;
grant select, insert, update, delete on public.push_subscriptions, public.notification_settings to service_role;

-- Subscribing ---------------------------------------------------------------------------------------

/**
 * The caller's device: a new row, or the existing one with fresh keys, agent, time zone and
 * last_seen_at (its preferences kept). An endpoint held by another member (one browser, another
 * account) is theirs no more: that row goes first. Called by the app on every launch.
 */
create function notify_private.subscribe(new_endpoint text, new_p256dh text, new_auth text, new_user_agent text, new_time_zone text) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  me uuid := auth.uid();
  device uuid;
begin
  if me is null then
    raise exception 'Sign in to receive notifications' using errcode = '28000';
  end if;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('fieldbook.push_endpoint'), pg_catalog.hashtext(coalesce(new_endpoint, '')));
  delete from public.push_subscriptions s where s.endpoint = new_endpoint and s.member_id <> me;
  insert into public.push_subscriptions as s (member_id, endpoint, p256dh, auth, user_agent, time_zone)
  values (me, new_endpoint, new_p256dh, new_auth, left(coalesce(new_user_agent, ''), 300), coalesce(nullif(new_time_zone, ''), 'UTC'))
  on conflict on constraint push_subscriptions_endpoint_unique do update
    set p256dh = excluded.p256dh, auth = excluded.auth, user_agent = excluded.user_agent, time_zone = excluded.time_zone,
        last_seen_at = pg_catalog.now(), retry_after = null
  returning s.id into device;
  return device;
end;
$$;

create function notify_private.unsubscribe(old_endpoint text) returns void language plpgsql security definer set search_path = '' as $$
begin
  if auth.uid() is null then
    raise exception 'Sign in to manage notifications' using errcode = '28000';
  end if;
  delete from public.push_subscriptions s where s.endpoint = old_endpoint and s.member_id = auth.uid();
end;
$$;

create function public.push_subscribe(endpoint text, p256dh text, auth text, user_agent text default '', time_zone text default 'UTC') returns uuid
language sql security invoker set search_path = '' as $$
  select notify_private.subscribe(endpoint, p256dh, auth, user_agent, time_zone)
$$;
create function public.push_unsubscribe(endpoint text) returns void language sql security invoker set search_path = '' as $$
  select notify_private.unsubscribe(endpoint)
$$;

-- Events ------------------------------------------------------------------------------------------

create table notify_private.events (
  id bigint generated always as identity primary key,
  member_id uuid not null references public.members (id) on delete cascade,
  kind text not null check (kind in ('hot_lead', 'team')),
  -- What caused it, unique: 'click:<id>', 'comment:<id>', 'join:<ancestor>:<descendant>:<time>'.
  source text not null unique,
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index events_member on notify_private.events (member_id, created_at);

create table notify_private.deliveries (
  subscription_id uuid not null references public.push_subscriptions (id) on delete cascade,
  -- 'event:<id>', 'follow-ups:<local day>', 'sync:<review_pending_since>'.
  key text not null,
  claimed_at timestamptz not null,
  status text not null default 'sending' check (status in ('sending', 'sent', 'failed', 'empty')),
  status_code integer,
  primary key (subscription_id, key)
);
create index deliveries_claimed on notify_private.deliveries (claimed_at);

revoke all on all tables in schema notify_private from public, anon, authenticated, service_role;

/** A person (never a preview or scanner) opened a tracked link of a known send: a hot lead for its sender. */
create function notify_private.on_click() returns trigger language plpgsql security definer set search_path = '' as $$
declare
  contact uuid;
  name text;
begin
  if new.kind <> 'person' or new.sent_email_id is null or new.deleted_at is not null
     or new.clicked_at < pg_catalog.now() - interval '24 hours' then
    return null;
  end if;
  select c.id, pg_catalog.btrim(c.first_name || ' ' || c.last_name) into contact, name
  from public.sent_emails s join public.contacts c on c.id = s.contact_id and c.member_id = s.member_id
  where s.id = new.sent_email_id and s.member_id = new.member_id;
  insert into notify_private.events (member_id, kind, source, data)
  values (new.member_id, 'hot_lead', 'click:' || new.id,
          pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object('contact_id', contact, 'name', left(name, 201))))
  on conflict (source) do nothing;
  return null;
exception when others then
  -- A notification never stands in the way of the click itself.
  raise warning 'notify: click % not queued: %', new.id, sqlerrm;
  return null;
end;
$$;
create trigger notify_click after insert or update of sent_email_id, kind on public.email_clicks
  for each row execute function notify_private.on_click();

/** The first word of a member's name, or ''. */
create function notify_private.first_name(member uuid) returns text language sql stable set search_path = '' as $$
  select coalesce(pg_catalog.split_part(pg_catalog.btrim(p.full_name), ' ', 1), '') from public.member_profiles p where p.id = member
$$;

/** Someone else commented on a member's win. */
create function notify_private.on_comment() returns trigger language plpgsql security definer set search_path = '' as $$
declare
  author uuid;
begin
  if new.deleted_at is not null or new.hidden_at is not null then
    return null;
  end if;
  select w.member_id into author from public.team_wins w where w.id = new.win_id and w.deleted_at is null;
  if author is null or author = new.member_id then
    return null;
  end if;
  insert into notify_private.events (member_id, kind, source, data)
  values (author, 'team', 'comment:' || new.id,
          pg_catalog.jsonb_build_object('type', 'comment', 'name', notify_private.first_name(new.member_id), 'text', left(pg_catalog.btrim(new.body), 80)))
  on conflict (source) do nothing;
  return null;
exception when others then
  raise warning 'notify: comment % not queued: %', new.id, sqlerrm;
  return null;
end;
$$;
create trigger notify_comment after insert on public.team_comments for each row execute function notify_private.on_comment();

/** Someone joined a member's downline (at any depth). */
create function notify_private.on_team_path() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  insert into notify_private.events (member_id, kind, source, data)
  values (new.ancestor_id, 'team', 'join:' || new.ancestor_id || ':' || new.descendant_id || ':' || pg_catalog.clock_timestamp(),
          pg_catalog.jsonb_build_object('type', 'join', 'name', notify_private.first_name(new.descendant_id), 'depth', new.depth))
  on conflict (source) do nothing;
  return null;
exception when others then
  raise warning 'notify: team path not queued: %', sqlerrm;
  return null;
end;
$$;
create trigger notify_team_path after insert on public.team_paths for each row execute function notify_private.on_team_path();

-- Claiming what to send -----------------------------------------------------------------------------

/**
 * What is due at `at`, claimed: one element per push to send, { subscription_id, endpoint, p256dh,
 * auth, kind, keys, data }. Each key is inserted into deliveries first (on conflict: someone else has
 * it), so nothing is sent twice. Devices are walked `for update skip locked` (another run has them),
 * each in its own subtransaction, so one bad row never stops the run. Nothing goes during a device's
 * quiet hours; events wait (up to 24 hours, then they are dropped) and go out bundled when quiet ends.
 */
create function notify_private.claim(at timestamptz) returns jsonb language plpgsql security definer set search_path = '' as $$
declare
  result jsonb := '[]'::jsonb;
  device record;
  zone text;
  local_ts timestamp;
  local_hour integer;
  local_today date;
  due_count integer;
  due_names jsonb;
  claimed text[];
  items jsonb;
  event_kind text;
begin
  delete from notify_private.events e where e.created_at < at - interval '2 days';
  delete from notify_private.deliveries d where d.claimed_at < at - interval '3 days';

  for device in
    select s.* from public.push_subscriptions s
    where s.retry_after is null or s.retry_after <= at
    order by s.id
    for update of s skip locked
  loop
    begin
      zone := notify_private.safe_zone(device.time_zone);
      local_ts := pg_catalog.timezone(zone, at);
      local_hour := extract(hour from local_ts)::integer;
      local_today := local_ts::date;
      continue when notify_private.is_quiet(local_hour, device.quiet_start, device.quiet_end);

      -- The day's follow-ups, at the reminder hour.
      if device.follow_ups and device.last_reminder_on is distinct from local_today
         and local_hour = notify_private.reminder_hour(device.reminder_hour, device.quiet_start, device.quiet_end) then
        insert into notify_private.deliveries (subscription_id, key, claimed_at) values (device.id, 'follow-ups:' || local_today, at)
        on conflict do nothing;
        if found then
          update public.push_subscriptions s set last_reminder_on = local_today where s.id = device.id;
          select count(*)::integer, coalesce(pg_catalog.jsonb_agg(c.name order by c.due, c.name) filter (where c.n <= 2), '[]'::jsonb)
          into due_count, due_names
          from (select pg_catalog.btrim(c.first_name) as name, c.next_follow_up_on as due,
                       row_number() over (order by c.next_follow_up_on, pg_catalog.btrim(c.first_name), c.id) as n
                from public.contacts c
                where c.member_id = device.member_id and c.deleted_at is null and c.merged_into is null
                  and c.next_follow_up_on <= local_today) c;
          if due_count > 0 then
            result := result || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
              'subscription_id', device.id, 'endpoint', device.endpoint, 'p256dh', device.p256dh, 'auth', device.auth,
              'kind', 'follow_ups', 'keys', pg_catalog.jsonb_build_array('follow-ups:' || local_today),
              'data', pg_catalog.jsonb_build_object('count', due_count, 'names', due_names, 'day', local_today)));
          else
            update notify_private.deliveries d set status = 'empty' where d.subscription_id = device.id and d.key = 'follow-ups:' || local_today;
          end if;
        end if;
      end if;

      -- Hot leads and team events since the device subscribed, at most a day old, one push per kind.
      foreach event_kind in array array['hot_lead', 'team'] loop
        continue when (event_kind = 'hot_lead' and not device.hot_leads) or (event_kind = 'team' and not device.team);
        with due as (
          select e.id, e.data, e.created_at from notify_private.events e
          where e.member_id = device.member_id and e.kind = event_kind
            and e.created_at >= device.created_at and e.created_at > at - interval '24 hours' and e.created_at <= at + interval '1 minute'
            and not exists (select 1 from notify_private.deliveries d where d.subscription_id = device.id and d.key = 'event:' || e.id)
        ), taken as (
          insert into notify_private.deliveries (subscription_id, key, claimed_at)
          select device.id, 'event:' || due.id, at from due
          on conflict do nothing
          returning key
        )
        select pg_catalog.array_agg(t.key), pg_catalog.jsonb_agg(due.data || pg_catalog.jsonb_build_object('at', due.created_at) order by due.created_at, due.id)
        into claimed, items
        from taken t join due on t.key = 'event:' || due.id;
        if claimed is not null then
          result := result || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
            'subscription_id', device.id, 'endpoint', device.endpoint, 'p256dh', device.p256dh, 'auth', device.auth,
            'kind', event_kind, 'keys', pg_catalog.to_jsonb(claimed), 'data', pg_catalog.jsonb_build_object('items', items)));
        end if;
      end loop;

      -- Changes refused by the server and not reviewed for a day: once per review_pending_since.
      if device.sync_problems and device.review_pending_since is not null and device.review_pending_since <= at - interval '24 hours'
         and device.sync_notified_for is distinct from device.review_pending_since then
        insert into notify_private.deliveries (subscription_id, key, claimed_at)
        values (device.id, 'sync:' || extract(epoch from device.review_pending_since), at)
        on conflict do nothing;
        if found then
          update public.push_subscriptions s set sync_notified_for = device.review_pending_since where s.id = device.id;
          result := result || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
            'subscription_id', device.id, 'endpoint', device.endpoint, 'p256dh', device.p256dh, 'auth', device.auth,
            'kind', 'sync', 'keys', pg_catalog.jsonb_build_array('sync:' || extract(epoch from device.review_pending_since)),
            'data', pg_catalog.jsonb_build_object('since', device.review_pending_since)));
        end if;
      end if;
    exception when others then
      raise warning 'notify: device % skipped: %', device.id, sqlerrm;
    end;
  end loop;
  return result;
end;
$$;

/**
 * What the push services answered, one element per claimed push: { subscription_id, keys, outcome,
 * status, retry_after }. 'sent' and 'failed' (refused for good) close the claim; 'gone' (404, 410)
 * deletes the device; 'retry' (429, 5xx, unreachable) undoes the claim and holds the device until
 * retry_after seconds (60 unless told, at most an hour) after `at`.
 */
create function notify_private.report(at timestamptz, results jsonb) returns void language plpgsql security definer set search_path = '' as $$
declare
  r jsonb;
  device uuid;
  keys text[];
begin
  for r in select * from pg_catalog.jsonb_array_elements(case when pg_catalog.jsonb_typeof(results) = 'array' then results else '[]'::jsonb end) loop
    begin
      device := (r ->> 'subscription_id')::uuid;
      keys := array(select pg_catalog.jsonb_array_elements_text(r -> 'keys'));
      case r ->> 'outcome'
        when 'gone' then
          delete from public.push_subscriptions s where s.id = device;
        when 'retry' then
          delete from notify_private.deliveries d where d.subscription_id = device and d.key = any (keys);
          update public.push_subscriptions s
          set retry_after = at + pg_catalog.make_interval(secs => least(greatest(coalesce((r ->> 'retry_after')::integer, 60), 1), 3600)),
              last_reminder_on = case when exists (select 1 from unnest(keys) k where k like 'follow-ups:%') then null else s.last_reminder_on end,
              sync_notified_for = case when exists (select 1 from unnest(keys) k where k like 'sync:%') then null else s.sync_notified_for end
          where s.id = device;
        else
          update notify_private.deliveries d
          set status = case when r ->> 'outcome' = 'sent' then 'sent' else 'failed' end, status_code = (r ->> 'status')::integer
          where d.subscription_id = device and d.key = any (keys);
      end case;
    exception when others then
      raise warning 'notify: report % not applied: %', r, sqlerrm;
    end;
  end loop;
end;
$$;

-- The digest ----------------------------------------------------------------------------------------

/**
 * Members whose digest is due at `at` (enabled, their local hour is digest_hour, not sent today),
 * claimed (last_digest_on = their today), with what the email says: their address (auth.users), name,
 * yesterday's activities by kind and emails sent (their local yesterday), today's follow-ups.
 */
create function notify_private.digest_claim(at timestamptz) returns jsonb language plpgsql security definer set search_path = '' as $$
declare
  result jsonb := '[]'::jsonb;
  m record;
  zone text;
  local_ts timestamp;
  today date;
  day_start timestamptz;
  yesterday_start timestamptz;
begin
  for m in
    select st.* from public.notification_settings st
    where st.digest_enabled
    order by st.member_id
    for update of st skip locked
  loop
    begin
      zone := notify_private.safe_zone(m.time_zone);
      local_ts := pg_catalog.timezone(zone, at);
      today := local_ts::date;
      continue when extract(hour from local_ts)::integer <> m.digest_hour or m.last_digest_on is not distinct from today;
      day_start := pg_catalog.timezone(zone, today::timestamp);
      yesterday_start := pg_catalog.timezone(zone, (today - 1)::timestamp);
      update public.notification_settings st set last_digest_on = today where st.member_id = m.member_id;
      result := result || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
        'member_id', m.member_id,
        'email', (select u.email from auth.users u where u.id = m.member_id),
        'name', (select pg_catalog.btrim(p.full_name) from public.member_profiles p where p.id = m.member_id),
        'day', today,
        'previous_day_on', m.last_digest_on,
        'activities', coalesce((
          select pg_catalog.jsonb_object_agg(a.activity_type, a.n) from (
            select a.activity_type, count(*) as n from public.member_activities a
            where a.member_id = m.member_id and a.deleted_at is null and a.occurred_at >= yesterday_start and a.occurred_at < day_start
            group by a.activity_type) a), '{}'::jsonb),
        'emails_sent', (
          select count(*) from public.sent_emails s
          where s.member_id = m.member_id and s.deleted_at is null and s.channel = 'email' and s.sent_at >= yesterday_start and s.sent_at < day_start),
        'follow_ups', coalesce((
          select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('name', c.name, 'due', c.due) order by c.due, c.name) from (
            select pg_catalog.btrim(c.first_name || ' ' || c.last_name) as name, c.next_follow_up_on as due from public.contacts c
            where c.member_id = m.member_id and c.deleted_at is null and c.merged_into is null and c.next_follow_up_on <= today
            order by c.next_follow_up_on, c.first_name limit 50) c), '[]'::jsonb),
        'follow_up_count', (
          select count(*) from public.contacts c
          where c.member_id = m.member_id and c.deleted_at is null and c.merged_into is null and c.next_follow_up_on <= today)));
    exception when others then
      raise warning 'digest: member % skipped: %', m.member_id, sqlerrm;
    end;
  end loop;
  return result;
end;
$$;

/** A digest the provider did not take: the claim is undone, so a later run this hour tries again. */
create function notify_private.digest_unclaim(member uuid, day date, previous date) returns void
language sql security definer set search_path = '' as $$
  update public.notification_settings st set last_digest_on = previous where st.member_id = member and st.last_digest_on = day
$$;

-- The senders' entry points (service role only).
create function public.notify_claim(at timestamptz default now()) returns jsonb language sql security invoker set search_path = '' as $$
  select notify_private.claim(at)
$$;
create function public.notify_report(at timestamptz, results jsonb) returns void language sql security invoker set search_path = '' as $$
  select notify_private.report(at, results)
$$;
create function public.digest_claim(at timestamptz default now()) returns jsonb language sql security invoker set search_path = '' as $$
  select notify_private.digest_claim(at)
$$;
create function public.digest_unclaim(member uuid, day date, previous date) returns void language sql security invoker set search_path = '' as $$
  select notify_private.digest_unclaim(member, day, previous)
$$;

revoke all on all functions in schema notify_private from public, anon, authenticated, service_role;
grant execute on function notify_private.subscribe(text, text, text, text, text), notify_private.unsubscribe(text) to authenticated;
grant execute on function notify_private.claim(timestamptz), notify_private.report(timestamptz, jsonb),
  notify_private.digest_claim(timestamptz), notify_private.digest_unclaim(uuid, date, date) to service_role;

revoke all on function public.push_subscribe(text, text, text, text, text), public.push_unsubscribe(text),
  public.notify_claim(timestamptz), public.notify_report(timestamptz, jsonb), public.digest_claim(timestamptz),
  public.digest_unclaim(uuid, date, date) from public, anon, authenticated, service_role;
grant execute on function public.push_subscribe(text, text, text, text, text), public.push_unsubscribe(text) to authenticated;
grant execute on function public.notify_claim(timestamptz), public.notify_report(timestamptz, jsonb), public.digest_claim(timestamptz),
  public.digest_unclaim(uuid, date, date) to service_role;

insert into sync.constraint_messages (constraint_name, message) values
  ('push_subscriptions_endpoint_valid', 'A push endpoint is an https address of at most 2048 characters'),
  ('push_subscriptions_p256dh_valid', 'A push subscription key is 65 bytes in base64url'),
  ('push_subscriptions_auth_valid', 'A push subscription secret is 16 bytes in base64url'),
  ('push_subscriptions_user_agent_length', 'The device name can be at most 300 characters'),
  ('push_subscriptions_time_zone_valid', 'Choose a time zone'),
  ('push_subscriptions_reminder_hour_range', 'Choose an hour from 0 to 23'),
  ('push_subscriptions_quiet_start_range', 'Choose an hour from 0 to 23'),
  ('push_subscriptions_quiet_end_range', 'Choose an hour from 0 to 23'),
  ('notification_settings_digest_hour_range', 'Choose an hour from 0 to 23'),
  ('notification_settings_time_zone_valid', 'Choose a time zone');

-- The schedule: Supabase Cron calls the functions through pg_net with the URL and key from Vault
-- (secrets fieldbook_functions_url = https://<ref>.supabase.co/functions/v1 and fieldbook_cron_key =
-- the service-role key; see the README). supabase/local emulates cron, net and vault.
do $$ begin
  if exists (select 1 from pg_available_extensions where name = 'pg_cron') then create extension if not exists pg_cron; end if;
  if exists (select 1 from pg_available_extensions where name = 'pg_net') then create extension if not exists pg_net with schema extensions; end if;
end $$;
select cron.schedule('fieldbook-notify', '* * * * *', $job$ select net.http_post(url := (select decrypted_secret from vault.decrypted_secrets where name = 'fieldbook_functions_url') || '/notify', headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'fieldbook_cron_key')), body := jsonb_build_object('job', 'notify'), timeout_milliseconds := 10000) $job$);
select cron.schedule('fieldbook-digest', '5 * * * *', $job$ select net.http_post(url := (select decrypted_secret from vault.decrypted_secrets where name = 'fieldbook_functions_url') || '/digest', headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'fieldbook_cron_key')), body := jsonb_build_object('job', 'digest'), timeout_milliseconds := 10000) $job$);
