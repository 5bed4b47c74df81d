import { SignJWT, jwtVerify, type JWTPayload } from 'jose';

/** The Supabase CLI's well-known development secret; override with --jwt-secret or SUPABASE_JWT_SECRET. */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

export type Keys = {
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  readonly sign: (claims: JWTPayload, expiresInSeconds: number) => Promise<string>;
  /** The verified claims, or null for a bad signature, a malformed token, or one expired or without `exp`. */
  readonly verify: (token: string) => Promise<JWTPayload | null>;
};

/** Fixed issue time for the API keys, so the same secret always gives the same keys (like the CLI's). */
const API_KEYS_ISSUED_AT = 1_700_000_000;

/** How many verified tokens are remembered (the oldest is forgotten first). */
const VERIFIED_TOKENS = 1000;

/** Whether a verified token's times still hold: not expired, and not before its nbf (as jwtVerify checks them). */
const current = (payload: JWTPayload) => {
  const now = Math.floor(Date.now() / 1000);
  return typeof payload.exp === 'number' && payload.exp > now && (typeof payload.nbf !== 'number' || payload.nbf <= now);
};

export async function createKeys(secret: string, issuer: string): Promise<Keys> {
  const key = new TextEncoder().encode(secret);
  const verified = new Map<string, JWTPayload>();
  const apiKey = (role: string) =>
    new SignJWT({ role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('supabase-local')
      .setIssuedAt(API_KEYS_ISSUED_AT)
      .setExpirationTime(API_KEYS_ISSUED_AT + 20 * 365 * 24 * 3600)
      .sign(key);
  const sign = (claims: JWTPayload, expiresInSeconds: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(key);
  return {
    anonKey: await apiKey('anon'),
    serviceRoleKey: await apiKey('service_role'),
    sign,
    verify: async (token) => {
      // Every request and realtime join verifies its token; a client sends the same one for up to an
      // hour. A token whose signature checked out is remembered (as PostgREST's JWT cache does) and
      // only its times are checked again.
      const known = verified.get(token);
      if (known) {
        if (current(known)) return { ...known };
        verified.delete(token);
        return null;
      }
      try {
        // A token without `exp` would be valid forever: refuse it, as Supabase's services do.
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp'] });
        if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value as string);
        verified.set(token, payload);
        return { ...payload };
      } catch {
        return null;
      }
    },
  };
}
