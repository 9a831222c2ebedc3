import type { Logger } from 'pino';
import type { Store } from '../stores/store';
import { type ApiPath, apiPaths } from './api-paths';
import { WecomUnavailableError } from './errors';
import { createExpiringCache } from './expiring-cache';
import type { ProviderApi } from './provider-api';
import type { RefreshSchedule } from './refresh-schedule';

/**
 * The service provider's own tokens: each suite's suite_access_token (made with the suite's latest
 * ticket) and the provider_access_token (made with its ProviderSecret). Each is kept in the store
 * and fetched at most once at a time across every instance, refreshed ahead of its end
 * (expiring-cache.ts).
 */

interface TokenDeps {
  api: ProviderApi;
  store: Store;
  schedule?: RefreshSchedule;
  logger: Logger;
  timeoutMs: number;
  now?: () => number;
}

function storedToken(
  deps: TokenDeps & {
    key: string;
    /** The API that makes the token (for errors). */
    made: ApiPath;
    /** Said in logs: `suite access token`, `provider access token`. */
    what: string;
    fields: Record<string, string>;
    fetch(): Promise<{ token: string; expiresIn: number }>;
  },
): () => Promise<string> {
  const { logger, what, fields } = deps;
  const cache = createExpiringCache({
    store: deps.store,
    key: deps.key,
    fetchTimeoutMs: deps.timeoutMs * 2,
    schedule: deps.schedule,
    now: deps.now,
    onRefreshFailed: (error) =>
      logger.warn({ ...fields, err: error }, `${what} refresh ahead of expiry failed`),
    async fetch() {
      const { token, expiresIn } = await deps.fetch();
      logger.info({ ...fields, expiresIn }, `${what} refreshed`);
      return { value: token, expiresIn };
    },
    onBusy: () => new WecomUnavailableError(deps.made, 'busy', 'another instance holds the lock'),
  });
  return async () => (await cache.get()).value;
}

/** A suite's suite_access_token, made with the latest suite_ticket WeCom pushed. */
export function createSuiteToken(
  deps: TokenDeps & {
    suiteId: string;
    secret: string;
    /** The latest suite_ticket WeCom pushed, if any. */
    ticket(): Promise<string | undefined>;
  },
): () => Promise<string> {
  const { suiteId } = deps;
  return storedToken({
    ...deps,
    key: `suite:${suiteId}:token`,
    made: apiPaths.getSuiteToken,
    what: 'suite access token',
    fields: { suiteId },
    async fetch() {
      const ticket = await deps.ticket();
      if (ticket === undefined)
        throw new WecomUnavailableError(
          apiPaths.getSuiteToken,
          'busy',
          'no suite_ticket yet: WeCom pushes one to the suite’s 指令回调 URL every 10 minutes',
        );
      return deps.api.getSuiteToken({ suiteId, secret: deps.secret, ticket });
    },
  });
}

/** The provider_access_token, made with the provider's corp ID and ProviderSecret. */
export function createProviderToken(
  deps: TokenDeps & { corpId: string; secret: string },
): () => Promise<string> {
  return storedToken({
    ...deps,
    key: 'provider:token',
    made: apiPaths.getProviderToken,
    what: 'provider access token',
    fields: { providerCorpId: deps.corpId },
    fetch: () => deps.api.getProviderToken({ corpId: deps.corpId, secret: deps.secret }),
  });
}
