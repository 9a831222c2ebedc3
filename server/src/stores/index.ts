import type { Logger } from 'pino';
import type { Config } from '../config';
import { createMemoryStore } from './memory-store';
import { createRedisHealth, type RedisHealth } from './redis-health';
import { redisConnection } from './redis-options';
import { createRedisStore } from './redis-store';
import type { Store } from './store';

export type { Store } from './store';
export { StoreUnavailableError } from './store';

/**
 * Redis when REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES is set, otherwise the in-process
 * store (single instance only). `health` tells the log about Redis; give the job engine's
 * connections the same one, so that one outage is one account.
 */
export async function createStore(
  config: Pick<Config, 'redis'>,
  logger: Logger,
  health: RedisHealth = createRedisHealth(config.redis, logger),
): Promise<Store> {
  const connection = redisConnection(config.redis);
  if (connection) {
    return createRedisStore({ url: connection, keyPrefix: config.redis.keyPrefix, health });
  }
  logger.warn(
    'REDIS_URL is unset: sessions and tokens live in this process only; run a single instance',
  );
  return createMemoryStore();
}
