import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../../server/src/config';
import { redisConnection } from '../../../../server/src/stores/redis-options';

const production = {
  WECOM_CORP_ID: 'ww0123456789abcdef',
  WECOM_APP_SECRET: 'app-secret-value-that-must-not-leak',
  JWT_SECRET: 'j'.repeat(32),
};
const redisOf = (env: Record<string, string>) => loadConfig({ ...production, ...env }).redis;

describe('Redis topology from the configuration', () => {
  it('uses a standalone REDIS_URL as is, and no Redis without any key', () => {
    expect(redisConnection(redisOf({ REDIS_URL: 'redis://cache:6379/2' }))).toEqual({
      mode: 'standalone',
      url: 'redis://cache:6379/2',
      options: {},
    });
    expect(redisConnection(redisOf({}))).toBeUndefined();
  });

  it('maps REDIS_SENTINELS + REDIS_SENTINEL_NAME to ioredis sentinel options, credentials from REDIS_URL', () => {
    const connection = redisConnection(
      redisOf({
        REDIS_SENTINELS: 'sentinel-a:26379, sentinel-b:26380,[::1]:26381',
        REDIS_SENTINEL_NAME: 'gate',
        REDIS_URL: 'rediss://app:p%40ss@ignored-host:6379/3',
      }),
    );
    expect(connection).toEqual({
      mode: 'sentinel',
      options: {
        sentinels: [
          { host: 'sentinel-a', port: 26379 },
          { host: 'sentinel-b', port: 26380 },
          { host: '::1', port: 26381 },
        ],
        name: 'gate',
        username: 'app',
        password: 'p@ss',
        db: 3,
        // TLS to the sentinels and, through enableTLSForSentinelMode, to the master they name.
        tls: {},
        enableTLSForSentinelMode: true,
        sentinelTLS: {},
      },
    });
  });

  it('maps REDIS_CLUSTER_NODES to cluster seed nodes (no db in a cluster)', () => {
    expect(
      redisConnection(
        redisOf({ REDIS_CLUSTER_NODES: 'node-1:7000,node-2:7001', REDIS_URL: 'redis://:pw@x/4' }),
      ),
    ).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'node-1', port: 7000 },
        { host: 'node-2', port: 7001 },
      ],
      options: { password: 'pw' },
    });
  });

  describe('REDIS_TLS_CA_FILE', () => {
    let directory: string;
    let caFile: string;
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    beforeAll(() => {
      directory = mkdtempSync(path.join(tmpdir(), 'redis-ca-'));
      caFile = path.join(directory, 'ca.crt');
      writeFileSync(caFile, pem);
      writeFileSync(path.join(directory, 'not-a-cert.txt'), 'hello');
    });
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('trusts that CA on every TLS connection: standalone, sentinels and master, cluster nodes', () => {
      const tls = { ca: pem };
      expect(
        redisConnection(redisOf({ REDIS_URL: 'rediss://r:6380', REDIS_TLS_CA_FILE: caFile })),
      ).toEqual({ mode: 'standalone', url: 'rediss://r:6380', options: { tls } });
      expect(
        redisConnection(
          redisOf({
            REDIS_URL: 'rediss://:pw@x',
            REDIS_TLS_CA_FILE: caFile,
            REDIS_SENTINELS: 's:26379',
            REDIS_SENTINEL_NAME: 'gate',
          }),
        ),
      ).toMatchObject({
        mode: 'sentinel',
        options: { tls, sentinelTLS: tls, enableTLSForSentinelMode: true, password: 'pw' },
      });
      expect(
        redisConnection(
          redisOf({
            REDIS_URL: 'rediss://x',
            REDIS_TLS_CA_FILE: caFile,
            REDIS_CLUSTER_NODES: 'n:7000',
          }),
        ),
      ).toEqual({ mode: 'cluster', nodes: [{ host: 'n', port: 7000 }], options: { tls } });
    });

    it.each([
      [{ REDIS_URL: 'redis://r' }, 'ca.crt', /REDIS_TLS_CA_FILE needs REDIS_URL=rediss:/],
      [{}, 'ca.crt', /REDIS_TLS_CA_FILE needs REDIS_URL=rediss:/],
      [{ REDIS_URL: 'rediss://r' }, 'missing.crt', /REDIS_TLS_CA_FILE cannot be read \(ENOENT\)/],
      [{ REDIS_URL: 'rediss://r' }, 'not-a-cert.txt', /REDIS_TLS_CA_FILE must be a PEM file/],
    ])('refuses %j with %s in one line naming the key', (env, file, message) => {
      expect(() => redisOf({ ...env, REDIS_TLS_CA_FILE: path.join(directory, file) })).toThrow(
        message,
      );
    });
  });

  it.each([
    [{ REDIS_SENTINELS: 'a:1' }, /REDIS_SENTINEL_NAME is required/],
    [{ REDIS_SENTINELS: 'a', REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINELS must be host:port/],
    [{ REDIS_CLUSTER_NODES: 'a:99999' }, /REDIS_CLUSTER_NODES must be host:port/],
    [
      { REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'm' },
      /REDIS_CLUSTER_NODES cannot be combined/,
    ],
  ])('refuses %j with one line naming the key', (env, message) => {
    expect(() => redisOf(env)).toThrow(ConfigError);
    expect(() => redisOf(env)).toThrow(message);
  });
});

describe('multi-instance and abuse-limit keys', () => {
  it('defaults to one worker, no trusted proxy and the documented limits', () => {
    const config = loadConfig(production);
    expect(config.webConcurrency).toBe(1);
    // Without a proxy in front, X-Forwarded-For is the client's own word: the socket counts.
    expect(config.trustedProxyHops).toBe(0);
    expect(loadConfig({ ...production, TRUSTED_PROXY_HOPS: '1' }).trustedProxyHops).toBe(1);
    expect(config.rateLimits).toEqual({
      loginFailuresPerMinute: 20,
      loginExchangesPerMinute: 5000,
      lookupPerMinute: 120,
    });
  });

  it('allows workers with any shared Redis and refuses them with the in-process store', () => {
    expect(
      loadConfig({ ...production, WEB_CONCURRENCY: '4', REDIS_URL: 'redis://r' }).webConcurrency,
    ).toBe(4);
    expect(
      loadConfig({
        ...production,
        WEB_CONCURRENCY: '2',
        REDIS_CLUSTER_NODES: 'n:7000',
      }).webConcurrency,
    ).toBe(2);
    expect(() => loadConfig({ ...production, WEB_CONCURRENCY: '2' })).toThrow(
      /^Invalid configuration: WEB_CONCURRENCY above 1 needs REDIS_URL/,
    );
    expect(() => loadConfig({ WEB_CONCURRENCY: '2', REDIS_URL: 'redis://r' })).toThrow(
      /WEB_CONCURRENCY above 1 needs WECOM_CORP_ID/,
    );
  });

  it('refuses a zero rate limit', () => {
    expect(() => loadConfig({ ...production, RATE_LIMIT_LOGIN_PER_MINUTE: '0' })).toThrow(
      /RATE_LIMIT_LOGIN_PER_MINUTE must be a whole number/,
    );
  });
});
