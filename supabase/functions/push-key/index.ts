// GET /functions/v1/push-key: the VAPID public key the app subscribes with
// (`applicationServerKey`), public (verify_jwt = false in config.toml). 503 when VAPID_PUBLIC_KEY is
// not set, so the app can say push is not set up on this server.
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type',
};

Deno.serve((request) => {
  if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS });
  const headers = { ...CORS, 'Content-Type': 'application/json' };
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(JSON.stringify({ error: 'GET only' }), { status: 405, headers });
  const publicKey = Deno.env.get('VAPID_PUBLIC_KEY') ?? '';
  if (!publicKey) {
    return new Response(JSON.stringify({ error: 'Push notifications are not set up on this server (VAPID_PUBLIC_KEY is not set)' }), {
      status: 503,
      headers: { ...headers, 'Cache-Control': 'no-store' },
    });
  }
  return new Response(JSON.stringify({ publicKey }), { status: 200, headers: { ...headers, 'Cache-Control': 'public, max-age=300' } });
});
