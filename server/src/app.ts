import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import compose from 'koa-compose';
import type { AppDeps } from './deps';
import { RequestError } from './errors/request-error';
import { createAuthentication, createIdentify } from './middleware/auth';
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
import { type CorpListing, corpRoutes } from './routes/corps';
import { eventRoutes } from './routes/events';
import { externalContactRoutes } from './routes/external-contacts';
import { groupChatRoutes } from './routes/group-chats';
import { healthRoutes } from './routes/health';
import { jssdkRoutes } from './routes/jssdk';
import { meRoutes } from './routes/me';
import { metricsRoutes } from './routes/metrics';
import { orgRoutes } from './routes/org';
import type { ProviderAccess } from './routes/provider';
import { providerAdminRoutes, providerRoutes } from './routes/provider';
import { type SandboxLoginCodes, sandboxRoutes } from './routes/sandbox';
import { loginRoutes, logoutRoutes } from './routes/sessions';
import { verifyFileRoutes } from './routes/verify-files';
import { webLoginRoutes, webLogoutRoutes } from './routes/web-login';
import { webhookRoutes } from './routes/webhooks';

/**
 * The Koa application of the process: every request goes to the corp middleware `route` picks
 * for it (one corp's, from `createCorpMiddleware`). Never listens: `server/src/index.ts` does.
 *
 * One application for every corp, not one per corp: the contexts of one application share their
 * prototypes, so the code every request runs (Koa's, @koa/router's, the middleware's) sees one
 * shape of context. With an application per corp each corp's contexts had their own, and with 100
 * corps that code's property lookups went megamorphic (docs/benchmarks.md, bench:corps).
 */
export function createApp(
  deps: { trustedProxyHops: number },
  route: Middleware<AppState>,
): Koa<AppState> {
  const app = new Koa<AppState>({
    proxy: deps.trustedProxyHops > 0,
    maxIpsCount: deps.trustedProxyHops,
  });
  app.silent = true;
  app.use(route);
  return app;
}

/**
 * One corp's requests, as one middleware. Routes are mounted on
 * routers by audience, and each router carries its own checks: public (anyone), pages (what a
 * browser navigates to: the web login and the admin console, with their own security headers and HTML
 * errors), web logout (the session cookie), employee (a verified token or web session cookie
 * naming a live session), lookups (the same, counted against the employee's per-minute limit in
 * the same store round trip) and admin. Who is calling is decided by `authenticate(audience)`:
 * one reading of the credential, and the audience's policy (middleware/auth.ts).
 *
 * With a path prefix in PUBLIC_BASE_URL (`/gate`, passed on unchanged by the reverse proxy) every
 * router answers under it but the root one: the probes and the metrics, which the orchestrator
 * and Prometheus ask of the instance itself (a proxy forwarding only `/gate/` keeps them off the
 * public domain), and the verification files, which WeCom fetches at the domain's root.
 */
export function createCorpMiddleware(
  deps: AppDeps & {
    sandbox?: SandboxLoginCodes;
    /** Below this path a corp ID names a corp this deployment does not serve (deployment.ts). */
    unknownCorpsPath?: string;
    /** The service provider's suites and their corps (the home corp's app serves their routes). */
    provider?: ProviderAccess;
    /** The corps of the deployment, for the admin console's corp switcher (deployment.ts). */
    corps?: { current: string; list: () => CorpListing[] };
  },
): Middleware<AppState> {
  const { infra, auth, contacts, admin, callbacks, web, basePath } = deps;
  const authenticate = createAuthentication({
    identify: createIdentify({
      tokens: auth.sessionTokens,
      cookies: web?.cookies,
      adminToken: auth.admins.token,
    }),
    sessions: auth.sessions,
    adminRule: auth.admins.rule,
    lookupLimit: contacts.lookupLimit,
  });
  // Case-sensitive under a prefix: @koa/router matches a route's path in any case but runs a
  // router's `use()` checks only when the prefix matches as written, so `/GATE/api/admin/…`
  // would reach an admin route without its check.
  const under = <S>() =>
    new Router<S>(basePath === '' ? {} : { prefix: basePath, sensitive: true });

  const open = under<AppState>();
  const root = basePath === '' ? open : new Router<AppState>();
  healthRoutes(root, { store: infra.store });
  loginRoutes(open, { login: auth.login, contexts: contacts.loginContexts });
  metricsRoutes(root, { metrics: infra.metrics });
  callbackRoutes(open, { receivers: callbacks.receivers });
  if (deps.provider)
    providerRoutes(open, {
      provider: deps.provider.current,
      basePath,
      attempts: auth.loginAttempts,
    });
  verifyFileRoutes(root, { files: deps.verifyFiles });
  if (deps.sandbox) sandboxRoutes(open, { sandbox: deps.sandbox });

  const pages = under<AppState>();
  const webLogout = under<WebTokenState>();
  if (web) {
    pages.use(
      (ctx, next) => {
        ctx.state.page = true;
        return next();
      },
      securityHeaders(web.pages.render.securityHeaders),
      authenticate('page'),
    );
    webLoginRoutes(pages, {
      webLogin: web.login,
      adminTokenSignIn: web.adminTokenSignIn,
      cookies: web.cookies,
      webSessionTtlSeconds: web.sessionTtlSeconds,
      basePath,
    });
    consoleRoutes(pages, { pages: web.pages, assets: web.assets, basePath });
    webLogout.use(authenticate('logout'));
    webLogoutRoutes(webLogout, { webLogin: web.login, cookies: web.cookies });
  }

  const employee = under<EmployeeState>();
  employee.use(authenticate('employee'));
  meRoutes(employee, { profiles: auth.profiles });
  logoutRoutes(employee, { sessions: auth.sessions });
  if (web) jssdkRoutes(employee, { jssdk: web.jssdk });

  const lookups = under<EmployeeState>();
  lookups.use(authenticate('lookups'));
  externalContactRoutes(lookups, { customers: contacts.customers });
  groupChatRoutes(lookups, { groupChats: contacts.groupChats });

  const admins = under<AdminState>();
  admins.use(authenticate('admin'));
  adminRoutes(admins, admin);
  eventRoutes(admins, { eventsLog: callbacks.eventsLog });
  orgRoutes(admins, { org: deps.org });
  webhookRoutes(admins, { webhooks: deps.webhooks });
  if (deps.corps) corpRoutes(admins, { current: deps.corps.current, corps: deps.corps.list });
  if (deps.provider)
    providerAdminRoutes(admins, {
      provider: deps.provider.current,
      publicBaseUrl: deps.provider.publicBaseUrl,
      basePath,
    });

  const chain: Middleware<AppState>[] = [
    requestContext({
      logger: infra.logger,
      metrics: infra.metrics,
      headers: securityHeaderValues(API_SECURITY_HEADERS),
      renderPage: web?.pages.render.errorPage,
    }),
  ];
  const { unknownCorpsPath } = deps;
  if (unknownCorpsPath)
    chain.push((ctx, next) => {
      if (ctx.path.startsWith(unknownCorpsPath)) throw new RequestError('corp.unknown');
      return next();
    });
  // Busiest first: a request runs through the routers in order until one matches.
  const routers = [lookups, employee, open, admins, pages, webLogout] as Router<AppState>[];
  if (root !== open) routers.push(root);
  for (const router of routers) chain.push(router.routes() as Middleware<AppState>);
  return compose(chain);
}
