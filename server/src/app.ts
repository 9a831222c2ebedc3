import Router from '@koa/router';
import Koa from 'koa';
import type { AppDeps } from './deps';
import {
  findWebSession,
  loadCountedSession,
  loadSession,
  requireAdmin,
  verifyToken,
  verifyWebCookie,
} from './middleware/auth';
import { requestContext } from './middleware/request-context';
import {
  API_SECURITY_HEADERS,
  securityHeaders,
  securityHeaderValues,
} from './middleware/security-headers';
import type { AdminState, AppState, EmployeeState, WebTokenState } from './middleware/state';
import { adminRoutes } from './routes/admin';
import { callbackRoutes } from './routes/callbacks';
import { consoleRoutes } from './routes/console';
import { eventRoutes } from './routes/events';
import { externalContactRoutes } from './routes/external-contacts';
import { groupChatRoutes } from './routes/group-chats';
import { healthRoutes } from './routes/health';
import { jssdkRoutes } from './routes/jssdk';
import { meRoutes } from './routes/me';
import { metricsRoutes } from './routes/metrics';
import { orgRoutes } from './routes/org';
import { type SandboxLoginCodes, sandboxRoutes } from './routes/sandbox';
import { loginRoutes, logoutRoutes } from './routes/sessions';
import { verifyFileRoutes } from './routes/verify-files';
import { webLoginRoutes, webLogoutRoutes } from './routes/web-login';
import { CONSOLE_SECURITY_HEADERS, errorPage } from './web/pages';

/**
 * Builds the Koa application. Never listens: `server/src/index.ts` does. Routes are mounted on
 * routers by audience, and each router carries its own checks: public (anyone), pages (what a
 * browser navigates to: the web login and the console, with their own security headers and HTML
 * errors), web logout (the session cookie), employee (a verified token or web session cookie
 * naming a live session), lookups (the same, counted against the employee's per-minute limit in
 * the same store round trip) and admin.
 */
export function createApp(deps: AppDeps & { sandbox?: SandboxLoginCodes }): Koa<AppState> {
  const { infra, auth, contacts, admin, callbacks, web } = deps;
  const app = new Koa<AppState>({
    proxy: deps.trustedProxyHops > 0,
    maxIpsCount: deps.trustedProxyHops,
  });
  app.silent = true;

  const open = new Router<AppState>();
  healthRoutes(open, { store: infra.store });
  loginRoutes(open, { login: auth.login });
  metricsRoutes(open, { metrics: infra.metrics });
  callbackRoutes(open, { receivers: callbacks.receivers });
  verifyFileRoutes(open, { files: deps.verifyFiles });
  if (deps.sandbox) sandboxRoutes(open, { sandbox: deps.sandbox });

  const pages = new Router<AppState>();
  const webLogout = new Router<WebTokenState>();
  if (web) {
    pages.use(
      (ctx, next) => {
        ctx.state.page = true;
        return next();
      },
      securityHeaders(CONSOLE_SECURITY_HEADERS),
      findWebSession(web.auth, auth.sessions),
    );
    webLoginRoutes(pages, {
      webLogin: web.login,
      cookies: web.auth.cookies,
      webSessionTtlSeconds: web.sessionTtlSeconds,
    });
    consoleRoutes(pages, { pages: web.pages, assets: web.assets });
    webLogout.use(verifyWebCookie(web.auth));
    webLogoutRoutes(webLogout, { webLogin: web.login, cookies: web.auth.cookies });
  }

  const employee = new Router<EmployeeState>();
  employee.use(verifyToken(auth.sessionTokens, web?.auth), loadSession(auth.sessions));
  meRoutes(employee, { profiles: auth.profiles });
  logoutRoutes(employee, { sessions: auth.sessions });
  if (web) jssdkRoutes(employee, { jssdk: web.jssdk });

  const lookups = new Router<EmployeeState>();
  lookups.use(
    verifyToken(auth.sessionTokens, web?.auth),
    loadCountedSession(auth.sessions, contacts.lookupLimit),
  );
  externalContactRoutes(lookups, { customers: contacts.customers });
  groupChatRoutes(lookups, { groupChats: contacts.groupChats });

  const admins = new Router<AdminState>();
  admins.use(
    requireAdmin({
      sessionTokens: auth.sessionTokens,
      sessions: auth.sessions,
      adminUserIds: auth.admins.userIds,
      adminToken: auth.admins.token,
      web: web?.auth,
    }),
  );
  adminRoutes(admins, admin);
  eventRoutes(admins, { eventsLog: callbacks.eventsLog });
  orgRoutes(admins, { directory: deps.directory });

  app.use(
    requestContext({
      logger: infra.logger,
      metrics: infra.metrics,
      headers: securityHeaderValues(API_SECURITY_HEADERS),
      renderPage: errorPage,
    }),
  );
  // Busiest first: a request runs through the routers in order until one matches.
  const routers = [lookups, employee, open, admins, pages, webLogout] as Router<AppState>[];
  for (const router of routers) app.use(router.routes());
  return app;
}
