import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import { createRateLimiter } from '../../../../server/src/stores/rate-limiter';
import { createRedisStore } from '../../../../server/src/stores/redis-store';
import { StoreUnavailableError } from '../../../../server/src/stores/store';
import { startRedisProcess } from '../../../helpers/redis-process';
import { createTestRedisStore, silentLogger, uniquePrefix } from '../../../helpers/stores';

describe.each([
  ['memory', async () => createMemoryStore()],
  ['redis', () => createTestRedisStore({ prefix: uniquePrefix(), logger: silentLogger() })],
])('%s store rate limiter', (_kind, makeStore) => {
  it('allows `points` per key and window, then tells how long to wait', async () => {
    const store = await makeStore();
    try {
      const limiter = createRateLimiter(store, { name: 'test', points: 2, windowSeconds: 30 });
      expect(await limiter.consume('k1')).toEqual({ allowed: true });
      expect(await limiter.consume('k1')).toEqual({ allowed: true });
      const refused = await limiter.consume('k1');
      expect(refused.allowed).toBe(false);
      if (!refused.allowed) {
        expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(refused.retryAfterSeconds).toBeLessThanOrEqual(30);
      }
      expect(await limiter.consume('k2')).toEqual({ allowed: true });
      // Another limiter name counts separately.
      const other = createRateLimiter(store, { name: 'other', points: 1, windowSeconds: 30 });
      expect(await other.consume('k1')).toEqual({ allowed: true });
    } finally {
      await store.close();
    }
  });

  it('gives a point back on refund', async () => {
    const store = await makeStore();
    try {
      const limiter = createRateLimiter(store, { name: 'refund', points: 1, windowSeconds: 30 });
      expect(await limiter.consume('k')).toEqual({ allowed: true });
      await limiter.refund('k');
      expect(await limiter.consume('k')).toEqual({ allowed: true });
      expect((await limiter.consume('k')).allowed).toBe(false);
    } finally {
      await store.close();
    }
  });
});

it('fails with StoreUnavailableError (not a refusal) while Redis is down', async () => {
  const redis = await startRedisProcess();
  const store = await createRedisStore({
    url: redis.url,
    keyPrefix: uniquePrefix(),
    logger: silentLogger(),
  });
  const limiter = createRateLimiter(store, { name: 'outage', points: 5, windowSeconds: 30 });
  try {
    expect(await limiter.consume('k')).toEqual({ allowed: true });
  } finally {
    await redis.stop();
  }
  try {
    await expect(limiter.consume('k')).rejects.toBeInstanceOf(StoreUnavailableError);
  } finally {
    await store.close();
  }
});
