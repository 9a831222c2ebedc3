import { createDoctor } from './admin/doctor';
import { createNameLookups } from './admin/name-lookups';
import { createNameMapper } from './admin/name-mapper';
import type { AppDeps } from './app';
import { createUserDataDecryptor } from './auth/decrypt';
import { createSessionTokens } from './auth/jwt';
import { createLoginService } from './auth/login';
import type { Config, WecomConfig } from './config';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { createDetailCache } from './stores/detail-cache';
import { createNameCache } from './stores/name-cache';
import { createSessionStore } from './stores/session-store';
import type { Store } from './stores/store';
import { createWecomApi } from './wecom/api';
import { createWecomClient } from './wecom/client';
import { customerSchema, groupChatSchema } from './wecom/contacts';
import { fetchCustomer, fetchGroupChat } from './wecom/details';
import { createWecomHttp, type WecomCallEvent } from './wecom/http';
import { createTokenProvider } from './wecom/token-provider';

/** `GET /api/admin/diagnostics` probes WeCom at most once per this many ms. */
const DIAGNOSTICS_REUSE_MS = 10_000;

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
  const client = createWecomClient({ http, tokens: accessTokens });
  const wecom = createWecomApi({ client });
  const names = createNameCache({ store, onLookup: (hit) => metrics.cacheLookup('names', hit) });
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
  // Customer and group details: shared by employees; at most 5 calls of each detail API at a
  // time in this process (WeCom answers 45033 to too many concurrent calls).
  const details = { store, ttlSeconds: config.cacheTtlSeconds, parallelism: 5 };
  const customers = createDetailCache({
    ...details,
    kind: 'customer',
    schema: customerSchema,
    onLookup: (hit: boolean) => metrics.cacheLookup('customer', hit),
    load: (id) => fetchCustomer(wecom, id),
  });
  const groupChats = createDetailCache({
    ...details,
    kind: 'groupchat',
    schema: groupChatSchema,
    onLookup: (hit: boolean) => metrics.cacheLookup('groupchat', hit),
    load: (id) => fetchGroupChat(wecom, id),
  });
  return {
    logger,
    store,
    sessions,
    tokens,
    login,
    wecom,

    customers,
    groupChats,
    decryptor: createUserDataDecryptor({ appId: wecomConfig.miniprogramAppId }),
    names,
    // Admin tools (issue 5): the doctor probes WeCom itself; the mapper shares the name cache.
    doctor: createDoctor({
      http,
      wecom: wecomConfig,
      probeUserIds: config.adminUserIds,
      store: { redis: config.redis, sandbox: config.sandbox },
      reuseMs: DIAGNOSTICS_REUSE_MS,
      now,
    }),
    nameMapper: createNameMapper({ lookups: createNameLookups({ client }), names }),
    admin: { userIds: config.adminUserIds, token: config.adminToken },
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
