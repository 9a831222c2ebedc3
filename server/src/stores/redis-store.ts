import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { createRedisRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limiter';
import type { RedisConnection } from './redis-options';
import { type Store, StoreUnavailableError } from './store';

/**
 * The shared store. Every command is bounded: `commandTimeout` for a Redis that hangs, no offline
 * queue so that a disconnected Redis fails at once, and ioredis keeps reconnecting in the
 * background so the server recovers by itself when Redis comes back. Once a command has timed
 * out, Redis counts as hung: further commands fail at once, without being sent, until a PING in
 * the background is answered — so a request waits at most one command timeout for the store,
 * however many commands it would have made.
 */
export interface RedisStoreOptions {
  /** A standalone Redis URL, or a connection from `redisConnection(config.redis)`. */
  url: string | RedisConnection;
  keyPrefix: string;
  logger: Logger;
  commandTimeoutMs?: number;
  /** Extra ioredis options, e.g. `sentinels` or `name` for Redis Sentinel. */
  redisOptions?: RedisOptions;
}

/** ioredis's rejection when `commandTimeout` passes without an answer. */
const COMMAND_TIMED_OUT = 'Command timed out';
/** Pause between background PINGs while Redis counts as hung. */
const PROBE_INTERVAL_MS = 250;

const DELETE_IF_EQUALS = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

type RedisWithCommands = (Redis | Cluster) & {
  deleteIfEquals(key: string, expected: string): Promise<number>;
};

export async function createRedisStore(options: RedisStoreOptions): Promise<Store> {
  const { url, keyPrefix, logger, commandTimeoutMs = 500 } = options;
  const connection: RedisConnection = typeof url === 'string' ? { mode: 'standalone', url } : url;
  const bounded: RedisOptions = {
    lazyConnect: true,
    // Concurrent requests' commands leave in one write: fewer syscalls under load.
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  };
  const redis = (
    connection.mode === 'cluster'
      ? new Cluster(connection.nodes, {
          keyPrefix,
          lazyConnect: true,
          enableOfflineQueue: false,
          enableAutoPipelining: true,
          clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 1000),
          redisOptions: { ...bounded, ...connection.options, ...options.redisOptions },
        })
      : connection.mode === 'sentinel'
        ? new Redis({ keyPrefix, ...bounded, ...connection.options, ...options.redisOptions })
        : new Redis(connection.url, { keyPrefix, ...bounded, ...options.redisOptions })
  ) as RedisWithCommands;
  // Keys of one MGET must share a hash slot in a cluster: read them one by one there.
  const getMany = (keys: readonly string[]): Promise<(string | null)[]> =>
    keys.length === 0
      ? Promise.resolve([])
      : connection.mode === 'cluster'
        ? Promise.all(keys.map((key) => redis.get(key)))
        : redis.mget(...keys);
  redis.defineCommand('deleteIfEquals', { numberOfKeys: 1, lua: DELETE_IF_EQUALS });

  let lastState = '';
  const report = (state: string, error?: Error) => {
    if (state === lastState) return;
    lastState = state;
    if (error) logger.warn({ err: error.message }, `redis ${state}`);
    else logger.info(`redis ${state}`);
  };
  redis.on('ready', () => report('ready'));
  redis.on('error', (error) => report('unreachable', error));

  // Not fatal: ioredis keeps retrying; calls answer store.unavailable until it is back. Bounded,
  // because with Sentinel or Cluster the first connect waits for as long as nothing answers.
  let startTimer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_resolve, reject) => {
        startTimer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000);
      }),
    ]);
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'redis not reachable at start');
  } finally {
    clearTimeout(startTimer);
  }

  let hung = false;
  let closed = false;
  let probe: NodeJS.Timeout | undefined;
  const probeSoon = () => {
    probe = setTimeout(async () => {
      try {
        await redis.ping();
        hung = false;
        logger.info('redis answers again');
      } catch {
        if (!closed) probeSoon();
      }
    }, PROBE_INTERVAL_MS);
    probe.unref();
  };
  /** Notes a command that timed out (itself, or as the cause of a wrapped error). */
  const noteFailure = (error: unknown) => {
    const timedOut = [error, (error as Error | undefined)?.cause].some(
      (candidate) => (candidate as Error | undefined)?.message === COMMAND_TIMED_OUT,
    );
    if (!timedOut || hung || closed) return;
    hung = true;
    logger.warn(
      `redis did not answer within ${commandTimeoutMs} ms: failing store calls at once until it answers a PING`,
    );
    probeSoon();
  };
  const refuseWhileHung = (operation: string) => {
    if (hung)
      throw new StoreUnavailableError(
        `redis ${operation} not sent: an earlier command timed out and Redis has not answered since`,
      );
  };

  async function run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    refuseWhileHung(operation);
    try {
      return await command();
    } catch (error) {
      noteFailure(error);
      throw new StoreUnavailableError(`redis ${operation} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  function guardedRateLimiter(limiterOptions: RateLimiterOptions): RateLimiter {
    const limiter = createRedisRateLimiter(redis, limiterOptions);
    return {
      async consume(key) {
        refuseWhileHung('rate limit');
        try {
          return await limiter.consume(key);
        } catch (error) {
          noteFailure(error);
          throw error;
        }
      },
    };
  }

  return {
    kind: 'redis',
    get: (key) => run('get', () => redis.get(key)),
    getMany: (keys) => run('mget', () => getMany(keys)),
    set: (key, value, ttlMs) =>
      run('set', async () => {
        await redis.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
      }),
    setIfAbsent: (key, value, ttlMs) =>
      run(
        'set nx',
        async () =>
          (await redis.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK',
      ),
    delete: (key) =>
      run('del', async () => {
        await redis.del(key);
      }),
    deleteIfEquals: (key, expected) =>
      run('delete if equals', async () => (await redis.deleteIfEquals(key, expected)) === 1),
    rateLimiter: guardedRateLimiter,
    ping: () =>
      run('ping', async () => {
        await redis.ping();
      }),
    close: async () => {
      closed = true;
      clearTimeout(probe);
      redis.removeAllListeners('error');
      redis.on('error', () => {});
      // QUIT only over a live connection; otherwise stop the reconnect loop at once.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
