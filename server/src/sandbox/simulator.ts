import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { licenseRoutes } from './api/license';
import { serviceRoutes } from './api/service';
import { cgiBinMiddleware, type ServiceTokenCheck } from './cgi-bin';
import { createCodeStore } from './codes';
import { controlRouter } from './control';
import type { AppRuntime } from './corp';
import { type CorpWorld, createCorpWorld, type SharedWecom } from './corp-world';
import { createCallCounters } from './counters';
import { createFaultRegistry } from './faults';
import { installPagesRouter } from './install-pages';
import { createApiLimits } from './limits';
import { createProvider } from './provider';
import { setUpScenario } from './scenarios';
import { demoCorp } from './seed';
import { createTokenStore } from './tokens';
import type { Simulator, StartSimulatorOptions } from './types';
import { createTicketStore } from './web-auth';

/** How many handed-out secrets `issuedSecrets()` remembers for the tests' leak check. */
const MAX_REMEMBERED_SECRETS = 100_000;

/**
 * Starts the WeCom simulator on a real HTTP port (default 127.0.0.1, a free port): the demo corp
 * (or `seed`) and any `moreCorps`, behind one host as WeCom's qyapi is.
 */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  const scenario = options.scenario ?? 'healthy';
  const now = options.now ?? Date.now;
  const setup = setUpScenario(scenario, options.seed ?? demoCorp(), options.bigCorp);
  // Everything secret this simulator handed out, for the tests' leak check (bounded).
  const issued = new Set<string>();
  const remember = (value: string) => {
    if (issued.size < MAX_REMEMBERED_SECRETS) issued.add(value);
  };
  const tokenStore = createTokenStore<AppRuntime>({
    now,
    ttlSeconds: options.tokenTtlSeconds ?? 7200,
  });
  const tokens: typeof tokenStore = {
    ...tokenStore,
    issue(app) {
      const answer = tokenStore.issue(app);
      remember(answer.token);
      return answer;
    },
  };
  const tickets = createTicketStore({
    now,
    ttlSeconds: options.ticketTtlSeconds ?? 7200,
    onIssue: remember,
  });
  const corps = new Map<string, CorpWorld>();
  let url = '';
  const shared: SharedWecom = {
    tokens,
    codes: createCodeStore({ now }),
    tickets,
    now,
    remember,
    url: () => url,
    corps,
    options,
  };
  // The first corp plays the scenario; the others are configured correctly.
  const setups = [
    setup,
    ...(options.moreCorps ?? []).map((seed) => setUpScenario('healthy', seed)),
  ];
  for (const corpSetup of setups) {
    const { corpId } = corpSetup.seed;
    if (corps.has(corpId) || corpId === setup.seed.otherCorp.corpId)
      throw new Error(`corp ${corpId} is played twice`);
    corps.set(corpId, createCorpWorld(corpSetup, shared));
  }
  const first = corps.get(setup.seed.corpId)!;
  if (options.onOrgChange) first.corp.org.onChange(options.onOrgChange);
  // The service provider's side: its APIs join the first corp's table (they name no corp).
  const provider = options.provider && createProvider(options.provider.suites, shared);
  const routes = provider
    ? new Map([
        ...first.routes,
        ...[
          ...serviceRoutes({ provider, codes: shared.codes, corps, tokens }),
          ...licenseRoutes(provider),
        ].map((route) => [route.api, route] as const),
      ])
    : first.routes;
  const checkServiceToken = (
    kind: 'suite' | 'provider',
    token: string | undefined,
  ): ServiceTokenCheck => {
    const check =
      kind === 'suite' ? provider?.suiteTokens.check(token) : provider?.providerTokens.check(token);
    if (check?.ok)
      return { ok: true, suiteId: check.app === 'provider' ? undefined : check.app.suiteId };
    // The provider's errcodes: its token missing, invalid, expired.
    return {
      ok: false,
      errcode: { 41001: 41022, 40014: 40082, 42001: 42009 }[check?.errcode ?? 40014],
    };
  };

  const faults = createFaultRegistry();
  const counters = createCallCounters();
  let trustedIps: ReadonlySet<string> | null = setup.trustedIps ? new Set(setup.trustedIps) : null;
  const setTrustedIps = (ips: string[] | null) => {
    trustedIps = ips ? new Set(ips) : null;
  };
  const corp = (corpId: string) => {
    const world = corps.get(corpId);
    if (!world) throw new Error(`the simulator does not play corp ${JSON.stringify(corpId)}`);
    return world.handle;
  };

  const app = new Koa();
  app.use(
    cgiBinMiddleware({
      routes,
      checkServiceToken,
      routesOf: (corpId) => corps.get(corpId)?.routes,
      tokens,
      faults,
      counters,
      limits: createApiLimits({
        now,
        perMinute: options.perApiPerMinuteLimit,
        maxConcurrency: options.maxConcurrencyPerApi,
      }),
      latencyMs: options.latencyMs ?? 0,
      now,
      trustedIps: () => trustedIps,
    }),
  );
  const control = controlRouter({
    ...first.handle,
    corp,
    callCounts: counters.all,
    resetCalls: counters.reset,
    addFault: faults.add,
    removeFault: faults.remove,
    clearFaults: faults.clear,
    invalidateTokens: tokens.invalidateAll,
    invalidateTickets: tickets.invalidateAll,
    verifyJsapiSignature: tickets.verify,
    setTrustedIps,
  });
  app.use(control.routes()).use(control.allowedMethods());
  // Login pages name their corp (appid, carried on to the approve step); any other: the first's.
  const loginPages = new Map(
    [...corps].map(([corpId, world]) => [corpId, world.loginPages.routes()]),
  );
  const firstLoginPages = loginPages.get(first.corpId)!;
  const loginPagesOf: typeof firstLoginPages = (ctx, next) => {
    const appid = ctx.query.appid;
    return ((typeof appid === 'string' && loginPages.get(appid)) || firstLoginPages)(ctx, next);
  };
  if (provider) {
    const installPages = installPagesRouter({ provider, corps });
    app.use(installPages.routes());
  }
  app.use(loginPagesOf);

  const server = createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;

  return {
    ...first.handle,
    url,
    scenario,
    corp,
    ...(provider ? { provider: provider.handle } : {}),
    calls: counters.get,
    callCounts: counters.all,
    resetCalls: counters.reset,
    invalidateTokens: tokens.invalidateAll,
    invalidateTickets: tickets.invalidateAll,
    verifyJsapiSignature: tickets.verify,
    injectFault(fault) {
      const id = faults.add(fault);
      return () => void faults.remove(id);
    },
    clearFaults: faults.clear,
    setTrustedIps,
    issuedSecrets: () => [
      ...new Set([...[...corps.values()].flatMap((world) => world.secrets()), ...issued]),
    ],
    close() {
      provider?.close();
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
