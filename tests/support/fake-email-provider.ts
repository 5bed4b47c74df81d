/*
 * An email provider's HTTP API for tests (the digest's EMAIL_API_URL): POST / with
 * `Authorization: Bearer <key>` and JSON { from, to, subject, text, html }. Records every request it
 * accepts; answers 401 for a wrong key, 400 for a body that is not such JSON, and `failNext(status)`
 * makes the next request fail with that status (recorded as refused).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedEmail = { readonly from: string; readonly to: string; readonly subject: string; readonly text: string; readonly html: string };

export type FakeEmailProvider = {
  /** http://127.0.0.1:<port>/send */
  readonly url: string;
  readonly key: string;
  /** Emails accepted (202), in order. */
  readonly received: ReceivedEmail[];
  /** Requests refused, with why. */
  readonly refused: { readonly status: number; readonly reason: string }[];
  readonly failNext: (status: number) => void;
  readonly close: () => Promise<void>;
};

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

export async function startFakeEmailProvider(key = `test-email-key-${Math.random().toString(36).slice(2)}`): Promise<FakeEmailProvider> {
  const received: ReceivedEmail[] = [];
  const refused: { status: number; reason: string }[] = [];
  const failures: number[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const answer = (status: number, body: unknown, reason?: string) => {
        if (reason !== undefined) refused.push({ status, reason });
        response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      };
      const body = await readBody(request);
      if (request.method !== 'POST') return answer(405, { error: 'POST only' }, `method ${request.method}`);
      if (request.headers.authorization !== `Bearer ${key}`) return answer(401, { error: 'bad key' }, 'bad key');
      const failure = failures.shift();
      if (failure !== undefined) return answer(failure, { error: 'failing on request' }, `failNext(${failure})`);
      let email: Record<string, unknown>;
      try {
        email = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return answer(400, { error: 'not JSON' }, 'not JSON');
      }
      const fields = ['from', 'to', 'subject', 'text', 'html'] as const;
      const missing = fields.filter((f) => typeof email[f] !== 'string' || email[f] === '');
      if (missing.length > 0) return answer(422, { error: `missing ${missing.join(', ')}` }, `missing ${missing.join(', ')}`);
      received.push(Object.fromEntries(fields.map((f) => [f, email[f] as string])) as ReceivedEmail);
      return answer(202, { id: `email-${received.length}` });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/send`,
    key,
    received,
    refused,
    failNext: (status) => failures.push(status),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
