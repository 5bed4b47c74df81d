-- Hard deletes reach clients through their tombstones: sync_deleted_rows joins the realtime
-- publication, so a client subscribes to its own tombstones (filtered by member_id, checked by
-- row-level security) instead of listening to every member's unfilterable DELETE events.
alter publication supabase_realtime add table public.sync_deleted_rows;
