/**
 * The key-value store every stateful part of the server uses: tokens, sessions, login codes,
 * caches, locks, counters. Two implementations: Redis (shared by all instances) and in-process
 * memory (single instance only). Keys are given without the configured prefix; the store adds it.
 *
 * Every call is bounded in time: an unreachable store rejects with `StoreUnavailableError`
 * (mapped to `store.unavailable`, 503) instead of hanging.
 *
 * Keys that must be touched together in one command (a session, its employee's index and
 * counter) share a Redis Cluster hash tag: `{<userid>}` somewhere in the key.
 */
export interface Store {
  get(key: string): Promise<string | null>;
  /** Reads several keys in one round trip; missing keys are `null`. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** SET NX PX: true when this call created the key (a lock or a first writer). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes the keys (a missing key is not an error). */
  delete(...keys: string[]): Promise<void>;
  /** Deletes the key only while it still holds `expected` (compare-and-delete). */
  deleteIfEquals(key: string, expected: string): Promise<boolean>;
  /**
   * Adds `by` (default 1, may be negative) to a counter that lives `windowMs` from its first
   * increment (a fixed window); answers the new count and the milliseconds the window has left.
   */
  increment(key: string, windowMs: number, by?: number): Promise<Counter>;
  /** Reads a counter without changing it (0 when it does not exist). */
  readCounter(key: string): Promise<Counter>;
  /**
   * In one round trip: reads `key` and, only when it exists, increments `counterKey` as
   * `increment` does. Both keys must share a hash tag.
   */
  getAndIncrement(
    key: string,
    counterKey: string,
    windowMs: number,
  ): Promise<{ value: string | null; counter?: Counter }>;
  /** Adds a member to a set whose lifetime becomes at least `ttlMs`. */
  addToSet(key: string, member: string, ttlMs: number): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  removeFromSet(key: string, member: string): Promise<void>;
  /** Rejects when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Counter {
  count: number;
  /** Milliseconds until the window ends (0 when the counter does not exist). */
  ttlMs: number;
}

export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
