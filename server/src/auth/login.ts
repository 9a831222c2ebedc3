import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { LoginResponse } from '../../../miniprogram/typings/api';
import type { ErrorCode } from '../errors/codes';
import { RequestError } from '../errors/request-error';
import { toRequestError } from '../errors/to-request-error';
import type { SessionStore } from '../stores/session-store';
import type { Store } from '../stores/store';
import type { WecomApi } from '../wecom/api';
import { LOGIN_CODE_REJECTED } from '../wecom/errcodes';
import { WecomApiError, WecomUnavailableError } from '../wecom/errors';
import type { SessionTokens } from './jwt';

/**
 * Login (DESIGN §6): exchange a `wx.qy.login` code once — duplicate submissions of one code, in
 * this process or another sharing the store, wait for the first exchange and get its session —
 * check the corp, store the session_key server-side and answer a token naming the session.
 */
export interface LoginService {
  login(code: string): Promise<LoginResponse>;
}

export interface LoginServiceDeps {
  wecom: WecomApi;
  sessions: SessionStore;
  tokens: SessionTokens;
  store: Store;
  corpId: string;
  logger: Logger;
  /** Upper bound of one exchange, to size the pending marker (WECOM_TIMEOUT_MS). */
  timeoutMs: number;
  now?: () => number;
  pollMs?: number;
}

const exchangeGuard = z.discriminatedUnion('state', [
  z.object({ state: z.literal('pending') }),
  z.object({
    state: z.literal('done'),
    sid: z.string(),
    userid: z.string(),
    corpid: z.string(),
    expiresAt: z.number(),
  }),
  z.object({ state: z.literal('failed'), code: z.string(), data: z.unknown().optional() }),
]);
type Exchange = z.infer<typeof exchangeGuard>;
type Done = Extract<Exchange, { state: 'done' }>;

/** How long a finished exchange is remembered: a code lives five minutes. */
const DONE_TTL_MS = 5 * 60_000;
const FAILED_TTL_MS = 10_000;

export function createLoginService(deps: LoginServiceDeps): LoginService {
  const { wecom, sessions, tokens, store, corpId, logger, timeoutMs, now = Date.now } = deps;
  const pollMs = deps.pollMs ?? 25;
  const pendingTtlMs = timeoutMs * 2 + 1000;
  const inFlight = new Map<string, Promise<Done>>();

  function answer(done: Done): LoginResponse {
    return {
      token: tokens.sign({ userid: done.userid, sid: done.sid, expiresAt: done.expiresAt }),
      expiresAt: new Date(done.expiresAt).toISOString(),
      user: { userid: done.userid, corpid: done.corpid },
    };
  }

  function loginError(error: unknown): RequestError {
    if (error instanceof WecomApiError && LOGIN_CODE_REJECTED.has(error.errcode)) {
      return new RequestError('auth.invalid_code', {
        cause: error,
        data: { errcode: error.errcode },
      });
    }
    return toRequestError(error);
  }

  async function exchange(code: string): Promise<Done> {
    const result = await wecom.jscode2session(code);
    if (result.corpid !== corpId) {
      logger.warn({ corpid: result.corpid }, 'login code answered for another corp');
      throw new RequestError('auth.corp_mismatch');
    }
    const session = await sessions.create({
      userid: result.userid,
      corpid: result.corpid,
      sessionKey: result.session_key,
    });
    logger.info({ userid: session.userid }, 'session created');
    return {
      state: 'done',
      sid: session.sid,
      userid: session.userid,
      corpid: session.corpid,
      expiresAt: session.expiresAt,
    };
  }

  async function exchangeOnce(key: string, code: string): Promise<Done> {
    const deadline = now() + pendingTtlMs + 1000;
    for (;;) {
      const raw = await store.get(key);
      if (raw !== null) {
        const seen = exchangeGuard.parse(JSON.parse(raw));
        if (seen.state === 'done') return seen;
        if (seen.state === 'failed') {
          throw new RequestError(seen.code as ErrorCode, { data: seen.data });
        }
      } else if (await store.setIfAbsent(key, JSON.stringify({ state: 'pending' }), pendingTtlMs)) {
        try {
          const done = await exchange(code);
          await store.set(key, JSON.stringify(done), DONE_TTL_MS);
          return done;
        } catch (error) {
          const failure = loginError(error);
          await store
            .set(
              key,
              JSON.stringify({ state: 'failed', code: failure.code, data: failure.data }),
              FAILED_TTL_MS,
            )
            .catch(() => undefined);
          throw failure;
        }
      }
      if (now() > deadline) {
        throw new RequestError('wecom.unavailable', {
          cause: new WecomUnavailableError(
            'miniprogram/jscode2session',
            'busy',
            'duplicate login still pending',
          ),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  return {
    async login(code) {
      const key = `login-code:${createHash('sha256').update(code).digest('base64url')}`;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = exchangeOnce(key, code).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return answer(await pending);
    },
  };
}
