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

export async function createKeys(secret: string, issuer: string): Promise<Keys> {
  const key = new TextEncoder().encode(secret);
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
      try {
        // A token without `exp` would be valid forever: refuse it, as Supabase's services do.
        return (await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp'] })).payload;
      } catch {
        return null;
      }
    },
  };
}
