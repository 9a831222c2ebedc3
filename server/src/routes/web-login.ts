import type Router from '@koa/router';
import { z } from 'zod';
import { isLocalPath, MAX_RETURN_TO_LENGTH } from '../auth/return-to';
import type { WebLogin } from '../auth/web-login';
import { type GuardedContext, guard } from '../middleware/guard';
import type { AppState, WebTokenState } from '../middleware/state';
import type { WebCookies } from '../middleware/web-session';
import { CONSOLE_PATH } from '../web/console';

export const webLoginQuerySchema = z.object({
  returnTo: z
    .string()
    .max(MAX_RETURN_TO_LENGTH)
    .refine(isLocalPath, 'must be a path on this server')
    .optional(),
});

export const webLoginCallbackQuerySchema = z.object({
  state: z.string().max(128).optional(),
  code: z.string().max(512).optional(),
});

export interface WebLoginRouteDeps {
  webLogin: WebLogin;
  cookies: WebCookies;
  webSessionTtlSeconds: number;
}

/**
 * `GET /auth/wecom/login?returnTo` → 302 to WeCom (the login cookie binds the state to this
 * browser) and `GET /auth/wecom/callback?code&state` → the session cookie, 302 to `returnTo`.
 * Both are pages: their errors are HTML.
 */
export function webLoginRoutes(router: Router<AppState>, deps: WebLoginRouteDeps): void {
  const { webLogin, cookies } = deps;
  router.get(
    '/auth/wecom/login',
    guard({ query: webLoginQuerySchema, status: 302 }, async ({ query }, ctx) => {
      const started = await webLogin.start({
        returnTo: query.returnTo ?? CONSOLE_PATH,
        userAgent: ctx.get('user-agent'),
        binding: cookies.readLogin(ctx),
      });
      cookies.writeLogin(ctx, started.binding, webLogin.stateTtlSeconds * 1000);
      ctx.redirect(started.location);
    }),
  );
  router.get(
    '/auth/wecom/callback',
    guard({ query: webLoginCallbackQuerySchema, status: 302 }, async ({ query }, ctx) => {
      const done = await webLogin.finish({
        ...query,
        binding: cookies.readLogin(ctx),
        ip: ctx.ip,
      });
      cookies.writeSession(ctx, done.token, deps.webSessionTtlSeconds * 1000);
      ctx.redirect(done.returnTo);
    }),
  );
}

/** `POST /auth/logout` (the web session cookie, same origin) → 204; the cookie is cleared. */
export function webLogoutRoutes(
  router: Router<WebTokenState>,
  deps: { webLogin: WebLogin; cookies: WebCookies },
): void {
  router.post(
    '/auth/logout',
    guard({ status: 204 }, async (_input, ctx: GuardedContext<WebTokenState>) => {
      await deps.webLogin.logout(ctx.state.token);
      deps.cookies.clearSession(ctx);
    }),
  );
}
