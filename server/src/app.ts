import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { GroupChat } from '../../miniprogram/typings/api';
import type { Doctor } from './admin/doctor';
import type { NameMapper } from './admin/name-mapper';
import type { UserDataDecryptor } from './auth/decrypt';
import type { SessionTokens } from './auth/jwt';
import type { LoginService } from './auth/login';
import { requireAdmin, requireEmployee } from './middleware/auth';
import { errorHandler } from './middleware/error-handler';
import { requestContext } from './middleware/request-context';
import type { AppState } from './middleware/state';
import { adminRoutes } from './routes/admin';
import { externalContactRoutes } from './routes/external-contacts';
import { groupChatRoutes } from './routes/group-chats';
import { healthRoutes } from './routes/health';
import { meRoutes } from './routes/me';
import { type SandboxLoginCodes, sandboxRoutes } from './routes/sandbox';
import { sessionRoutes } from './routes/sessions';
import type { DetailCache } from './stores/detail-cache';
import type { NameCache } from './stores/name-cache';
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
  /** Present in sandbox mode only: serves `POST /sandbox/login-code`. */
  sandbox?: SandboxLoginCodes;
}

/** Request bodies larger than this are `request.too_large` (413). */
export const BODY_LIMIT = '16kb';

/** Builds the Koa application. Never listens: `server/src/index.ts` does. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: true });
  app.silent = true;
  const router = new Router<AppState>();
  const employee = requireEmployee({ tokens: deps.tokens, sessions: deps.sessions });

  healthRoutes(router, { store: deps.store });
  sessionRoutes(router, { login: deps.login, sessions: deps.sessions, requireEmployee: employee });
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

  app.use(requestContext({ logger: deps.logger }));
  app.use(errorHandler());
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: BODY_LIMIT, encoding: 'utf-8' }));
  app.use(router.routes());
  return app;
}
