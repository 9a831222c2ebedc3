import type { RateLimiter, RateLimiterOptions } from './rate-limiter';

/**
 * The key-value store every stateful part of the server uses: tokens, sessions, login codes,
 * caches, locks. Two implementations: Redis (shared by all instances) and in-process memory
 * (single instance only). Keys are given without the configured prefix; the store adds it.
 *
 * Every call is bounded in time: an unreachable store rejects with `StoreUnavailableError`
 * (mapped to `store.unavailable`, 503) instead of hanging.
 */
export interface Store {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** Reads several keys in one round trip; missing keys are `null`. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** SET NX PX: true when this call created the key (a lock or a first writer). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Deletes the key only while it still holds `expected` (compare-and-delete). */
  deleteIfEquals(key: string, expected: string): Promise<boolean>;
  /** A limiter whose counters live in this store (shared by every instance on Redis). */
  rateLimiter(options: RateLimiterOptions): RateLimiter;
  /** Rejects when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
