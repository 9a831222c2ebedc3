import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import type { ErrorBody } from '../../miniprogram/typings/api';
import { type Config, loadConfig, type WecomConfig } from '../../server/src/config';
import { createDeployment, type Deployment } from '../../server/src/deployment';
import type { createDeps, OrgDeps } from '../../server/src/deps';
import { createHttpServer } from '../../server/src/http-server';
import type { Logger } from '../../server/src/logger';
import type { Simulator } from '../../server/src/sandbox';
import { createStore } from '../../server/src/stores';
import { createRedisHealth } from '../../server/src/stores/redis-health';
import type { Store } from '../../server/src/stores/store';
import type { WebhookTuning } from '../../server/src/webhooks';
import { type CorpOfSimulator, corpsFileEnv, type SuiteOfSimulator } from './corps-file';
import { recordResponse, registerSecret, registerSecretSource } from './leak-check';
import { freePort } from './redis-process';
import { createTestRedisStore, silentLogger, uniquePrefix } from './stores';

export interface TestGateway {
  /** The origin it listens on. */
  url: string;
  /** `url` and PUBLIC_BASE_URL's path prefix ('' without one): where `request` and `login` go. */
  base: string;
  store: Store;
  /** The home corp's. */
  deps: ReturnType<typeof createDeps>;
  deployment: Deployment;
  config: Config;
  /** JSON over real HTTP; answers status, headers and the parsed body. */
  request<T = unknown>(
    method: string,
    path: string,
    options?: {
      token?: string;
      body?: unknown;
      /** Sent as is (bytes for a compressed body, with its own `content-encoding` header). */
      rawBody?: string | Uint8Array<ArrayBuffer>;
      headers?: Record<string, string>;
      /** Another connection pool than fetch's own (e.g. one that opens a connection per request). */
      dispatcher?: Dispatcher;
    },
  ): Promise<{ status: number; headers: Headers; body: T; text: string }>;
  /**
   * Login code from the simulator → POST /api/sessions → the token; with `corpId` (a corp of
   * `corps`), the corp's code at `/corps/{corpId}/api/sessions`.
   */
  login(userid: string, corpId?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  simulator: Simulator;
  /** Environment overrides on top of a valid non-sandbox configuration. */
  env?: Record<string, string>;
  wecomConfig?: Partial<WecomConfig>;
  /**
   * Share a store (and its prefix) with another gateway; default: a fresh store on the test
   * Redis, or on the Sentinel or Cluster that `env` names.
   */
  store?: Store;
  prefix?: string;
  logger?: Logger;
  now?: () => number;
  /** Org sync tuning (see test/helpers/org.ts). */
  orgSync?: OrgDeps['tuning'];
  /** Webhook tuning (short back-offs, http receivers). */
  webhooks?: WebhookTuning;
  /** Serve the sandbox routes as `npm start` does in sandbox mode (default true). */
  sandbox?: boolean;
  /**
   * The web side (web login, JS-SDK, admin console): PUBLIC_BASE_URL is the gateway's own loopback
   * origin (unless `env` gives one) and WECOM_APP_AGENT_ID the simulator's app.
   */
  web?: boolean;
  /** With `web`: a path prefix in PUBLIC_BASE_URL (`/gate`). */
  basePath?: string;
  /**
   * Several corps: a real WECOM_CORPS_FILE listing these corps of the simulator, the
   * first being the home corp, their secrets as `env:` references.
   */
  corps?: readonly (CorpOfSimulator & Pick<Simulator, 'issueLoginCode'>)[];
  /**
   * With `corps`: the simulator's service provider suites in the corps file (their secrets and
   * 指令回调 keys as `env:` references, a CORP_SECRETS_KEY), the install page at the simulator.
   */
  suites?: readonly SuiteOfSimulator[];
  /** With `suites`: the provider's corp ID and ProviderSecret in the corps file (`env:` reference). */
  provider?: { corpId: string; secret: string };
  /** With `corps`: each corp's `adminUserIds` in the corps file, by corp ID. */
  corpAdmins?: Readonly<Record<string, readonly string[]>>;
}

/** A gateway (createApp) listening on a free loopback port, talking to `simulator` over HTTP. */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const { simulator } = options;
  const logger = options.logger ?? silentLogger();
  const port = options.web ? await freePort() : 0;
  const { corps } = options;
  const config = loadConfig({
    ...(options.web && {
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}${options.basePath ?? ''}`,
      ...(!corps && { WECOM_APP_AGENT_ID: simulator.seed.miniprogramApp.agentid }),
    }),
    ...(corps
      ? corpsFileEnv(corps, simulator.url, {
          agentIds: options.web === true,
          suites: options.suites,
          provider: options.provider,
          admins: options.corpAdmins,
        })
      : { WECOM_CORP_ID: simulator.corpId, WECOM_APP_SECRET: 'unused-by-tests-see-wecomConfig' }),
    JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
    LOG_LEVEL: 'silent',
    // Tests log in and look up often from one IP and one employee; the rate-limit tests set
    // their own limits.
    RATE_LIMIT_LOGIN_PER_MINUTE: '10000',
    RATE_LIMIT_LOOKUP_PER_MINUTE: '10000',
    ...options.env,
  });
  // A corps file names its corps' settings itself; one corp takes the simulator's, as given.
  const wecomConfig: WecomConfig = corps
    ? { ...config.wecom!, ...options.wecomConfig }
    : {
        ...simulator.wecomConfig({ timeoutMs: config.wecom!.timeoutMs }),
        ...options.wecomConfig,
      };
  registerSecret(config.jwtSecret);
  registerSecretSource(() => simulator.issuedSecrets());
  const ownStore = options.store === undefined;
  // With REDIS_SENTINELS or REDIS_CLUSTER_NODES in `env`: that Redis, as the server makes it.
  const redisHealth = createRedisHealth(config.redis, logger);
  const store =
    options.store ??
    (config.redis.sentinels || config.redis.clusterNodes
      ? await createStore(config, logger, redisHealth)
      : await createTestRedisStore({ prefix: options.prefix ?? uniquePrefix(), logger }));
  const deployment = await createDeployment({
    settings: { ...config, wecom: wecomConfig },
    logger,
    store,
    now: options.now,
    orgSync: options.orgSync,
    webhooks: options.webhooks,
    redisHealth,
    installBase: simulator.url,
    sandbox:
      options.sandbox === false
        ? undefined
        : {
            issueLoginCode: (u) => simulator.issueLoginCode(u),
            employees: () => simulator.demoEmployees(),
          },
  });
  // The server's own timeouts: with Node's default 5 s keep-alive, a pooled connection closed as
  // idle while a loaded machine reuses it fails a request with ECONNRESET.
  const { deps } = deployment.scopes()[0]!;
  const server = createHttpServer(deployment.handler).listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const base = url + config.basePath;
  const gateway: TestGateway = {
    url,
    base,
    store,
    deps,
    deployment,
    config,
    async request(method, path, requestOptions = {}) {
      const headers: Record<string, string> = { ...requestOptions.headers };
      if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
      let body: string | Uint8Array<ArrayBuffer> | undefined = requestOptions.rawBody;
      if (requestOptions.body !== undefined) body = JSON.stringify(requestOptions.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const { dispatcher } = requestOptions;
      // Node's fetch takes undici's `dispatcher`; the DOM typing of RequestInit does not know it.
      const init = { method, headers, body, dispatcher } as RequestInit;
      const response = await fetch(base + path, init);
      const text = await response.text();
      recordResponse(`${method} ${path} → ${response.status}`, response.headers, text);
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed as never, text };
    },
    async login(userid, corpId) {
      const corp = corpId === undefined ? simulator : corps?.find((c) => c.corpId === corpId);
      if (!corp) throw new Error(`the gateway does not serve ${corpId}`);
      const at = corpId === undefined ? '' : `/corps/${corpId}`;
      // A 503 store.unavailable — a store command past its deadline on a loaded machine — is
      // tried again with a new code, three times at most, as the mini-program's user would.
      for (let attempt = 1; ; attempt++) {
        const code = corp.issueLoginCode(userid);
        const answer = await gateway.request<{ token: string }>('POST', `${at}/api/sessions`, {
          body: { code },
        });
        if (answer.status === 201) return answer.body.token;
        const busy = answer.status === 503 && errorBody(answer.body).code === 'store.unavailable';
        if (!busy || attempt === 3)
          throw new Error(`login failed: ${answer.status} ${answer.text}`);
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await deployment.close();
      if (ownStore) await store.close();
    },
  };
  return gateway;
}

/** Narrows an answer body to the error shape. */
export function errorBody(body: unknown): ErrorBody {
  return body as ErrorBody;
}
