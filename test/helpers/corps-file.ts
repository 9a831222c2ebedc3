import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Simulator } from '../../server/src/sandbox';

/** What a corps file says of one simulated corp. */
export type CorpOfSimulator = Pick<Simulator, 'corpId' | 'wecomConfig'> & {
  seed?: Pick<Simulator['seed'], 'corpName'>;
};

/** What a corps file says of one simulated suite. */
export interface SuiteOfSimulator {
  suiteId: string;
  kind: 'custom' | 'third-party';
  suiteSecret: string;
}

/** A Token and EncodingAESKey, as the WeCom admin makes them (letters and digits). */
function callbackKeys(env: Record<string, string>, name: string) {
  env[`${name}_TOKEN`] = randomBytes(12).toString('hex');
  env[`${name}_AES_KEY`] = randomBytes(48).toString('base64').replace(/[+/=]/g, '').slice(0, 43);
  return { token: `env:${name}_TOKEN`, encodingAesKey: `env:${name}_AES_KEY` };
}

/**
 * A real WECOM_CORPS_FILE for simulated corps (the first is the home corp) and suites, written in a
 * new temporary folder, and the environment its `env:` references name: every secret and callback
 * key, a CORP_SECRETS_KEY with suites, and WECOM_API_BASE and the login origins at the simulator.
 */
export function corpsFileEnv(
  corps: readonly CorpOfSimulator[],
  simulatorUrl: string,
  options: {
    /** Each corp's AgentId (the web login and the console need it). */
    agentIds?: boolean;
    suites?: readonly SuiteOfSimulator[];
    /** The provider's corp ID and ProviderSecret (written as `env:PROVIDER_SECRET`). */
    provider?: { corpId: string; secret: string };
    /** Each corp's `adminUserIds`, by corp ID. */
    admins?: Readonly<Record<string, readonly string[]>>;
    /** Where to write the file (default: a new temporary folder). */
    dir?: string;
  } = {},
): Record<string, string> {
  const env: Record<string, string> = {
    WECOM_API_BASE: simulatorUrl,
    WECOM_OAUTH_BASE: simulatorUrl,
    WECOM_LOGIN_BASE: simulatorUrl,
  };
  const entries = corps.map((corp, index) => {
    const { secrets, appAgentId, miniprogramAppId } = corp.wecomConfig();
    for (const [name, value] of Object.entries(secrets))
      env[`CORP${index}_${name.toUpperCase()}_SECRET`] = value;
    return {
      corpId: corp.corpId,
      ...(corp.seed && { name: corp.seed.corpName }),
      kind: 'self-built',
      appSecret: `env:CORP${index}_APP_SECRET`,
      contactSecret: `env:CORP${index}_CONTACT_SECRET`,
      directorySecret: `env:CORP${index}_DIRECTORY_SECRET`,
      ...(options.agentIds && appAgentId !== undefined && { appAgentId }),
      ...(miniprogramAppId !== undefined && { miniprogramAppId }),
      callbacks: {
        app: callbackKeys(env, `CORP${index}_APP_CALLBACK`),
        directory: callbackKeys(env, `CORP${index}_DIRECTORY_CALLBACK`),
      },
      ...(options.admins?.[corp.corpId] && { adminUserIds: options.admins[corp.corpId] }),
    };
  });
  const suites = (options.suites ?? []).map((suite, index) => {
    env[`SUITE${index}_SECRET`] = suite.suiteSecret;
    return {
      suiteId: suite.suiteId,
      kind: suite.kind,
      secret: `env:SUITE${index}_SECRET`,
      callback: callbackKeys(env, `SUITE${index}`),
    };
  });
  if (suites.length > 0) env.CORP_SECRETS_KEY = randomBytes(32).toString('base64');
  if (options.provider) env.PROVIDER_SECRET = options.provider.secret;
  const provider = options.provider && {
    corpId: options.provider.corpId,
    secret: 'env:PROVIDER_SECRET',
  };
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'wecom-gate-corps-'));
  const file = path.join(dir, `corps-${corps.length}.json`);
  writeFileSync(file, JSON.stringify({ corps: entries, suites, provider }));
  return { ...env, WECOM_CORPS_FILE: file };
}
