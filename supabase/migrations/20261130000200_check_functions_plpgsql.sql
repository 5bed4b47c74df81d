-- Three CHECK functions in PL/pgSQL instead of SQL, same expressions, same answers.
--
-- sync.valid_point_items (contacts.phones, contacts.emails), sync.valid_tag_items (contacts.tags) and
-- sync.valid_activity_metadata (member_activities.metadata) were SQL functions. PostgreSQL prepares a
-- table's CHECK expressions for every INSERT or UPDATE statement, and a SQL function is set up again
-- each time: the last one is inlined (its body parsed into the expression), the other two cannot be (a
-- subquery) and are planned again, on PostgreSQL 15 even once per subtransaction, so once per mutation
-- of a push. That cost about 0.1 ms each per statement, about as much as writing the row: most
-- statements here write one row (a device's push, a REST insert). A PL/pgSQL function is compiled once
-- per session and keeps its plans. Measured on PGlite, interleaved against an unchanged database: a push
-- of a new contact and its activity 4.65 -> 4.28 ms of CPU, a one-row REST insert of a contact 1.73 ->
-- 1.56 ms, a 500-contact push (one statement per 100 rows) unchanged (294 -> 296 ms). The functions stay
-- IMMUTABLE and keep their OIDs, so the constraints that call them are untouched; each body is the SQL
-- function's expression, returned as is (tests/supabase/limits.test.ts sends every boundary to both).

create or replace function sync.valid_point_items(points jsonb, kind text) returns boolean language plpgsql immutable as $$
begin
  return jsonb_typeof(points) <> 'array' or not exists (
      select 1 from jsonb_array_elements(points) as p
      where jsonb_typeof(p) <> 'object'
         or jsonb_typeof(p -> 'label') is distinct from 'string' or char_length(p ->> 'label') > 40
         or jsonb_typeof(p -> 'value') is distinct from 'string' or btrim(p ->> 'value') = ''
         or (select count(*) from jsonb_object_keys(p)) <> 2
         or case kind
              when 'phone' then char_length(p ->> 'value') > 32 or not sync.valid_phone_chars(p ->> 'value') or not sync.valid_phone_digits(p ->> 'value')
              else char_length(p ->> 'value') > 254 or (p ->> 'value') !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
            end
    );
end;
$$;

create or replace function sync.valid_tag_items(tags text[]) returns boolean language plpgsql immutable as $$
begin
  return not exists (select 1 from unnest(tags) as tag where tag is null or char_length(btrim(tag)) = 0 or char_length(tag) > 40);
end;
$$;

create or replace function sync.valid_activity_metadata(metadata jsonb) returns boolean language plpgsql immutable as $$
begin
  return jsonb_typeof(metadata) = 'object'
       and pg_column_size(metadata) <= 4096
       and (not metadata ? 'contact_name' or (jsonb_typeof(metadata -> 'contact_name') = 'string' and char_length(metadata ->> 'contact_name') <= 201))
       and (not metadata ? 'template_name' or (jsonb_typeof(metadata -> 'template_name') = 'string' and char_length(metadata ->> 'template_name') <= 80))
       and (not metadata ? 'subject' or (jsonb_typeof(metadata -> 'subject') = 'string' and char_length(metadata ->> 'subject') <= 200))
       and (not metadata ? 'stage' or (jsonb_typeof(metadata -> 'stage') = 'string' and char_length(metadata ->> 'stage') <= 40))
       and (not metadata ? 'from_stage' or (jsonb_typeof(metadata -> 'from_stage') = 'string' and char_length(metadata ->> 'from_stage') <= 40))
       and (not metadata ? 'note' or (jsonb_typeof(metadata -> 'note') = 'string' and char_length(metadata ->> 'note') <= 500))
       and (not metadata ? 'outcome' or metadata ->> 'outcome' in ('connected', 'no_answer', 'left_message', 'booked', 'not_now', 'replied'))
       and (not metadata ? 'follow_up_on' or (jsonb_typeof(metadata -> 'follow_up_on') = 'string' and metadata ->> 'follow_up_on' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'))
       and (not metadata ? 'count' or (jsonb_typeof(metadata -> 'count') = 'number' and (metadata ->> 'count')::numeric between 0 and 1000000))
       and (not metadata ? 'source' or (jsonb_typeof(metadata -> 'source') = 'string' and char_length(metadata ->> 'source') <= 100));
end;
$$;
