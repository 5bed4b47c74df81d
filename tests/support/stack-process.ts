import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The local stack in a process of its own, as `npm run dev` runs it, for benchmarks that measure a
 * device: the server's work then runs beside the device's, not in its thread. `query` runs SQL in the
 * stack's database (as the stack's superuser) to prepare data.
 */
export type StackProcess = {
  readonly url: string;
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  readonly db: { readonly query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<{ rows: T[] }> };
  readonly close: () => Promise<void>;
};

type Reply = { id: number; rows?: unknown[]; error?: string };

export function startStackProcess(options: { databaseUrl?: string } = {}): Promise<StackProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./stack-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...(options.databaseUrl ? { STACK_DATABASE_URL: options.databaseUrl } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  let next = 0;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(error));
    child.once('exit', (code) => {
      const gone = new Error(`the stack process exited (${code})`);
      reject(gone); // before it was ready; a no-op after
      for (const pending of waiting.values()) pending.reject(gone);
      waiting.clear();
    });
    child.on('message', (message: { ready?: { url: string; anonKey: string; serviceRoleKey: string } } & Partial<Reply>) => {
      if (message.ready) {
        const { url, anonKey, serviceRoleKey } = message.ready;
        resolve({
          url,
          anonKey,
          serviceRoleKey,
          db: {
            query: <T,>(sql: string, params: unknown[] = []) =>
              new Promise<{ rows: T[] }>((done, fail) => {
                if (!child.connected) return fail(new Error('the stack process is gone'));
                next += 1;
                waiting.set(next, { resolve: (rows) => done({ rows: rows as T[] }), reject: fail });
                child.send({ id: next, sql, params });
              }),
          },
          close: () => {
            if (child.connected) child.send({ close: true });
            return exited;
          },
        });
        return;
      }
      const pending = message.id === undefined ? undefined : waiting.get(message.id);
      if (!pending || message.id === undefined) return;
      waiting.delete(message.id);
      if (message.error !== undefined) pending.reject(new Error(message.error));
      else pending.resolve(message.rows ?? []);
    });
  });
}
