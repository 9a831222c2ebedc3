import type Router from '@koa/router';
import { z } from 'zod';
import { RequestError } from '../errors/request-error';
import { guard } from '../middleware/guard';
import type { AppState } from '../middleware/state';

/** What the gateway needs from the simulator in sandbox mode. */
export interface SandboxLoginCodes {
  /** Throws for a userid the demo corp does not have. */
  issueLoginCode(userid: string): string;
}

const loginCodeRequestGuard = z.object({ userid: z.string().trim().min(1).max(64) });
const loginCodeResponseGuard = z.object({ code: z.string() });

/** `POST /sandbox/login-code {userid}` → `{code}`: stands in for `wx.qy.login` (sandbox only). */
export function sandboxRoutes(
  router: Router<AppState>,
  deps: { sandbox: SandboxLoginCodes },
): void {
  router.post(
    '/sandbox/login-code',
    guard(
      { body: loginCodeRequestGuard, response: loginCodeResponseGuard, status: 201 },
      ({ body }) => {
        try {
          return { code: deps.sandbox.issueLoginCode(body.userid) };
        } catch (error) {
          throw new RequestError('guard.invalid_input', {
            cause: error,
            message: 'No such employee in the demo corp.',
            data: { issues: [{ path: 'body.userid', message: 'unknown userid' }] },
          });
        }
      },
    ),
  );
}
