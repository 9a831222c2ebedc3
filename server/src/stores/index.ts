import type { Logger } from 'pino';
import type { Config } from '../config';
import { createMemoryStore } from './memory-store';
import { redisConnection } from './redis-options';
import { createRedisStore } from './redis-store';
import type { Store } from './store';

export type { Store } from './store';
export { StoreUnavailableError } from './store';

/** Redis when REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES is set, otherwise the in-process store (single instance only). */
export async function createStore(config: Pick<Config, 'redis'>, logger: Logger): Promise<Store> {
  const connection = redisConnection(config.redis);
  if (connection) {
    return createRedisStore({ url: connection, keyPrefix: config.redis.keyPrefix, logger });
  }
  logger.warn(
    'REDIS_URL is unset: sessions and tokens live in this process only; run a single instance',
  );
  return createMemoryStore();
}
