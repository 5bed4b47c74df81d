-- Demo data for local development: one member (demo@fieldbook.test) with realistic contacts,
-- templates and activities. Runs as the database owner after the migrations (supabase db reset).
-- The member row and empty profile come from the on_auth_user_created trigger.

insert into auth.users (id, aud, role, email, email_confirmed_at, raw_user_meta_data)
values ('00000000-0000-4000-8000-00000000d3e0', 'authenticated', 'authenticated', 'demo@fieldbook.test', now(), '{"full_name": "Sam Lee"}')
on conflict (id) do nothing;

update public.member_profiles
set company = 'Glow & Co', phone = '+1 555 010 0000', timezone = 'America/New_York'
where id = '00000000-0000-4000-8000-00000000d3e0';

insert into public.contacts (id, member_id, first_name, last_name, phone, email, stage, contact_type, lead_source, tags, notes, next_follow_up_on, last_touched_at)
select
  ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
  '00000000-0000-4000-8000-00000000d3e0',
  (array['Jane', 'Marcus', 'Priya', 'Tom', 'Olivia', 'Ken', 'Amara', 'Luis', 'Sofia', 'Dev', 'Hannah', 'Yusuf'])[1 + n % 12],
  (array['Doe', 'Reed', 'Shah', 'Nguyen', 'Martin', 'Okafor', 'Lopez', 'Fischer', 'Khan', 'Brown'])[1 + (n * 7) % 10],
  '+1 555 010 ' || lpad((100 + n)::text, 4, '0'),
  'contact' || n || '@example.com',
  (array['new', 'contacted', 'presented', 'follow_up', 'customer', 'team_member', 'not_interested'])[1 + n % 7],
  case when n % 3 = 0 then 'business' else 'customer' end,
  (array['Instagram', 'Referral', 'Facebook group', 'School fair', 'Gym'])[1 + n % 5],
  case when n % 4 = 0 then array['vip'] when n % 5 = 0 then array['wellness', 'reorder'] else array[]::text[] end,
  case when n % 6 = 0 then 'Interested in the starter kit; call after payday.' else '' end,
  case when n % 4 = 1 then current_date + (n % 9 - 3) else null end,
  now() - make_interval(days => (n * 5) % 45)
from generate_series(1, 30) as n
on conflict (id) do nothing;

insert into public.email_templates (id, member_id, name, channel, subject, body)
values
  ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-00000000d3e0', 'Welcome', 'email', 'Great to meet you, {{first_name}}',
   E'Hi {{first_name|there}},\n\nLovely to meet you today! Here is the information I promised.\n\n{{my_name}}'),
  ('00000000-0000-4000-8000-00000000e002', '00000000-0000-4000-8000-00000000d3e0', 'Quick check-in', 'sms', '',
   'Hey {{first_name}}, just checking in: did you get a chance to try the samples?')
on conflict (id) do nothing;

insert into public.member_activities (id, member_id, contact_id, activity_type, metadata, occurred_at)
select
  ('00000000-0000-4000-8000-1' || lpad(to_hex(n), 11, '0'))::uuid,
  '00000000-0000-4000-8000-00000000d3e0',
  ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
  (array['contact_added', 'call', 'text', 'email_sent', 'whatsapp'])[1 + n % 5],
  jsonb_build_object('contact_name', c.first_name || ' ' || c.last_name)
    || case when n % 5 = 1 then '{"outcome": "no_answer"}'::jsonb when n % 5 = 3 then '{"template_name": "Welcome"}'::jsonb else '{}'::jsonb end,
  now() - make_interval(hours => n * 3)
from generate_series(1, 30) as n
join public.contacts c on c.id = ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid
on conflict (id) do nothing;
