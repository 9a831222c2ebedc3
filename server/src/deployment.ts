import type { RequestListener } from 'node:http';
import type { Middleware } from 'koa';
import type { DoctorCheck } from './admin/doctor';
import { createApp, createCorpMiddleware } from './app';
import type { CorpSettings } from './config';
import { corpSettings, corpStorePrefix } from './config/corp-settings';
import { createDeps, createJobEngine, type SuiteApp } from './deps';
import { createMetrics } from './metrics';
import type { AppState } from './middleware/state';
import { createProvider, type InstalledCorp, type Provider, type Suite } from './provider';
import { licenceCheck, permanentCodeCheck, suiteTicketChecks } from './provider/doctor-checks';
import type { CorpListing } from './routes/corps';
import type { SandboxLoginCodes } from './routes/sandbox';
import { HOME_SCOPE } from './stores/job-queue';
import { scopeStore } from './stores/scoped-store';
import { createProviderApi, type ProviderApi } from './wecom/provider-api';

/**
 * What one process serves: the corp of the settings, or with WECOM_CORPS_FILE every corp of it
 * and every corp that installed one of its suites. Each corp is served by its own services and
 * middleware, built by `createDeps` from that corp's settings, over its own view of the one store (every
 * key under `corp:{corpId}:`); logs, metrics, the store's connections and the job engine are
 * shared: one BullMQ queue and worker for org syncs and one for webhook deliveries per process,
 * on which each corp's services run their jobs as the corp's scope (stores/job-queue.ts), so a
 * corp served costs no Redis connection. The engine starts taking jobs once the corps served at
 * start are registered, stops taking them before the corps close at shutdown, and closes last.
 *
 * One Koa application serves them all (app.ts says why): it hands each request to the middleware of
 * the corp its path names.
 *
 * Paths: the first corp (the home corp) answers at the root as a deployment of one corp does, and
 * its keys keep their names, so that moving a deployment to a corps file keeps its sessions,
 * snapshots and feeds. Every corp answers under `/corps/{corpId}` (after PUBLIC_BASE_URL's path
 * prefix): its API, callback receivers, web login and admin console. A corp ID not served there
 * is `corp.unknown`.
 *
 * The corps of a suite come and go while the deployment runs: they are kept in the store
 * (provider/registry.ts) and every instance serves them as the registry's changes arrive; a corp
 * that removes the suite stops being served and its keys are deleted.
 */

type DepsOptions = Parameters<typeof createDeps>[0];

export interface CorpScope {
  corpId: string;
  name?: string;
  kind: CorpListing['kind'];
  deps: ReturnType<typeof createDeps>;
}

export interface Deployment {
  /** The corps served now, the home corp first. */
  scopes(): CorpScope[];
  /** Node's request listener: the home corp's middleware, or the corp's the path names. */
  handler: RequestListener;
  /** Absent without suites in WECOM_CORPS_FILE. */
  provider?: Provider;
  close(): Promise<void>;
}

/** Where WeCom's install page for suites is. */
const INSTALL_BASE = 'https://open.work.weixin.qq.com';

export async function createDeployment(
  options: DepsOptions & { sandbox?: SandboxLoginCodes; installBase?: string },
): Promise<Deployment> {
  const { settings, sandbox, installBase, ...shared } = options;
  const metrics = options.metrics ?? createMetrics();
  const corps = settings.corps;
  // Under the home corp's job prefix: the corps' jobs are told apart by their scope.
  const jobs = createJobEngine(options, settings, {
    redisHealth: options.redisHealth,
    orgTuning: options.orgSync?.jobs,
  });
  const jobScope = (scope: string) => jobs && { engine: jobs, scope };
  const served = new Map<string, CorpScope & { middleware: Middleware<AppState> }>();
  const serves = {
    serves: (corpId: string) => corpId === settings.wecom.corpId || served.has(corpId),
  };
  let provider: Provider | undefined;
  // With a third-party suite the mini-program is the suite's: a login at the root is exchanged
  // with the suite (its answer names the employee's corp, where the mini-program logs in again).
  const frontDoor = corps?.suites.find((suite) => suite.kind === 'third-party');
  const home = createDeps({
    ...shared,
    settings,
    metrics,
    jobs: jobScope(HOME_SCOPE),
    corps: corps && serves,
    moreChecks: corps?.suites.length
      ? () =>
          provider
            ? suiteTicketChecks(provider.suites.values(), settings.publicBaseUrl, options.now)
            : Promise.resolve([])
      : undefined,
    suiteApp: frontDoor && {
      jscode2session: async (code) => {
        if (!provider) throw new Error('the provider is not ready');
        return suiteLogin(provider.api, provider.suites.get(frontDoor.suiteId)!, code);
      },
    },
  });
  const homeScope: CorpScope = {
    corpId: settings.wecom.corpId,
    name: corps?.list[0]?.name,
    kind: 'self-built',
    deps: home,
  };
  const homeMiddleware = createCorpMiddleware({
    ...home,
    sandbox,
    unknownCorpsPath: corps && `${settings.basePath}/corps/`,
    provider: { current: () => provider, publicBaseUrl: settings.publicBaseUrl },
    corps: corps && { current: settings.wecom.corpId, list: () => listing() },
  });

  const serve = (
    corp: Readonly<CorpSettings>,
    kind: CorpListing['kind'],
    installed?: { suiteApp?: SuiteApp; moreChecks: () => Promise<DoctorCheck[]> },
  ) => {
    const deps = createDeps({
      ...shared,
      settings: corpSettings(settings, corp),
      store: scopeStore(options.store, corpStorePrefix(corp.wecom.corpId)),
      logger: options.logger.child({ corpId: corp.wecom.corpId }),
      metrics,
      jobs: jobScope(corp.wecom.corpId),
      corps: serves,
      transports: home.transports,
      suiteApp: installed?.suiteApp,
      moreChecks: installed?.moreChecks,
    });
    served.set(corp.wecom.corpId, {
      corpId: corp.wecom.corpId,
      name: corp.name,
      kind,
      deps,
      middleware: createCorpMiddleware({
        ...deps,
        corps: { current: corp.wecom.corpId, list: () => listing() },
      }),
    });
  };
  for (const corp of corps?.list.slice(1) ?? []) serve(corp, 'self-built');
  const listing = (): CorpListing[] =>
    [homeScope, ...served.values()].map((scope) => ({
      corpId: scope.corpId,
      name: scope.name,
      kind: scope.kind,
      consolePath: `${settings.basePath}${scope === homeScope ? '' : `/corps/${scope.corpId}`}/admin/`,
    }));

  let stopWatching: (() => Promise<void>) | undefined;
  if (corps && corps.suites.length > 0) {
    const api = createProviderApi(home.wecom.http);
    const made = createProvider({
      suites: corps.suites,
      provider: corps.provider,
      api,
      store: options.store,
      secretsKey: corps.secretsKey!,
      logger: options.logger.child({ component: 'provider' }),
      timeoutMs: settings.wecom.timeoutMs,
      installBase: installBase ?? INSTALL_BASE,
      schedule: home.wecom.refreshSchedule,
      now: options.now,
      onCancelled: async (corpId) => {
        await options.store.deletePrefix(corpStorePrefix(corpId));
        // Its periodic syncs go too (a shutdown keeps them: the other instances serve the corp).
        await jobs?.forget(corpId);
      },
    });
    provider = made;
    const installedSettings = (corp: InstalledCorp): CorpSettings => ({
      name: corp.corpName,
      wecom: {
        ...settings.wecom,
        corpId: corp.corpId,
        appAgentId: corp.agentId,
        // A 代开发 app's permanent code is its secret in the corp; a third-party app's names it
        // to the suite (and keys its cached token).
        secrets: {
          app: corp.permanentCode,
          contact: corp.permanentCode,
          directory: corp.permanentCode,
        },
      },
      callbacks: {},
      adminUserIds: [],
    });
    const serveInstalled = (corp: InstalledCorp) =>
      serve(installedSettings(corp), corp.kind, {
        suiteApp: corp.kind === 'third-party' ? thirdPartyApp(api, made, corp) : undefined,
        moreChecks: () =>
          Promise.all([
            permanentCodeCheck(api, made.suites.get(corp.suiteId)!, corp),
            licenceCheck(made, corp, options.now),
          ]),
      });
    // One change of a corp at a time: a close finishes before the corp is served again.
    const changes = new Map<string, Promise<void>>();
    // A corp of the corps file stays served as the file says (its admins, its callback keys)
    // even when it installs a suite too: the install is recorded, and said once, not served.
    const listed = new Set(corps.list.map((corp) => corp.wecom.corpId));
    const refresh = (corpId: string) => {
      if (listed.has(corpId)) {
        options.logger.warn(
          { corpId },
          'a corp of WECOM_CORPS_FILE installed a suite: it stays served as the file says',
        );
        return;
      }
      const next = (changes.get(corpId) ?? Promise.resolve())
        .then(async () => {
          const current = served.get(corpId);
          if (current) {
            served.delete(corpId);
            await current.deps.close();
          }
          const corp = await made.registry.get(corpId);
          if (corp) serveInstalled(corp);
        })
        .catch((error: unknown) =>
          options.logger.error({ err: error, corpId }, 'an installed corp could not be served'),
        );
      changes.set(corpId, next);
      void next.finally(() => {
        if (changes.get(corpId) === next) changes.delete(corpId);
      });
    };
    stopWatching = await made.registry.onChange(refresh);
    for (const corp of await made.registry.list())
      if (!listed.has(corp.corpId)) serveInstalled(corp);
  }

  jobs?.start();

  const corpsPrefix = `${settings.basePath}/corps/`;
  const route: Middleware<AppState> =
    corps === undefined
      ? homeMiddleware
      : (ctx, next) => {
          const path = ctx.path;
          if (path.startsWith(corpsPrefix)) {
            const rest = path.slice(corpsPrefix.length);
            const end = rest.indexOf('/');
            const corpId = end < 0 ? rest : rest.slice(0, end);
            const corp = served.get(corpId);
            if (corp) return corp.middleware(ctx, next);
            // The home corp under its corp path too: its middleware, at the root.
            if (corpId === homeScope.corpId)
              ctx.path = settings.basePath + (end < 0 ? '/' : rest.slice(end));
          }
          return homeMiddleware(ctx, next);
        };
  const handler: RequestListener = createApp(settings, route).callback();
  return {
    scopes: () => [homeScope, ...served.values()],
    handler,
    provider,
    async close() {
      await stopWatching?.();
      // No job is taken for a corp whose services closed (it would be skipped as not served).
      await jobs?.stopTaking();
      // The home corp's last: its transports serve the others until they close.
      await Promise.all([...served.values()].map((scope) => scope.deps.close()));
      await home.close();
      await jobs?.close();
    },
  };
}

/** A third-party app's corp: its token from the suite, its mini-program login with the suite. */
function thirdPartyApp(api: ProviderApi, provider: Provider, corp: InstalledCorp): SuiteApp {
  const suite = provider.suites.get(corp.suiteId)!;
  return {
    async requestToken() {
      const { token, expiresIn } = await api.getCorpToken(await suite.token(), corp);
      return { access_token: token, expires_in: expiresIn };
    },
    jscode2session: (code) => suiteLogin(api, suite, code),
  };
}

/** The mini-program login of a third-party app, with its suite's token. */
async function suiteLogin(api: ProviderApi, suite: Suite, code: string) {
  const answer = await api.jscode2session(await suite.token(), code);
  return {
    corpid: answer.corpid,
    userid: answer.userid,
    session_key: answer.session_key,
    open_userid: answer.open_userid,
  };
}
