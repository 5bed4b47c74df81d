-- The team feed, hardened after an adversarial review.
--
-- * Ids nobody else can guess: a member's devices derive the id of a day's win (and of their reaction
--   to a win) from a secret only the member's devices know, member_profiles.win_salt (made by the
--   server, synced like the rest of the profile, read by nobody else). Before, the id came from the
--   member id, kind and day, so anyone who knew a member id could take that id first (the member's
--   own win was then refused) or probe whether a win existed.
-- * A win keeps its kind and author once written (a member could turn a shared "new customer" into a
--   kind they never chose to share), its first time and its largest number (two devices share one
--   win), and no win is dated in the future (it would stay at the top of every feed).
-- * A reaction stays on its win and only on a win the member can see that is not deleted, at most
--   one of each kind per member and win; comments and reactions are not added to deleted wins.

alter table public.member_profiles
  add column win_salt text not null default replace(gen_random_uuid()::text, '-', '')
    constraint member_profiles_win_salt_format check (win_salt ~ '^[0-9a-f]{32}$');

create function team_private.keep_win() returns trigger language plpgsql set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    -- A clock ahead (or a crafted row) would pin the win to the top of every feed.
    if new.occurred_at > now() then new.occurred_at := now(); end if;
    return new;
  end if;
  if new.kind is distinct from old.kind or new.member_id is distinct from old.member_id then
    raise exception 'A win keeps its kind; share a new one instead' using errcode = 'P0001';
  end if;
  -- Two devices sharing the same day's win (each from its own counts, offline) write one row: it keeps
  -- its first time and the larger number, whichever device wrote last. What is kept is stamped after
  -- the write it overrules, so that device takes the kept value on its next pull.
  if new.occurred_at is distinct from old.occurred_at then
    new.occurred_at := old.occurred_at;
    new.field_stamps := new.field_stamps || jsonb_build_object('occurred_at', sync.stamp_after(new.field_stamps ->> 'occurred_at'));
  end if;
  if new.amount < old.amount then
    new.amount := old.amount;
    new.field_stamps := new.field_stamps || jsonb_build_object('amount', sync.stamp_after(new.field_stamps ->> 'amount'));
  end if;
  return new;
end;
$$;
-- Named to run after merge_fields (triggers fire in name order), on the values the merge kept.
create trigger team_wins_keep before insert or update on public.team_wins for each row execute function team_private.keep_win();

create function team_private.keep_reaction() returns trigger language plpgsql set search_path = '' as $$
begin
  if new.win_id is distinct from old.win_id or new.emoji is distinct from old.emoji then
    raise exception 'A reaction stays on its win' using errcode = 'P0001';
  end if;
  return new;
end;
$$;
create trigger team_reactions_keep before update on public.team_reactions for each row execute function team_private.keep_reaction();
revoke all on function team_private.keep_win(), team_private.keep_reaction() from public, anon, authenticated;

create unique index team_reactions_one_per_kind on public.team_reactions (member_id, win_id, emoji);

drop policy "Reactions only on visible wins" on public.team_reactions;
create policy "Reactions only on visible wins" on public.team_reactions as restrictive for insert to authenticated
  with check (exists (select 1 from public.team_wins w where w.id = win_id and w.deleted_at is null));
create policy "Reactions stay on visible wins" on public.team_reactions as restrictive for update to authenticated
  using (exists (select 1 from public.team_wins w where w.id = win_id))
  with check (exists (select 1 from public.team_wins w where w.id = win_id));
drop policy "Comments only on visible wins" on public.team_comments;
create policy "Comments only on visible wins" on public.team_comments as restrictive for insert to authenticated
  with check (exists (select 1 from public.team_wins w where w.id = win_id and w.deleted_at is null));

insert into sync.constraint_messages (constraint_name, message) values
  ('member_profiles_win_salt_format', 'The profile''s win key is 32 hexadecimal characters'),
  ('team_reactions_one_per_kind', 'You already reacted to this win that way');
