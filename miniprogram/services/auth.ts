import type { LoginResponse } from '../typings/api';
import type { SidebarContext } from './context';
import type { Demo } from './demo';
import type { Env } from './env';
import { ApiError, isApiError, isSessionError } from './errors';
import type { Qy } from './qy';
import type { Request } from './request';
import type { DeviceStorage } from './storage';

export interface Auth {
  /** A stored token that WeCom's checkSession still accepts, or a new login. */
  ensureSession(): Promise<void>;
  /**
   * Runs `call` with a live session. If the server answers auth.session_expired or
   * auth.unauthenticated, logs in again (once, shared with concurrent callers) and retries once.
   */
  withSession<T>(call: () => Promise<T>): Promise<T>;
  /** Whether a session token is stored (the server may still have ended the session). */
  hasSession(): boolean;
  /**
   * Logs in as a demo employee (develop builds against a sandbox server only; see demo.ts).
   * Later re-logins take the same path until logout.
   */
  loginAsDemo(userid: string): Promise<void>;
  /** The demo employee this device is logged in as, if it logged in through the demo login. */
  demoUser(): string | undefined;
  /** Ends the session on the server (`DELETE /api/sessions/current`), then forgets it here. */
  logout(): Promise<void>;
}

export function createAuth({
  env,
  qy,
  request,
  storage,
  demo,
  sidebar,
}: {
  env: Env;
  qy: Qy;
  request: Request;
  storage: DeviceStorage;
  demo: Demo;
  /** The chat the mini-program was opened from: sent with the code, answered with the session. */
  sidebar: SidebarContext;
}): Auth {
  let inflight: Promise<void> | undefined;

  /** The stored demo employee, honoured in a develop build only. */
  const demoUser = (): string | undefined => {
    const userid = storage.getDemoUser();
    if (userid === undefined || demo.allowed()) return userid;
    storage.clearDemoUser();
    return undefined;
  };

  /** One login at a time: concurrent callers share the same code and POST /api/sessions. */
  const login = (): Promise<void> => {
    if (inflight === undefined) {
      inflight = exchange().finally(() => {
        inflight = undefined;
      });
    }
    return inflight;
  };

  /**
   * A code exchanged for a session, with a fresh code (never a loop) at most once for each of:
   * - auth.invalid_code: WeCom rejected the code (expired or reused);
   * - auth.corp_switch: the employee belongs to another corp this deployment serves, named in
   *   `data.corpId`: remembered, and the new code goes to `/corps/{corpId}/api/sessions` (a code
   *   is exchanged with the credentials of the corp it is sent to, so the first one is spent);
   * - corp.unknown while a corp is remembered: the deployment no longer serves it; forgotten, and
   *   the new code goes to the root (which may answer auth.corp_switch or auth.corp_mismatch).
   */
  const exchange = async (): Promise<void> => {
    storage.clearToken();
    const retried = new Set<string>();
    for (;;) {
      try {
        await createSession();
        return;
      } catch (error) {
        if (!isApiError(error) || retried.has(error.code)) throw error;
        retried.add(error.code);
        if (error.code === 'auth.corp_switch') {
          if (!storage.setCorp(corpIdOf(error.data))) throw error;
        } else if (error.code === 'corp.unknown' && storage.getCorp() !== undefined) {
          storage.clearCorp();
        } else if (error.code !== 'auth.invalid_code') {
          throw error;
        }
      }
    }
  };

  /** A code from wx.qy.login, or after a demo login from the sandbox. */
  const loginCode = async (): Promise<string> => {
    const userid = demoUser();
    if (userid === undefined) return qy.login();
    try {
      return await demo.loginCode(userid);
    } catch (error) {
      if (!isApiError(error) || error.code !== 'request.not_found') throw error;
      // The server is no longer in sandbox mode: leave the demo path for good.
      storage.clearDemoUser();
      return qy.login();
    }
  };

  /** The context needs only the wx.qy.login before it: asked between the code and the request. */
  const createSession = async (): Promise<void> => {
    const code = await loginCode();
    const context = await sidebar.read();
    const session = await request<LoginResponse>({
      method: 'POST',
      path: '/api/sessions',
      body: context === undefined ? { code } : { code, context },
      auth: false,
    });
    storage.setToken(session.token);
    if (context !== undefined) sidebar.keep(context, session.context);
  };

  const ensureSession = async (): Promise<void> => {
    if (!env.isWxWork()) throw new ApiError('env.not_wxwork', 'not running inside WeCom');
    if (inflight !== undefined) return inflight;
    if (storage.getToken() !== undefined) {
      // A demo login never got a session_key from WeCom, so checkSession says nothing about it;
      // the server's answer does (withSession).
      if (demoUser() !== undefined || (await qy.checkSession())) return;
    }
    return login();
  };

  return {
    ensureSession,
    async withSession<T>(call: () => Promise<T>): Promise<T> {
      await ensureSession();
      const used = storage.getToken();
      try {
        return await call();
      } catch (error) {
        // corp.unknown: the deployment no longer serves the remembered corp, nor its session.
        const corpGone = isApiError(error) && error.code === 'corp.unknown';
        if (!corpGone && !isSessionError(error)) throw error;
        // Another caller may already have replaced the token that failed here.
        if (inflight !== undefined) await inflight;
        else if (storage.getToken() === used) {
          if (corpGone) storage.clearCorp();
          await login();
        }
        return call();
      }
    },
    hasSession: () => storage.getToken() !== undefined,
    async loginAsDemo(userid) {
      if (!env.isWxWork()) throw new ApiError('env.not_wxwork', 'not running inside WeCom');
      const offered = await demo.employees();
      if (!offered?.some((employee) => employee.userid === userid)) {
        throw new ApiError('demo.unavailable', 'the server offers no demo login for this userid');
      }
      if (inflight !== undefined) await inflight.catch(() => undefined);
      storage.setDemoUser(userid);
      try {
        await login();
      } catch (error) {
        storage.clearDemoUser();
        throw error;
      }
    },
    demoUser,
    async logout() {
      if (inflight !== undefined) await inflight.catch(() => undefined);
      if (storage.getToken() !== undefined) {
        try {
          await request({ method: 'DELETE', path: '/api/sessions/current' });
        } catch (error) {
          // A session the server no longer knows is as ended as it gets; anything else is not.
          if (!isSessionError(error)) throw error;
        }
      }
      storage.clearToken();
      storage.clearDemoUser();
      // The remembered corp stays: it is the employee's corp, not part of the session, and the
      // next login (anyone's on this WeCom account) starts there. Should it be wrong by then, the
      // server answers auth.corp_switch or corp.unknown and the login corrects it.
    },
  };
}

/** `data.corpId` of an auth.corp_switch answer, if it is a string. */
function corpIdOf(data: unknown): string {
  const corpId = (data as { corpId?: unknown } | undefined)?.corpId;
  return typeof corpId === 'string' ? corpId : '';
}
