import type Router from '@koa/router';
import { z } from 'zod';
import type { LoginRequest, LoginResponse } from '../../../miniprogram/typings/api';
import type { LoginService } from '../auth/login';
import type { LoginContexts } from '../contacts';
import { contactDetailSchema, groupChatDetailResponseSchema } from '../contacts/schemas';
import { type ErrorCode, errorCodes } from '../errors/codes';
import { exactly } from '../exact';
import { guard } from '../middleware/guard';
import type { AppState, EmployeeState } from '../middleware/state';
import type { SessionStore } from '../stores/session-store';
import { wecomIdSchema } from './paging';

const errorCodeSchema = z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]);

const loginContextSchema = z.discriminatedUnion('entry', [
  z.object({
    entry: z.enum(['single_chat_tools', 'contact_profile']),
    externalUserId: wecomIdSchema(64),
  }),
  z.object({ entry: z.literal('group_chat_tools'), chatId: wecomIdSchema(128) }),
]);

export const loginRequestSchema = exactly<LoginRequest>()(
  z.object({
    code: z.string().trim().min(1).max(512),
    context: loginContextSchema.optional(),
  }),
);

export const loginResponseSchema = exactly<LoginResponse>()(
  z.object({
    token: z.string(),
    expiresAt: z.string(),
    user: z.object({ userid: z.string(), corpid: z.string() }),
    context: z
      .union([
        contactDetailSchema,
        groupChatDetailResponseSchema,
        z.object({ error: z.object({ code: errorCodeSchema, message: z.string() }) }),
      ])
      .optional(),
  }),
);

/**
 * `POST /api/sessions` (login, public). The body is validated before anything is counted, so
 * junk costs the caller nothing but a 400. A `context` (opened from a chat's sidebar) is loaded
 * with the login and answered with the session (contacts/context.ts).
 */
export function loginRoutes(
  router: Router<AppState>,
  deps: { login: LoginService; contexts: LoginContexts },
): void {
  router.post(
    '/api/sessions',
    guard(
      { body: loginRequestSchema, response: loginResponseSchema, status: 201 },
      ({ body: { code, context } }, ctx) =>
        deps.login.login(
          code,
          { ip: ctx.ip },
          context && ((userid) => deps.contexts.load(context, userid)),
        ),
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
