-- Tracked links: every link in a sent message becomes a link unique to (that send, that URL), and the
-- clicks on it arrive live on the sender's devices, classified as a person, a link preview or a scanner.
--
-- Links are made on the device, offline too, so a link must work before the server has heard of it:
-- its code carries the target URL, signed with a per-member link key (link_keys, synced to the member's
-- devices; the redirect reads it with the service role). The redirect (supabase/functions/r) checks the
-- signature, so it never sends anyone to a URL no member put in a message, records the click in
-- email_clicks (link_id from the code; sent_email_id once the link's row is known) and redirects.
-- When a link's row arrives after its clicks (an offline send), trigger attach_link_clicks gives those
-- clicks their sent message. A person's click on a known send becomes one feed activity, 'link_opened'
-- (id = the click's id, so it is written once whoever gets there first).

-- Every send of a template is recorded, on any channel; a template can opt out of tracking.
alter table public.sent_emails
  add column channel text not null default 'email' constraint sent_emails_channel_valid check (channel in ('email', 'sms', 'whatsapp'));
alter table public.email_templates
  add column track_links boolean not null default true;

create table public.link_keys (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  -- 8 random bytes and 32 random bytes, base64url without padding.
  key_id text not null constraint link_keys_key_id_format check (key_id ~ '^[A-Za-z0-9_-]{11}$'),
  secret text not null constraint link_keys_secret_format check (secret ~ '^[A-Za-z0-9_-]{43}$'),
  created_at timestamptz not null default now() constraint link_keys_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint link_keys_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint link_keys_key_id_unique unique (key_id)
);

create table public.tracked_links (
  -- The id is also in the link's code: the redirect records clicks against it before this row exists.
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null default auth.uid() references public.members (id) on delete cascade,
  sent_email_id uuid,
  url text not null constraint tracked_links_url_valid check (char_length(url) <= 2048 and url ~* '^https?://'),
  created_at timestamptz not null default now() constraint tracked_links_created_at_year check (sync.valid_time(created_at)),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz constraint tracked_links_deleted_at_year check (sync.valid_time(deleted_at)),
  field_stamps jsonb not null default '{}'::jsonb,
  sync_xid xid8 not null default pg_current_xact_id(),
  constraint tracked_links_sent_email_same_member foreign key (sent_email_id, member_id) references public.sent_emails (id, member_id)
);
create index tracked_links_sent_email on public.tracked_links (sent_email_id, member_id);

alter table public.email_clicks
  alter column sent_email_id drop not null,
  add column link_id uuid,
  add column kind text not null default 'person' constraint email_clicks_kind_valid check (kind in ('person', 'preview', 'scanner')),
  -- Why the click was classified so ('WhatsApp preview', 'HEAD request', …); never the full user agent.
  add column reason text not null default '' constraint email_clicks_reason_length check (char_length(reason) <= 100),
  -- A keyed hash of the clicker's network (/24 or /48), enough to tell "another network"; no address.
  add column network text not null default '' constraint email_clicks_network_length check (char_length(network) <= 64);
create index email_clicks_link on public.email_clicks (link_id, clicked_at) where link_id is not null;

select sync.add_member_table(t) from unnest(array['link_keys', 'tracked_links']) as t;

/** A link key never changes once made: links already sent were signed with it. */
create function sync.keep_link_key() returns trigger language plpgsql as $$
begin
  if new.key_id is distinct from old.key_id or new.secret is distinct from old.secret then
    raise exception 'A link key cannot be changed' using errcode = '42501';
  end if;
  return new;
end;
$$;
create trigger keep_link_key before update on public.link_keys for each row execute function sync.keep_link_key();

/** Clicks that came before their link's row: they get its sent message now. */
create function sync.attach_link_clicks() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  if new.sent_email_id is not null then
    update public.email_clicks set sent_email_id = new.sent_email_id
    where link_id = new.id and member_id = new.member_id and sent_email_id is null;
  end if;
  return null;
end;
$$;
create trigger attach_link_clicks after insert or update of sent_email_id on public.tracked_links for each row execute function sync.attach_link_clicks();

/** A person's click on a known send: one 'link_opened' activity, named after the contact and template. */
create function sync.click_activity() returns trigger language plpgsql security definer set search_path = '' as $$
declare
  sent record;
begin
  if new.kind <> 'person' or new.sent_email_id is null or new.deleted_at is not null then
    return null;
  end if;
  select s.contact_id, s.template_id, s.sent_at into sent from public.sent_emails s where s.id = new.sent_email_id and s.member_id = new.member_id;
  if not found then
    return null;
  end if;
  insert into public.member_activities (id, member_id, contact_id, activity_type, metadata, occurred_at)
  values (
    new.id, new.member_id, sent.contact_id, 'link_opened',
    jsonb_strip_nulls(jsonb_build_object(
      'contact_name', (select left(btrim(c.first_name || ' ' || c.last_name), 201) from public.contacts c where c.id = sent.contact_id),
      'template_name', (select left(t.name, 80) from public.email_templates t where t.id = sent.template_id),
      'url', left(new.url, 500))),
    new.clicked_at)
  on conflict (id) do nothing;
  return null;
end;
$$;
create trigger click_activity after insert or update of sent_email_id on public.email_clicks for each row execute function sync.click_activity();

alter table public.member_activities drop constraint member_activities_activity_type_valid;
alter table public.member_activities add constraint member_activities_activity_type_valid check (
  activity_type in ('contact_added', 'contact_updated', 'contact_deleted', 'stage_changed', 'call', 'text', 'whatsapp', 'email_sent',
                    'follow_up_set', 'note', 'test', 'contacts_imported', 'contacts_merged', 'link_opened')
);

insert into sync.constraint_messages (constraint_name, message) values
  ('sent_emails_channel_valid', 'Choose email, text message or WhatsApp'),
  ('link_keys_key_id_format', 'A link key id has 11 URL-safe characters'),
  ('link_keys_secret_format', 'A link key has 43 URL-safe characters'),
  ('link_keys_key_id_unique', 'This link key id is taken'),
  ('tracked_links_url_valid', 'A tracked link is an http(s) address of at most 2048 characters'),
  ('tracked_links_sent_email_same_member', 'It refers to an item that does not exist (or is not yours)'),
  ('email_clicks_kind_valid', 'Unknown kind of click'),
  ('email_clicks_reason_length', 'Reason can be at most 100 characters'),
  ('email_clicks_network_length', 'Network can be at most 64 characters');

revoke all on function sync.keep_link_key(), sync.attach_link_clicks(), sync.click_activity() from public, anon, authenticated;
