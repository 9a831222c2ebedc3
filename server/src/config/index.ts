import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type ProviderEntry, readCorpsFile, type SuiteEntry } from './corps-file';

/**
 * The only reader of the environment. `loadConfig` validates every key once and
 * returns a frozen, typed object; a missing or malformed key throws `ConfigError` whose message is
 * one line naming the key (never the value of a secret).
 */

export type CredentialName = 'app' | 'contact' | 'directory';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface WecomConfig {
  corpId: string;
  apiBase: string;
  proxy?: string;
  timeoutMs: number;
  appAgentId?: string;
  miniprogramAppId?: string;
  /** Origin of WeCom's OAuth2 authorize page (open.weixin.qq.com; the simulator in sandbox mode). */
  oauthBase: string;
  /** Origin of WeCom's QR login page for browsers (login.work.weixin.qq.com; the simulator). */
  loginBase: string;
  /** Secret per credential: `app` (jscode2session), `contact` (externalcontact/*), `directory`. */
  secrets: Readonly<Record<CredentialName, string>>;
}

/**
 * The configuration resolved for the server and the CLIs: the WeCom settings are the configured
 * corp's, or in sandbox mode the simulator's (see wecom-target.ts), never null.
 */
export interface Settings extends Omit<Config, 'wecom'> {
  wecom: Readonly<WecomConfig>;
}

/** What is particular to one corp: its WeCom app, its callback receivers' keys, its admins. */
export interface CorpSettings {
  /** The corp's name from WECOM_CORPS_FILE (the admin console's corp switcher, logs). */
  name?: string;
  wecom: Readonly<WecomConfig>;
  callbacks: Readonly<{
    app?: Readonly<CallbackKeysConfig>;
    directory?: Readonly<CallbackKeysConfig>;
  }>;
  adminUserIds: readonly string[];
}

/** One callback receiver's 接收消息 Token and EncodingAESKey. */
export interface CallbackKeysConfig {
  token: string;
  encodingAesKey: string;
}

export interface Config {
  port: number;
  /**
   * Listen address (`HOST`). Sandbox mode defaults to 127.0.0.1, because its
   * `/sandbox/login-code` lets anyone log in as any demo employee; otherwise undefined: every
   * interface.
   */
  host?: string;
  /** True without `WECOM_CORP_ID`: `npm start` runs the WeCom simulator in-process. */
  sandbox: boolean;
  /**
   * Null in sandbox mode until the simulator is started (see `server/src/sandbox`); the server
   * and the CLIs work with `Settings`, where it is never null.
   */
  wecom: Readonly<WecomConfig> | null;
  /** In sandbox mode the simulator's IP allow-list scenario and misconfigurations. */
  sandboxScenario: string;
  /** Deadline of one WeCom call (`WECOM_TIMEOUT_MS`), the simulator's in sandbox mode too. */
  wecomTimeoutMs: number;
  redis: Readonly<RedisConfig>;
  /**
   * Reverse proxies in front of the server whose `X-Forwarded-For` entry is trusted (0 = none:
   * the socket address is the client). The client IP is the entry this many hops from the right,
   * so a client cannot choose its own IP for the rate limits by sending the header itself.
   */
  trustedProxyHops: number;
  /** Worker processes (node:cluster); above 1 needs a shared Redis. */
  webConcurrency: number;
  /** Abuse limits kept in the store, so every instance shares them. */
  rateLimits: Readonly<{
    /** Failed logins (refused or replayed codes) per client IP per minute. */
    loginFailuresPerMinute: number;
    /** Login-code exchanges (WeCom `jscode2session` calls) per minute across all instances. */
    loginExchangesPerMinute: number;
    /** Customer and group requests per employee per minute. */
    lookupPerMinute: number;
  }>;
  jwtSecret: string;
  /** True when JWT_SECRET was unset in sandbox mode and a random one was made for this process. */
  jwtSecretGenerated: boolean;
  sessionTtlSeconds: number;
  /** Lifetime of cached customer and group details. */
  cacheTtlSeconds: number;
  /** Full org sync period (0 = only on demand). */
  orgSyncIntervalSeconds: number;
  /** Days the org change feed and the callback events log keep their records. */
  orgFeedRetentionDays: number;
  adminUserIds: readonly string[];
  adminToken?: string;
  logLevel: LogLevel;
  /** Callback receivers with their keys; a receiver without keys answers 404. */
  callbacks: Readonly<{
    app?: Readonly<CallbackKeysConfig>;
    directory?: Readonly<CallbackKeysConfig>;
    /** Sandbox mode without keys: random ones were made for this process (the simulator's). */
    generated: boolean;
  }>;
  /**
   * WECOM_CORPS_FILE: every corp this deployment serves, the first being the one of
   * `wecom`, `callbacks` and `adminUserIds` (served at the root and under `/corps/{corpId}`, the
   * others under `/corps/{corpId}` only). Absent: the one corp of WECOM_CORP_ID.
   */
  corps?: Readonly<{
    file: string;
    list: readonly Readonly<CorpSettings>[];
    /** The provider's suites (代开发 templates, third-party apps) whose corps are in the store. */
    suites: readonly Readonly<SuiteEntry>[];
    /** The provider's corp ID and ProviderSecret: the interface licence (接口许可) check. */
    provider?: Readonly<ProviderEntry>;
    /** CORP_SECRETS_KEY, 32 bytes: encrypts the permanent codes kept in the store. */
    secretsKey?: Buffer;
  }>;
  /** Domain-ownership files served at the root: name → content. */
  verifyFiles: Readonly<Record<string, string>>;
  /**
   * The server's public origin (with an optional path prefix), without a trailing slash: the
   * OAuth2 redirect, the only origin whose pages get JS-SDK signatures, and the `Origin` that
   * cookie-authenticated changes must carry. Unset outside sandbox mode → no web login.
   */
  publicBaseUrl?: string;
  /**
   * PUBLIC_BASE_URL's path prefix (`/gate`), '' without one: every route but the probes, the
   * metrics and the verification files answers under it, as the reverse proxy passes the path on
   * unchanged.
   */
  basePath: string;
  /** Lifetime of a web session (the admin console, H5 pages). */
  webSessionTtlSeconds: number;
  /**
   * Webhook URLs may reach loopback, private, link-local, CGNAT and multicast addresses
   * (`WEBHOOK_ALLOW_PRIVATE_NETWORKS=true`); off by default (server-side request forgery).
   */
  webhookAllowPrivateNetworks: boolean;
}

export interface RedisConfig {
  /** Standalone Redis; with Sentinel or Cluster only its credentials, TLS and db are used. */
  url?: string;
  keyPrefix: string;
  /** Redis Sentinel: the sentinels and the master group name. */
  sentinels?: readonly Readonly<{ host: string; port: number }>[];
  sentinelName?: string;
  /** Redis Cluster: the seed nodes. */
  clusterNodes?: readonly Readonly<{ host: string; port: number }>[];
  /** With `rediss:`: the CA certificates (PEM) that Redis's certificates must chain to. */
  tlsCa?: string;
}

/** True when the store is Redis (standalone, Sentinel or Cluster), shared by all instances. */
export function usesRedis(redis: RedisConfig): boolean {
  return (
    redis.url !== undefined || redis.sentinels !== undefined || redis.clusterNodes !== undefined
  );
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const SECRET_KEYS = new Set([
  'WECOM_APP_SECRET',
  'WECOM_CONTACT_SECRET',
  'WECOM_DIRECTORY_SECRET',
  'JWT_SECRET',
  'CORP_SECRETS_KEY',
  'ADMIN_TOKEN',
  'WECOM_APP_CALLBACK_TOKEN',
  'WECOM_APP_CALLBACK_AES_KEY',
  'WECOM_DIRECTORY_CALLBACK_TOKEN',
  'WECOM_DIRECTORY_CALLBACK_AES_KEY',
]);

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return parsed;
    });

const url = (protocols: readonly string[]) =>
  optionalString.refine(
    (value) => {
      if (value === undefined) return true;
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL (${protocols.join(' or ')})` },
  );

const hostPorts = optionalString.transform((value, ctx) => {
  if (value === undefined) return undefined;
  const nodes = value.split(',').map((entry) => entry.trim());
  const parsed = nodes.map((entry) => /^([\w.-]+|\[[\da-fA-F:]+\]):(\d{1,5})$/.exec(entry));
  if (nodes.length > 32 || parsed.some((match) => match === null || Number(match[2]) > 65535)) {
    ctx.addIssue({ code: 'custom', message: 'must be host:port[,host:port…] (at most 32)' });
    return z.NEVER;
  }
  return parsed.map((match) => ({
    host: match![1]!.replace(/^\[|\]$/g, ''),
    port: Number(match![2]),
  }));
});

/** A callback Token of the WeCom admin: letters and digits, at most 32. */
export const TOKEN_PATTERN = /^[A-Za-z0-9]{1,32}$/;

/** An EncodingAESKey: 43 characters of base64 (the WeCom admin makes letters and digits), 32 bytes. */
export function isValidEncodingAesKey(key: string): boolean {
  return /^[A-Za-z0-9+/]{43}$/.test(key) && Buffer.from(`${key}=`, 'base64').length === 32;
}

/** The WeCom admin's Token: letters and digits, at most 32. */
const callbackToken = optionalString.refine((v) => v === undefined || TOKEN_PATTERN.test(v), {
  message: 'must be the Token from the console: 1 to 32 letters and digits',
});
/** The WeCom admin's EncodingAESKey: 43 characters of base64 that decode to a 32-byte key. */
const callbackAesKey = optionalString.refine((v) => v === undefined || isValidEncodingAesKey(v), {
  message: 'must be the 43-character EncodingAESKey from the console (letters and digits)',
});

const VERIFY_FILE_NAME = /^(WW|MP)_verify_[A-Za-z0-9]{1,64}\.txt$/;
const verifyFiles = optionalString.transform((value, ctx) => {
  const files: Record<string, string> = {};
  if (value === undefined) return files;
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const match = /^([^=]+)=([A-Za-z0-9]{1,256})$/.exec(entry);
    if (!match || !VERIFY_FILE_NAME.test(match[1]!) || entries.length > 20) {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be name=content[,name=content…] with names WW_verify_*.txt or MP_verify_*.txt and letters and digits as content (at most 20)',
      });
      return z.NEVER;
    }
    files[match[1]!] = match[2]!;
  }
  return files;
});

/**
 * PUBLIC_BASE_URL: `http(s)://host[:port]` with an optional path prefix (`/gate`), as the reverse
 * proxy passes it on unchanged. No user info, query or fragment; the prefix is segments of
 * letters, digits and `. _ ~ -` (so it is a literal path everywhere: routes, cookie paths, the
 * admin console's asset URLs). Normalised: the origin as URL writes it, no trailing slash.
 */
const publicBaseUrl = optionalString.transform((value, ctx) => {
  if (value === undefined) return undefined;
  const refuse = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return refuse('must be a URL such as https://gate.example.com or https://crm.example.com/gate');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return refuse('must be an https:// (or http://) URL');
  if (parsed.username !== '' || parsed.password !== '') return refuse('must not hold user info');
  if (value.includes('?') || value.includes('#'))
    return refuse('must not have a query or fragment: an origin and an optional path prefix');
  const path = parsed.pathname.replace(/\/+$/, '');
  if (path !== '' && !/^(\/[\w.~-]+)+$/.test(path))
    return refuse(
      'must have a path prefix made of letters, digits and . _ ~ - only, such as /gate',
    );
  return `${parsed.origin}${path}`;
});

const environmentSchema = z.object({
  PORT: integer(0, 65535, 3000),
  HOST: optionalString.refine((v) => v === undefined || /^[\w.:%-]{1,253}$/.test(v), {
    message: 'must be an IP address or a host name, such as 127.0.0.1 or 0.0.0.0',
  }),
  WECOM_CORP_ID: optionalString,
  WECOM_CORPS_FILE: optionalString,
  CORP_SECRETS_KEY: optionalString.refine(
    (v) => v === undefined || secretsKeyBytes(v) !== undefined,
    { message: 'must be 32 random bytes as base64 (44 characters) or hex (64 characters)' },
  ),
  WECOM_APP_SECRET: optionalString,
  WECOM_APP_AGENT_ID: optionalString.refine((v) => v === undefined || /^\d+$/.test(v), {
    message: 'must be the numeric AgentId',
  }),
  WECOM_CONTACT_SECRET: optionalString,
  WECOM_DIRECTORY_SECRET: optionalString,
  WECOM_MINIPROGRAM_APPID: optionalString,
  WECOM_API_BASE: url(['http:', 'https:']),
  WECOM_PROXY: url(['http:', 'https:']),
  WECOM_TIMEOUT_MS: integer(100, 60_000, 5000),
  REDIS_URL: url(['redis:', 'rediss:']),
  REDIS_KEY_PREFIX: optionalString,
  REDIS_SENTINELS: hostPorts,
  REDIS_SENTINEL_NAME: optionalString,
  REDIS_CLUSTER_NODES: hostPorts,
  REDIS_TLS_CA_FILE: optionalString,
  WEB_CONCURRENCY: integer(1, 64, 1),
  TRUSTED_PROXY_HOPS: integer(0, 10, 0),
  RATE_LIMIT_LOGIN_PER_MINUTE: integer(1, 100_000, 20),
  RATE_LIMIT_LOGIN_EXCHANGES_PER_MINUTE: integer(1, 1_000_000, 5000),
  RATE_LIMIT_LOOKUP_PER_MINUTE: integer(1, 10_000_000, 120),
  JWT_SECRET: optionalString.refine((v) => v === undefined || Buffer.byteLength(v) >= 32, {
    message: 'must be at least 32 bytes',
  }),
  SESSION_TTL_SECONDS: integer(60, 30 * 24 * 3600, 7200),
  CACHE_TTL_SECONDS: integer(0, 24 * 3600, 60),
  ORG_SYNC_INTERVAL_SECONDS: integer(0, 30 * 24 * 3600, 0),
  ORG_FEED_RETENTION_DAYS: integer(1, 3650, 30),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.enum(['true', 'false']).optional().default('false'),
  ADMIN_USERIDS: optionalString,
  ADMIN_TOKEN: optionalString.refine((v) => v === undefined || Buffer.byteLength(v) >= 16, {
    message: 'must be at least 16 bytes',
  }),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .optional()
    .default('info'),
  SANDBOX_SCENARIO: optionalString,
  WECOM_APP_CALLBACK_TOKEN: callbackToken,
  WECOM_APP_CALLBACK_AES_KEY: callbackAesKey,
  WECOM_DIRECTORY_CALLBACK_TOKEN: callbackToken,
  WECOM_DIRECTORY_CALLBACK_AES_KEY: callbackAesKey,
  PUBLIC_BASE_URL: publicBaseUrl,
  WECOM_OAUTH_BASE: url(['http:', 'https:']),
  WECOM_LOGIN_BASE: url(['http:', 'https:']),
  WEB_SESSION_TTL_SECONDS: integer(60, 30 * 24 * 3600, 28800),
  VERIFY_FILES: verifyFiles,
});

/**
 * A value as it may be shown (errors, the doctor): the credentials a URL may carry replaced by
 * `***` — its user info, and a query string, which may hold a password (`?password=`). Works on
 * what does not parse as a URL too (`redis//:password@host`, the typo an error is about):
 * everything up to the last `@` is user info.
 */
export function withoutCredentials(value: string): string {
  return value.replace(/^([a-z][a-z\d+.-]*:?\/\/)?.*@/is, '$1***@').replace(/\?.*$/s, '?***');
}

function fail(key: string, problem: string, value?: string): never {
  const shown =
    value === undefined || SECRET_KEYS.has(key)
      ? ''
      : ` (got ${JSON.stringify(withoutCredentials(value))})`;
  throw new ConfigError(`Invalid configuration: ${key} ${problem}${shown}`);
}

export function loadConfig(
  environment: Readonly<Record<string, string | undefined>> = process.env,
  randomSecret: () => string = () => randomBytes(32).toString('base64url'),
): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    fail(key, issue.message, environment[key]);
  }
  const env = parsed.data;
  const corps =
    env.WECOM_CORPS_FILE === undefined
      ? undefined
      : loadCorps(env.WECOM_CORPS_FILE, environment, {
          apiBase: (env.WECOM_API_BASE ?? 'https://qyapi.weixin.qq.com').replace(/\/+$/, ''),
          proxy: env.WECOM_PROXY,
          timeoutMs: env.WECOM_TIMEOUT_MS,
          oauthBase: originOf(env.WECOM_OAUTH_BASE ?? 'https://open.weixin.qq.com'),
          loginBase: originOf(env.WECOM_LOGIN_BASE ?? 'https://login.work.weixin.qq.com'),
        });
  if (corps) {
    if (env.JWT_SECRET === undefined) fail('JWT_SECRET', 'is required with WECOM_CORPS_FILE');
    if (corps.suites.length > 0 && env.CORP_SECRETS_KEY === undefined)
      fail(
        'CORP_SECRETS_KEY',
        'is required with suites in WECOM_CORPS_FILE: it encrypts their corps’ permanent codes in the store (openssl rand -base64 32)',
      );
    for (const key of CORP_KEYS)
      if (env[key] !== undefined)
        fail(key, 'cannot be combined with WECOM_CORPS_FILE: set it per corp in that file');
  }
  const home = corps?.list[0];
  const sandbox = env.WECOM_CORP_ID === undefined && corps === undefined;

  let wecom: WecomConfig | null = home?.wecom ?? null;
  if (!sandbox && !corps) {
    if (env.WECOM_APP_SECRET === undefined)
      fail('WECOM_APP_SECRET', 'is required with WECOM_CORP_ID');
    if (env.JWT_SECRET === undefined) fail('JWT_SECRET', 'is required with WECOM_CORP_ID');
    wecom = Object.freeze({
      corpId: env.WECOM_CORP_ID!,
      apiBase: (env.WECOM_API_BASE ?? 'https://qyapi.weixin.qq.com').replace(/\/+$/, ''),
      proxy: env.WECOM_PROXY,
      timeoutMs: env.WECOM_TIMEOUT_MS,
      appAgentId: env.WECOM_APP_AGENT_ID,
      miniprogramAppId: env.WECOM_MINIPROGRAM_APPID,
      oauthBase: originOf(env.WECOM_OAUTH_BASE ?? 'https://open.weixin.qq.com'),
      loginBase: originOf(env.WECOM_LOGIN_BASE ?? 'https://login.work.weixin.qq.com'),
      secrets: Object.freeze({
        app: env.WECOM_APP_SECRET,
        contact: env.WECOM_CONTACT_SECRET ?? env.WECOM_APP_SECRET,
        directory: env.WECOM_DIRECTORY_SECRET ?? env.WECOM_APP_SECRET,
      }),
    });
  } else if (
    env.SANDBOX_SCENARIO !== undefined &&
    !/^[a-z0-9-]{1,40}$/.test(env.SANDBOX_SCENARIO)
  ) {
    fail('SANDBOX_SCENARIO', 'must be a scenario name such as "healthy"', env.SANDBOX_SCENARIO);
  }

  if (env.REDIS_SENTINELS !== undefined && env.REDIS_CLUSTER_NODES !== undefined)
    fail('REDIS_CLUSTER_NODES', 'cannot be combined with REDIS_SENTINELS');
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_NAME === undefined)
    fail('REDIS_SENTINEL_NAME', 'is required with REDIS_SENTINELS');
  const redis: RedisConfig = Object.freeze({
    url: env.REDIS_URL,
    keyPrefix: env.REDIS_KEY_PREFIX ?? 'wecom-gate:',
    ...(env.REDIS_SENTINELS && {
      sentinels: Object.freeze(env.REDIS_SENTINELS),
      sentinelName: env.REDIS_SENTINEL_NAME,
    }),
    ...(env.REDIS_CLUSTER_NODES && { clusterNodes: Object.freeze(env.REDIS_CLUSTER_NODES) }),
    ...(env.REDIS_TLS_CA_FILE !== undefined && {
      tlsCa: readCaFile(env.REDIS_TLS_CA_FILE, env.REDIS_URL),
    }),
  });
  if (env.WEB_CONCURRENCY > 1 && !usesRedis(redis))
    fail(
      'WEB_CONCURRENCY',
      'above 1 needs REDIS_URL (or Sentinel/Cluster): workers cannot share an in-process store',
      String(env.WEB_CONCURRENCY),
    );
  if (env.WEB_CONCURRENCY > 1 && sandbox)
    fail(
      'WEB_CONCURRENCY',
      'above 1 needs WECOM_CORP_ID: the sandbox simulator runs in one process',
      String(env.WEB_CONCURRENCY),
    );

  const callbackKeys = (receiver: 'APP' | 'DIRECTORY'): CallbackKeysConfig | undefined => {
    const tokenKey = `WECOM_${receiver}_CALLBACK_TOKEN` as const;
    const aesKey = `WECOM_${receiver}_CALLBACK_AES_KEY` as const;
    const token = env[tokenKey];
    const encodingAesKey = env[aesKey];
    if (token === undefined && encodingAesKey === undefined) return undefined;
    if (token === undefined) fail(tokenKey, `is required with ${aesKey}`);
    if (encodingAesKey === undefined) fail(aesKey, `is required with ${tokenKey}`);
    return Object.freeze({ token, encodingAesKey });
  };
  let app = home ? home.callbacks.app : callbackKeys('APP');
  let directory = home ? home.callbacks.directory : callbackKeys('DIRECTORY');
  const generated = sandbox && app === undefined && directory === undefined;
  if (generated) {
    app = randomCallbackKeys();
    directory = randomCallbackKeys();
  }

  return Object.freeze({
    port: env.PORT,
    host: env.HOST ?? (sandbox ? '127.0.0.1' : undefined),
    sandbox,
    wecom,
    sandboxScenario: env.SANDBOX_SCENARIO ?? 'healthy',
    wecomTimeoutMs: env.WECOM_TIMEOUT_MS,
    redis,
    trustedProxyHops: env.TRUSTED_PROXY_HOPS,
    webConcurrency: env.WEB_CONCURRENCY,
    rateLimits: Object.freeze({
      loginFailuresPerMinute: env.RATE_LIMIT_LOGIN_PER_MINUTE,
      loginExchangesPerMinute: env.RATE_LIMIT_LOGIN_EXCHANGES_PER_MINUTE,
      lookupPerMinute: env.RATE_LIMIT_LOOKUP_PER_MINUTE,
    }),
    jwtSecret: env.JWT_SECRET ?? randomSecret(),
    jwtSecretGenerated: env.JWT_SECRET === undefined,
    sessionTtlSeconds: env.SESSION_TTL_SECONDS,
    cacheTtlSeconds: env.CACHE_TTL_SECONDS,
    orgSyncIntervalSeconds: env.ORG_SYNC_INTERVAL_SECONDS,
    orgFeedRetentionDays: env.ORG_FEED_RETENTION_DAYS,
    webhookAllowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true',
    adminUserIds:
      home?.adminUserIds ??
      Object.freeze(
        (env.ADMIN_USERIDS ?? '')
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      ),
    adminToken: env.ADMIN_TOKEN,
    logLevel: env.LOG_LEVEL,
    callbacks: Object.freeze({ app, directory, generated }),
    publicBaseUrl: env.PUBLIC_BASE_URL,
    basePath:
      env.PUBLIC_BASE_URL === undefined
        ? ''
        : new URL(env.PUBLIC_BASE_URL).pathname.replace(/\/$/, ''),
    webSessionTtlSeconds: env.WEB_SESSION_TTL_SECONDS,
    verifyFiles: Object.freeze(env.VERIFY_FILES),
    ...(corps && {
      corps: Object.freeze({
        file: env.WECOM_CORPS_FILE!,
        list: corps.list,
        suites: corps.suites,
        provider: corps.provider,
        secretsKey:
          env.CORP_SECRETS_KEY === undefined ? undefined : secretsKeyBytes(env.CORP_SECRETS_KEY),
      }),
    }),
  });
}

/**
 * The keys of one corp (WECOM_CORP_ID, its secrets, admins and callback keys): with
 * WECOM_CORPS_FILE each corp's entry says them.
 */
const CORP_KEYS = [
  'WECOM_CORP_ID',
  'WECOM_APP_SECRET',
  'WECOM_APP_AGENT_ID',
  'WECOM_CONTACT_SECRET',
  'WECOM_DIRECTORY_SECRET',
  'WECOM_MINIPROGRAM_APPID',
  'ADMIN_USERIDS',
  'WECOM_APP_CALLBACK_TOKEN',
  'WECOM_APP_CALLBACK_AES_KEY',
  'WECOM_DIRECTORY_CALLBACK_TOKEN',
  'WECOM_DIRECTORY_CALLBACK_AES_KEY',
] as const;

/**
 * WECOM_CORPS_FILE's corps with the deployment's WeCom settings (API base, proxy, timeout). Every
 * mistake in the file is one line of the error, each naming the corp and the field.
 */
function loadCorps(
  file: string,
  environment: Readonly<Record<string, string | undefined>>,
  wecom: Omit<WecomConfig, 'corpId' | 'secrets' | 'appAgentId' | 'miniprogramAppId'>,
): {
  list: readonly Readonly<CorpSettings>[];
  suites: readonly Readonly<SuiteEntry>[];
  provider?: Readonly<ProviderEntry>;
} {
  const { corps, suites, provider, problems } = readCorpsFile(file, environment, (kind, value) => {
    if (kind === 'token' && !TOKEN_PATTERN.test(value))
      return 'must be the Token from the console: 1 to 32 letters and digits';
    if (kind === 'encodingAesKey' && !isValidEncodingAesKey(value))
      return 'must be the 43-character EncodingAESKey from the console (letters and digits)';
    return undefined;
  });
  if (problems.length > 0)
    throw new ConfigError(
      problems.map((line) => `Invalid configuration: WECOM_CORPS_FILE ${line}`).join('\n'),
    );
  return {
    suites: Object.freeze(suites.map((suite) => Object.freeze(suite))),
    provider: provider && Object.freeze(provider),
    list: Object.freeze(
      corps.map((corp) =>
        Object.freeze({
          name: corp.name,
          wecom: Object.freeze({
            ...wecom,
            corpId: corp.corpId,
            appAgentId: corp.appAgentId,
            miniprogramAppId: corp.miniprogramAppId,
            secrets: Object.freeze({
              app: corp.appSecret,
              contact: corp.contactSecret ?? corp.appSecret,
              directory: corp.directorySecret ?? corp.appSecret,
            }),
          }),
          callbacks: Object.freeze(corp.callbacks),
          adminUserIds: Object.freeze([...corp.adminUserIds]),
        }),
      ),
    ),
  };
}

/**
 * REDIS_TLS_CA_FILE's certificates. TLS itself is switched on by `rediss:` in REDIS_URL (also with
 * Sentinel or Cluster); the file only says which CA to trust, so it is refused without it.
 */
function readCaFile(file: string, redisUrl: string | undefined): string {
  if (!redisUrl?.startsWith('rediss:'))
    fail('REDIS_TLS_CA_FILE', 'needs REDIS_URL=rediss://… (TLS): set it, or unset this key', file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail('REDIS_TLS_CA_FILE', `cannot be read (${(error as NodeJS.ErrnoException).code})`, file);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    fail('REDIS_TLS_CA_FILE', 'must be a PEM file of CA certificates', file);
  return text;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Letters and digits, as the WeCom admin generates them (rejection sampling: no modulo bias). */
function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

/** A Token and EncodingAESKey for the sandbox's receivers, new for each process. */
function randomCallbackKeys(): CallbackKeysConfig {
  return Object.freeze({ token: randomAlphanumeric(32), encodingAesKey: randomAlphanumeric(43) });
}

/**
 * The configuration of the server that listens: in sandbox mode without PUBLIC_BASE_URL, its own
 * origin (HOST, or loopback when it listens on every interface) stands in, so that the web login and the admin console work out of the box. (The
 * CLIs keep the configuration as given: nothing listens there.)
 */
export function withSandboxOrigin(config: Config): Config {
  if (!config.sandbox || config.publicBaseUrl !== undefined) return config;
  const { host } = config;
  const origin =
    host === undefined || host === '0.0.0.0' || host === '::'
      ? '127.0.0.1'
      : host.includes(':')
        ? `[${host}]`
        : host;
  return Object.freeze({ ...config, publicBaseUrl: `http://${origin}:${config.port}` });
}

/** CORP_SECRETS_KEY's 32 bytes (base64 or hex), or undefined when it is neither. */
function secretsKeyBytes(value: string): Buffer | undefined {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/]{43}=$/.test(value)
      ? Buffer.from(value, 'base64')
      : undefined;
  return bytes?.length === 32 ? bytes : undefined;
}

/** `https://host[:port]` of a configured URL (a path or trailing slash is dropped). */
function originOf(value: string): string {
  return new URL(value).origin;
}
