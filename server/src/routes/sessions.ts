import type Router from '@koa/router';
import { z } from 'zod';
import type { LoginRequest, LoginResponse } from '../../../miniprogram/typings/api';
import type { LoginService } from '../auth/login';
import { guard } from '../middleware/guard';
import type { AppState, EmployeeState } from '../middleware/state';
import type { SessionStore } from '../stores/session-store';

export const loginRequestSchema = z.object({
  code: z.string().trim().min(1).max(512),
}) satisfies z.ZodType<LoginRequest>;

export const loginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: z.object({ userid: z.string(), corpid: z.string() }),
}) satisfies z.ZodType<LoginResponse>;

/**
 * `POST /api/sessions` (login, public). The body is validated before anything is counted, so
 * junk costs the caller nothing but a 400.
 */
export function loginRoutes(router: Router<AppState>, deps: { login: LoginService }): void {
  router.post(
    '/api/sessions',
    guard(
      { body: loginRequestSchema, response: loginResponseSchema, status: 201 },
      ({ body }, ctx) => deps.login.login(body.code, { ip: ctx.ip }),
    ),
  );
}

/** `DELETE /api/sessions/current` (logout, employee route). */
export function logoutRoutes(
  router: Router<EmployeeState>,
  deps: { sessions: SessionStore },
): void {
  router.delete(
    '/api/sessions/current',
    guard({ status: 204 }, (_input, ctx: { state: EmployeeState }) =>
      deps.sessions.delete(ctx.state.session),
    ),
  );
}
