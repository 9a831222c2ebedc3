import type { AppDeps } from './app';
import { createSessionTokens } from './auth/jwt';
import { createLoginService } from './auth/login';
import type { Config, WecomConfig } from './config';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { createNameCache } from './stores/name-cache';
import { createSessionStore } from './stores/session-store';
import type { Store } from './stores/store';
import { createWecomApi } from './wecom/api';
import { createWecomClient } from './wecom/client';
import { createWecomHttp, type WecomCallEvent } from './wecom/http';
import { createTokenProvider } from './wecom/token-provider';

/** Wires the services `createApp` needs from configuration, a logger and a store. */
export function createDeps(options: {
  config: Config;
  wecomConfig: WecomConfig;
  logger: Logger;
  store: Store;
  now?: () => number;
  onWecomCall?: (event: WecomCallEvent) => void;
  /** Default: a fresh registry for this app. */
  metrics?: Metrics;
}): AppDeps & { close(): Promise<void> } {
  const { config, wecomConfig, logger, store, now } = options;
  const metrics = options.metrics ?? createMetrics();
  const http = createWecomHttp({
    apiBase: wecomConfig.apiBase,
    proxy: wecomConfig.proxy,
    timeoutMs: wecomConfig.timeoutMs,
    logger: logger.child({ component: 'wecom' }),
    onCall: (event) => {
      metrics.wecomCall(event);
      options.onWecomCall?.(event);
    },
  });
  const accessTokens = createTokenProvider({
    http,
    store,
    corpId: wecomConfig.corpId,
    secrets: wecomConfig.secrets,
    logger: logger.child({ component: 'tokens' }),
    timeoutMs: wecomConfig.timeoutMs,
    now,
    onRefresh: metrics.tokenRefresh,
  });
  const wecom = createWecomApi({ client: createWecomClient({ http, tokens: accessTokens }) });
  const sessions = createSessionStore({ store, ttlSeconds: config.sessionTtlSeconds, now });
  const tokens = createSessionTokens({ secret: config.jwtSecret, now });
  const login = createLoginService({
    wecom,
    sessions,
    tokens,
    store,
    corpId: wecomConfig.corpId,
    logger: logger.child({ component: 'login' }),
    timeoutMs: wecomConfig.timeoutMs,
    now,
  });
  return {
    logger,
    store,
    sessions,
    tokens,
    login,
    wecom,
    names: createNameCache({ store, onLookup: (hit) => metrics.cacheLookup('names', hit) }),
    metrics,
    trustedProxyHops: config.trustedProxyHops,
    rateLimits: {
      login: store.rateLimiter({
        name: 'login',
        points: config.rateLimits.loginPerMinute,
        durationSeconds: 60,
      }),
      lookup: store.rateLimiter({
        name: 'lookup',
        points: config.rateLimits.lookupPerMinute,
        durationSeconds: 60,
      }),
    },
    close: () => http.close(),
  };
}
