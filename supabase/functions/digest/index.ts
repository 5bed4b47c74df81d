// POST /functions/v1/digest: one run of the daily digest email, called hourly by Supabase Cron
// (migration 20261129001100_notifications.sql). Only the service-role key may call it (401
// otherwise); the body may carry `now` (ISO time). Answers { due, sent, failed }. The logic is in
// ../_shared/digest.ts.
//
// Environment: SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY (set by hosted Supabase), EMAIL_API_URL and
// EMAIL_API_KEY (the provider's send endpoint and key), EMAIL_FROM (the sender address), optionally
// APP_URL (the app's address, for the link to Today).
import { runDigest, restDigestStore } from '../_shared/digest.ts';
import { jobRequest, json } from '../_shared/notifications.ts';

const url = Deno.env.get('SUPABASE_URL') ?? '';
const serviceRoleKey = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY') ?? '';
const emailUrl = Deno.env.get('EMAIL_API_URL') ?? '';
const emailKey = Deno.env.get('EMAIL_API_KEY') ?? '';
const from = Deno.env.get('EMAIL_FROM') ?? '';
const appUrl = Deno.env.get('APP_URL') ?? '';

Deno.serve(async (request) => {
  try {
    const job = await jobRequest(request, serviceRoleKey);
    if (job instanceof Response) return job;
    if (!url) return json(503, { error: 'SUPABASE_URL is not set' });
    if (!emailUrl || !emailKey || !from) return json(503, { error: 'Email is not configured: set EMAIL_API_URL, EMAIL_API_KEY and EMAIL_FROM' });
    const summary = await runDigest({
      store: restDigestStore({ url, serviceRoleKey }),
      provider: { url: emailUrl, key: emailKey },
      from,
      appUrl,
      now: job.now,
      log: (line) => console.warn(line),
    });
    return json(200, summary);
  } catch (error) {
    console.error('digest: run failed', error);
    return json(500, { error: 'The run failed; see the function log' });
  }
});
