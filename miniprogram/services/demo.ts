import type {
  SandboxEmployee,
  SandboxLoginCodeRequest,
  SandboxLoginCodeResponse,
} from '../typings/api';
import type { Env } from './env';
import { ApiError, isApiError } from './errors';
import type { Request } from './request';

/** More than any demo corp holds; a longer answer is cut here. */
const MAX_EMPLOYEES = 200;

/**
 * The demo login for clicking through the mini-program against `npm start`: only in a develop
 * build, and only against a server that says it runs in sandbox mode (`GET /sandbox/info`).
 * Trial and release builds never ask the server.
 */
export interface Demo {
  /** Whether this build may use the demo login at all (a develop build). */
  allowed(): boolean;
  /**
   * The demo employees to offer, or undefined: not a develop build, or the server is not in
   * sandbox mode (it answers 404 for the sandbox routes).
   */
  employees(): Promise<SandboxEmployee[] | undefined>;
  /** A login code for `userid` from the sandbox (`POST /sandbox/login-code`). */
  loginCode(userid: string): Promise<string>;
}

export function createDemo({ env, request }: { env: Env; request: Request }): Demo {
  const allowed = () => env.envVersion() === 'develop';
  return {
    allowed,
    async employees() {
      if (!allowed()) return undefined;
      let info: unknown;
      try {
        info = await request<unknown>({ method: 'GET', path: '/sandbox/info', auth: false });
      } catch (error) {
        if (isApiError(error) && error.code === 'request.not_found') return undefined;
        throw error;
      }
      return sandboxEmployees(info);
    },
    async loginCode(userid) {
      if (!allowed())
        throw new ApiError('demo.unavailable', 'the demo login is for develop builds');
      const answer = await request<SandboxLoginCodeResponse>({
        method: 'POST',
        path: '/sandbox/login-code',
        body: { userid } satisfies SandboxLoginCodeRequest,
        auth: false,
      });
      return answer.code;
    },
  };
}

/** The employees of a `{sandbox: true, employees}` answer; undefined for anything else. */
function sandboxEmployees(info: unknown): SandboxEmployee[] | undefined {
  if (typeof info !== 'object' || info === null) return undefined;
  const { sandbox, employees } = info as { sandbox?: unknown; employees?: unknown };
  if (sandbox !== true || !Array.isArray(employees)) return undefined;
  return employees.slice(0, MAX_EMPLOYEES).flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { userid, name, department } = item as Record<string, unknown>;
    if (typeof userid !== 'string' || userid === '' || typeof name !== 'string') return [];
    return [{ userid, name, ...(typeof department === 'string' ? { department } : {}) }];
  });
}
