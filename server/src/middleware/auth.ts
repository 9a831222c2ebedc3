import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { type AdminRule, TOKEN_ADMIN_USERID } from '../auth/admin-token';
import { AuthError } from '../auth/errors';
import type { SessionTokens } from '../auth/jwt';
import type { RateLimiter } from '../stores/rate-limiter';
import type { Session, SessionRef, SessionStore } from '../stores/session-store';
import type { AdminState, AppState, Credential, EmployeeState, WebTokenState } from './state';
import { checkSameOrigin, type WebCookies, webSessionRef } from './web-session';

/**
 * Who is calling. Employee routers carry `verifyToken` (no store) then `loadSession` (or, on
 * lookup routes, `loadCountedSession`: the session and the employee's lookup counter in one
 * store round trip); the admin router carries `requireAdmin`.
 *
 * Two credentials: `Authorization: Bearer` (the mini-program's session token, scripts' admin
 * token) and, where the web login is configured, the web session cookie — used only when no
 * Authorization header is sent. A request made with the cookie that changes something must carry
 * this server's `Origin` (`cross_site` otherwise); a bearer request need not, since a browser
 * never adds the header by itself.
 */

/** The web session cookie and the tokens it holds (web audience). */
export interface WebAuth {
  sessionTokens: SessionTokens;
  cookies: WebCookies;
}

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

/** The session kind each credential names. */
const KIND_OF: Record<Credential, Session['kind']> = { bearer: 'miniprogram', cookie: 'web' };

/** A session of the kind the credential names, else null (as if it had ended). */
const ofKind = <T extends { kind: Session['kind'] }>(found: T | null, credential: Credential) =>
  found && found.kind === KIND_OF[credential] ? found : null;

/**
 * A valid session token of ours (else `unauthenticated`): the bearer token, or without an
 * Authorization header the web session cookie (same-origin changes only). The session is not
 * read yet.
 */
export function verifyToken(tokens: SessionTokens, web?: WebAuth): Middleware<EmployeeState> {
  return (ctx, next) => {
    const authorization = ctx.get('authorization');
    const cookie = web && !authorization ? web.cookies.readSession(ctx) : undefined;
    if (web && cookie !== undefined) {
      ctx.state.token = webSessionRef(web.sessionTokens, cookie);
      checkSameOrigin(ctx, web.cookies.origin);
      if (ctx.state.token.userid === TOKEN_ADMIN_USERID)
        throw new AuthError('token_admin_not_employee');
      ctx.state.credential = 'cookie';
    } else {
      ctx.state.token = refOf(tokens, authorization);
      ctx.state.credential = 'bearer';
    }
    return next();
  };
}

/** The session the token names (else `session_expired`: the mini-program logs in again). */
export function loadSession(sessions: SessionStore): Middleware<EmployeeState> {
  return async (ctx, next) => {
    const session = ofKind(await sessions.find(ctx.state.token), ctx.state.credential);
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
    if (!found || !ofKind(found.session, ctx.state.credential))
      throw new AuthError('session_expired');
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
 * Admins: `Authorization: Bearer $ADMIN_TOKEN` (compared in constant time), an employee
 * session whose userid is in ADMIN_USERIDS, or (without an Authorization header) the web
 * session cookie of such an employee or of the token admin (the console's ADMIN_TOKEN sign-in).
 * No credentials at all is `unauthenticated`; an admin's session that has ended (or a token
 * admin's, made with another ADMIN_TOKEN) is `session_expired`; any other credential — a wrong
 * admin token, a token that fails verification, an employee who is not an admin — is
 * `forbidden`. A cookie that fails verification is `unauthenticated` (an old cookie: the
 * console logs in again).
 */
export function requireAdmin(deps: {
  sessionTokens: SessionTokens;
  sessions: SessionStore;
  adminRule: AdminRule;
  adminToken?: string;
  web?: WebAuth;
}): Middleware<AdminState> {
  const { adminRule } = deps;
  const adminDigest = deps.adminToken === undefined ? undefined : digest(deps.adminToken);
  const { web } = deps;
  return async (ctx, next) => {
    const cookie = web && !ctx.get('authorization') ? web.cookies.readSession(ctx) : undefined;
    if (web && cookie !== undefined) {
      const ref = webSessionRef(web.sessionTokens, cookie);
      checkSameOrigin(ctx, web.cookies.origin);
      const session = ofKind(await deps.sessions.find(ref), 'cookie');
      const standing = session && adminRule(session);
      if (!session || standing === 'ended') throw new AuthError('session_expired');
      ctx.state.session = session;
      if (standing !== 'admin') throw new AuthError('forbidden');
      ctx.state.admin = { via: 'web', userid: session.userid };
      return next();
    }
    const token = bearerToken(ctx.get('authorization'));
    if (!token) throw new AuthError('unauthenticated');
    if (adminDigest && timingSafeEqual(digest(token), adminDigest)) {
      ctx.state.admin = { via: 'token' };
      return next();
    }
    let ref: SessionRef;
    try {
      ref = refOf(deps.sessionTokens, ctx.get('authorization'));
    } catch (error) {
      throw new AuthError('forbidden', { cause: error });
    }
    const session = ofKind(await deps.sessions.find(ref), 'bearer');
    if (!session) throw new AuthError('session_expired');
    if (adminRule(session) !== 'admin') throw new AuthError('forbidden');
    ctx.state.session = session;
    ctx.state.admin = { via: 'session', userid: session.userid };
    return next();
  };
}

/**
 * The web session cookie's token, for logout: a cookie is required (`unauthenticated`), the
 * request must come from this server's pages (`cross_site`), and the session may be gone already.
 */
export function verifyWebCookie(web: WebAuth): Middleware<WebTokenState> {
  return (ctx, next) => {
    const cookie = web.cookies.readSession(ctx);
    if (cookie === undefined) throw new AuthError('unauthenticated');
    checkSameOrigin(ctx, web.cookies.origin);
    ctx.state.token = webSessionRef(web.sessionTokens, cookie);
    return next();
  };
}

/**
 * For pages: the web session of this browser on `ctx.state.session` when there is a live one;
 * nothing otherwise (the page decides: sign in, refuse, or show itself).
 */
export function findWebSession(web: WebAuth, sessions: SessionStore): Middleware<AppState> {
  return async (ctx, next) => {
    const cookie = web.cookies.readSession(ctx);
    if (cookie !== undefined) {
      let ref: SessionRef | undefined;
      try {
        ref = webSessionRef(web.sessionTokens, cookie);
      } catch {
        ref = undefined;
      }
      const session = ref && ofKind(await sessions.find(ref), 'cookie');
      if (session) ctx.state.session = session;
    }
    await next();
  };
}
