import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { LoginRequest, LoginResponse } from '../../../miniprogram/typings/api';
import type { LoginService } from '../auth/login';
import { guard } from '../middleware/guard';
import type { AppState } from '../middleware/state';
import type { SessionStore } from '../stores/session-store';

export const loginRequestGuard = z.object({
  code: z.string().trim().min(1).max(512),
}) satisfies z.ZodType<LoginRequest>;

export const loginResponseGuard = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: z.object({ userid: z.string(), corpid: z.string() }),
}) satisfies z.ZodType<LoginResponse>;

/** `POST /api/sessions` (login) and `DELETE /api/sessions/current` (logout). */
export function sessionRoutes(
  router: Router<AppState>,
  deps: {
    login: LoginService;
    sessions: SessionStore;
    requireEmployee: Middleware<AppState>;
    loginRateLimit?: Middleware<AppState>;
  },
): void {
  const limits = deps.loginRateLimit ? [deps.loginRateLimit] : [];
  router.post(
    '/api/sessions',
    ...limits,
    guard({ body: loginRequestGuard, response: loginResponseGuard, status: 201 }, ({ body }) =>
      deps.login.login(body.code),
    ),
  );
  router.delete(
    '/api/sessions/current',
    deps.requireEmployee,
    guard({ status: 204 }, async (_input, ctx) => {
      await deps.sessions.delete(ctx.state.session!.sid);
    }),
  );
}
