import type { AppDeps } from './app';
import { createUserDataDecryptor } from './auth/decrypt';
import { createSessionTokens } from './auth/jwt';
import { createLoginService } from './auth/login';
import type { Config, WecomConfig } from './config';
import type { Logger } from './logger';
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

/** Wires the services `createApp` needs from configuration, a logger and a store. */
export function createDeps(options: {
  config: Config;
  wecomConfig: WecomConfig;
  logger: Logger;
  store: Store;
  now?: () => number;
  onWecomCall?: (event: WecomCallEvent) => void;
}): AppDeps & { close(): Promise<void> } {
  const { config, wecomConfig, logger, store, now } = options;
  const http = createWecomHttp({
    apiBase: wecomConfig.apiBase,
    proxy: wecomConfig.proxy,
    timeoutMs: wecomConfig.timeoutMs,
    logger: logger.child({ component: 'wecom' }),
    onCall: options.onWecomCall,
  });
  const accessTokens = createTokenProvider({
    http,
    store,
    corpId: wecomConfig.corpId,
    secrets: wecomConfig.secrets,
    logger: logger.child({ component: 'tokens' }),
    timeoutMs: wecomConfig.timeoutMs,
    now,
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
  // Customer and group details: shared by employees; at most 5 calls of each detail API at a
  // time in this process (WeCom answers 45033 to too many concurrent calls).
  const details = { store, ttlSeconds: config.cacheTtlSeconds, parallelism: 5 };
  const customers = createDetailCache({
    ...details,
    kind: 'customer',
    schema: customerSchema,
    load: (id) => fetchCustomer(wecom, id),
  });
  const groupChats = createDetailCache({
    ...details,
    kind: 'groupchat',
    schema: groupChatSchema,
    load: (id) => fetchGroupChat(wecom, id),
  });
  return {
    logger,
    store,
    sessions,
    tokens,
    login,
    wecom,
    names: createNameCache({ store }),
    customers,
    groupChats,
    decryptor: createUserDataDecryptor({ appId: wecomConfig.miniprogramAppId }),
    close: () => http.close(),
  };
}
