import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { AuthError } from '../auth/errors';
import type { SessionTokens } from '../auth/jwt';
import type { RateLimiter } from '../stores/rate-limiter';
import type { SessionRef, SessionStore } from '../stores/session-store';
import type { AdminState, EmployeeState } from './state';

/**
 * Who is calling. Employee routers carry `verifyToken` (no store) then `loadSession` (or, on
 * lookup routes, `loadCountedSession`: the session and the employee's lookup counter in one
 * store round trip); the admin router carries `requireAdmin`.
 */

export function bearerToken(authorization: string): string | undefined {
  const match = /^Bearer ([\w.~+/=-]{1,4096})$/i.exec(authorization.trim());
  return match?.[1];
}

function refOf(tokens: SessionTokens, authorization: string): SessionRef {
  const token = bearerToken(authorization);
  if (!token) throw new AuthError('unauthenticated');
  const claims = tokens.verify(token);
  return { userid: claims.sub, sid: claims.sid };
}

/** A valid session token of ours (else `unauthenticated`); the session is not read yet. */
export function verifyToken(tokens: SessionTokens): Middleware<EmployeeState> {
  return (ctx, next) => {
    ctx.state.token = refOf(tokens, ctx.get('authorization'));
    return next();
  };
}

/** The session the token names (else `session_expired`: the mini-program logs in again). */
export function loadSession(sessions: SessionStore): Middleware<EmployeeState> {
  return async (ctx, next) => {
    const session = await sessions.find(ctx.state.token);
    if (!session) throw new AuthError('session_expired');
    ctx.state.session = session;
    await next();
  };
}

/**
 * `loadSession` that also counts the request against the employee's limit — only requests of a
 * live session count — and refuses it once the limit is used (`rate_limited`, Retry-After).
 */
export function loadCountedSession(
  sessions: SessionStore,
  limiter: RateLimiter,
): Middleware<EmployeeState> {
  return async (ctx, next) => {
    const found = await sessions.findCounted(ctx.state.token, limiter);
    if (!found) throw new AuthError('session_expired');
    ctx.state.session = found.session;
    if (!found.decision.allowed) {
      throw new AuthError('rate_limited', {
        retryAfterSeconds: found.decision.retryAfterSeconds,
      });
    }
    await next();
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Admins: `Authorization: Bearer $ADMIN_TOKEN` (compared in constant time), or an employee
 * session whose userid is in ADMIN_USERIDS. No credentials at all is `unauthenticated`; an
 * admin's session that has ended is `session_expired`; any other credential — a wrong admin
 * token, a token that fails verification, an employee who is not an admin — is `forbidden`.
 */
export function requireAdmin(deps: {
  tokens: SessionTokens;
  sessions: SessionStore;
  adminUserIds: readonly string[];
  adminToken?: string;
}): Middleware<AdminState> {
  const admins = new Set(deps.adminUserIds);
  const adminDigest = deps.adminToken === undefined ? undefined : digest(deps.adminToken);
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('authorization'));
    if (!token) throw new AuthError('unauthenticated');
    if (adminDigest && timingSafeEqual(digest(token), adminDigest)) {
      ctx.state.admin = { via: 'token' };
      return next();
    }
    let ref: SessionRef;
    try {
      ref = refOf(deps.tokens, ctx.get('authorization'));
    } catch (error) {
      throw new AuthError('forbidden', { cause: error });
    }
    const session = await deps.sessions.find(ref);
    if (!session) throw new AuthError('session_expired');
    if (!admins.has(session.userid)) throw new AuthError('forbidden');
    ctx.state.session = session;
    ctx.state.admin = { via: 'session', userid: session.userid };
    return next();
  };
}
