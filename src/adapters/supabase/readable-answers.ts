import type { RemoteErrorKind } from '../../sync/ports';
import { err, ok, type Result } from '../../shared/result';
import { remoteErrorOf } from './supabase-remote';

/*
 * Requests whose failures a member reads (the team, notifications): every answer comes back as a
 * Result with a sentence, one per failure kind as the sync remote classifies them (remoteErrorOf),
 * unless the caller has better words for an answer (the team's own refusals).
 */

export type Answer = { data: unknown; error: { message: string; code?: string; details?: string | null } | null; status: number };

/** One sentence per failure kind; `auth` says what signing in again is for. */
export const readableMessages = (auth: string): Readonly<Record<RemoteErrorKind, string>> => ({
  offline: 'Could not reach the server. Check your connection and try again.',
  auth,
  forbidden: 'You are not allowed to do that.',
  timeout: 'The server took too long to answer. Try again.',
  conflict: 'That changed on the server meanwhile. Try again.',
  invalid: 'The server did not accept that. Try again.',
  server: 'The server is not answering right now. Try again in a minute.',
});

/**
 * A `run(request, parse)` answering ok(parsed) or err(sentence): offline when the request throws,
 * `describe(answer)` for a refusal, the server's sentence when the data does not parse.
 */
export function readableRunner(messages: Readonly<Record<RemoteErrorKind, string>>, describe: (answer: Pick<Answer, 'error' | 'status'>) => string = (answer) => messages[remoteErrorOf(answer).kind]) {
  return async function run<T>(request: () => PromiseLike<Answer>, parse: (data: unknown) => T | null): Promise<Result<T, string>> {
    let answer: Answer;
    try {
      answer = await request();
    } catch {
      return err(messages.offline);
    }
    if (answer.error) return err(describe(answer));
    const parsed = parse(answer.data);
    return parsed === null ? err(messages.server) : ok(parsed);
  };
}
