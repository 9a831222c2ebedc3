import type { Logger } from 'pino';
import type { AttemptLimiter } from '../stores/rate-limiter';
import { AuthError } from './errors';

/**
 * Login attempts per client IP, for every way of signing in (mini-program codes, the web login's
 * callback): what costs is limited, not logins. An office behind one NAT logs in at nine all at
 * once, so a successful login never counts; a failed one (refused or replayed code, wrong corp,
 * bad state) counts after the attempt. An attempt runs only while it holds one of the IP's slots
 * (free while failures this minute + attempts in flight < the limit, across every instance), so
 * 1,000 garbage codes sent at once still cost at most the limit in WeCom calls a minute. An
 * attempt that finds every slot taken by attempts in flight waits for one, at most `waitMs`.
 */
export interface LoginAttempts {
  /**
   * Runs `attempt` for the client `ip`: `rate_limited` (with Retry-After) at once when the IP's
   * failed logins reached the limit, `busy` when no slot came within `waitMs`. An error that
   * `isFailure` recognises is counted as a failed login of the IP, then thrown on.
   */
  run<T>(ip: string, attempt: () => Promise<T>, isFailure: (error: unknown) => boolean): Promise<T>;
}

export function createLoginAttempts(deps: {
  limiter: AttemptLimiter;
  /** How long an attempt may wait for a slot (WECOM_TIMEOUT_MS: the time of one exchange). */
  waitMs: number;
  logger: Logger;
}): LoginAttempts {
  const { limiter, waitMs, logger } = deps;
  return {
    async run(ip, attempt, isFailure) {
      const slot = await limiter.acquire(ip, AbortSignal.timeout(waitMs));
      if (!slot.granted) {
        if (slot.reason === 'busy')
          logger.warn({ ip }, `no login slot for this IP within ${waitMs} ms`);
        throw new AuthError(slot.reason === 'busy' ? 'busy' : 'rate_limited', {
          retryAfterSeconds: slot.retryAfterSeconds,
        });
      }
      try {
        return await attempt();
      } catch (error) {
        if (isFailure(error)) {
          logger.info(
            { ip, reason: (error as AuthError).reason, errcode: (error as AuthError).errcode },
            'failed login counted',
          );
          await limiter.countFailure(ip);
        }
        throw error;
      } finally {
        await slot.release();
      }
    },
  };
}
