import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../server/src/config';
import { createStore } from '../../../server/src/stores';
import { createRateLimiter } from '../../../server/src/stores/rate-limiter';
import { freePort, startRedisProcess } from '../../helpers/redis-process';
import { silentLogger, testRedisUrl, uniquePrefix } from '../../helpers/stores';

// REDIS_SENTINELS through the real createStore: a Sentinel of the test's own watching the test
// Redis (never the shared one's configuration: the sentinel only reads its role).
jest.setTimeout(30_000);

let sentinel: ChildProcess | undefined;
let directory: string;
let sentinelPort: number;

beforeAll(async () => {
  directory = mkdtempSync(path.join(tmpdir(), 'sentinel-'));
  sentinelPort = await freePort();
  const master = new URL(testRedisUrl());
  const file = path.join(directory, 'sentinel.conf');
  writeFileSync(
    file,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `dir ${directory}`,
      `sentinel monitor gate ${master.hostname} ${master.port} 1`,
      // Never fail over the shared test Redis.
      'sentinel down-after-milliseconds gate 600000',
      'sentinel failover-timeout gate 600000',
      '',
    ].join('\n'),
  );
  sentinel = spawn('redis-server', [file, '--sentinel'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    sentinel!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('+monitor master gate')) resolve();
    });
    sentinel!.once('exit', (code) => reject(new Error(`sentinel exited ${code}: ${output}`)));
  });
});

afterAll(async () => {
  if (sentinel && sentinel.exitCode === null && sentinel.signalCode === null) {
    const exited = new Promise((resolve) => sentinel!.once('exit', resolve));
    sentinel.kill('SIGKILL');
    await exited;
  }
  rmSync(directory, { recursive: true, force: true });
});

it('reaches the master that REDIS_SENTINELS and REDIS_SENTINEL_NAME name', async () => {
  const prefix = uniquePrefix();
  const config = loadConfig({
    REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`,
    REDIS_SENTINEL_NAME: 'gate',
    REDIS_KEY_PREFIX: prefix,
  });
  const store = await createStore(config, silentLogger());
  try {
    await store.set('through-sentinel', 'yes', 10_000);
    expect(await store.get('through-sentinel')).toBe('yes');
    const limiter = createRateLimiter(store, { name: 'sentinel', points: 1, windowSeconds: 10 });
    expect(await limiter.consume('k')).toEqual({ allowed: true });
    expect((await limiter.consume('k')).allowed).toBe(false);
  } finally {
    await store.close();
  }
  // The key really is in the master the sentinel pointed at (the test Redis).
  const direct = await createStore(
    loadConfig({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix }),
    silentLogger(),
  );
  try {
    expect(await direct.get('through-sentinel')).toBe('yes');
  } finally {
    await direct.close();
  }
});

it('starts anyway and fails fast (store.unavailable), not a hang, when no sentinel answers', async () => {
  const redis = await startRedisProcess(); // a port that is free again once it stops
  await redis.stop();
  const store = await createStore(
    loadConfig({ REDIS_SENTINELS: `127.0.0.1:${redis.port}`, REDIS_SENTINEL_NAME: 'gate' }),
    silentLogger(),
  );
  try {
    await expect(store.ping()).rejects.toThrow(/redis ping failed/);
  } finally {
    await store.close();
    // ioredis's sentinel loop finishes its current retry delay (≤ 1 s) after disconnect.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
});
