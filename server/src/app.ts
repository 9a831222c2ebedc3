import Router from '@koa/router';
import type { HelmetOptions } from 'helmet';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { GroupChat } from '../../miniprogram/typings/api';
import type { Doctor } from './admin/doctor';
import type { NameMapper } from './admin/name-mapper';
import type { UserDataDecryptor } from './auth/decrypt';
import type { SessionTokens } from './auth/jwt';
import type { LoginService } from './auth/login';
import type { Metrics } from './metrics';
import { requestMetrics } from './metrics/middleware';
import { requireAdmin, requireEmployee } from './middleware/auth';
import { errorHandler } from './middleware/error-handler';
import { byClientIp, byEmployee, rateLimit, underPaths } from './middleware/rate-limit';
import { requestContext } from './middleware/request-context';
import { securityHeaders } from './middleware/security-headers';
import type { AppState } from './middleware/state';
import { adminRoutes } from './routes/admin';
import { externalContactRoutes } from './routes/external-contacts';
import { groupChatRoutes } from './routes/group-chats';
import { healthRoutes } from './routes/health';
import { meRoutes } from './routes/me';
import { metricsRoutes } from './routes/metrics';
import { type SandboxLoginCodes, sandboxRoutes } from './routes/sandbox';
import { sessionRoutes } from './routes/sessions';
import type { DetailCache } from './stores/detail-cache';
import type { NameCache } from './stores/name-cache';
import type { RateLimiter } from './stores/rate-limiter';
import type { SessionStore } from './stores/session-store';
import type { Store } from './stores/store';
import type { WecomApi } from './wecom/api';
import type { Customer } from './wecom/contacts';

export interface AppDeps {
  logger: Logger;
  store: Store;
  sessions: SessionStore;
  tokens: SessionTokens;
  login: LoginService;
  wecom: WecomApi;
  names: NameCache;
  /** Customer and group details shared by employees (config.cacheTtlSeconds). */
  customers: DetailCache<Customer>;
  groupChats: DetailCache<GroupChat>;
  /** `POST /api/me/decrypt`; disabled without WECOM_MINIPROGRAM_APPID. */
  decryptor: UserDataDecryptor;
  /** Admin tools (issue 5). */
  doctor: Doctor;
  nameMapper: NameMapper;
  admin: { userIds: readonly string[]; token?: string };
  metrics: Metrics;
  /** Reverse proxies trusted for `X-Forwarded-For` (config `TRUSTED_PROXY_HOPS`). */
  trustedProxyHops: number;
  /** Logins per client IP; lookups (customers, groups) per employee. */
  rateLimits: { login: RateLimiter; lookup: RateLimiter };
  /** Present in sandbox mode only: serves `POST /sandbox/login-code`. */
  sandbox?: SandboxLoginCodes;
}

/** Routes whose calls cost WeCom quota: limited per employee by `rateLimits.lookup`. */
export const LOOKUP_PATHS = ['/api/external-contacts', '/api/group-chats'] as const;

/**
 * helmet, trimmed for a JSON API: no document may be framed or load anything, HTTPS only, no
 * MIME sniffing, no referrer. The browser-document headers (COOP, CORP, Origin-Agent-Cluster,
 * X-DNS-Prefetch-Control, …) are left out: each header costs on every answer.
 */
export const API_SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  xFrameOptions: { action: 'deny' },
};

/** Builds the Koa application. Never listens: `server/src/index.ts` does. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({
    proxy: deps.trustedProxyHops > 0,
    maxIpsCount: deps.trustedProxyHops,
  });
  app.silent = true;
  const router = new Router<AppState>();
  const employee = requireEmployee({ tokens: deps.tokens, sessions: deps.sessions });

  healthRoutes(router, { store: deps.store });
  sessionRoutes(router, {
    login: deps.login,
    sessions: deps.sessions,
    requireEmployee: employee,
    loginRateLimit: rateLimit({ limiter: deps.rateLimits.login, key: byClientIp }),
  });
  meRoutes(router, {
    wecom: deps.wecom,
    names: deps.names,
    sessions: deps.sessions,
    decryptor: deps.decryptor,
    requireEmployee: employee,
  });
  externalContactRoutes(router, {
    wecom: deps.wecom,
    customers: deps.customers,
    requireEmployee: employee,
  });
  groupChatRoutes(router, {
    wecom: deps.wecom,
    groupChats: deps.groupChats,
    requireEmployee: employee,
  });
  adminRoutes(router, {
    doctor: deps.doctor,
    nameMapper: deps.nameMapper,
    requireAdmin: requireAdmin({
      tokens: deps.tokens,
      sessions: deps.sessions,
      adminUserIds: deps.admin.userIds,
      adminToken: deps.admin.token,
    }),
  });
  if (deps.sandbox) sandboxRoutes(router, { sandbox: deps.sandbox });
  metricsRoutes(router, { metrics: deps.metrics });

  app.use(requestContext({ logger: deps.logger }));
  app.use(requestMetrics({ metrics: deps.metrics }));
  app.use(securityHeaders(API_SECURITY_HEADERS));
  app.use(errorHandler());
  app.use(
    underPaths(
      LOOKUP_PATHS,
      rateLimit({ limiter: deps.rateLimits.lookup, key: byEmployee(deps.tokens) }),
    ),
  );
  app.use(router.routes());
  return app;
}
