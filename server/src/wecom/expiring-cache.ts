import { z } from 'zod';
import { createSingleFlight, onceAcrossInstances } from '../stores/once';
import type { Store } from '../stores/store';
import type { RefreshSchedule } from './refresh-schedule';

/**
 * What WeCom hands out for a limited time and limits how often it is fetched — access tokens,
 * JS-SDK tickets — kept in the store until `expires_in` minus a margin. At most one fetch at a
 * time across every process sharing the store: in-process single flight, then a store lock with
 * an owner, re-checking the cache after taking it. A value WeCom called invalid is deleted only
 * while it is still the cached one (compare-and-delete: another process may have refreshed it).
 * A refusal the caller marks as lasting is remembered for a while, so that requests fail fast
 * instead of asking WeCom again and again.
 *
 * With a `schedule`, a value is refreshed ahead of its end, at `REFRESH_AT` of the time it is kept,
 * so that no request waits for WeCom once the first one has: every instance that used the value
 * plans the refresh, and the once-mechanism lets one of them fetch (the others find the fresh
 * value when they take the lock). A refresh that fails leaves the old value in use until it really
 * ends, and is tried again every `RETRY_MS` until then.
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
  /** Refresh ahead of the end (none without). */
  schedule?: RefreshSchedule;
  /** A refresh ahead of the end failed (the old value stays in use). */
  onRefreshFailed?(error: unknown): void;
}

/** Refreshed when this share of the time it is kept has passed. */
export const REFRESH_AT = 0.8;
/** A failed refresh ahead is tried again this often while the old value lives. */
const RETRY_MS = 30_000;

const storedSchema = z.object({
  value: z.string(),
  expiresAt: z.number(),
  /** When a refresh ahead is due (absent in values stored by older releases). */
  refreshAt: z.number().optional(),
});

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
      const ttlMs = Math.floor(Math.max(expiresIn - marginSeconds, expiresIn / 2) * 1000);
      const fetchedAt = now();
      const raw = JSON.stringify({
        value,
        expiresAt: fetchedAt + expiresIn * 1000,
        refreshAt: fetchedAt + Math.floor(ttlMs * REFRESH_AT),
      });
      await store.set(key, raw, ttlMs);
      return fromStored(raw, false);
    } catch (error) {
      const failure = options.rememberFailure?.(error);
      if (failure !== undefined) await store.set(failureKey, failure, failureTtlMs);
      throw error;
    }
  }

  /** The stored value, unless `stale` says it is no good; else a remembered refusal, thrown. */
  const obtain = (stale: (cached: Cached) => boolean) =>
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
        if (cached && !stale(cached)) return cached;
        if (failure && options.failureOf) throw options.failureOf(failure);
        return undefined;
      },
      produce: fetchAndStore,
      onTimeout: options.onBusy,
    });

  const refreshAtOf = (cached: Cached) => storedSchema.parse(JSON.parse(cached.raw)).refreshAt;
  /** The value whose refresh is planned (each instance plans once per value it saw). */
  let planned: string | undefined;

  function plan(cached: Cached): void {
    // Checked before parsing: almost every read is of the value already planned.
    if (!options.schedule || planned === cached.raw) return;
    const refreshAt = refreshAtOf(cached);
    if (refreshAt === undefined) return;
    planned = cached.raw;
    options.schedule.plan(key, refreshAt, () => void refreshAhead(cached));
  }

  async function refreshAhead(old: Cached): Promise<void> {
    try {
      // Taken as stale while its refresh is due: the lock holder fetches, the others wait for it.
      // The value this timer was planned for is due whatever the clock says: a Node timer can fire
      // a few ms before `Date.now()` reaches its time (it counts from the event loop's cached
      // time), and a value found fresh here would be planned again by no one.
      const due = (cached: Cached) =>
        cached.raw === old.raw || (refreshAtOf(cached) ?? Number.POSITIVE_INFINITY) <= now();
      plan(await refreshes.run(key, () => obtain(due)));
    } catch (error) {
      options.onRefreshFailed?.(error);
      const { expiresAt } = storedSchema.parse(JSON.parse(old.raw));
      // Still planned for the old value: requests keep using it and do not plan again.
      const retryAt = now() + RETRY_MS;
      if (retryAt < expiresAt) options.schedule?.plan(key, retryAt, () => void refreshAhead(old));
    }
  }
  const refreshes = createSingleFlight<Cached>();

  return {
    async get() {
      const cached = await fetches.run(key, () => obtain(() => false));
      plan(cached);
      return cached;
    },
    async invalidate(failed) {
      if (planned === failed.raw) {
        options.schedule?.cancel(key);
        planned = undefined;
      }
      return store.deleteIfEquals(key, failed.raw);
    },
  };
}
