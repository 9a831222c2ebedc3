import type Router from '@koa/router';
import { z } from 'zod';
import type { AdminTokenSignIn } from '../auth/admin-token';
import { isLocalPath, MAX_RETURN_TO_LENGTH } from '../auth/return-to';
import type { WebLogin } from '../auth/web-login';
import { type GuardedContext, guard } from '../middleware/guard';
import type { AppState, WebTokenState } from '../middleware/state';
import { requireSameOrigin, type WebCookies } from '../middleware/web-session';
import { ADMIN_TOKEN_PATH, CONSOLE_PATH } from '../web/pages';

/** Where to go after signing in: a path on this server, under its base path. */
export const returnToSchema = (basePath: string) =>
  z
    .string()
    .max(MAX_RETURN_TO_LENGTH)
    .refine((value) => isLocalPath(value, basePath), 'must be a path on this server');

export const webLoginCallbackQuerySchema = z.object({
  state: z.string().max(128).optional(),
  code: z.string().max(512).optional(),
});

export interface WebLoginRouteDeps {
  webLogin: WebLogin;
  /** Absent without ADMIN_TOKEN: `POST /auth/admin-token` is then an unknown route. */
  adminTokenSignIn?: AdminTokenSignIn;
  cookies: WebCookies;
  webSessionTtlSeconds: number;
  basePath: string;
}

/** The admin console's sign-in form: the token, and where to go afterwards. */
const adminTokenForm = (basePath: string) =>
  z.object({
    token: z.string().min(1).max(1024),
    returnTo: returnToSchema(basePath).optional(),
  });

/**
 * `GET /auth/wecom/login?returnTo` → 302 to WeCom (the login cookie binds the state to this
 * browser); `GET /auth/wecom/callback?code&state` → the session cookie, 302 to `returnTo`;
 * `POST /auth/admin-token` (a form of this server's sign-in page: same origin, `token` and
 * `returnTo`) → the token admin's session cookie, 303 to `returnTo`. All are pages: their errors
 * are HTML.
 */
export function webLoginRoutes(router: Router<AppState>, deps: WebLoginRouteDeps): void {
  const { webLogin, cookies, basePath, adminTokenSignIn } = deps;
  const home = `${basePath}${CONSOLE_PATH}`;
  const query = z.object({ returnTo: returnToSchema(basePath).optional() });
  router.get(
    '/auth/wecom/login',
    guard({ query, status: 302 }, async ({ query }, ctx) => {
      const started = await webLogin.start({
        returnTo: query.returnTo ?? home,
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
  if (!adminTokenSignIn) return;
  router.post(
    ADMIN_TOKEN_PATH,
    requireSameOrigin(cookies.origin),
    guard(
      { body: adminTokenForm(basePath), bodyType: 'form', status: 303 },
      async ({ body }, ctx) => {
        const done = await adminTokenSignIn.signIn({ token: body.token, ip: ctx.ip });
        cookies.writeSession(ctx, done.token, deps.webSessionTtlSeconds * 1000);
        ctx.redirect(body.returnTo ?? home);
      },
    ),
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
