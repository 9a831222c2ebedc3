import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * WECOM_CORPS_FILE: the corps one deployment serves. JSON, checked once at start;
 * every mistake is one line naming the corp and the field, never a secret's value. Secrets are
 * never written in the file: each is an `env:NAME` reference to an environment variable (or a
 * key of `.env`), so the file can be kept with the deployment's other configuration.
 *
 * ```json
 * { "corps": [ { "corpId": "ww…", "name": "…", "kind": "self-built",
 *                "appSecret": "env:CORP_A_APP_SECRET", "appAgentId": "1000002",
 *                "contactSecret": "env:…", "directorySecret": "env:…",
 *                "miniprogramAppId": "wx…", "adminUserIds": ["…"],
 *                "callbacks": { "app": { "token": "env:…", "encodingAesKey": "env:…" },
 *                               "directory": { … } } } ],
 *   "suites": [ { "suiteId": "…", "kind": "third-party", "secret": "env:…",
 *                 "callback": { "token": "env:…", "encodingAesKey": "env:…" } } ],
 *   "provider": { "corpId": "ww…", "secret": "env:PROVIDER_SECRET" } }
 * ```
 *
 * `corps` are the self-built apps (the first is served at the root); the corps of a suite — a
 * 代开发 template or a third-party app — are not listed: they arrive with the suite's create_auth
 * and are kept in the store. `provider` (optional, with suites) is the provider itself: its corp
 * ID and ProviderSecret, for the interface licences (接口许可) of those corps.
 */

/** One corp of the file, its secrets resolved. */
export interface CorpEntry {
  corpId: string;
  name?: string;
  kind: 'self-built';
  appSecret: string;
  appAgentId?: string;
  contactSecret?: string;
  directorySecret?: string;
  miniprogramAppId?: string;
  adminUserIds: readonly string[];
  callbacks: {
    app?: { token: string; encodingAesKey: string };
    directory?: { token: string; encodingAesKey: string };
  };
}

/**
 * A service provider's suite: a third-party app (第三方应用) or a 代开发 template,
 * whose 指令回调 hands the deployment its suite tickets and the corps that install it.
 */
export interface SuiteEntry {
  suiteId: string;
  kind: 'custom' | 'third-party';
  name?: string;
  secret: string;
  callback: { token: string; encodingAesKey: string };
}

/**
 * The service provider itself (服务商): its own corp ID and its ProviderSecret (服务商管理后台 →
 * 应用管理 → 通用开发参数), which make the provider_access_token of the license/* APIs.
 */
export interface ProviderEntry {
  corpId: string;
  secret: string;
}

/** Corps one deployment serves at most: each costs its own background jobs (docs/corps.md). */
export const MAX_CORPS = 500;

/** A WeCom corp ID: `ww` (or `wx` for older corps) and letters and digits. */
const CORP_ID = /^w[wx][A-Za-z0-9]{1,62}$/;
const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

const secret = z
  .string()
  .regex(ENV_REFERENCE, { message: 'must be an env:NAME reference, never the secret itself' });
const callbackKeys = z.strictObject({ token: secret, encodingAesKey: secret });

const corpSchema = z.strictObject({
  corpId: z.string().regex(CORP_ID, { message: 'must be a corp ID such as ww1234567890abcdef' }),
  name: z.string().min(1).max(100).optional(),
  kind: z.enum(['self-built', 'custom', 'third-party'], {
    message: 'must be "self-built", "custom" (代开发) or "third-party"',
  }),
  appSecret: secret,
  appAgentId: z.string().regex(/^\d+$/, { message: 'must be the numeric AgentId' }).optional(),
  contactSecret: secret.optional(),
  directorySecret: secret.optional(),
  miniprogramAppId: z
    .string()
    .regex(/^wx[A-Za-z0-9]{1,62}$/)
    .optional(),
  adminUserIds: z.array(z.string().min(1).max(64)).max(100).optional(),
  callbacks: z
    .strictObject({ app: callbackKeys.optional(), directory: callbackKeys.optional() })
    .optional(),
});

const suiteSchema = z.strictObject({
  suiteId: z.string().regex(/^[A-Za-z0-9]{1,64}$/, { message: 'must be the suite ID' }),
  kind: z.enum(['custom', 'third-party'], {
    message: 'must be "custom" (a 代开发 template) or "third-party"',
  }),
  name: z.string().min(1).max(100).optional(),
  secret,
  callback: callbackKeys,
});

const providerSchema = z.strictObject({
  corpId: z
    .string()
    .regex(CORP_ID, { message: 'must be the provider’s own corp ID such as ww1234567890abcdef' }),
  secret,
});

const fileSchema = z.strictObject({
  corps: z
    .array(z.unknown())
    .min(1, { message: 'must list at least one corp (a self-built app, served at the root)' })
    .max(MAX_CORPS, { message: `must list at most ${MAX_CORPS} corps` }),
  suites: z.array(z.unknown()).max(20, { message: 'must list at most 20 suites' }).optional(),
  provider: z.unknown().optional(),
});

/** Where a zod issue is, as `corps[1].callbacks.app.token`. */
function where(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/**
 * Reads and checks the file; answers the corps, or every mistake as one line each (`problems`).
 * `validKey` checks a resolved secret by what it is for (the callback keys' formats).
 */
export function readCorpsFile(
  file: string,
  environment: Readonly<Record<string, string | undefined>>,
  validKey: (kind: 'token' | 'encodingAesKey', value: string) => string | undefined,
): { corps: CorpEntry[]; suites: SuiteEntry[]; provider?: ProviderEntry; problems: string[] } {
  const problems: string[] = [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason =
      error instanceof SyntaxError
        ? `is not JSON (${error.message})`
        : `cannot be read (${(error as NodeJS.ErrnoException).code})`;
    return { corps: [], suites: [], problems: [reason] };
  }
  const outer = fileSchema.safeParse(json);
  if (!outer.success) {
    const issue = outer.error.issues[0]!;
    return {
      corps: [],
      suites: [],
      problems: [`${where(issue.path) || '(top level)'} ${issue.message}`],
    };
  }
  const corps: CorpEntry[] = [];
  const seen = new Set<string>();
  outer.data.corps.forEach((raw, index) => {
    const parsed = corpSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`corps[${index}].${where(issue.path)} ${issue.message}`);
      return;
    }
    const corp = parsed.data;
    const at = `corps[${index}] (${corp.corpId})`;
    if (seen.has(corp.corpId)) problems.push(`${at} is listed twice`);
    seen.add(corp.corpId);
    if (corp.kind !== 'self-built')
      problems.push(
        `${at}.kind "${corp.kind}": a corp of a 代开发 template or a third-party app is not listed here; it comes from the suite's create_auth once its admin installs it (list the suite under "suites", see docs/corps.md)`,
      );
    const resolve = resolver(at, environment, validKey, problems);
    const keys = (receiver: 'app' | 'directory') => {
      const given = corp.callbacks?.[receiver];
      return given && resolveKeys(resolve, `callbacks.${receiver}`, given);
    };
    corps.push({
      corpId: corp.corpId,
      name: corp.name,
      kind: 'self-built',
      appSecret: resolve('appSecret', corp.appSecret),
      appAgentId: corp.appAgentId,
      contactSecret: corp.contactSecret && resolve('contactSecret', corp.contactSecret),
      directorySecret: corp.directorySecret && resolve('directorySecret', corp.directorySecret),
      miniprogramAppId: corp.miniprogramAppId,
      adminUserIds: corp.adminUserIds ?? [],
      callbacks: { app: keys('app'), directory: keys('directory') },
    });
  });
  const suites: SuiteEntry[] = [];
  (outer.data.suites ?? []).forEach((raw, index) => {
    const parsed = suiteSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`suites[${index}].${where(issue.path)} ${issue.message}`);
      return;
    }
    const suite = parsed.data;
    const at = `suites[${index}] (${suite.suiteId})`;
    if (suites.some((other) => other.suiteId === suite.suiteId))
      problems.push(`${at} is listed twice`);
    const resolve = resolver(at, environment, validKey, problems);
    suites.push({
      suiteId: suite.suiteId,
      kind: suite.kind,
      name: suite.name,
      secret: resolve('secret', suite.secret),
      callback: resolveKeys(resolve, 'callback', suite.callback),
    });
  });
  return {
    corps,
    suites,
    provider: readProvider(outer.data.provider, suites, environment, validKey, problems),
    problems,
  };
}

function readProvider(
  raw: unknown,
  suites: readonly SuiteEntry[],
  environment: Readonly<Record<string, string | undefined>>,
  validKey: (kind: 'token' | 'encodingAesKey', value: string) => string | undefined,
  problems: string[],
): ProviderEntry | undefined {
  if (raw === undefined) return undefined;
  const parsed = providerSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`provider.${where(issue.path)} ${issue.message}`);
    return undefined;
  }
  if (suites.length === 0)
    problems.push(
      'provider is for the corps of the provider’s suites: list them under "suites", or remove it',
    );
  const resolve = resolver('provider', environment, validKey, problems);
  return { corpId: parsed.data.corpId, secret: resolve('secret', parsed.data.secret) };
}

type Resolve = (field: string, reference: string, kind?: 'token' | 'encodingAesKey') => string;

/** Reads `env:NAME` references for the entry `at`, adding a line to `problems` per mistake. */
function resolver(
  at: string,
  environment: Readonly<Record<string, string | undefined>>,
  validKey: (kind: 'token' | 'encodingAesKey', value: string) => string | undefined,
  problems: string[],
): Resolve {
  return (field, reference, kind) => {
    const name = ENV_REFERENCE.exec(reference)![1]!;
    const value = environment[name]?.trim();
    if (value === undefined || value === '') {
      problems.push(`${at}.${field}: ${name} is not set in the environment or .env`);
      return '';
    }
    const invalid = kind && validKey(kind, value);
    if (invalid) problems.push(`${at}.${field}: ${name} ${invalid}`);
    return value;
  };
}

function resolveKeys(
  resolve: Resolve,
  field: string,
  given: { token: string; encodingAesKey: string },
): { token: string; encodingAesKey: string } {
  return {
    token: resolve(`${field}.token`, given.token, 'token'),
    encodingAesKey: resolve(`${field}.encodingAesKey`, given.encodingAesKey, 'encodingAesKey'),
  };
}
