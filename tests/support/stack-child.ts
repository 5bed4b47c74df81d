// The child of stack-process.ts: a local stack (PGlite in memory, or STACK_DATABASE_URL) on a free
// port; answers SQL over IPC until told to close.
import { startLocalStack } from '../../supabase/local/server';

const databaseUrl = process.env['STACK_DATABASE_URL'];
const stack = await startLocalStack({ port: 0, seed: false, ...(databaseUrl ? { databaseUrl } : {}) });
process.on('message', (message: { id?: number; sql?: string; params?: unknown[]; close?: boolean }) => {
  if (message.close) {
    void stack.close().finally(() => process.exit(0));
    return;
  }
  if (message.id === undefined || message.sql === undefined) return;
  const { id } = message;
  stack.db.query(message.sql, message.params ?? []).then(
    ({ rows }) => process.send?.({ id, rows }),
    (error: unknown) => process.send?.({ id, error: String(error) }),
  );
});
process.send?.({ ready: { url: stack.url, anonKey: stack.anonKey, serviceRoleKey: stack.serviceRoleKey } });
