import {
  createDoctor,
  type Doctor,
  type DoctorCheck,
  type DoctorDeps,
  withChecks,
} from './admin/doctor';
import { createNameLookups } from './admin/name-lookups';
import { createNameMapper, type NameMapper } from './admin/name-mapper';
import {
  type AdminRule,
  type AdminTokenSignIn,
  adminTokenMark,
  createAdminRule,
  createAdminTokenSignIn,
} from './auth/admin-token';
import { createUserDataDecryptor } from './auth/decrypt';
import { createSessionTokens, type SessionTokens } from './auth/jwt';
import { createLoginService, type LoginService, type LoginServiceDeps } from './auth/login';
import { createLoginAttempts, type LoginAttempts } from './auth/login-attempts';
import { createProfiles, type Profiles } from './auth/profile';
import { createWebLogin, type WebLogin } from './auth/web-login';
import {
  type CallbackReceivers,
  createCallbackReceivers,
  createEventsLog,
  createTaskQueue,
  type DirectoryChangeHandler,
  type EventEntry,
} from './callbacks';
import { type Settings, usesRedis } from './config';
import {
  type Customers,
  createContacts,
  createLoginContexts,
  createOutsideVisibleRange,
  type GroupChats,
  type LoginContexts,
} from './contacts';
import { type ContactsInvalidation, createContactsInvalidation } from './contacts/invalidation';
import { createJssdk, type Jssdk } from './jssdk';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { toRequestError } from './middleware/error-mapping';
import { createWebCookies, type WebCookies } from './middleware/web-session';
import {
  createOrg,
  createOrgJobs,
  directoryChangeHandler,
  type JobTuning,
  type Org,
  type OrgDeps,
  type OrgJobs,
} from './org';
import type { Feed } from './stores/feed';
import { createJobConnection, jobKeyPrefix } from './stores/job-connection';
import { HOME_SCOPE } from './stores/job-queue';
import { createNameCache, type NameCache } from './stores/name-cache';
import { createAttemptLimiter, createRateLimiter, type RateLimiter } from './stores/rate-limiter';
import { createRedisHealth, type RedisHealth } from './stores/redis-health';
import { createSessionStore, type SessionStore } from './stores/session-store';
import type { Store } from './stores/store';
import { type ConsoleAssets, loadConsoleAssets } from './web/assets';
import { type ConsolePages, createConsolePages } from './web/console';
import {
  createWebhookJobs,
  createWebhooks,
  createWebhookTransport,
  eventsSource,
  orgSource,
  type WebhookJobs,
  type Webhooks,
  type WebhookTransport,
  type WebhookTuning,
} from './webhooks';
import { withWebhooksCheck } from './webhooks/doctor-check';
import { createAccessTokenProvider } from './wecom/access-token-provider';
import { createWecomAddressBook, type WecomAddressBook } from './wecom/address-book';
import { createWecomApi, type WecomApi } from './wecom/api';
import { createWecomClient } from './wecom/client';
import { createWecomHttp, type WecomCallEvent, type WecomHttp } from './wecom/http';
import { createWecomProbe } from './wecom/probe';
import { createRefreshSchedule, type RefreshSchedule } from './wecom/refresh-schedule';
import { createTicketProvider } from './wecom/ticket-provider';

export type { OrgDeps } from './org';

/**
 * Wiring: one builder per group of dependencies, each from the settings and the groups it needs,
 * always in this order: `(infra, settings, ...groups, options?)`. The server uses `createDeps`;
 * the CLIs build only the groups they use.
 */

/** What every group shares: logs, the store, metrics, the clock. */
export interface Infra {
  logger: Logger;
  store: Store;
  metrics: Metrics;
  now?: () => number;
}

/** WeCom: the HTTP layer, access tokens, typed calls, and the name cache of WeCom ids. */
export interface WecomServices {
  http: WecomHttp;
  /** Tokens and tickets refreshed ahead of their expiry. */
  refreshSchedule: RefreshSchedule;
  api: WecomApi;
  addressBook: WecomAddressBook;
  names: NameCache;
  close(): Promise<void>;
}

/**
 * A third-party app's corp: its tokens and its mini-program login go through the
 * provider's suite instead of gettoken and the app's secret.
 */
export interface SuiteApp {
  /** Absent: tokens from gettoken and the app's secret (the home corp whose logins the suite takes). */
  requestToken?(): Promise<{ access_token: string; expires_in: number }>;
  jscode2session: WecomApi['jscode2session'];
}

/**
 * What the corps of one process share to reach WeCom (deployment.ts): the HTTP layer — one
 * connection pool to WECOM_API_BASE — and the timers of the refreshes ahead. Their owner, the home
 * corp's services, closes them.
 */
export type WecomTransport = Pick<WecomServices, 'http' | 'refreshSchedule'>;

/**
 * What the corps of one process share to reach out (deployment.ts): WeCom's HTTP layer and
 * refresh timers, and the webhooks' connections and pacer. The home corp's services own them.
 */
export interface Transports {
  wecom: WecomTransport;
  webhooks: WebhookTransport;
}

export function createWecom(
  infra: Infra,
  settings: Pick<Settings, 'wecom'>,
  onCall?: (event: WecomCallEvent) => void,
  suiteApp?: SuiteApp,
  transport?: WecomTransport,
): WecomServices {
  const { logger, store, metrics, now } = infra;
  const http =
    transport?.http ??
    createWecomHttp({
      apiBase: settings.wecom.apiBase,
      proxy: settings.wecom.proxy,
      timeoutMs: settings.wecom.timeoutMs,
      logger: logger.child({ component: 'wecom' }),
      onCall: (event) => {
        metrics.wecomCall(event);
        onCall?.(event);
      },
      onDefault: metrics.wecomAnswerDefault,
      onConnect: metrics.wecomConnection,
    });
  const refreshSchedule = transport?.refreshSchedule ?? createRefreshSchedule(now);
  const accessTokens = createAccessTokenProvider({
    http,
    schedule: refreshSchedule,
    store,
    corpId: settings.wecom.corpId,
    secrets: settings.wecom.secrets,
    logger: logger.child({ component: 'tokens' }),
    timeoutMs: settings.wecom.timeoutMs,
    now,
    onRefresh: metrics.tokenRefresh,
    request: suiteApp?.requestToken && (() => suiteApp.requestToken!()),
  });
  const client = createWecomClient({ http, accessTokens });
  return {
    http,
    refreshSchedule,
    api: createWecomApi({ client, jscode2session: suiteApp?.jscode2session }),
    addressBook: createWecomAddressBook({ client }),
    names: createNameCache({ store, onLookup: (hit) => metrics.cacheLookup('names', hit) }),
    close() {
      if (transport) return Promise.resolve();
      refreshSchedule.close();
      return http.close();
    },
  };
}

/** Employees: session tokens, sessions, login, their own profile; who is an admin. */
export interface AuthServices {
  /** The server's one signer of session tokens, for both audiences (bearer and cookie). */
  sessionTokens: SessionTokens;
  sessions: SessionStore;
  /** Failed logins and logins in flight per client IP, for every way of signing in. */
  loginAttempts: LoginAttempts;
  login: LoginService;
  profiles: Profiles;
  admins: {
    token?: string;
    /** Who is an admin: ADMIN_USERIDS and the token admin (see auth/admin-token.ts). */
    rule: AdminRule;
    /** The mark of ADMIN_TOKEN that the token admin's web sessions carry. */
    tokenMark?: string;
  };
}

/**
 * A login slot's lease is WECOM_TIMEOUT_MS (the time of one exchange, and how long a login waits
 * for a slot), at least this; it is renewed while held, so the slots of an instance that died free
 * themselves within about one login's wait.
 */
const MIN_LOGIN_SLOT_TTL_MS = 1000;
/** Logins of one client IP that may wait for a slot in one process (an office is a few hundred). */
const MAX_LOGINS_WAITING_PER_IP = 1000;

export function createAuth(
  infra: Infra,
  settings: Settings,
  wecom: WecomServices,
  corps?: LoginServiceDeps['corps'],
): AuthServices {
  const { logger, store, now } = infra;
  const sessions = createSessionStore({
    store,
    ttlSeconds: settings.sessionTtlSeconds,
    webTtlSeconds: settings.webSessionTtlSeconds,
    now,
  });
  const sessionTokens = createSessionTokens({ secret: settings.jwtSecret, now });
  const loginAttempts = createLoginAttempts({
    limiter: createAttemptLimiter(store, {
      name: 'login-failures',
      points: settings.rateLimits.loginFailuresPerMinute,
      windowSeconds: 60,
      slotTtlMs: Math.max(MIN_LOGIN_SLOT_TTL_MS, settings.wecom.timeoutMs),
      maxWaiting: MAX_LOGINS_WAITING_PER_IP,
    }),
    waitMs: settings.wecom.timeoutMs,
    logger: logger.child({ component: 'login-attempts' }),
  });
  const tokenMark =
    settings.adminToken === undefined
      ? undefined
      : adminTokenMark(settings.adminToken, settings.jwtSecret);
  return {
    sessionTokens,
    sessions,
    loginAttempts,
    login: createLoginService({
      wecom: wecom.api,
      sessions,
      sessionTokens,
      store,
      corpId: settings.wecom.corpId,
      corps,
      logger: logger.child({ component: 'login' }),
      attempts: loginAttempts,
      exchanges: createRateLimiter(store, {
        name: 'login-exchanges',
        points: settings.rateLimits.loginExchangesPerMinute,
        windowSeconds: 60,
      }),
      timeoutMs: settings.wecom.timeoutMs,
      now,
    }),
    profiles: createProfiles({
      addressBook: wecom.addressBook,
      names: wecom.names,
      sessions,
      decryptor: createUserDataDecryptor({ appId: settings.wecom.miniprogramAppId }),
      logger: logger.child({ component: 'profile' }),
    }),
    admins: {
      token: settings.adminToken,
      rule: createAdminRule({ userIds: settings.adminUserIds, tokenMark }),
      tokenMark,
    },
  };
}

/**
 * Customers and groups, the per-employee limit of the routes that read them, and the broadcast
 * that drops a cached detail on every instance.
 */
export interface ContactsServices {
  customers: Customers;
  groupChats: GroupChats;
  /** The customer or group loaded with a sidebar login. */
  loginContexts: LoginContexts;
  lookupLimit: RateLimiter;
  invalidation: ContactsInvalidation;
}

export function createContactsServices(
  infra: Infra,
  settings: Settings,
  wecom: WecomServices,
): ContactsServices {
  const { logger, store, metrics } = infra;
  const { customers, groupChats } = createContacts({
    wecom: wecom.api,
    store,
    ttlSeconds: settings.cacheTtlSeconds,
    timeoutMs: settings.wecom.timeoutMs,
    logger: logger.child({ component: 'contacts' }),
    onLookup: metrics.cacheLookup,
    onHidden: metrics.resourceRefusal,
    onOutsideVisibleRange: (list, errcode) =>
      metrics.resourceRefusal(list === 'customers' ? 'customer_list' : 'groupchat_list', errcode),
  });
  const contextLogger = logger.child({ component: 'login-context' });
  return {
    customers,
    groupChats,
    loginContexts: createLoginContexts({
      customers,
      groupChats,
      describe(error) {
        const { code, message, status } = toRequestError(error, { anonymous: false });
        if (status >= 500) contextLogger.warn({ err: error, code }, 'the login context failed');
        return { code, message };
      },
    }),
    invalidation: createContactsInvalidation({
      store,
      customers,
      groupChats,
      logger: logger.child({ component: 'contacts-invalidation' }),
    }),
    lookupLimit: createRateLimiter(store, {
      name: 'lookup',
      points: settings.rateLimits.lookupPerMinute,
      windowSeconds: 60,
    }),
  };
}

/**
 * The process's job engine (BullMQ, when Redis is configured): one queue and worker for org syncs
 * and one for webhook deliveries, each made on first use, over connections of its own that report
 * to the store's Redis health, under the home corp's job prefix. Every corp the process serves
 * runs its jobs on them as its scope (stores/job-queue.ts), so a corp costs no connection. The
 * deployment makes one for all its corps; `createDeps`, `createOrgServices` and
 * `createWebhooksServices` used alone (the CLIs, tests) make their own.
 */
export interface JobEngine {
  org(): OrgJobs;
  webhooks(): WebhookJobs;
  /** The workers take jobs from now on (once the scopes served at start are registered). */
  start(): void;
  /** A corp removed for good (cancel_auth): its periodic org syncs go, on every instance. */
  forget(scope: string): Promise<void>;
  /** Takes no more jobs: a shutdown's first step, before the scopes' services close. */
  stopTaking(): Promise<void>;
  close(): Promise<void>;
}

/** A corp's place on a job engine. */
export interface JobScope {
  engine: JobEngine;
  /** The corp ID; `HOME_SCOPE` for the home corp (and a deployment of one). */
  scope: string;
}

/** Undefined without Redis: jobs then run in this process. */
export function createJobEngine(
  infra: Pick<Infra, 'logger'>,
  settings: Pick<Settings, 'redis'>,
  options: { redisHealth?: RedisHealth; orgTuning?: JobTuning } = {},
): JobEngine | undefined {
  if (!usesRedis(settings.redis)) return undefined;
  const health = options.redisHealth ?? createRedisHealth(settings.redis, infra.logger);
  const engine = {
    connect: () => createJobConnection(settings.redis, health),
    prefix: jobKeyPrefix(settings.redis),
  };
  let org: OrgJobs | undefined;
  let webhooks: WebhookJobs | undefined;
  let started = false;
  const made = () => [org?.jobs, webhooks].filter((jobs) => jobs !== undefined);
  const startIfStarted = <T extends { start(): void }>(jobs: T) => {
    if (started) jobs.start();
    return jobs;
  };
  const orgJobs = () => {
    org ??= createOrgJobs({
      ...engine,
      logger: infra.logger.child({ component: 'org' }),
      tuning: options.orgTuning,
    });
    startIfStarted(org.jobs);
    return org;
  };
  return {
    org: orgJobs,
    webhooks() {
      webhooks ??= startIfStarted(
        createWebhookJobs({ ...engine, logger: infra.logger.child({ component: 'webhooks' }) }),
      );
      return webhooks;
    },
    start() {
      started = true;
      for (const jobs of made()) jobs.start();
    },
    forget: (scope) => orgJobs().forget(scope),
    async stopTaking() {
      await Promise.all(made().map((jobs) => jobs.stopTaking()));
    },
    async close() {
      await Promise.all(made().map((jobs) => jobs.close()));
    },
  };
}

/** A corp's services on `jobs` (given), or on an engine of their own (made here, closed with them). */
function ownEngine(
  infra: Infra,
  settings: Settings,
  jobs: JobScope | undefined,
  options: { redisHealth?: RedisHealth; orgTuning?: JobTuning },
): { scope?: JobScope; own?: JobEngine } {
  if (jobs) return { scope: jobs };
  const own = createJobEngine(infra, settings, options);
  return { scope: own && { engine: own, scope: HOME_SCOPE }, own };
}

/**
 * The org snapshot, its change feed and the org sync. Full syncs run as BullMQ jobs when Redis is
 * configured (on `jobs`, or on an engine of their own), else in this process; `runner: 'none'`
 * builds an org that runs full syncs only when asked directly (the CLI).
 */
export function createOrgServices(
  infra: Infra,
  settings: Settings,
  wecom: WecomServices,
  options: {
    runner?: 'auto' | 'none';
    tuning?: OrgDeps['tuning'];
    /** Where the job engine's connections report (the store's, so that one outage is one account). */
    redisHealth?: RedisHealth;
    /** The process's job engine and this corp's scope on it (default: an engine of its own). */
    jobs?: JobScope;
  } = {},
): Org {
  const { scope, own } =
    options.runner === 'none'
      ? {}
      : ownEngine(infra, settings, options.jobs, {
          redisHealth: options.redisHealth,
          orgTuning: options.tuning?.jobs,
        });
  const org = createOrg({
    store: infra.store,
    addressBook: wecom.addressBook,
    logger: infra.logger.child({ component: 'org' }),
    now: infra.now,
    intervalSeconds: settings.orgSyncIntervalSeconds,
    feedRetentionDays: settings.orgFeedRetentionDays,
    runner:
      options.runner === 'none'
        ? { kind: 'none' }
        : scope
          ? { kind: 'queue', jobs: scope.engine.org(), scope: scope.scope }
          : { kind: 'in-process' },
    tuning: options.tuning,
  });
  return own ? withOwnEngine(org, own) : org;
}

/** `services` on an engine made for them alone: it starts now, and closes after them. */
function withOwnEngine<T extends { close(): Promise<void> }>(services: T, engine: JobEngine): T {
  engine.start();
  return {
    ...services,
    async close() {
      await engine.stopTaking();
      await services.close();
      await engine.close();
    },
  };
}

/**
 * The web side (with PUBLIC_BASE_URL and the app's AgentId): the web login of the admin console
 * and H5 pages, the admin console's ADMIN_TOKEN sign-in, JS-SDK signatures, and the admin console's pages.
 */
export interface WebServices {
  /** The web session cookie (its tokens are `AuthServices.sessionTokens`'s, web audience). */
  cookies: WebCookies;
  login: WebLogin;
  /** Absent without ADMIN_TOKEN. */
  adminTokenSignIn?: AdminTokenSignIn;
  jssdk: Jssdk;
  pages: ConsolePages;
  assets: ConsoleAssets;
  sessionTtlSeconds: number;
}

/** Invalidations of one JS-SDK ticket on pages' reports per hour (WeCom: ~100 fetches an hour). */
const TICKET_INVALIDATIONS_PER_HOUR = 10;

export function createWeb(
  infra: Infra,
  settings: Settings,
  wecom: WecomServices,
  auth: AuthServices,
): WebServices | undefined {
  const { logger, store, now } = infra;
  const { publicBaseUrl } = settings;
  const agentId = settings.wecom.appAgentId;
  if (publicBaseUrl === undefined) return undefined;
  if (agentId === undefined) {
    logger.warn(
      'PUBLIC_BASE_URL is set but WECOM_APP_AGENT_ID is not: no web login, admin console or JS-SDK signatures (the QR login and wx.agentConfig name the app)',
    );
    return undefined;
  }
  const { sessionTokens } = auth;
  const { token: adminToken, tokenMark } = auth.admins;
  return {
    cookies: createWebCookies(publicBaseUrl),
    adminTokenSignIn:
      adminToken === undefined || tokenMark === undefined
        ? undefined
        : createAdminTokenSignIn({
            adminToken,
            tokenMark,
            sessions: auth.sessions,
            sessionTokens,
            corpId: settings.wecom.corpId,
            attempts: auth.loginAttempts,
            logger: logger.child({ component: 'web-login' }),
          }),
    login: createWebLogin({
      wecom: wecom.api,
      sessions: auth.sessions,
      sessionTokens,
      store,
      corpId: settings.wecom.corpId,
      agentId,
      oauthBase: settings.wecom.oauthBase,
      loginBase: settings.wecom.loginBase,
      publicBaseUrl,
      attempts: auth.loginAttempts,
      starts: createRateLimiter(store, {
        name: 'web-login-starts',
        points: settings.rateLimits.loginExchangesPerMinute,
        windowSeconds: 60,
      }),
      logger: logger.child({ component: 'web-login' }),
    }),
    jssdk: createJssdk({
      tickets: createTicketProvider({
        api: wecom.api,
        schedule: wecom.refreshSchedule,
        store,
        corpId: settings.wecom.corpId,
        agentId,
        logger: logger.child({ component: 'tickets' }),
        timeoutMs: settings.wecom.timeoutMs,
        now,
      }),
      corpId: settings.wecom.corpId,
      agentId,
      baseUrl: publicBaseUrl,
      invalidations: createRateLimiter(store, {
        name: 'jsapi-ticket-invalidations',
        points: TICKET_INVALIDATIONS_PER_HOUR,
        windowSeconds: 3600,
      }),
      logger: logger.child({ component: 'jssdk' }),
      now,
    }),
    pages: createConsolePages({
      adminRule: auth.admins.rule,
      basePath: settings.basePath,
      adminTokenSignIn: adminToken !== undefined,
    }),
    assets: loadConsoleAssets(),
    sessionTtlSeconds: settings.webSessionTtlSeconds,
  };
}

/** Directory changes waiting for the org store's handler, and how many run at a time. */
const DIRECTORY_QUEUE_CAPACITY = 1000;
const DIRECTORY_QUEUE_CONCURRENCY = 2;

/** WeCom's callbacks: the receivers, the events log, and the directory hand-off queue. */
export interface CallbacksServices {
  receivers: CallbackReceivers;
  eventsLog: Feed<EventEntry>;
  /** Waits (bounded) for queued directory hand-offs; then stops the invalidation broadcast. */
  close(): Promise<void>;
}

export function createCallbacks(
  infra: Infra,
  settings: Settings,
  auth: AuthServices,
  contacts: ContactsServices,
  options: { onDirectoryChange?: DirectoryChangeHandler } = {},
): CallbacksServices {
  const { logger, store, metrics, now } = infra;
  const log = logger.child({ component: 'callbacks' });
  const eventsLog = createEventsLog(store, { retentionDays: settings.orgFeedRetentionDays, now });
  const queue = createTaskQueue({
    capacity: DIRECTORY_QUEUE_CAPACITY,
    concurrency: DIRECTORY_QUEUE_CONCURRENCY,
    onError: (error) =>
      log.warn({ err: (error as Error).message }, 'callback: directory hand-off failed'),
  });
  const { invalidation } = contacts;
  return {
    receivers: createCallbackReceivers({
      keys: { app: settings.callbacks.app, directory: settings.callbacks.directory },
      corpId: settings.wecom.corpId,
      store,
      eventsLog,
      effects: {
        forgetCustomer: invalidation.forgetCustomer,
        forgetGroupChat: invalidation.forgetGroupChat,
        endSessions: auth.sessions.endAll,
      },
      onDirectoryChange: options.onDirectoryChange,
      queue,
      logger: log,
      now,
      onAccepted: metrics.callbackAccepted,
      onRejected: metrics.callbackRejected,
    }),
    eventsLog,
    async close() {
      await queue.drain(5000);
      await invalidation.close();
    },
  };
}

/** `GET /api/admin/diagnostics` probes WeCom at most once per this many ms. */
const DIAGNOSTICS_REUSE_MS = 10_000;

/** Admin tools: the doctor and the ID→name mapper. */
export interface AdminServices {
  doctor: Doctor;
  nameMapper: NameMapper;
}

/** The doctor of these settings; the server adds a reuse window, its clock and the org size. */
export function createConfiguredDoctor(
  settings: Settings,
  http: WecomHttp,
  extra: Pick<DoctorDeps, 'reuseMs' | 'now' | 'orgSize' | 'outsideVisibleRange'> = {},
): Doctor {
  return createDoctor({
    probe: createWecomProbe({ http, wecom: settings.wecom }),
    wecom: settings.wecom,
    probeUserIds: settings.adminUserIds,
    store: { redis: settings.redis, sandbox: settings.sandbox },
    callbacks: {
      keys: { app: settings.callbacks.app, directory: settings.callbacks.directory },
      publicBaseUrl: settings.publicBaseUrl,
    },
    ...extra,
  });
}

const withMore = (doctor: Doctor, more?: () => Promise<DoctorCheck[]>) =>
  more ? withChecks(doctor, more) : doctor;

export function createAdmin(
  infra: Infra,
  settings: Settings,
  wecom: WecomServices,
  org?: Pick<Org, 'memberNames' | 'lastSyncSize'>,
  webhooks?: Pick<Webhooks, 'list'>,
  /** Checks of other modules after the doctor's own (the provider's, deployment.ts). */
  moreChecks?: () => Promise<DoctorCheck[]>,
): AdminServices {
  const doctor = createConfiguredDoctor(settings, wecom.http, {
    reuseMs: DIAGNOSTICS_REUSE_MS,
    now: infra.now,
    orgSize: org?.lastSyncSize,
    outsideVisibleRange: createOutsideVisibleRange({ store: infra.store, logger: infra.logger }),
  });
  return {
    // The doctor probes WeCom itself (no token cache, no retry); the mapper shares the name cache.
    doctor: withMore(webhooks ? withWebhooksCheck(doctor, webhooks) : doctor, moreChecks),
    nameMapper: createNameMapper({
      lookups: createNameLookups(wecom),
      names: wecom.names,
      orgNames: org && ((userids) => org.memberNames(userids)),
      // An HTTP lookup answers within one WeCom call's deadline.
      deadlineMs: settings.wecom.timeoutMs,
    }),
  };
}

/**
 * Webhooks on the org change feed and the callback events log: lanes pumped on the job engine
 * (BullMQ) when Redis is configured, else in this process. http URLs are allowed in sandbox mode.
 */
export function createWebhooksServices(
  infra: Infra,
  settings: Settings,
  feeds: { org: Pick<Org, 'feed'>; callbacks: Pick<CallbacksServices, 'eventsLog'> },
  options: {
    tuning?: WebhookTuning;
    /** Where the job engine's connections report (the store's, so that one outage is one account). */
    redisHealth?: RedisHealth;
    /** The process's job engine and this corp's scope on it (default: an engine of its own). */
    jobs?: JobScope;
    /** The process's connections and pacer of deliveries (closed by whoever made them). */
    transport: WebhookTransport;
  },
): Webhooks {
  const { scope, own } = ownEngine(infra, settings, options.jobs, {
    redisHealth: options.redisHealth,
  });
  const webhooks = createWebhooks({
    store: infra.store,
    sources: [orgSource(feeds.org.feed), eventsSource(feeds.callbacks.eventsLog)],
    logger: infra.logger.child({ component: 'webhooks' }),
    allowPrivateNetworks: settings.webhookAllowPrivateNetworks,
    retentionDays: settings.orgFeedRetentionDays,
    engine: scope
      ? { kind: 'queue', jobs: scope.engine.webhooks(), scope: scope.scope }
      : { kind: 'in-process' },
    now: infra.now,
    tuning: { allowHttp: settings.sandbox, ...options.tuning },
    transport: options.transport,
  });
  return own ? withOwnEngine(webhooks, own) : webhooks;
}

/** Everything `createApp` needs. */
export interface AppDeps {
  infra: Infra;
  auth: AuthServices;
  contacts: ContactsServices;
  admin: AdminServices;
  org: Org;
  /** Absent without PUBLIC_BASE_URL: no web login, no JS-SDK signatures, no admin console. */
  web?: WebServices;
  callbacks: CallbacksServices;
  webhooks: Webhooks;
  /** Domain-ownership files served at the root (config `VERIFY_FILES`). */
  verifyFiles: Readonly<Record<string, string>>;
  /** PUBLIC_BASE_URL's path prefix ('' without one): where every route but the root ones is. */
  basePath: string;
  /** Reverse proxies trusted for `X-Forwarded-For` (config `TRUSTED_PROXY_HOPS`). */
  trustedProxyHops: number;
}

export function createDeps(options: {
  settings: Settings;
  logger: Logger;
  store: Store;
  now?: () => number;
  onWecomCall?: (event: WecomCallEvent) => void;
  /** Default: a fresh registry for this app. */
  metrics?: Metrics;
  /** Org sync tuning (tests shorten back-offs and claims). */
  orgSync?: OrgDeps['tuning'];
  /** The handler of directory changes (default: the org store re-reads what each names). */
  onDirectoryChange?: DirectoryChangeHandler;
  /** Webhook tuning (tests shorten back-offs and allow http receivers). */
  webhooks?: WebhookTuning;
  /** The store's Redis health, for the job engine's connections. */
  redisHealth?: RedisHealth;
  /** The corps of the deployment (WECOM_CORPS_FILE), for the login (see deployment.ts). */
  corps?: LoginServiceDeps['corps'];
  /** A third-party app's corp: tokens and login through the provider's suite. */
  suiteApp?: SuiteApp;
  /** The home corp's transports, shared (deployment.ts); default: its own. */
  transports?: Transports;
  /** The doctor's checks of the provider for this corp (deployment.ts). */
  moreChecks?: () => Promise<DoctorCheck[]>;
  /**
   * The process's job engine and this corp's scope on it (deployment.ts); default: with Redis, an
   * engine of its own for the settings' corp, started here and closed with the rest.
   */
  jobs?: JobScope;
}): AppDeps & { wecom: WecomServices; transports: Transports; close(): Promise<void> } {
  const { settings } = options;
  const infra: Infra = {
    logger: options.logger,
    store: options.store,
    metrics: options.metrics ?? createMetrics(),
    now: options.now,
  };
  const wecom = createWecom(
    infra,
    settings,
    options.onWecomCall,
    options.suiteApp,
    options.transports?.wecom,
  );
  const webhookTransport =
    options.transports?.webhooks ??
    createWebhookTransport({
      allowPrivateNetworks: settings.webhookAllowPrivateNetworks,
      tuning: options.webhooks,
    });
  const redisHealth = options.redisHealth ?? createRedisHealth(settings.redis, infra.logger);
  const { scope: jobs, own: ownJobs } = ownEngine(infra, settings, options.jobs, {
    redisHealth,
    orgTuning: options.orgSync?.jobs,
  });
  const org = createOrgServices(infra, settings, wecom, {
    tuning: options.orgSync,
    redisHealth,
    jobs,
  });
  const auth = createAuth(infra, settings, wecom, options.corps);
  const contacts = createContactsServices(infra, settings, wecom);
  const callbacks = createCallbacks(infra, settings, auth, contacts, {
    onDirectoryChange: options.onDirectoryChange ?? directoryChangeHandler(org),
  });
  const webhooks = createWebhooksServices(
    infra,
    settings,
    { org, callbacks },
    { tuning: options.webhooks, redisHealth, jobs, transport: webhookTransport },
  );
  ownJobs?.start();
  return {
    infra,
    wecom,
    transports: options.transports ?? { wecom, webhooks: webhookTransport },
    auth,
    web: createWeb(infra, settings, wecom, auth),
    contacts,
    admin: createAdmin(infra, settings, wecom, org, webhooks, options.moreChecks),
    org,
    callbacks,
    webhooks,
    verifyFiles: settings.verifyFiles,
    basePath: settings.basePath,
    trustedProxyHops: settings.trustedProxyHops,
    async close() {
      // A shared engine goes on for the other corps (the deployment closes it last).
      await ownJobs?.stopTaking();
      await webhooks.close();
      if (!options.transports) await webhookTransport.close();
      await callbacks.close();
      await org.close();
      await wecom.close();
      await ownJobs?.close();
    },
  };
}
