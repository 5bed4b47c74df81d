// POST /functions/v1/notify: one run of the push sender, called every minute by Supabase Cron
// (migration 20261129001100_notifications.sql: pg_cron + pg_net, with the URL and the service-role key
// from Vault). Only the service-role key may call it (401 otherwise); the body may carry `now` (ISO
// time) to run as of another moment (the tests control the clock with it). Answers
// { claimed, sent, failed, gone, retry }. The logic is in ../_shared/notifications.ts.
//
// Environment: SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY (set by hosted Supabase), VAPID_PUBLIC_KEY,
// VAPID_PRIVATE_KEY (`npm run vapid:keys`) and VAPID_SUBJECT (mailto: or https: of whoever runs it).
import { jobRequest, json, restNotifyStore, runNotify } from '../_shared/notifications.ts';
import { sendPush } from '../_shared/web-push.ts';

const url = Deno.env.get('SUPABASE_URL') ?? '';
const serviceRoleKey = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY') ?? '';
const vapid = {
  publicKey: Deno.env.get('VAPID_PUBLIC_KEY') ?? '',
  privateKey: Deno.env.get('VAPID_PRIVATE_KEY') ?? '',
  subject: Deno.env.get('VAPID_SUBJECT') ?? '',
};

Deno.serve(async (request) => {
  try {
    const job = await jobRequest(request, serviceRoleKey);
    if (job instanceof Response) return job;
    if (!url) return json(503, { error: 'SUPABASE_URL is not set' });
    if (!vapid.publicKey || !vapid.privateKey || !vapid.subject) {
      return json(503, { error: 'Push is not configured: set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT (supabase secrets set …)' });
    }
    const summary = await runNotify({
      store: restNotifyStore({ url, serviceRoleKey }),
      send: sendPush,
      vapid,
      now: job.now,
      log: (line) => console.warn(line),
    });
    return json(200, summary);
  } catch (error) {
    console.error('notify: run failed', error);
    return json(500, { error: 'The run failed; see the function log' });
  }
});
