import type { LoginResponse } from '../typings/api';
import type { Env } from './env';
import { ApiError, isApiError, isSessionError } from './errors';
import type { Qy } from './qy';
import type { Request } from './request';
import type { TokenStorage } from './storage';

export interface Auth {
  /** A stored token that WeCom's checkSession still accepts, or a new login. */
  ensureSession(): Promise<void>;
  /**
   * Runs `call` with a live session. If the server answers auth.session_expired or
   * auth.unauthenticated, logs in again (once, shared with concurrent callers) and retries once.
   */
  withSession<T>(call: () => Promise<T>): Promise<T>;
}

export function createAuth({
  env,
  qy,
  request,
  storage,
}: {
  env: Env;
  qy: Qy;
  request: Request;
  storage: TokenStorage;
}): Auth {
  let inflight: Promise<void> | undefined;

  /** One login at a time: concurrent callers share the same wx.qy.login and POST /api/sessions. */
  const login = (): Promise<void> => {
    if (inflight === undefined) {
      inflight = exchange().finally(() => {
        inflight = undefined;
      });
    }
    return inflight;
  };

  const exchange = async (): Promise<void> => {
    storage.clearToken();
    try {
      await createSession();
    } catch (error) {
      // WeCom rejected the code (expired or reused): a fresh code once, never a loop.
      if (!isApiError(error) || error.code !== 'auth.invalid_code') throw error;
      await createSession();
    }
  };

  const createSession = async (): Promise<void> => {
    const code = await qy.login();
    const session = await request<LoginResponse>({
      method: 'POST',
      path: '/api/sessions',
      body: { code },
      auth: false,
    });
    storage.setToken(session.token);
  };

  const ensureSession = async (): Promise<void> => {
    if (!env.isWxWork()) throw new ApiError('env.not_wxwork', 'not running inside WeCom');
    if (inflight !== undefined) return inflight;
    if (storage.getToken() !== undefined && (await qy.checkSession())) return;
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
        if (!isSessionError(error)) throw error;
        // Another caller may already have replaced the token that failed here.
        if (inflight !== undefined) await inflight;
        else if (storage.getToken() === used) await login();
        return call();
      }
    },
  };
}
