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
  /**
   * Deletes every key whose name starts with `prefix` (a corp's keys when it leaves the
   * deployment), in bounded batches, and answers how many were deleted. Keys written while it runs
   * may survive. In a Redis Cluster it walks every master. The deadline bounds each batch, not the
   * whole walk; when the store cannot be reached it rejects with `StoreUnavailableError`, and what
   * it deleted stays deleted (calling it again finishes the work).
   */
  deletePrefix(prefix: string): Promise<number>;
  /** Deletes the key only while it still holds `expected` (compare-and-delete). */
  deleteIfEquals(key: string, expected: string): Promise<boolean>;
  /** Sets a new lifetime only while the key still holds `expected` (a claim's heartbeat). */
  extendIfEquals(key: string, expected: string, ttlMs: number): Promise<boolean>;
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
  /**
   * Slots that free themselves: a sorted set of holders scored by when each slot ends. Takes a
   * slot for each of `holders` in turn, for `ttlMs`, while the count at `counterKey` plus the
   * slots held stays below `limit`, and stops at the first that does not fit; a holder that
   * already holds a slot renews it. A holder that dies without releasing frees its slot when
   * `ttlMs` passes. Answers how many of `holders` (the first ones) hold a slot now, and the
   * counter as it stood. Both keys must share a hash tag.
   */
  takeSlots(
    key: string,
    holders: readonly string[],
    options: { counterKey: string; limit: number; ttlMs: number },
  ): Promise<{ taken: number; counter: Counter }>;
  releaseSlot(key: string, holder: string): Promise<void>;
  /** Adds a member to a set whose lifetime becomes at least `ttlMs`. */
  addToSet(key: string, member: string, ttlMs: number): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  removeFromSet(key: string, member: string): Promise<void>;
  /**
   * Streams: append-only logs whose entries get ids `<ms>-<n>` (a Redis stream id) that increase
   * in append order and are never given twice. Appends `values` in order, in one atomic step, and
   * answers their ids. Then, when asked, drops entries older than `trim.minId` and beyond the
   * newest `trim.maxLength`; the newest id dropped is kept as `trimmedThrough` (see
   * `streamRange`). A stream is one key (one hash slot in a cluster).
   */
  streamAppend(
    key: string,
    values: readonly string[],
    trim?: { minId?: string; maxLength?: number },
  ): Promise<string[]>;
  /**
   * Up to `count` entries: oldest first with an id above `after` (`0` = from the oldest kept),
   * or newest first with an id below `before` (absent = from the newest). `trimmedThrough` is the
   * newest id the stream has dropped (`0-0` when none): entries between an `after` below it and
   * the first entry answered are gone.
   */
  streamRange(
    key: string,
    range: StreamRange,
    count: number,
  ): Promise<{ entries: StreamEntry[]; trimmedThrough: string }>;
  /** Sends a message to every instance subscribed to `channel` (this one included). */
  publish(channel: string, message: string): Promise<void>;
  /** Calls `handler` for each message on `channel` until the returned function is called. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  /**
   * Hashes: fields of one key, kept until deleted (no lifetime), for data such as the org
   * snapshot. `delete(key)` drops a whole hash.
   */
  hashSet(key: string, fields: Readonly<Record<string, string>>): Promise<void>;
  /** The fields' values in order; missing fields are `null`. */
  hashGet(key: string, fields: readonly string[]): Promise<(string | null)[]>;
  /**
   * About `count` fields from `cursor` ('0' starts, a '0' answer ends). Fields present for the
   * whole scan are answered at least once; a field may be answered twice.
   */
  hashScan(
    key: string,
    cursor: string,
    count: number,
  ): Promise<{ cursor: string; entries: [string, string][] }>;
  hashDelete(key: string, fields: readonly string[]): Promise<void>;
  /**
   * Sets only the fields the hash does not hold yet (each field's first writer wins, also when
   * several callers race) and answers those fields.
   */
  hashSetIfAbsent(key: string, fields: Readonly<Record<string, string>>): Promise<string[]>;
  /**
   * Sorted sets of strings, ordered by their bytes (a Redis sorted set whose scores are all 0),
   * for paging through large sets without reading them whole. Kept until deleted; `delete(key)`
   * drops one. Adding a member twice keeps one.
   */
  sortedAdd(key: string, members: readonly string[]): Promise<void>;
  sortedRemove(key: string, members: readonly string[]): Promise<void>;
  /**
   * Up to `limit` members above `after` and below `below` (both exclusive; `''` and `null` leave
   * that side open), in order.
   */
  sortedRange(key: string, after: string, below: string | null, limit: number): Promise<string[]>;
  /** Whether the sorted set holds each of `members`. */
  sortedHas(key: string, members: readonly string[]): Promise<boolean[]>;
  /** Rejects when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type StreamRange = { after: string } | { before?: string };

export interface StreamEntry {
  id: string;
  value: string;
}

/** Orders stream ids (`<ms>-<n>`; `<ms>` alone is `<ms>-0`): negative, 0 or positive as a <, =, > b. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aN = '0'] = a.split('-');
  const [bMs, bN = '0'] = b.split('-');
  const difference = BigInt(aMs ?? 0) - BigInt(bMs ?? 0) || BigInt(aN) - BigInt(bN);
  return difference > 0n ? 1 : difference < 0n ? -1 : 0;
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
