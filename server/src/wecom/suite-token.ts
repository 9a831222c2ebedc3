import type { Logger } from 'pino';
import type { Store } from '../stores/store';
import { apiPaths } from './api-paths';
import { WecomUnavailableError } from './errors';
import { createExpiringCache } from './expiring-cache';
import type { ProviderApi } from './provider-api';
import type { RefreshSchedule } from './refresh-schedule';

/**
 * A suite's suite_access_token, kept in the store and fetched with the suite's latest ticket at
 * most once at a time across every instance, refreshed ahead of its end (expiring-cache.ts).
 */
export function createSuiteToken(deps: {
  suiteId: string;
  secret: string;
  /** The latest suite_ticket WeCom pushed, if any. */
  ticket(): Promise<string | undefined>;
  api: ProviderApi;
  store: Store;
  schedule?: RefreshSchedule;
  logger: Logger;
  timeoutMs: number;
  now?: () => number;
}): () => Promise<string> {
  const { suiteId, api, logger } = deps;
  const cache = createExpiringCache({
    store: deps.store,
    key: `suite:${suiteId}:token`,
    fetchTimeoutMs: deps.timeoutMs * 2,
    schedule: deps.schedule,
    now: deps.now,
    onRefreshFailed: (error) =>
      logger.warn({ suiteId, err: error }, 'suite token refresh ahead of expiry failed'),
    async fetch() {
      const ticket = await deps.ticket();
      if (ticket === undefined)
        throw new WecomUnavailableError(
          apiPaths.getSuiteToken,
          'busy',
          'no suite_ticket yet: WeCom pushes one to the suite’s 指令回调 URL every 10 minutes',
        );
      const { token, expiresIn } = await api.getSuiteToken({
        suiteId,
        secret: deps.secret,
        ticket,
      });
      logger.info({ suiteId, expiresIn }, 'suite access token refreshed');
      return { value: token, expiresIn };
    },
    onBusy: () =>
      new WecomUnavailableError(apiPaths.getSuiteToken, 'busy', 'another instance holds the lock'),
  });
  return async () => (await cache.get()).value;
}
