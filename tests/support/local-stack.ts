import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startLocalStack, type LocalStack } from '../../supabase/local/server';
import type { Database } from '../../src/adapters/supabase/database.types';

/** An in-memory local stack on a free port, seeded. */
export function startTestStack(options: { seed?: boolean } = {}): Promise<LocalStack> {
  return startLocalStack({ port: 0, seed: options.seed ?? true });
}

export type Client = SupabaseClient<Database>;

/** What a client needs of a stack: where it is and its anon key (in this process or its own). */
export type StackAddress = Pick<LocalStack, 'url' | 'anonKey'>;

/** The real supabase-js client, as the app will use it (Node needs the ws transport). */
export function clientFor(stack: StackAddress, key: string = stack.anonKey, options: { reconnectAfterMs?: number } = {}): Client {
  const { reconnectAfterMs } = options;
  return createClient<Database>(stack.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: {
      transport: WebSocket as unknown as typeof globalThis.WebSocket,
      ...(reconnectAfterMs === undefined ? {} : { reconnectAfterMs: () => reconnectAfterMs }),
    },
  });
}

let counter = 0;

/** A new user signed in on its own client. */
export async function signedInClient(
  stack: StackAddress,
  prefix = 'user',
  options: { reconnectAfterMs?: number } = {},
): Promise<{ client: Client; userId: string; email: string }> {
  counter += 1;
  const email = `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const client = clientFor(stack, stack.anonKey, options);
  const { data, error } = await client.auth.signUp({ email, password: 'correct-horse-battery' });
  if (error || !data.user) throw new Error(`sign-up failed: ${error?.message ?? 'no user'}`);
  return { client, userId: data.user.id, email };
}
