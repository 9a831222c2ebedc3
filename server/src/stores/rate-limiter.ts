import type { Counter, Store } from './store';

/**
 * Fixed-window limits kept in the store, so every instance shares them: at most `points` per key
 * per window. Built on the store's atomic counters (INCRBY + PEXPIRE in one script on Redis), so
 * a counter can be read in the same round trip as the session it belongs to.
 */
export interface RateLimiterOptions {
  /** Names the counter family in the store (`ratelimit:<name>:<key>`); [a-z0-9-] only. */
  name: string;
  points: number;
  windowSeconds: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  readonly windowMs: number;
  /** The store key of `key`'s counter (to be incremented together with another read). */
  counterKey(key: string): string;
  /** Takes one point for `key`; rejects with `StoreUnavailableError` when the store is down. */
  consume(key: string): Promise<RateLimitDecision>;
  /** Gives back a point taken by `consume` (the attempt turned out not to count). */
  refund(key: string): Promise<void>;
  /** The decision for a counter already incremented elsewhere (`Store.getAndIncrement`). */
  decide(counter: Counter): RateLimitDecision;
}

const NAME = /^[a-z0-9-]{1,40}$/;
const MAX_KEY_LENGTH = 128;

export function createRateLimiter(store: Store, options: RateLimiterOptions): RateLimiter {
  if (!NAME.test(options.name)) throw new Error(`bad rate limiter name ${options.name}`);
  const windowMs = options.windowSeconds * 1000;
  const counterKey = (key: string) => `ratelimit:${options.name}:${key.slice(0, MAX_KEY_LENGTH)}`;
  const decide = (counter: Counter): RateLimitDecision =>
    counter.count <= options.points
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(counter.ttlMs / 1000)) };
  return {
    windowMs,
    counterKey,
    decide,
    consume: async (key) => decide(await store.increment(counterKey(key), windowMs)),
    refund: async (key) => {
      await store.increment(counterKey(key), windowMs, -1);
    },
  };
}
