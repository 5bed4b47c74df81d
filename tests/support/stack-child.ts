// The child of stack-process.ts: a local stack (PGlite in memory, or STACK_DATABASE_URL) on a free
// port; answers SQL over IPC until told to close, or until its parent is gone.
import { startLocalStack } from '../../supabase/local/server';

const databaseUrl = process.env['STACK_DATABASE_URL'];
const stack = await startLocalStack({ port: 0, seed: false, ...(databaseUrl ? { databaseUrl } : {}) });
const stop = () => void stack.close().finally(() => process.exit(0));
process.on('disconnect', stop);
const reply = (message: unknown) => {
  try {
    process.send?.(message);
  } catch (error) {
    // An answer IPC cannot carry (a bigint, say) is answered as an error instead.
    process.send?.({ ...(message as { id: number }), rows: undefined, error: `the answer cannot be sent: ${String(error)}` });
  }
};
process.on('message', (message: { id?: number; sql?: string; params?: unknown[]; close?: boolean }) => {
  if (message.close) return stop();
  if (message.id === undefined || message.sql === undefined) return;
  const { id } = message;
  stack.db.query(message.sql, message.params ?? []).then(
    ({ rows }) => reply({ id, rows }),
    (error: unknown) => reply({ id, error: String(error) }),
  );
});
reply({ ready: { url: stack.url, anonKey: stack.anonKey, serviceRoleKey: stack.serviceRoleKey } });
