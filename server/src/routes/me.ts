import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { MeResponse } from '../../../miniprogram/typings/api';
import { guard } from '../middleware/guard';
import type { AppState } from '../middleware/state';
import type { NameCache } from '../stores/name-cache';
import type { WecomApi } from '../wecom/api';
import { WecomApiError } from '../wecom/errors';

export const meResponseGuard = z.object({
  user: z.object({ userid: z.string(), corpid: z.string(), name: z.string().optional() }),
  expiresAt: z.string(),
}) satisfies z.ZodType<MeResponse>;

/**
 * The employee's display name: from the name cache, else one `user/get` remembered for later
 * requests. A refusal (60011 outside the visible range, 48009, …) leaves the name out rather than
 * failing `/api/me`, and is remembered too so it is not asked again on every request.
 */
async function nameOf(
  userid: string,
  deps: { wecom: WecomApi; names: NameCache },
  log: Logger,
): Promise<string | undefined> {
  const cached = await deps.names.get('user', userid);
  if (cached !== undefined) return cached ?? undefined;
  try {
    const user = await deps.wecom.getUser(userid);
    await deps.names.set('user', userid, user.name ?? null);
    return user.name;
  } catch (error) {
    if (!(error instanceof WecomApiError)) throw error;
    log.warn({ errcode: error.errcode, api: error.api }, 'employee name unavailable');
    await deps.names.set('user', userid, null);
    return undefined;
  }
}

export function meRoutes(
  router: Router<AppState>,
  deps: { wecom: WecomApi; names: NameCache; requireEmployee: Middleware<AppState> },
): void {
  router.get(
    '/api/me',
    deps.requireEmployee,
    guard({ response: meResponseGuard }, async (_input, ctx) => {
      const session = ctx.state.session!;
      const name = await nameOf(session.userid, deps, ctx.state.log);
      return {
        user: { userid: session.userid, corpid: session.corpid, name },
        expiresAt: new Date(session.expiresAt).toISOString(),
      };
    }),
  );
}
