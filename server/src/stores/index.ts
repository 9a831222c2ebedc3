import type { Logger } from 'pino';
import type { Config } from '../config';
import { createMemoryStore } from './memory-store';
import { createRedisStore } from './redis-store';
import type { Store } from './store';

export type { Store } from './store';
export { StoreUnavailableError } from './store';

/** Redis when REDIS_URL is set, otherwise the in-process store (single instance only). */
export async function createStore(config: Pick<Config, 'redis'>, logger: Logger): Promise<Store> {
  if (config.redis.url) {
    return createRedisStore({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, logger });
  }
  logger.warn(
    'REDIS_URL is unset: sessions and tokens live in this process only; run a single instance',
  );
  return createMemoryStore();
}
