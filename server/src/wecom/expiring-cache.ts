import { z } from 'zod';
import { createSingleFlight, onceAcrossInstances } from '../stores/once';
import type { Store } from '../stores/store';

/**
 * What WeCom hands out for a limited time and limits how often it is fetched — access tokens,
 * JS-SDK tickets — kept in the store until `expires_in` minus a margin. At most one fetch at a
 * time across every process sharing the store: in-process single flight, then a store lock with
 * an owner, re-checking the cache after taking it. A value WeCom called invalid is deleted only
 * while it is still the cached one (compare-and-delete: another process may have refreshed it).
 * A refusal the caller marks as lasting is remembered for a while, so that requests fail fast
 * instead of asking WeCom again and again.
 */
export interface Cached {
  value: string;
  /** True when read from the cache rather than fetched by this call. */
  fromCache: boolean;
  /** The stored value, for compare-and-delete. */
  raw: string;
}

export interface ExpiringCache {
  get(): Promise<Cached>;
  /** Deletes the cached value only if it is still `failed`'s; true when this call deleted it. */
  invalidate(failed: Cached): Promise<boolean>;
}

export interface ExpiringCacheOptions {
  store: Store;
  /** The store key; `:lock` and `:failure` are added to it. */
  key: string;
  fetch(): Promise<{ value: string; expiresIn: number }>;
  /** What a refusal to remember looks like in the store, or undefined to forget it at once. */
  rememberFailure?(error: unknown): string | undefined;
  /** The error a remembered failure stands for. */
  failureOf?(stored: string): Error;
  /** How long a refusal is remembered. */
  failureTtlMs?: number;
  /** How long one fetch may take: sizes the lock. */
  fetchTimeoutMs: number;
  onBusy(): Error;
  /** Seconds cut from `expires_in`. */
  marginSeconds?: number;
  pollMs?: number;
  now?: () => number;
}

const storedSchema = z.object({ value: z.string(), expiresAt: z.number() });

export function createExpiringCache(options: ExpiringCacheOptions): ExpiringCache {
  const { store, key, now = Date.now, marginSeconds = 300, failureTtlMs = 60_000 } = options;
  const lockTtlMs = options.fetchTimeoutMs + 1000;
  const failureKey = `${key}:failure`;
  const fetches = createSingleFlight<Cached>();

  const fromStored = (raw: string, fromCache: boolean): Cached => ({
    value: storedSchema.parse(JSON.parse(raw)).value,
    fromCache,
    raw,
  });
  /** A stored value of another shape (an older release's) counts as a miss. */
  const cachedOf = (raw: string | null) => {
    if (raw === null) return undefined;
    try {
      return fromStored(raw, true);
    } catch {
      return undefined;
    }
  };

  async function fetchAndStore(): Promise<Cached> {
    try {
      const { value, expiresIn } = await options.fetch();
      const ttlSeconds = Math.max(expiresIn - marginSeconds, expiresIn / 2);
      const raw = JSON.stringify({ value, expiresAt: now() + expiresIn * 1000 });
      await store.set(key, raw, Math.floor(ttlSeconds * 1000));
      return fromStored(raw, false);
    } catch (error) {
      const failure = options.rememberFailure?.(error);
      if (failure !== undefined) await store.set(failureKey, failure, failureTtlMs);
      throw error;
    }
  }

  const obtain = () =>
    onceAcrossInstances({
      store,
      lockKey: `${key}:lock`,
      lockTtlMs,
      waitMs: lockTtlMs + 1000,
      pollMs: options.pollMs,
      now,
      read: async () => {
        const [raw, failure] = await store.getMany([key, failureKey]);
        const cached = cachedOf(raw);
        if (cached) return cached;
        if (failure && options.failureOf) throw options.failureOf(failure);
        return undefined;
      },
      produce: fetchAndStore,
      onTimeout: options.onBusy,
    });

  return {
    get: () => fetches.run(key, obtain),
    invalidate: (failed) => store.deleteIfEquals(key, failed.raw),
  };
}
