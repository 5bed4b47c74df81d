// GET and HEAD /functions/v1/r/<code>: the public redirect of tracked links (verify_jwt = false in
// supabase/config.toml; deploy with `supabase functions deploy r --no-verify-jwt`). The logic is in
// ../_shared/redirect.ts; this file reads the environment and serves it.
//
// Environment (hosted Supabase sets the first two for every function):
//   SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY  reads link keys and writes clicks with the service role;
//   LINK_NETWORK_SECRET                      keys the stored network hashes (else derived from the service role key);
//   LINK_RATE_LIMIT_PER_MINUTE               hits a minute per code (30), per address four times that;
//   LINK_RATE_LIMIT_PER_ADDRESS_PER_MINUTE   overrides the per-address limit.
import { restClickStore } from '../_shared/click-store.ts';
import { createRedirect, DEFAULT_PER_CODE_PER_MINUTE, positiveNumber } from '../_shared/redirect.ts';

const url = Deno.env.get('SUPABASE_URL');
const serviceRoleKey = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY');
if (!url || !serviceRoleKey) throw new Error('r: SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY must be set');

const perCodePerMinute = positiveNumber(Deno.env.get('LINK_RATE_LIMIT_PER_MINUTE'), DEFAULT_PER_CODE_PER_MINUTE);
const edgeRuntime = (globalThis as { EdgeRuntime?: { waitUntil?: (work: Promise<unknown>) => void } }).EdgeRuntime;

const redirect = createRedirect({
  store: restClickStore({ url, serviceRoleKey }),
  networkSecret: Deno.env.get('LINK_NETWORK_SECRET') || serviceRoleKey,
  perCodePerMinute,
  perAddressPerMinute: positiveNumber(Deno.env.get('LINK_RATE_LIMIT_PER_ADDRESS_PER_MINUTE'), perCodePerMinute * 4),
  ...(typeof edgeRuntime?.waitUntil === 'function' ? { waitUntil: (work: Promise<unknown>) => edgeRuntime.waitUntil!(work) } : {}),
});

Deno.serve(async (request, info) => {
  try {
    // Some runtimes give no connection info: the address then comes from x-forwarded-for only.
    const peer = (info as Partial<typeof info> | undefined)?.remoteAddr;
    const remote = peer && (peer.transport === 'tcp' || peer.transport === 'udp') ? peer.hostname : '';
    return await redirect.handle(request, remote);
  } catch (error) {
    console.error('r: unexpected error', error);
    return new Response(null, { status: 500, headers: { 'Cache-Control': 'no-store' } });
  }
});
