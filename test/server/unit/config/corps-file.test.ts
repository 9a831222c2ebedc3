import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../../server/src/config';

// WECOM_CORPS_FILE: the corps of one deployment, checked at start with one line per
// mistake, secrets only as env:NAME references.

const dir = mkdtempSync(path.join(tmpdir(), 'corps-file-'));
let files = 0;
function corpsFile(content: unknown): string {
  const file = path.join(dir, `corps-${files++}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const A = 'ww0123456789abcdef';
const B = 'wwfedcba9876543210';
const AES_KEY = 'a'.repeat(43);
const secrets = {
  A_APP: 'a-app-secret-value-0001',
  B_APP: 'b-app-secret-value-0002',
  B_CONTACT: 'b-contact-secret-value-0003',
  B_TOKEN: 'bCallbackToken',
  B_AES: AES_KEY,
};
const twoCorps = {
  corps: [
    { corpId: A, kind: 'self-built', appSecret: 'env:A_APP', adminUserIds: ['wangwu'] },
    {
      corpId: B,
      name: '宁波甬江科技有限公司',
      kind: 'self-built',
      appSecret: 'env:B_APP',
      contactSecret: 'env:B_CONTACT',
      appAgentId: '1000009',
      callbacks: { app: { token: 'env:B_TOKEN', encodingAesKey: 'env:B_AES' } },
    },
  ],
};
const env = (file: string, extra: Record<string, string> = {}) => ({
  WECOM_CORPS_FILE: file,
  JWT_SECRET: 'j'.repeat(32),
  ...secrets,
  ...extra,
});

function problems(file: string, extra: Record<string, string> = {}): string[] {
  try {
    loadConfig(env(file, extra));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('WECOM_CORPS_FILE', () => {
  it('serves every corp of the file, the first as the home corp, as WECOM_CORP_ID would be', () => {
    const config = loadConfig(env(corpsFile(twoCorps), { WECOM_API_BASE: 'https://proxy.test' }));
    expect(config.sandbox).toBe(false);
    expect(config.wecom?.corpId).toBe(A);
    expect(config.wecom?.secrets).toEqual({
      app: secrets.A_APP,
      contact: secrets.A_APP,
      directory: secrets.A_APP,
    });
    expect(config.adminUserIds).toEqual(['wangwu']);
    expect(config.corps?.list.map((corp) => corp.wecom.corpId)).toEqual([A, B]);
    const b = config.corps!.list[1]!;
    expect(b.name).toBe('宁波甬江科技有限公司');
    expect(b.wecom).toMatchObject({
      corpId: B,
      appAgentId: '1000009',
      apiBase: 'https://proxy.test',
      secrets: { app: secrets.B_APP, contact: secrets.B_CONTACT, directory: secrets.B_APP },
    });
    expect(b.callbacks.app).toEqual({ token: 'bCallbackToken', encodingAesKey: AES_KEY });
    expect(b.adminUserIds).toEqual([]);
  });

  it('names every mistake on a line of its own, never a secret', () => {
    const file = corpsFile({
      corps: [
        { corpId: A, kind: 'self-built', appSecret: 'a-literal-secret-in-the-file' },
        { corpId: 'not-a-corp', kind: 'self-built', appSecret: 'env:B_APP' },
        { corpId: B, kind: 'self-built', appSecret: 'env:MISSING_SECRET' },
        { corpId: B, kind: 'custom', appSecret: 'env:B_APP' },
        {
          corpId: 'ww99',
          kind: 'self-built',
          appSecret: 'env:B_APP',
          callbacks: { app: { token: 'env:B_TOKEN', encodingAesKey: 'env:B_APP' } },
        },
      ],
    });
    const lines = problems(file);
    expect(lines).toEqual([
      'Invalid configuration: WECOM_CORPS_FILE corps[0].appSecret must be an env:NAME reference, never the secret itself',
      'Invalid configuration: WECOM_CORPS_FILE corps[1].corpId must be a corp ID such as ww1234567890abcdef',
      `Invalid configuration: WECOM_CORPS_FILE corps[2] (${B}).appSecret: MISSING_SECRET is not set in the environment or .env`,
      `Invalid configuration: WECOM_CORPS_FILE corps[3] (${B}) is listed twice`,
      `Invalid configuration: WECOM_CORPS_FILE corps[3] (${B}).kind "custom": a corp of a 代开发 template or a third-party app is not listed here; it comes from the suite's create_auth once its admin installs it (list the suite under "suites", see docs/corps.md)`,
      'Invalid configuration: WECOM_CORPS_FILE corps[4] (ww99).callbacks.app.encodingAesKey: B_APP must be the 43-character EncodingAESKey from the console (letters and digits)',
    ]);
    for (const value of Object.values(secrets)) expect(lines.join('\n')).not.toContain(value);
    expect(lines.join('\n')).not.toContain('a-literal-secret-in-the-file');
  });

  it('refuses a file it cannot read or parse, and an empty list, in one line', () => {
    expect(problems(path.join(dir, 'missing.json'))).toEqual([
      'Invalid configuration: WECOM_CORPS_FILE cannot be read (ENOENT)',
    ]);
    expect(problems(corpsFile('{"corps": [')).join()).toMatch(
      /^Invalid configuration: WECOM_CORPS_FILE is not JSON \(/,
    );
    expect(problems(corpsFile({ corps: [] }))).toEqual([
      'Invalid configuration: WECOM_CORPS_FILE corps must list at least one corp (a self-built app, served at the root)',
    ]);
    expect(problems(corpsFile({ corps: [], extra: 1 }))).toHaveLength(1);
  });

  it('takes no key of the one-corp settings (WECOM_CORP_ID …) beside it, and needs JWT_SECRET', () => {
    const file = corpsFile(twoCorps);
    expect(problems(file, { WECOM_CORP_ID: A })).toEqual([
      'Invalid configuration: WECOM_CORP_ID cannot be combined with WECOM_CORPS_FILE: set it per corp in that file',
    ]);
    expect(problems(file, { ADMIN_USERIDS: 'zhangsan' })[0]).toMatch(
      /^Invalid configuration: ADMIN_USERIDS cannot/,
    );
    expect(() => loadConfig({ ...env(file), JWT_SECRET: '' })).toThrow(
      'JWT_SECRET is required with WECOM_CORPS_FILE',
    );
  });

  it('reads the provider’s suites, and needs CORP_SECRETS_KEY with them', () => {
    const withSuites = corpsFile({
      ...twoCorps,
      suites: [
        {
          suiteId: 'dk3c4d5e6f7a8b9c0d',
          kind: 'custom',
          secret: 'env:B_APP',
          callback: { token: 'env:B_TOKEN', encodingAesKey: 'env:B_AES' },
        },
      ],
    });
    const key = Buffer.alloc(32, 7);
    const config = loadConfig(env(withSuites, { CORP_SECRETS_KEY: key.toString('base64') }));
    expect(config.corps?.suites).toEqual([
      {
        suiteId: 'dk3c4d5e6f7a8b9c0d',
        kind: 'custom',
        secret: secrets.B_APP,
        callback: { token: 'bCallbackToken', encodingAesKey: AES_KEY },
      },
    ]);
    expect(config.corps?.secretsKey).toEqual(key);
    expect(problems(withSuites)[0]).toMatch(
      /^Invalid configuration: CORP_SECRETS_KEY is required with suites in WECOM_CORPS_FILE/,
    );
    expect(problems(withSuites, { CORP_SECRETS_KEY: 'too-short' })[0]).toMatch(
      /^Invalid configuration: CORP_SECRETS_KEY must be 32 random bytes/,
    );
    const broken = corpsFile({
      ...twoCorps,
      suites: [{ suiteId: 'x', kind: 'other', secret: 'plain', callback: {} }],
    });
    expect(problems(broken, { CORP_SECRETS_KEY: key.toString('hex') })).toHaveLength(4);
  });

  it('reads the provider itself (its corp ID and ProviderSecret), with suites only', () => {
    const suites = [
      {
        suiteId: 'dk3c4d5e6f7a8b9c0d',
        kind: 'custom',
        secret: 'env:B_APP',
        callback: { token: 'env:B_TOKEN', encodingAesKey: 'env:B_AES' },
      },
    ];
    const provider = { corpId: 'ww0f1e2d3c4b5a6978', secret: 'env:PROVIDER_SECRET' };
    const extra = {
      CORP_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      PROVIDER_SECRET: 'provider-secret-value-0004',
    };
    const config = loadConfig(env(corpsFile({ ...twoCorps, suites, provider }), extra));
    expect(config.corps?.provider).toEqual({
      corpId: 'ww0f1e2d3c4b5a6978',
      secret: 'provider-secret-value-0004',
    });
    expect(loadConfig(env(corpsFile({ ...twoCorps, suites }), extra)).corps?.provider).toBe(
      undefined,
    );
    expect(problems(corpsFile({ ...twoCorps, provider }), extra)).toEqual([
      'Invalid configuration: WECOM_CORPS_FILE provider is for the corps of the provider’s suites: list them under "suites", or remove it',
    ]);
    const broken = corpsFile({
      ...twoCorps,
      suites,
      provider: { corpId: 'x', secret: 'provider-secret-value-0004' },
    });
    const lines = problems(broken, extra);
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toMatch(/provider\.corpId must be the provider’s own corp ID/);
    expect(lines.join('\n')).toMatch(/provider\.secret must be an env:NAME reference/);
    expect(lines.join('\n')).not.toContain('provider-secret-value-0004');
    expect(
      problems(corpsFile({ ...twoCorps, suites, provider }), { ...extra, PROVIDER_SECRET: '' }),
    ).toEqual([
      'Invalid configuration: WECOM_CORPS_FILE provider.secret: PROVIDER_SECRET is not set in the environment or .env',
    ]);
  });

  it('leaves the one-corp configuration as it was: no corps', () => {
    const config = loadConfig({
      WECOM_CORP_ID: A,
      WECOM_APP_SECRET: secrets.A_APP,
      JWT_SECRET: 'j'.repeat(32),
    });
    expect(config.corps).toBeUndefined();
    expect(config.wecom?.corpId).toBe(A);
  });
});
