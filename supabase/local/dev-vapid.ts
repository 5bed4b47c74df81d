// VAPID keys for `npm run dev` and `npm run stack`, so the app's notifications work locally with no
// setup: the pair in supabase/functions/.env or the environment when there is one, else a pair made on
// first start and kept in .local/vapid.json (git-ignored), so subscriptions survive restarts.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readDotEnv } from './functions';

export type VapidEnv = { VAPID_PUBLIC_KEY: string; VAPID_PRIVATE_KEY: string; VAPID_SUBJECT: string };

const SUBJECT = 'mailto:dev@fieldbook.invalid';

/** A P-256 pair as Web Push wants it: the public key uncompressed (65 bytes), the private scalar, base64url. */
export function makeVapidKeys(): Omit<VapidEnv, 'VAPID_SUBJECT'> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pub = publicKey.export({ format: 'jwk' });
  const priv = privateKey.export({ format: 'jwk' });
  const raw = Buffer.concat([Buffer.from([4]), Buffer.from(pub.x!, 'base64url'), Buffer.from(pub.y!, 'base64url')]);
  return { VAPID_PUBLIC_KEY: raw.toString('base64url'), VAPID_PRIVATE_KEY: priv.d! };
}

/**
 * The VAPID variables to give the functions, or {} when the developer set their own (environment or
 * supabase/functions/.env, which the functions read anyway).
 */
export function devVapidEnv(options: { readonly functionsDir: string; readonly stateFile: string }): Partial<VapidEnv> {
  const own = { ...readDotEnv(join(options.functionsDir, '.env')), ...process.env };
  if (own['VAPID_PUBLIC_KEY'] && own['VAPID_PRIVATE_KEY']) return {};
  if (existsSync(options.stateFile)) {
    try {
      const kept = JSON.parse(readFileSync(options.stateFile, 'utf8')) as Partial<VapidEnv>;
      if (kept.VAPID_PUBLIC_KEY && kept.VAPID_PRIVATE_KEY) return { VAPID_SUBJECT: SUBJECT, ...kept };
    } catch {
      // A damaged file: make a new pair (devices subscribe again at their next start).
    }
  }
  const made = { ...makeVapidKeys(), VAPID_SUBJECT: SUBJECT };
  mkdirSync(dirname(options.stateFile), { recursive: true });
  writeFileSync(options.stateFile, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
  return made;
}
