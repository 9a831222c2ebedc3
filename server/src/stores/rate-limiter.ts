import type { Cluster, Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { StoreUnavailableError } from './store';

/** A fixed window of `points` per `durationSeconds` per key, kept in the store. */
export interface RateLimiterOptions {
  /** Names the counter family in the store (`ratelimit:<name>:<key>`); [a-z0-9-] only. */
  name: string;
  points: number;
  durationSeconds: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes one point for `key`; rejects with `StoreUnavailableError` when the store is down. */
  consume(key: string): Promise<RateLimitDecision>;
}

const NAME = /^[a-z0-9-]{1,40}$/;
const MAX_KEY_LENGTH = 128;

function adapt(limiter: RateLimiterAbstract): RateLimiter {
  return {
    async consume(key) {
      try {
        await limiter.consume(key.slice(0, MAX_KEY_LENGTH));
        return { allowed: true };
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) {
          return {
            allowed: false,
            retryAfterSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)),
          };
        }
        throw new StoreUnavailableError(`rate limit failed: ${(outcome as Error).message}`, {
          cause: outcome,
        });
      }
    },
  };
}

function keyPrefixOf(options: RateLimiterOptions): string {
  if (!NAME.test(options.name)) throw new Error(`bad rate limiter name ${options.name}`);
  return `ratelimit:${options.name}`;
}

/** In-process counters (memory store, single instance). */
export function createMemoryRateLimiter(options: RateLimiterOptions): RateLimiter {
  return adapt(
    new RateLimiterMemory({
      keyPrefix: keyPrefixOf(options),
      points: options.points,
      duration: options.durationSeconds,
    }),
  );
}

/**
 * Counters in Redis, shared by every instance. `client` is the store's ioredis client (its own
 * key prefix applies on top); a Redis that is not ready fails at once instead of queueing.
 */
export function createRedisRateLimiter(
  client: Redis | Cluster,
  options: RateLimiterOptions,
): RateLimiter {
  return adapt(
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: keyPrefixOf(options),
      points: options.points,
      duration: options.durationSeconds,
      rejectIfRedisNotReady: true,
    }),
  );
}
