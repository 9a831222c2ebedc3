import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { Session, SessionStore } from '../stores/session-store';
import { AuthError } from './errors';
import type { SessionTokens } from './jwt';
import type { LoginAttempts } from './login-attempts';

/**
 * Who is an admin, and the admin console's sign-in with ADMIN_TOKEN — the way in when WeCom itself is
 * what is broken (a refused secret, an untrusted IP), which is when the doctor is needed.
 *
 * - The token admin is no employee: its web sessions carry a userid no WeCom member can have
 *   (WeCom userids have no parentheses) and the mark of the ADMIN_TOKEN they were made with (an
 *   HMAC keyed with JWT_SECRET: the store never holds anything a weak token could be guessed
 *   from). A new ADMIN_TOKEN, or none, ends them.
 * - A sign-in is a login attempt of the client IP like the others (login-attempts.ts): refused
 *   while the IP's failed logins are at the limit, and a token that does not match counts as one.
 *   The comparison takes the same time whatever the token.
 * - Logged as the token admin, never with the token.
 */

/** The userid of the token admin's sessions (in logs and the session index). */
export const TOKEN_ADMIN_USERID = '(admin-token)';

/** What a session may do in the admin console: an admin, an employee only, or nothing (ended). */
export type AdminStanding = 'admin' | 'not_admin' | 'ended';
export type AdminRule = (session: Session) => AdminStanding;

export function adminTokenMark(adminToken: string, secret: string): string {
  return createHmac('sha256', secret).update(`admin-token\n${adminToken}`).digest('base64url');
}

/** True for a session made with ADMIN_TOKEN (whether or not it is still valid). */
export function isTokenAdmin(session: Session): boolean {
  return session.kind === 'web' && session.tokenAdmin !== undefined;
}

/** ADMIN_USERIDS, and the token admin while ADMIN_TOKEN is the one its session was made with. */
export function createAdminRule(deps: {
  userIds: readonly string[];
  tokenMark?: string;
}): AdminRule {
  const admins = new Set(deps.userIds);
  return (session) => {
    if (session.kind === 'web' && session.tokenAdmin !== undefined)
      return session.tokenAdmin === deps.tokenMark ? 'admin' : 'ended';
    return admins.has(session.userid) ? 'admin' : 'not_admin';
  };
}

export interface AdminTokenSignIn {
  /** A web session of the token admin: its token (the cookie's value) and when it ends. */
  signIn(input: { token: string; ip: string }): Promise<{ token: string; expiresAt: number }>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

const isMismatch = (error: unknown) =>
  error instanceof AuthError && error.reason === 'admin_token_mismatch';

export function createAdminTokenSignIn(deps: {
  adminToken: string;
  /** `adminTokenMark(adminToken, JWT_SECRET)`. */
  tokenMark: string;
  sessions: SessionStore;
  /** Signs the session cookie's token (web audience). */
  sessionTokens: SessionTokens;
  corpId: string;
  /** Login attempts per client IP: those of every way of signing in. */
  attempts: LoginAttempts;
  logger: Logger;
}): AdminTokenSignIn {
  const { sessions, sessionTokens, attempts, logger } = deps;
  const expected = digest(deps.adminToken);
  return {
    signIn: ({ token, ip }) =>
      attempts.run(
        ip,
        async () => {
          if (!timingSafeEqual(digest(token), expected)) {
            logger.warn({ ip }, 'ADMIN_TOKEN sign-in refused: the token does not match');
            throw new AuthError('admin_token_mismatch');
          }
          const session = await sessions.create({
            kind: 'web',
            userid: TOKEN_ADMIN_USERID,
            corpid: deps.corpId,
            tokenAdmin: deps.tokenMark,
          });
          logger.info({ userid: TOKEN_ADMIN_USERID, ip }, 'web session of the token admin created');
          return {
            token: sessionTokens.sign('web', {
              userid: TOKEN_ADMIN_USERID,
              sid: session.sid,
              expiresAt: session.expiresAt,
            }),
            expiresAt: session.expiresAt,
          };
        },
        isMismatch,
      ),
  };
}
