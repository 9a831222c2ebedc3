import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { RateLimiter } from '../stores/rate-limiter';
import type { SessionRef, SessionStore } from '../stores/session-store';
import type { Store } from '../stores/store';
import type { WecomApi } from '../wecom/api';
import { LOGIN_CODE_REJECTED } from '../wecom/errcodes';
import { WecomApiError } from '../wecom/errors';
import { AuthError } from './errors';
import type { SessionTokens } from './jwt';
import type { LoginAttempts } from './login-attempts';

/**
 * The web login of the admin console and H5 pages: WeCom's OAuth2 inside the WeCom client, its
 * QR login page in any other browser; both come back with a code that `auth/getuserinfo`
 * exchanges, with the app's token, for the member's userid.
 *
 * - `state` is random, used once, kept in the store for ten minutes, and bound to the browser that
 *   started the login: the start hands back a random binding for a cookie, and the store keeps
 *   only its hash. A callback whose state is unknown, expired, used, or started in another
 *   browser is `invalid_state`; a state is consumed atomically (compare-and-delete), so one
 *   state leads to one code exchange however often the callback is replayed.
 * - Someone WeCom answers for with an openid (not a member of this corp) is `not_member`.
 * - The session is a `web` session in the same store as the mini-program's (ended with them when
 *   the employee leaves), named by a token of the web audience that goes into a cookie.
 * - Callbacks are login attempts of the client's IP like mini-program logins (login-attempts.ts):
 *   failed ones (bad state, refused code) count, and the IP's callbacks in flight are bounded;
 *   started logins are limited across the cluster (each one keeps a state in the store for ten
 *   minutes and may cost one code exchange), not per IP, because a whole office behind one NAT
 *   signs in at nine.
 */

export interface WebLoginStart {
  /** Where to send the browser: WeCom's authorize page or QR login page. */
  location: string;
  /** The browser binding to keep in a cookie (the one given, when it was well-formed). */
  binding: string;
}

export interface WebLoginDone {
  userid: string;
  /** The web session token (the cookie's value). */
  token: string;
  expiresAt: number;
  returnTo: string;
}

export interface WebLogin {
  /** Ten minutes: how long a started login may take. */
  readonly stateTtlSeconds: number;
  /** `returnTo` must already be a local path (see return-to.ts). */
  start(input: { returnTo: string; userAgent: string; binding?: string }): Promise<WebLoginStart>;
  finish(input: {
    state?: string;
    code?: string;
    binding?: string;
    ip: string;
  }): Promise<WebLoginDone>;
  /** Ends the web session (it may be gone already). */
  logout(session: SessionRef): Promise<void>;
}

export interface WebLoginDeps {
  wecom: Pick<WecomApi, 'getUserInfoByCode'>;
  sessions: SessionStore;
  /** Signs the session cookie's token (web audience). */
  sessionTokens: SessionTokens;
  store: Store;
  corpId: string;
  agentId: string;
  oauthBase: string;
  loginBase: string;
  /** PUBLIC_BASE_URL: the redirect_uri is `${publicBaseUrl}/auth/wecom/callback`. */
  publicBaseUrl: string;
  /** Failed callbacks per client IP, and the IP's callbacks in flight. */
  attempts: LoginAttempts;
  /** Logins started, across the cluster. */
  starts: RateLimiter;
  logger: Logger;
}

export const WEB_LOGIN_CALLBACK_PATH = '/auth/wecom/callback';
const STATE_TTL_SECONDS = 600;
const STATE = /^[0-9a-f]{64}$/;
const BINDING = /^[\w-]{43}$/;

const pendingSchema = z.object({ binding: z.string(), returnTo: z.string() });

const hashOf = (value: string) => createHash('sha256').update(value).digest();
const stateKey = (state: string) => `web-login:state:${state}`;

/** True inside the WeCom client (its user agent names `wxwork`), where OAuth2 is silent. */
export function isInsideWecom(userAgent: string): boolean {
  return /wxwork/i.test(userAgent);
}

export function createWebLogin(deps: WebLoginDeps): WebLogin {
  const { wecom, sessions, sessionTokens, store, corpId, agentId, attempts, logger } = deps;
  const redirectUri = `${deps.publicBaseUrl}${WEB_LOGIN_CALLBACK_PATH}`;

  function locationFor(state: string, insideWecom: boolean): string {
    if (insideWecom) {
      const url = new URL('/connect/oauth2/authorize', deps.oauthBase);
      url.search = new URLSearchParams({
        appid: corpId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'snsapi_base',
        state,
        agentid: agentId,
      }).toString();
      url.hash = 'wechat_redirect';
      return url.toString();
    }
    const url = new URL('/wwlogin/sso/login', deps.loginBase);
    url.search = new URLSearchParams({
      login_type: 'CorpApp',
      appid: corpId,
      agentid: agentId,
      redirect_uri: redirectUri,
      state,
      lang: 'zh',
    }).toString();
    return url.toString();
  }

  /** The pending login of `state` if this browser started it; consumed once. */
  async function consumeState(state: string | undefined, binding: string | undefined) {
    if (state === undefined || !STATE.test(state)) throw new AuthError('invalid_state');
    if (binding === undefined || !BINDING.test(binding)) throw new AuthError('invalid_state');
    const raw = await store.get(stateKey(state));
    if (raw === null) throw new AuthError('invalid_state');
    const pending = pendingSchema.parse(JSON.parse(raw));
    const expected = Buffer.from(pending.binding, 'base64url');
    const given = hashOf(binding);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new AuthError('invalid_state', { message: 'the login was started in another browser' });
    }
    if (!(await store.deleteIfEquals(stateKey(state), raw))) {
      throw new AuthError('invalid_state', { message: 'the state was already used' });
    }
    return pending;
  }

  async function exchange(code: string | undefined): Promise<string> {
    if (code === undefined || code === '') {
      throw new AuthError('invalid_code', {
        message: 'WeCom sent no code: the login was cancelled',
      });
    }
    let answer: Awaited<ReturnType<WecomApi['getUserInfoByCode']>>;
    try {
      answer = await wecom.getUserInfoByCode(code);
    } catch (error) {
      if (error instanceof WecomApiError && LOGIN_CODE_REJECTED.has(error.errcode))
        throw new AuthError('invalid_code', { errcode: error.errcode, cause: error });
      throw error;
    }
    if (answer.userid === undefined) {
      logger.info('web login by someone outside the corp refused');
      throw new AuthError('not_member');
    }
    return answer.userid;
  }

  const isFailedAttempt = (error: unknown) =>
    error instanceof AuthError &&
    (error.reason === 'invalid_state' || error.reason === 'invalid_code');

  return {
    stateTtlSeconds: STATE_TTL_SECONDS,
    async start({ returnTo, userAgent, binding: given }) {
      const allowed = await deps.starts.consume('all');
      if (!allowed.allowed) {
        logger.warn('web logins started per minute reached; refusing until the window ends');
        throw new AuthError('rate_limited', { retryAfterSeconds: allowed.retryAfterSeconds });
      }
      const binding =
        given !== undefined && BINDING.test(given) ? given : randomBytes(32).toString('base64url');
      const state = randomBytes(32).toString('hex');
      await store.set(
        stateKey(state),
        JSON.stringify({ binding: hashOf(binding).toString('base64url'), returnTo }),
        STATE_TTL_SECONDS * 1000,
      );
      return { location: locationFor(state, isInsideWecom(userAgent)), binding };
    },
    finish: ({ state, code, binding, ip }) =>
      attempts.run(
        ip,
        async () => {
          const pending = await consumeState(state, binding);
          const userid = await exchange(code);
          const session = await sessions.create({ kind: 'web', userid, corpid: corpId });
          logger.info({ userid }, 'web session created');
          return {
            userid,
            token: sessionTokens.sign('web', {
              userid,
              sid: session.sid,
              expiresAt: session.expiresAt,
            }),
            expiresAt: session.expiresAt,
            returnTo: pending.returnTo,
          };
        },
        isFailedAttempt,
      ),
    logout: (session) => sessions.delete(session),
  };
}
