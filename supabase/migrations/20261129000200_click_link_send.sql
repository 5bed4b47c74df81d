-- A click gets its link's sent message in the database, whichever of the two arrives first.
--
-- The redirect (supabase/functions/r) stores a click with the link id from the code and no sent message.
-- If the link's row (tracked_links) is there, trigger click_link_send fills the sent message in on insert;
-- if it comes later, attach_link_clicks (20261129000100) fills it in then. Both take the same lock on the
-- link id, and each reads after taking it, so a click and its link's row committed at the same moment
-- cannot miss each other (without it, a click inserted while the link's row was being inserted would see
-- no link, and the link's update would not see the uncommitted click).

/** The transaction lock for one link id, shared by the two triggers. */
create function sync.lock_link(link uuid) returns void language sql volatile as $$
  select pg_advisory_xact_lock(hashtext('fieldbook.tracked_link'), hashtext(link::text));
$$;

/** A click on a link whose row is already there: its sent message (only the link owner's). */
create function sync.click_link_send() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  if new.link_id is not null and new.sent_email_id is null then
    perform sync.lock_link(new.link_id);
    select l.sent_email_id into new.sent_email_id
    from public.tracked_links l
    where l.id = new.link_id and l.member_id = new.member_id;
  end if;
  return new;
end;
$$;
-- Before merge_fields (triggers of one kind fire in name order), so the value is stamped with the row.
create trigger click_link_send before insert on public.email_clicks for each row execute function sync.click_link_send();

create or replace function sync.attach_link_clicks() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  if new.sent_email_id is not null then
    perform sync.lock_link(new.id);
    update public.email_clicks set sent_email_id = new.sent_email_id
    where link_id = new.id and member_id = new.member_id and sent_email_id is null;
  end if;
  return null;
end;
$$;

revoke all on function sync.lock_link(uuid), sync.click_link_send() from public, anon, authenticated;
