import type { Context, Middleware } from 'koa';
import { AuthError } from '../auth/errors';

/**
 * The two cookies of the web login, both HttpOnly and SameSite=Lax (WeCom's redirect back is a
 * top-level navigation, which Lax lets through), without Domain, on the path of PUBLIC_BASE_URL
 * (`Path=/gate` under a prefix: other apps of the origin do not get them). Secure when
 * PUBLIC_BASE_URL is https, with the `__Host-` prefix at the root, and `__Secure-` under a path
 * prefix (`__Host-` requires `Path=/`):
 * - the session cookie: a token of the web audience naming a `web` session;
 * - the login cookie: the random binding of a started login to this browser (ten minutes).
 * Changes made with the session cookie must carry this server's `Origin` (CSRF).
 */
export interface WebCookies {
  /** PUBLIC_BASE_URL's origin. */
  readonly origin: string;
  readonly sessionCookie: string;
  readonly loginCookie: string;
  readSession(ctx: Context): string | undefined;
  writeSession(ctx: Context, token: string, maxAgeMs: number): void;
  clearSession(ctx: Context): void;
  readLogin(ctx: Context): string | undefined;
  writeLogin(ctx: Context, binding: string, maxAgeMs: number): void;
  clearLogin(ctx: Context): void;
}

export function createWebCookies(publicBaseUrl: string): WebCookies {
  const url = new URL(publicBaseUrl);
  const secure = url.protocol === 'https:';
  const path = url.pathname.replace(/\/$/, '') || '/';
  const prefix = !secure ? '' : path === '/' ? '__Host-' : '__Secure-';
  const sessionCookie = `${prefix}wecom-gate-session`;
  const loginCookie = `${prefix}wecom-gate-login`;
  const write = (ctx: Context, name: string, value: string | null, maxAgeMs?: number) => {
    // Behind a TLS-terminating proxy the connection itself may be plain HTTP.
    if (secure) ctx.cookies.secure = true;
    ctx.cookies.set(name, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path,
      overwrite: true,
      ...(maxAgeMs !== undefined && { maxAge: maxAgeMs }),
    });
  };
  return {
    origin: url.origin,
    sessionCookie,
    loginCookie,
    readSession: (ctx) => ctx.cookies.get(sessionCookie) || undefined,
    writeSession: (ctx, token, maxAgeMs) => write(ctx, sessionCookie, token, maxAgeMs),
    clearSession: (ctx) => write(ctx, sessionCookie, null),
    readLogin: (ctx) => ctx.cookies.get(loginCookie) || undefined,
    writeLogin: (ctx, binding, maxAgeMs) => write(ctx, loginCookie, binding, maxAgeMs),
    clearLogin: (ctx) => write(ctx, loginCookie, null),
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A request that changes something without this server's `Origin`: made with the session cookie,
 * it is refused (CSRF); a browser adds the cookie to another site's requests, never the origin.
 */
export function isCrossSiteChange(ctx: Context, origin: string): boolean {
  return !SAFE_METHODS.has(ctx.method) && ctx.get('origin') !== origin;
}

/**
 * For a form that signs in (no session cookie yet): the same check as for a change made with the
 * cookie, before the body is read.
 */
export function requireSameOrigin(origin: string): Middleware {
  return (ctx, next) => {
    if (isCrossSiteChange(ctx, origin)) throw new AuthError('cross_site');
    return next();
  };
}
