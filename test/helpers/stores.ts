import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { RedisConfig } from '../../server/src/config';
import { createLogger, type Logger } from '../../server/src/logger';
import { createMemoryStore } from '../../server/src/stores/memory-store';
import { createRedisHealth } from '../../server/src/stores/redis-health';
import { redisConnection } from '../../server/src/stores/redis-options';
import { createRedisStore } from '../../server/src/stores/redis-store';
import { compareStreamIds, type Store } from '../../server/src/stores/store';

/** The Redis started by jest's globalSetup (or TEST_REDIS_URL). */
export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is unset: run through jest (globalSetup starts Redis)');
  return url;
}

/** A key prefix no other test file uses, so tests can share one Redis without FLUSHALL. */
export function uniquePrefix(): string {
  return `test:${randomUUID()}:`;
}

/** A logger whose lines are kept in memory, to assert what is (and is not) logged. */
export function capturingLogger(level: 'info' | 'debug' | 'warn' = 'debug'): {
  logger: Logger;
  lines: string[];
} {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level }, sink), lines };
}

export const silentLogger = (): Logger => createLogger({ level: 'silent' });

/**
 * The command deadline of the test stores: the server's 500 ms is for a Redis that hangs, and a
 * test of something else should not fail because its first command (connect, then EVALSHA and
 * EVAL) waited half a second while the suite starts a Redis Cluster and Chromium on two cores —
 * which it once did in a CI run. A test of the deadline passes `commandTimeoutMs` itself.
 */
const TEST_COMMAND_TIMEOUT_MS = 3000;

/** A Redis store on the test Redis with a unique prefix; closed by the caller. */
export function createTestRedisStore(
  options: { prefix?: string; logger?: Logger; url?: string; commandTimeoutMs?: number } = {},
): Promise<Store> {
  return createTestStoreFor(
    { url: options.url ?? testRedisUrl(), keyPrefix: options.prefix ?? uniquePrefix() },
    options,
  );
}

/**
 * The store `createStore` makes for a configuration's Redis (standalone, Sentinel, Cluster, TLS:
 * the operator's keys through `loadConfig`), with the test stores' deadline.
 */
export function createTestStoreFor(
  redis: RedisConfig,
  options: { logger?: Logger; commandTimeoutMs?: number } = {},
): Promise<Store> {
  const url = redisConnection(redis);
  if (!url) throw new Error('the configuration names no Redis');
  return createRedisStore({
    url,
    keyPrefix: redis.keyPrefix,
    health: createRedisHealth(redis, options.logger ?? silentLogger()),
    commandTimeoutMs: options.commandTimeoutMs ?? TEST_COMMAND_TIMEOUT_MS,
  });
}

/**
 * What several instances share, for `describe.each`: one in-process store (every instance is
 * this process), or two clients of the test Redis under one prefix (two instances).
 */
export const sharedStores = [
  ['memory', async (): Promise<readonly Store[]> => [createMemoryStore()]],
  [
    'redis (two clients, one prefix)',
    async (): Promise<readonly Store[]> => {
      const prefix = uniquePrefix();
      return [await createTestRedisStore({ prefix }), await createTestRedisStore({ prefix })];
    },
  ],
] as const;

/** Feed positions (stream ids) in feed order: each above the one before, so none twice. */
export function expectIncreasing(seqs: readonly string[]): void {
  expect([...seqs].sort(compareStreamIds)).toEqual(seqs);
  expect(new Set(seqs).size).toBe(seqs.length);
}
