// Runs one Supabase Edge Function in Deno for the local stack (started by supabase/local/functions.ts):
//   deno run … edge-runtime.mjs <file URL of supabase/functions/<name>/index.ts>
//
// Like Supabase's Edge Runtime, it takes over Deno.serve: the function's own port and host are ignored,
// the server listens on a free loopback port, which is printed on stdout for the stack (LISTENING_MARKER).
// A function may also `export default { fetch }` instead of calling Deno.serve.
// A handler that throws answers 500 WORKER_ERROR (the error goes to stderr, the stack's log); an error
// outside a handler ends the process, and the stack starts a fresh one on the next request.
// The process ends when its stdin closes, so it never outlives the stack that started it.

const LISTENING_MARKER = '__fieldbook_edge_function_listening__';
const [entry] = Deno.args;
if (!entry) {
  console.error('edge-runtime.mjs: the function file URL is missing');
  Deno.exit(2);
}

const workerError = () =>
  Response.json({ code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' }, { status: 500 });

const denoServe = Deno.serve.bind(Deno);
let served = false;

Deno.serve = (...args) => {
  if (served) throw new Error('Deno.serve was called twice: an Edge Function serves one handler');
  served = true;
  const options = typeof args[0] === 'function' ? {} : { ...(args[0] ?? {}) };
  const handler = typeof args[0] === 'function' ? args[0] : typeof args[1] === 'function' ? args[1] : options.handler;
  if (typeof handler !== 'function') throw new TypeError('Deno.serve needs a handler function');
  const { onError } = options;
  delete options.port;
  delete options.hostname;
  delete options.path;
  delete options.handler;
  delete options.onListen;
  delete options.onError;
  return denoServe({
    ...options,
    hostname: '127.0.0.1',
    port: 0,
    onListen: ({ port }) => console.log(`${LISTENING_MARKER} ${port}`),
    handler: async (request, info) => {
      try {
        return await handler(request, info);
      } catch (error) {
        console.error('Uncaught error in the function handler:', error);
        if (typeof onError === 'function') {
          try {
            return await onError(error);
          } catch (again) {
            console.error('The onError handler threw too:', again);
          }
        }
        return workerError();
      }
    },
  });
};

// Stop with the stack: its end of our stdin closes when it exits, even when it is killed.
void (async () => {
  try {
    // Nothing is ever written here; reading only waits for the end.
    const reader = Deno.stdin.readable.getReader();
    while (!(await reader.read()).done);
  } catch {
    // A broken pipe ends the wait the same way.
  }
  Deno.exit(0);
})();

const module = await import(entry);
if (!served) {
  const fetchHandler = module.default?.fetch;
  if (typeof fetchHandler === 'function') Deno.serve((request, info) => fetchHandler.call(module.default, request, info));
  else {
    console.error(`${entry} neither calls Deno.serve(handler) nor exports default { fetch }`);
    Deno.exit(1);
  }
}
