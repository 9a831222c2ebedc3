import type { RequestListener } from 'node:http';
import { createApp } from './app';
import { corpSettings, corpStorePrefix } from './config/corp-settings';
import { createDeps } from './deps';
import { createMetrics } from './metrics';
import type { SandboxLoginCodes } from './routes/sandbox';
import { scopeStore } from './stores/scoped-store';

/**
 * What one process serves: the corp of the settings, or with WECOM_CORPS_FILE every corp of it
 * (DESIGN §17). Each corp is served by its own app, built by `createDeps` from that corp's
 * settings, over its own view of the one store (every key under `corp:{corpId}:`) and with its
 * own background jobs; logs, metrics and the store's connections are shared.
 *
 * Paths: the first corp (the home corp) answers at the root as a deployment of one corp does, and
 * its keys keep their names, so that moving a deployment to a corps file keeps its sessions,
 * snapshots and feeds. Every corp answers under `/corps/{corpId}` (after PUBLIC_BASE_URL's path
 * prefix): its API, callback receivers, web login and admin console. A corp ID not served there
 * is `corp.unknown`.
 */

type DepsOptions = Parameters<typeof createDeps>[0];

export interface CorpScope {
  corpId: string;
  name?: string;
  deps: ReturnType<typeof createDeps>;
}

export interface Deployment {
  /** The home corp first. */
  scopes: readonly CorpScope[];
  /** Node's request listener: the home corp's app, or the corp the path names. */
  handler: RequestListener;
  close(): Promise<void>;
}

export function createDeployment(
  options: DepsOptions & { sandbox?: SandboxLoginCodes },
): Deployment {
  const { settings, sandbox, ...shared } = options;
  const metrics = options.metrics ?? createMetrics();
  const corps = settings.corps?.list ?? [];
  const served = new Set(corps.map((corp) => corp.wecom.corpId));
  const serves = { serves: (corpId: string) => served.has(corpId) };
  const home = createDeps({ ...shared, settings, metrics, corps: settings.corps && serves });
  const homeScope: CorpScope = { corpId: settings.wecom.corpId, name: corps[0]?.name, deps: home };
  const scopes: CorpScope[] = [homeScope];
  const handlers = new Map<string, RequestListener>();
  const homeHandler = createApp({
    ...home,
    sandbox,
    unknownCorpsPath: settings.corps && `${settings.basePath}/corps/`,
  }).callback();
  for (const corp of corps.slice(1)) {
    const deps = createDeps({
      ...shared,
      settings: corpSettings(settings, corp),
      store: scopeStore(options.store, corpStorePrefix(corp)),
      logger: options.logger.child({ corpId: corp.wecom.corpId }),
      metrics,
      corps: serves,
    });
    scopes.push({ corpId: corp.wecom.corpId, name: corp.name, deps });
    handlers.set(corp.wecom.corpId, createApp(deps).callback());
  }

  const corpsPrefix = `${settings.basePath}/corps/`;
  const handler: RequestListener =
    settings.corps === undefined
      ? homeHandler
      : (request, response) => {
          const url = request.url ?? '/';
          if (url.startsWith(corpsPrefix)) {
            const rest = url.slice(corpsPrefix.length);
            const end = rest.search(/[/?#]/);
            const corpId = end < 0 ? rest : rest.slice(0, end);
            const corpHandler = handlers.get(corpId);
            if (corpHandler) return corpHandler(request, response);
            if (corpId === homeScope.corpId) {
              // The home corp under its corp path too: the same app, at the root.
              const tail = end < 0 ? '' : rest.slice(end);
              request.url = settings.basePath + (tail.startsWith('/') ? tail : `/${tail}`);
            }
          }
          return homeHandler(request, response);
        };
  return {
    scopes,
    handler,
    async close() {
      await Promise.all(scopes.map((scope) => scope.deps.close()));
    },
  };
}
