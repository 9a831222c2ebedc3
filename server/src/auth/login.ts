import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { LoginContextAnswer, LoginResponse } from '../../../miniprogram/typings/api';
import { createSingleFlight, onceAcrossInstances } from '../stores/once';
import type { RateLimiter } from '../stores/rate-limiter';
import type { SessionStore } from '../stores/session-store';
import type { Store } from '../stores/store';
import type { WecomApi } from '../wecom/api';
import { apiPaths } from '../wecom/api-paths';
import { LOGIN_CODE_REJECTED } from '../wecom/errcodes';
import { WecomApiError, WecomUnavailableError } from '../wecom/errors';
import { AuthError } from './errors';
import type { SessionTokens } from './jwt';
import type { LoginAttempts } from './login-attempts';

/**
 * Login: exchange a `wx.qy.login` code once, check the corp, store the session_key server-side
 * and answer a token naming the session.
 *
 * - A code is used once. Duplicates that arrive while its exchange runs (in this process or in
 *   another sharing the store) wait for it and get its session; a code presented after its
 *   exchange finished is `invalid_code`, as WeCom itself would answer, without asking WeCom.
 * - What costs is limited, not logins: failed logins (refused or replayed codes, another corp)
 *   per client IP, counted after the exchange, with the IP's exchanges in flight bounded so that
 *   concurrent garbage is bounded too (login-attempts.ts); and code exchanges per minute across
 *   the cluster (WeCom's quota).
 */
export interface LoginService {
  /**
   * `alongside` (the context of a sidebar login) starts when the exchange does, with the userid
   * the exchange will answer, and its answer is sent with the session; it must never reject.
   */
  login(
    code: string,
    client: { ip: string },
    alongside?: (userid: Promise<string>) => Promise<LoginContextAnswer>,
  ): Promise<LoginResponse>;
}

export interface LoginServiceDeps {
  wecom: WecomApi;
  sessions: SessionStore;
  sessionTokens: SessionTokens;
  store: Store;
  corpId: string;
  /**
   * The corps of WECOM_CORPS_FILE: a code answered for another of them is
   * `corp_switch` (log in again there), for a corp not served `corp_unknown`. Absent (one corp):
   * any other corp is `corp_mismatch`.
   */
  corps?: { serves(corpId: string): boolean };
  logger: Logger;
  /** Failed logins per client IP, and the IP's exchanges in flight. */
  attempts: LoginAttempts;
  /** `jscode2session` calls across the cluster. */
  exchanges: RateLimiter;
  /** Upper bound of one exchange, to size the claim on a code (WECOM_TIMEOUT_MS). */
  timeoutMs: number;
  now?: () => number;
  pollMs?: number;
}

const recordSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('done'),
    sid: z.string(),
    userid: z.string(),
    corpid: z.string(),
    expiresAt: z.number(),
  }),
  z.object({
    state: z.literal('refused'),
    reason: z.enum(['invalid_code', 'corp_mismatch', 'corp_switch', 'corp_unknown']),
    errcode: z.number().optional(),
    corpId: z.string().optional(),
  }),
  z.object({
    state: z.literal('wecom_refused'),
    api: z.string(),
    errcode: z.number(),
    hint: z.string().optional(),
  }),
  z.object({ state: z.literal('wecom_unavailable'), api: z.string() }),
]);
type ExchangeRecord = z.infer<typeof recordSchema>;
type Done = Extract<ExchangeRecord, { state: 'done' }>;

/** A code lives five minutes at WeCom: after that, WeCom refuses it by itself. */
const USED_CODE_TTL_MS = 5 * 60_000;
/** After WeCom was unreachable, the code may be tried again this soon. */
const UNAVAILABLE_TTL_MS = 10_000;

/** The error a finished exchange stands for (for every caller that shared it). */
function errorOf(record: Exclude<ExchangeRecord, Done>): Error {
  switch (record.state) {
    case 'refused':
      return new AuthError(record.reason, { errcode: record.errcode, corpId: record.corpId });
    case 'wecom_refused':
      return new WecomApiError({ ...record, errmsg: '' });
    case 'wecom_unavailable':
      return new WecomUnavailableError(record.api, 'network', 'the shared exchange failed');
  }
}

/** What to remember of a failed exchange, so that duplicates fail the same way. */
function recordOf(error: unknown): { record: ExchangeRecord; ttlMs: number } | undefined {
  if (error instanceof AuthError && REFUSALS.has(error.reason))
    return {
      record: {
        state: 'refused',
        reason: error.reason as Refusal,
        errcode: error.errcode,
        corpId: error.corpId,
      },
      ttlMs: USED_CODE_TTL_MS,
    };
  if (error instanceof WecomApiError)
    return {
      record: { state: 'wecom_refused', api: error.api, errcode: error.errcode, hint: error.hint },
      ttlMs: UNAVAILABLE_TTL_MS,
    };
  if (error instanceof WecomUnavailableError)
    return { record: { state: 'wecom_unavailable', api: error.api }, ttlMs: UNAVAILABLE_TTL_MS };
  return undefined;
}

/** Refusals a code keeps: a duplicate of the code is refused alike, without asking WeCom. */
const REFUSALS: ReadonlySet<string> = new Set<Refusal>([
  'invalid_code',
  'corp_mismatch',
  'corp_switch',
  'corp_unknown',
]);
type Refusal = Extract<ExchangeRecord, { state: 'refused' }>['reason'];

/**
 * The caller's own fault: counts against the client IP. Not `corp_switch`: an employee of
 * another served corp does it once per device, as WeCom's flow for several corps asks.
 */
const isFailedLogin = (error: unknown) =>
  error instanceof AuthError &&
  (error.reason === 'invalid_code' ||
    error.reason === 'corp_mismatch' ||
    error.reason === 'corp_unknown');

export function createLoginService(deps: LoginServiceDeps): LoginService {
  const { wecom, sessions, sessionTokens, store, corpId, logger, timeoutMs, now = Date.now } = deps;
  const claimTtlMs = timeoutMs * 2 + 1000;
  const exchangesInFlight = createSingleFlight<Done>();

  async function exchange(code: string): Promise<Done> {
    const allowed = await deps.exchanges.consume('all');
    if (!allowed.allowed) {
      logger.warn('login exchanges per minute reached; refusing logins until the window ends');
      throw new AuthError('rate_limited', { retryAfterSeconds: allowed.retryAfterSeconds });
    }
    let result: Awaited<ReturnType<WecomApi['jscode2session']>>;
    try {
      result = await wecom.jscode2session(code);
    } catch (error) {
      if (error instanceof WecomApiError && LOGIN_CODE_REJECTED.has(error.errcode))
        throw new AuthError('invalid_code', { errcode: error.errcode, cause: error });
      throw error;
    }
    if (result.corpid !== corpId) {
      // WeCom names the employee's own corp; with several corps, the mini-program logs in again
      // there (a new code, exchanged with that corp's secret: WeCom's flow for one mini-program
      // associated with several corps). The userid answered here is never used.
      if (deps.corps?.serves(result.corpid))
        throw new AuthError('corp_switch', { corpId: result.corpid });
      logger.warn({ corpid: result.corpid }, 'login code answered for another corp');
      throw new AuthError(deps.corps ? 'corp_unknown' : 'corp_mismatch');
    }
    const session = await sessions.create({
      userid: result.userid,
      corpid: result.corpid,
      sessionKey: result.session_key,
      ...(result.open_userid !== undefined && { openUserid: result.open_userid }),
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

  function exchangeOnce(key: string, code: string): Promise<Done> {
    return onceAcrossInstances<Done>({
      store,
      lockKey: `${key}:claim`,
      lockTtlMs: claimTtlMs,
      waitMs: claimTtlMs + 1000,
      pollMs: deps.pollMs,
      now,
      async read(first) {
        const raw = await store.get(key);
        if (raw === null) return undefined;
        const record = recordSchema.parse(JSON.parse(raw));
        if (record.state !== 'done') throw errorOf(record);
        // Seen finished on the first look: this is a replay, not a concurrent duplicate.
        if (first) throw new AuthError('invalid_code', { message: 'the code was already used' });
        return record;
      },
      async produce() {
        try {
          const done = await exchange(code);
          await store.set(key, JSON.stringify(done), USED_CODE_TTL_MS);
          return done;
        } catch (error) {
          const failed = recordOf(error);
          if (failed)
            await store
              .set(key, JSON.stringify(failed.record), failed.ttlMs)
              .catch(() => undefined);
          throw error;
        }
      },
      onTimeout: () =>
        new WecomUnavailableError(apiPaths.jscode2session, 'busy', 'duplicate login still pending'),
    });
  }

  return {
    async login(code, client, alongside) {
      const key = `login-code:${createHash('sha256').update(code).digest('base64url')}`;
      let context: Promise<LoginContextAnswer> | undefined;
      const start = (userid: Promise<string>) => {
        // The userid may fail with the exchange; whoever awaits it sees that, nobody else.
        userid.catch(() => undefined);
        context ??= alongside?.(userid);
      };
      // Duplicates in this process share the first one's slot, exchange and outcome. The context
      // starts once the attempt holds a slot of the client IP, so it is bounded like the exchange.
      const done = await exchangesInFlight.run(key, () =>
        deps.attempts.run(
          client.ip,
          () => {
            const exchanged = exchangeOnce(key, code);
            start(exchanged.then((result) => result.userid));
            return exchanged;
          },
          isFailedLogin,
        ),
      );
      // A duplicate of a code whose exchange another request started loads its context now.
      start(Promise.resolve(done.userid));
      return {
        ...(context && { context: await context }),
        token: sessionTokens.sign('miniprogram', {
          userid: done.userid,
          sid: done.sid,
          expiresAt: done.expiresAt,
        }),
        expiresAt: new Date(done.expiresAt).toISOString(),
        user: { userid: done.userid, corpid: done.corpid },
      };
    },
  };
}
