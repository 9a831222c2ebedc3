import { ConfigError, loadConfig, withSandboxOrigin } from '../../../../server/src/config';

const production = {
  WECOM_CORP_ID: 'ww0123456789abcdef',
  WECOM_APP_SECRET: 'app-secret-value-that-must-not-leak',
  JWT_SECRET: 'j'.repeat(32),
};

function messageOf(value: string): string {
  try {
    loadConfig({ ...production, PUBLIC_BASE_URL: value });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected a ConfigError for ${value}`);
}

describe('PUBLIC_BASE_URL', () => {
  test.each([
    ['https://gate.example.com', 'https://gate.example.com', ''],
    ['https://gate.example.com/', 'https://gate.example.com', ''],
    ['https://crm.example.com/gate', 'https://crm.example.com/gate', '/gate'],
    ['https://crm.example.com/gate/', 'https://crm.example.com/gate', '/gate'],
    ['https://crm.example.com/gate//', 'https://crm.example.com/gate', '/gate'],
    [
      'https://CRM.example.com:443/apps/wecom-gate_1.v2~x',
      'https://crm.example.com/apps/wecom-gate_1.v2~x',
      '/apps/wecom-gate_1.v2~x',
    ],
    ['http://127.0.0.1:3000/gate', 'http://127.0.0.1:3000/gate', '/gate'],
  ])('%s → %s, base path %j', (value, publicBaseUrl, basePath) => {
    const config = loadConfig({ ...production, PUBLIC_BASE_URL: value });
    expect(config.publicBaseUrl).toBe(publicBaseUrl);
    expect(config.basePath).toBe(basePath);
  });

  test('without it there is no base path', () => {
    expect(loadConfig(production).basePath).toBe('');
  });

  test.each([
    ['https://crm.example.com/gate?x=1', 'must not have a query or fragment'],
    ['https://crm.example.com/gate?', 'must not have a query or fragment'],
    ['https://crm.example.com/gate#top', 'must not have a query or fragment'],
    ['https://crm.example.com/#', 'must not have a query or fragment'],
    ['https://user:pw@crm.example.com/gate', 'must not hold user info'],
    ['https://user@crm.example.com', 'must not hold user info'],
    ['https://crm.example.com/ga te', 'letters, digits and . _ ~ - only'],
    ['https://crm.example.com/gate/:id', 'letters, digits and . _ ~ - only'],
    ['https://crm.example.com/网关', 'letters, digits and . _ ~ - only'],
    ['https://crm.example.com//gate', 'letters, digits and . _ ~ - only'],
    ['https://crm.example.com/a%2Fb', 'letters, digits and . _ ~ - only'],
    ['ftp://crm.example.com/gate', 'must be an https:// (or http://) URL'],
    ['crm.example.com/gate', 'must be a URL'],
  ])('refuses %s with one line naming the key', (value, problem) => {
    const message = messageOf(value);
    expect(message).toMatch(/^Invalid configuration: PUBLIC_BASE_URL /);
    expect(message).toContain(problem);
    expect(message).not.toContain('\n');
  });

  test('the sandbox server keeps a configured prefix and otherwise uses its own origin', () => {
    const prefixed = loadConfig({ PORT: '4321', PUBLIC_BASE_URL: 'http://127.0.0.1:4321/gate/' });
    expect(withSandboxOrigin(prefixed)).toMatchObject({
      publicBaseUrl: 'http://127.0.0.1:4321/gate',
      basePath: '/gate',
    });
    expect(withSandboxOrigin(loadConfig({ PORT: '4321' }))).toMatchObject({
      publicBaseUrl: 'http://127.0.0.1:4321',
      basePath: '',
    });
  });
});
