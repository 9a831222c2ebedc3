import type Router from '@koa/router';
import { z } from 'zod';
import type {
  SandboxEmployee,
  SandboxInfoResponse,
  SandboxLoginCodeRequest,
  SandboxLoginCodeResponse,
} from '../../../miniprogram/typings/api';
import { RequestError } from '../errors/request-error';
import { exactly } from '../exact';
import { guard } from '../middleware/guard';
import type { AppState } from '../middleware/state';

/** What the gateway needs from the simulator in sandbox mode. */
export interface SandboxLoginCodes {
  /** Throws for a userid the demo corp does not have. */
  issueLoginCode(userid: string): string;
  /** The demo employees a develop build of the mini-program offers in its demo login. */
  employees(): SandboxEmployee[];
}

const loginCodeRequestSchema = exactly<SandboxLoginCodeRequest>()(
  z.object({ userid: z.string().trim().min(1).max(64) }),
);
const loginCodeResponseSchema = exactly<SandboxLoginCodeResponse>()(z.object({ code: z.string() }));

/** The demo corp is small; the bound keeps the answer small whatever the seed holds. */
const MAX_DEMO_EMPLOYEES = 200;

const infoResponseSchema = exactly<SandboxInfoResponse>()(
  z.object({
    sandbox: z.literal(true),
    employees: z
      .array(
        exactly<SandboxEmployee>()(
          z.object({
            userid: z.string(),
            name: z.string(),
            department: z.string().optional(),
          }),
        ),
      )
      .max(MAX_DEMO_EMPLOYEES),
  }),
);

/**
 * Mounted in sandbox mode only, so that elsewhere every path here is 404 `request.not_found`:
 * - `GET /sandbox/info` → `{sandbox: true, employees}`: tells a develop build of the mini-program
 *   that it may offer its demo login, and whom to offer;
 * - `POST /sandbox/login-code {userid}` → `{code}`: stands in for `wx.qy.login`.
 */
export function sandboxRoutes(
  router: Router<AppState>,
  deps: { sandbox: SandboxLoginCodes },
): void {
  router.get(
    '/sandbox/info',
    guard({ response: infoResponseSchema }, () => ({
      sandbox: true as const,
      employees: deps.sandbox.employees().slice(0, MAX_DEMO_EMPLOYEES),
    })),
  );

  router.post(
    '/sandbox/login-code',
    guard(
      { body: loginCodeRequestSchema, response: loginCodeResponseSchema, status: 201 },
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
