// GET /functions/v1/health: {"ok": true, "time": "<ISO time>"}, public (verify_jwt = false in config.toml).
// A liveness check for the functions runtime, locally (supabase/local) and on hosted Supabase.
Deno.serve(() => Response.json({ ok: true, time: new Date().toISOString() }, { headers: { 'Cache-Control': 'no-store' } }));
