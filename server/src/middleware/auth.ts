import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import type { SessionTokens } from '../auth/jwt';
import { RequestError } from '../errors/request-error';
import type { SessionStore } from '../stores/session-store';
import type { AppState } from './state';

export function bearerToken(authorization: string): string | undefined {
  const match = /^Bearer ([\w.~+/=-]{1,4096})$/i.exec(authorization.trim());
  return match?.[1];
}

/**
 * Employee auth: a valid token (else `auth.unauthenticated`) naming a live session (else
 * `auth.session_expired`, which tells the mini-program to log in again).
 */
export function requireEmployee(deps: {
  tokens: SessionTokens;
  sessions: SessionStore;
}): Middleware<AppState> {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('authorization'));
    if (!token) throw new RequestError('auth.unauthenticated');
    const claims = deps.tokens.verify(token);
    const session = await deps.sessions.find(claims.sid);
    if (!session || session.userid !== claims.sub) throw new RequestError('auth.session_expired');
    ctx.state.session = session;
    await next();
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Admin auth (issue 5): `Authorization: Bearer $ADMIN_TOKEN` (compared in constant time), or an
 * employee session whose userid is in ADMIN_USERIDS. No credentials at all is
 * `auth.unauthenticated`; a live employee session that has ended is `auth.session_expired` (the
 * mini-program logs in again); any other credential — a wrong admin token, a token that fails
 * verification, an employee who is not an admin — is `auth.forbidden`.
 */
export function requireAdmin(deps: {
  tokens: SessionTokens;
  sessions: SessionStore;
  adminUserIds: readonly string[];
  adminToken?: string;
}): Middleware<AppState> {
  const admins = new Set(deps.adminUserIds);
  const adminDigest = deps.adminToken === undefined ? undefined : digest(deps.adminToken);
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('authorization'));
    if (!token) throw new RequestError('auth.unauthenticated');
    if (adminDigest && timingSafeEqual(digest(token), adminDigest)) {
      ctx.state.admin = { via: 'token' };
      return next();
    }
    let claims: ReturnType<SessionTokens['verify']>;
    try {
      claims = deps.tokens.verify(token);
    } catch (error) {
      throw new RequestError('auth.forbidden', { cause: error });
    }
    const session = await deps.sessions.find(claims.sid);
    if (!session || session.userid !== claims.sub) throw new RequestError('auth.session_expired');
    if (!admins.has(session.userid)) throw new RequestError('auth.forbidden');
    ctx.state.session = session;
    ctx.state.admin = { via: 'session', userid: session.userid };
    return next();
  };
}
