import { ConfigError, loadConfig, withSandboxOrigin } from '../../../../server/src/config';

const production = {
  WECOM_CORP_ID: 'ww0123456789abcdef',
  WECOM_APP_SECRET: 'app-secret-value-that-must-not-leak',
  JWT_SECRET: 'j'.repeat(32),
};

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('should run in sandbox mode without WECOM_CORP_ID', () => {
    const config = loadConfig({}, () => 'r'.repeat(43));
    expect(config.sandbox).toBe(true);
    expect(config.wecom).toBeNull();
    expect(config.port).toBe(3000);
    expect(config.jwtSecretGenerated).toBe(true);
    expect(config.sandboxScenario).toBe('healthy');
  });

  it('should default the contact and directory secrets to the app secret', () => {
    const config = loadConfig(production);
    expect(config.sandbox).toBe(false);
    expect(config.wecom?.secrets).toEqual({
      app: production.WECOM_APP_SECRET,
      contact: production.WECOM_APP_SECRET,
      directory: production.WECOM_APP_SECRET,
    });
    expect(config.wecom?.apiBase).toBe('https://qyapi.weixin.qq.com');
    expect(config.wecom?.timeoutMs).toBe(5000);
    expect(config.sessionTtlSeconds).toBe(7200);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('should name the missing key in one line', () => {
    const message = messageOf(() =>
      loadConfig({ WECOM_CORP_ID: 'ww1', JWT_SECRET: 'j'.repeat(32) }),
    );
    expect(message).toBe('Invalid configuration: WECOM_APP_SECRET is required with WECOM_CORP_ID');
    expect(message).not.toContain('\n');
  });

  it('should name a malformed key and show its value', () => {
    const message = messageOf(() => loadConfig({ ...production, WECOM_TIMEOUT_MS: 'soon' }));
    expect(message).toContain('WECOM_TIMEOUT_MS');
    expect(message).toContain('"soon"');
    expect(messageOf(() => loadConfig({ ...production, REDIS_URL: 'http://x' }))).toContain(
      'REDIS_URL',
    );
    expect(messageOf(() => loadConfig({ ...production, PORT: '70000' }))).toContain('PORT');
  });

  it('should never echo a secret value', () => {
    const message = messageOf(() =>
      loadConfig({ ...production, JWT_SECRET: 'short-secret-value' }),
    );
    expect(message).toContain('JWT_SECRET must be at least 32 bytes');
    expect(message).not.toContain('short-secret-value');
  });

  it.each([
    ['REDIS_URL', 'redis//:s3cretPassw0rd@10.0.0.7:6379/0', 'redis//***@10.0.0.7:6379/0'],
    ['REDIS_URL', 'http://default:s3cretPassw0rd@10.0.0.7:6379', 'http://***@10.0.0.7:6379'],
    ['REDIS_URL', 'redis//10.0.0.7:6379?password=s3cretPassw0rd', 'redis//10.0.0.7:6379?***'],
    ['WECOM_PROXY', 'http//squid:s3cretPassw0rd@10.0.0.5:3128', 'http//***@10.0.0.5:3128'],
    ['WECOM_PROXY', 'socks5://u:s3cret@Passw0rd@10.0.0.5:1080', 'socks5://***@10.0.0.5:1080'],
    ['WECOM_API_BASE', 'qyapi.example.com/?token=s3cretPassw0rd', 'qyapi.example.com/?***'],
  ])('should name %s and show %j without its credentials', (key, value, shown) => {
    const message = messageOf(() => loadConfig({ ...production, [key]: value }));
    expect(message).toContain(`${key} must be a URL`);
    expect(message).toContain(`(got ${JSON.stringify(shown)})`);
    expect(message).not.toMatch(/s3cret|Passw0rd/);
  });

  it('should listen on loopback in sandbox mode and everywhere otherwise, unless HOST says', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig(production).host).toBeUndefined();
    expect(loadConfig({ ...production, HOST: '10.0.0.3' }).host).toBe('10.0.0.3');
    expect(loadConfig({ ...production, HOST: '::1' }).host).toBe('::1');
    expect(messageOf(() => loadConfig({ HOST: 'http://0.0.0.0:3000' }))).toContain(
      'HOST must be an IP address or a host name',
    );
  });

  it('should parse lists and optional keys', () => {
    const config = loadConfig({
      ...production,
      ADMIN_USERIDS: ' zhangsan, lisi ,,',
      WECOM_PROXY: 'http://10.0.0.5:3128',
      WECOM_API_BASE: 'https://proxy.example.com/',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.adminUserIds).toEqual(['zhangsan', 'lisi']);
    expect(config.wecom?.proxy).toBe('http://10.0.0.5:3128');
    expect(config.wecom?.apiBase).toBe('https://proxy.example.com');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
  });
});

describe('web login configuration', () => {
  const base = {
    WECOM_CORP_ID: 'ww1234567890abcdef',
    WECOM_APP_SECRET: 'secret',
    JWT_SECRET: 'x'.repeat(32),
  };

  test('defaults: WeCom’s own login origins, an 8-hour web session, no public origin', () => {
    const config = loadConfig(base);
    expect(config.wecom).toMatchObject({
      oauthBase: 'https://open.weixin.qq.com',
      loginBase: 'https://login.work.weixin.qq.com',
    });
    expect(config.webSessionTtlSeconds).toBe(28800);
    expect(config.publicBaseUrl).toBeUndefined();
  });

  test('login origins are origins (a path is dropped); a bad TTL names the key', () => {
    const config = loadConfig({
      ...base,
      WECOM_OAUTH_BASE: 'http://127.0.0.1:4000/',
      WECOM_LOGIN_BASE: 'https://login.example.com/some/path',
      WEB_SESSION_TTL_SECONDS: '600',
    });
    expect(config.wecom).toMatchObject({
      oauthBase: 'http://127.0.0.1:4000',
      loginBase: 'https://login.example.com',
    });
    expect(config.webSessionTtlSeconds).toBe(600);
    expect(() => loadConfig({ ...base, WEB_SESSION_TTL_SECONDS: '10' })).toThrow(
      /WEB_SESSION_TTL_SECONDS/,
    );
    expect(() => loadConfig({ ...base, WECOM_LOGIN_BASE: 'ftp://x' })).toThrow(/WECOM_LOGIN_BASE/);
  });

  test('the listening sandbox server uses its own origin; a configured one and the CLIs keep theirs', () => {
    const sandbox = loadConfig({ PORT: '4321' });
    expect(sandbox.publicBaseUrl).toBeUndefined();
    expect(withSandboxOrigin(sandbox).publicBaseUrl).toBe('http://127.0.0.1:4321');
    const given = loadConfig({ PORT: '4321', PUBLIC_BASE_URL: 'https://gate.example.com/' });
    expect(withSandboxOrigin(given).publicBaseUrl).toBe('https://gate.example.com');
    expect(withSandboxOrigin(loadConfig(base)).publicBaseUrl).toBeUndefined();
    expect(withSandboxOrigin(loadConfig({ PORT: '80', HOST: '0.0.0.0' })).publicBaseUrl).toBe(
      'http://127.0.0.1:80',
    );
    expect(withSandboxOrigin(loadConfig({ PORT: '80', HOST: '::1' })).publicBaseUrl).toBe(
      'http://[::1]:80',
    );
  });
});
