import { randomBytes, randomInt, scryptSync, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database, Tx } from './database';
import { bearer, HttpError, readJson, send } from './http';
import type { Keys } from './keys';
import { LIMITS } from '../../src/domain/limits';

/*
 * The part of Supabase Auth (GoTrue) that supabase-js uses here: sign-up (auto-confirmed), password
 * sign-in, refresh-token rotation, get user, sign-out, email OTP / magic link whose code is printed to
 * the log and readable from a development-only endpoint, and the admin API's user deletion (service
 * role only). Errors carry X-Supabase-Api-Version so the client reads their `code`.
 */

const API_VERSION = { 'X-Supabase-Api-Version': '2024-01-01' };
export const ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_GRACE_MS = 10_000;
const OTP_TTL_MS = 10 * 60 * 1000;
const OTP_MAX_ATTEMPTS = 5;

type UserRow = {
  id: string;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_user_meta_data: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
};

const fail = (status: number, code: string, message: string) => new HttpError(status, { code, message, msg: message, error_code: code }, { ...API_VERSION, 'x-sb-error-code': code });

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

function checkPassword(password: string, stored: string | null): boolean {
  const [scheme, salt, hash] = (stored ?? '').split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function userJson(user: UserRow) {
  return {
    id: user.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: user.email ?? '',
    email_confirmed_at: iso(user.email_confirmed_at),
    phone: '',
    confirmed_at: iso(user.email_confirmed_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: user.raw_user_meta_data ?? {},
    identities: [],
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    is_anonymous: false,
  };
}

export type OtpListener = (email: string, code: string) => void;

/** Roles whose tokens may use the admin API, as GoTrue's default admin roles. */
const ADMIN_ROLES = ['service_role', 'supabase_admin'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type AuthOptions = {
  onOtp?: OtpListener;
  accessTokenSeconds?: number;
  /** Called after a user was deleted through the admin API (the realtime server ends their channels). */
  onUserDeleted?: (userId: string) => void;
};

export function createAuth(db: Database, keys: Keys, options: AuthOptions = {}) {
  const lifetime = options.accessTokenSeconds ?? ACCESS_TOKEN_SECONDS;
  const codes = new Map<string, { code: string; expiresAt: number; attempts: number }>();

  const findUser = async (tx: Tx, where: string, value: string) =>
    (await tx.query<UserRow>(`select * from auth.users where ${where} = $1`, [value])).rows[0] ?? null;

  async function issueSession(tx: Tx, user: UserRow, method: string, sessionId?: string) {
    const session = sessionId ?? crypto.randomUUID();
    if (!sessionId) await tx.query('insert into auth.sessions (id, user_id) values ($1, $2)', [session, user.id]);
    const refreshToken = randomBytes(18).toString('base64url');
    await tx.query('insert into auth.refresh_tokens (token, session_id, user_id) values ($1, $2, $3)', [refreshToken, session, user.id]);
    const updated = (await tx.query<UserRow>('update auth.users set last_sign_in_at = now() where id = $1 returning *', [user.id])).rows[0] ?? user;
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await keys.sign(
      {
        sub: user.id,
        aud: 'authenticated',
        role: 'authenticated',
        email: user.email ?? '',
        phone: '',
        app_metadata: { provider: 'email', providers: ['email'] },
        user_metadata: user.raw_user_meta_data ?? {},
        aal: 'aal1',
        amr: [{ method, timestamp: now }],
        session_id: session,
        is_anonymous: false,
      },
      lifetime,
    );
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: lifetime,
      expires_at: now + lifetime,
      refresh_token: refreshToken,
      user: userJson(updated),
    };
  }

  async function requireUser(req: IncomingMessage) {
    const token = bearer(req);
    if (!token) throw fail(401, 'no_authorization', 'This endpoint requires a Bearer token');
    const claims = await keys.verify(token);
    if (!claims || typeof claims.sub !== 'string') throw fail(403, 'bad_jwt', 'invalid JWT: unable to parse or verify signature, token is expired or invalid');
    return claims;
  }

  /** The admin API wants a valid token of an admin role (the service-role key), as GoTrue does. */
  async function requireAdmin(req: IncomingMessage) {
    const token = bearer(req);
    if (!token) throw fail(401, 'no_authorization', 'This endpoint requires a Bearer token');
    const claims = await keys.verify(token);
    if (!claims) throw fail(403, 'bad_jwt', 'invalid JWT: unable to parse or verify signature, token is expired or invalid');
    if (typeof claims['role'] !== 'string' || !ADMIN_ROLES.includes(claims['role'])) throw fail(403, 'not_admin', 'User not allowed');
  }

  const body = async (req: IncomingMessage) => {
    const value = await readJson(req);
    return (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  };
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const validEmail = (email: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email);

  async function createUser(tx: Tx, email: string, password: string | null, data: unknown) {
    const id = crypto.randomUUID();
    await tx.query(
      `insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_user_meta_data, raw_app_meta_data)
       values ($1, 'authenticated', 'authenticated', $2, $3, now(), $4, '{"provider":"email","providers":["email"]}')`,
      [id, email, password === null ? null : hashPassword(password), JSON.stringify(typeof data === 'object' && data !== null ? data : {})],
    );
    return (await findUser(tx, 'id', id)) as UserRow;
  }

  return {
    /** The code last sent to an email (development only). */
    lastOtp: (email: string) => codes.get(email.toLowerCase())?.code ?? null,

    async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
      const method = req.method ?? 'GET';
      if (method === 'POST' && path === '/signup') {
        const input = await body(req);
        const email = text(input['email']).toLowerCase();
        const password = typeof input['password'] === 'string' ? input['password'] : '';
        if (!validEmail(email)) throw fail(400, 'validation_failed', 'Unable to validate email address: invalid format');
        if (password.length < LIMITS.password.min)
          throw new HttpError(422, { code: 'weak_password', message: `Password should be at least ${LIMITS.password.min} characters.`, weak_password: { reasons: ['length'] } }, API_VERSION);
        const session = await db.transaction(async (tx) => {
          if (await findUser(tx, 'email', email)) throw fail(422, 'user_already_exists', 'User already registered');
          return issueSession(tx, await createUser(tx, email, password, input['data']), 'password');
        });
        return send(res, 200, session, API_VERSION);
      }
      if (method === 'POST' && path === '/token' && query.get('grant_type') === 'password') {
        const input = await body(req);
        const session = await db.transaction(async (tx) => {
          const user = await findUser(tx, 'email', text(input['email']).toLowerCase());
          if (!user || typeof input['password'] !== 'string' || !checkPassword(input['password'], user.encrypted_password))
            throw fail(400, 'invalid_credentials', 'Invalid login credentials');
          return issueSession(tx, user, 'password');
        });
        return send(res, 200, session, API_VERSION);
      }
      if (method === 'POST' && path === '/token' && query.get('grant_type') === 'refresh_token') {
        const input = await body(req);
        const token = text(input['refresh_token']);
        const session = await db.transaction(async (tx) => {
          const row = (await tx.query<{ session_id: string; user_id: string; revoked: boolean; revoked_at: Date | null }>('select * from auth.refresh_tokens where token = $1', [token])).rows[0];
          if (!row) throw fail(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
          if (row.revoked) {
            // Reuse right after this token's own rotation is two tabs refreshing at once; later reuse
            // means the token leaked, so the whole session ends.
            if (!row.revoked_at || Date.now() - row.revoked_at.getTime() > REFRESH_GRACE_MS) {
              await tx.query('delete from auth.sessions where id = $1', [row.session_id]);
              return null; // committed, then refused below
            }
          }
          await tx.query('update auth.refresh_tokens set revoked = true, revoked_at = coalesce(revoked_at, now()) where token = $1', [token]);
          const user = await findUser(tx, 'id', row.user_id);
          if (!user) throw fail(403, 'user_not_found', 'User from sub claim in JWT does not exist');
          return issueSession(tx, user, 'token_refresh', row.session_id);
        });
        if (session === null) throw fail(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
        return send(res, 200, session, API_VERSION);
      }
      if (method === 'GET' && path === '/user') {
        const claims = await requireUser(req);
        const user = await db.transaction((tx) => findUser(tx, 'id', String(claims.sub)));
        if (!user) throw fail(403, 'user_not_found', 'User from sub claim in JWT does not exist');
        return send(res, 200, userJson(user), API_VERSION);
      }
      if (method === 'POST' && path === '/logout') {
        const claims = await requireUser(req);
        const scope = query.get('scope') ?? 'global';
        await db.transaction(async (tx) => {
          if (scope === 'local') await tx.query('delete from auth.sessions where id = $1', [claims['session_id']]);
          else if (scope === 'others') await tx.query('delete from auth.sessions where user_id = $1 and id <> $2', [claims.sub, claims['session_id']]);
          else await tx.query('delete from auth.sessions where user_id = $1', [claims.sub]);
        });
        return send(res, 204, undefined, API_VERSION);
      }
      if (method === 'POST' && path === '/otp') {
        const input = await body(req);
        const email = text(input['email']).toLowerCase();
        if (!validEmail(email)) throw fail(400, 'validation_failed', 'Unable to validate email address: invalid format');
        await db.transaction(async (tx) => {
          if (!(await findUser(tx, 'email', email))) {
            if (input['create_user'] === false) throw fail(422, 'otp_disabled', 'Signups not allowed for otp');
            await createUser(tx, email, null, input['data']);
          }
        });
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        codes.set(email, { code, expiresAt: Date.now() + OTP_TTL_MS, attempts: 0 });
        options.onOtp?.(email, code);
        return send(res, 200, {}, API_VERSION);
      }
      if (method === 'POST' && path === '/verify') {
        const input = await body(req);
        const email = text(input['email']).toLowerCase();
        const token = text(input['token']);
        const pending = codes.get(email);
        if (pending) pending.attempts += 1;
        if (!pending || pending.expiresAt < Date.now() || pending.attempts > OTP_MAX_ATTEMPTS || pending.code !== token) {
          if (pending && (pending.expiresAt < Date.now() || pending.attempts >= OTP_MAX_ATTEMPTS)) codes.delete(email);
          throw fail(403, 'otp_expired', 'Token has expired or is invalid');
        }
        codes.delete(email);
        const session = await db.transaction(async (tx) => {
          const user = await findUser(tx, 'email', email);
          if (!user) throw fail(403, 'otp_expired', 'Token has expired or is invalid');
          return issueSession(tx, user, 'otp');
        });
        return send(res, 200, session, API_VERSION);
      }
      const adminUser = /^\/admin\/users\/([^/]+)$/.exec(path);
      if (method === 'DELETE' && adminUser) {
        // auth.admin.deleteUser: the row of auth.users goes, and the foreign keys' cascades take the
        // user's sessions, refresh tokens and (through the schema's own) their data with it.
        await requireAdmin(req);
        const id = adminUser[1] ?? '';
        if (!UUID.test(id)) throw fail(404, 'validation_failed', 'user_id must be an UUID');
        const input = await body(req);
        if (input['should_soft_delete'] === true) throw fail(400, 'validation_failed', 'Soft deletion is not supported by the local stack');
        const user = await db.transaction(async (tx) => (await tx.query<UserRow>('delete from auth.users where id = $1 returning *', [id])).rows[0] ?? null);
        if (!user) throw fail(404, 'user_not_found', 'User not found');
        if (user.email) codes.delete(user.email.toLowerCase());
        options.onUserDeleted?.(user.id);
        return send(res, 200, userJson(user), API_VERSION);
      }
      if (method === 'GET' && path === '/settings') {
        return send(res, 200, { external: { email: true }, disable_signup: false, mailer_autoconfirm: true }, API_VERSION);
      }
      throw fail(404, 'not_found', `Unsupported auth endpoint ${method} ${path}`);
    },
  };
}
