import type { Context, Middleware } from 'koa';
import type { SessionTokens } from '../auth/jwt';
import { RequestError } from '../errors/request-error';
import type { RateLimiter } from '../stores/rate-limiter';
import { bearerToken } from './auth';
import type { AppState } from './state';

/**
 * `request.rate_limited` (429, `Retry-After` in seconds) once `key(ctx)` has used its points.
 * A request without a key (undefined) is not counted. Counters live in the store, so every
 * instance shares them; a store that is down answers `store.unavailable`.
 */
export function rateLimit(deps: {
  limiter: RateLimiter;
  key: (ctx: Context) => string | undefined;
}): Middleware<AppState> {
  return async (ctx, next) => {
    const key = deps.key(ctx);
    if (key !== undefined) {
      const decision = await deps.limiter.consume(key);
      if (!decision.allowed) {
        throw new RequestError('request.rate_limited', {
          headers: { 'Retry-After': String(decision.retryAfterSeconds) },
          data: { retryAfterSeconds: decision.retryAfterSeconds },
        });
      }
    }
    await next();
  };
}

/** Per client IP (`ctx.ip`: the X-Forwarded-For entry TRUSTED_PROXY_HOPS from the right). */
export const byClientIp = (ctx: Context): string => `ip:${ctx.ip}`;

/**
 * Per employee, from the bearer token's verified subject (no store round trip); requests without
 * a valid token are left to the route's `requireEmployee`, which refuses them.
 */
export function byEmployee(tokens: SessionTokens): (ctx: Context) => string | undefined {
  return (ctx) => {
    const token = bearerToken(ctx.get('authorization'));
    if (token === undefined) return undefined;
    try {
      return `user:${tokens.verify(token).sub}`;
    } catch {
      return undefined;
    }
  };
}

/** Applies `middleware` only below these path prefixes, whether or not a route matches. */
export function underPaths(
  prefixes: readonly string[],
  middleware: Middleware<AppState>,
): Middleware<AppState> {
  const matches = (path: string) =>
    prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  return (ctx, next) => (matches(ctx.path) ? middleware(ctx, next) : next());
}
