import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import helmet from 'koa-helmet';
import type { Logger } from 'pino';
import type { SessionTokens } from './auth/jwt';
import type { LoginService } from './auth/login';
import type { Metrics } from './metrics';
import { requestMetrics } from './metrics/middleware';
import { requireEmployee } from './middleware/auth';
import { errorHandler } from './middleware/error-handler';
import { byClientIp, byEmployee, rateLimit, underPaths } from './middleware/rate-limit';
import { requestContext } from './middleware/request-context';
import type { AppState } from './middleware/state';
import { healthRoutes } from './routes/health';
import { meRoutes } from './routes/me';
import { metricsRoutes } from './routes/metrics';
import { type SandboxLoginCodes, sandboxRoutes } from './routes/sandbox';
import { sessionRoutes } from './routes/sessions';
import type { NameCache } from './stores/name-cache';
import type { RateLimiter } from './stores/rate-limiter';
import type { SessionStore } from './stores/session-store';
import type { Store } from './stores/store';
import type { WecomApi } from './wecom/api';

export interface AppDeps {
  logger: Logger;
  store: Store;
  sessions: SessionStore;
  tokens: SessionTokens;
  login: LoginService;
  wecom: WecomApi;
  names: NameCache;
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

/** Request bodies larger than this are `request.too_large` (413). */
export const BODY_LIMIT = '16kb';

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
  meRoutes(router, { wecom: deps.wecom, names: deps.names, requireEmployee: employee });
  if (deps.sandbox) sandboxRoutes(router, { sandbox: deps.sandbox });
  metricsRoutes(router, { metrics: deps.metrics });

  app.use(requestContext({ logger: deps.logger }));
  app.use(requestMetrics({ metrics: deps.metrics }));
  app.use(helmet());
  app.use(errorHandler());
  app.use(
    underPaths(
      LOOKUP_PATHS,
      rateLimit({ limiter: deps.rateLimits.lookup, key: byEmployee(deps.tokens) }),
    ),
  );
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: BODY_LIMIT, encoding: 'utf-8' }));
  app.use(router.routes());
  return app;
}
