import { LRUCache } from 'lru-cache';
import type { z } from 'zod';
import type { Store } from './store';

/**
 * A read-through cache of WeCom details (customers, groups) shared by every employee: JSON values
 * under `detail:<kind>:<id>` for `ttlSeconds` (0 = off). Authorization happens on every request
 * from the cached detail, never in the cache. Misses are loaded each id once per call, with at
 * most `parallelism` loads running at a time across all requests of this process (WeCom answers
 * 45033 to too many concurrent calls of one API), and concurrent loads of one id share one
 * upstream call. `load` answers null for "no such thing"; nulls are not cached. Decoded details
 * are also kept in this process for a few seconds (at most the TTL), so a burst of reads of one
 * customer costs neither a store round trip nor JSON parsing and validation.
 */
export interface DetailCache<T> {
  get(id: string): Promise<T | null>;
  /** Distinct ids only; answers in the same order. Stops starting loads after the first failure. */
  getMany(ids: readonly string[]): Promise<(T | null)[]>;
  /** Drops a detail here and in the store, so the next read asks WeCom again. */
  forget(id: string): Promise<void>;
}

const MEMO_SIZE = 1000;
const MEMO_TTL_MS = 5000;

export function createDetailCache<T>(deps: {
  store: Store;
  kind: string;
  schema: z.ZodType<T>;
  ttlSeconds: number;
  load: (id: string) => Promise<T | null>;
  parallelism: number;
  /** Called once per id read: hit or miss (metrics). */
  onLookup?: (hit: boolean) => void;
}): DetailCache<T> {
  const { store, kind, schema, ttlSeconds, load, parallelism, onLookup = () => {} } = deps;
  const keyOf = (id: string) => `detail:${kind}:${id}`;
  const memo =
    ttlSeconds > 0
      ? new LRUCache<string, T & object>({
          max: MEMO_SIZE,
          ttl: Math.min(ttlSeconds * 1000, MEMO_TTL_MS),
        })
      : undefined;
  const inFlight = new Map<string, Promise<T | null>>();
  const slots = createSlots(parallelism);

  const decode = (raw: string | null): T | undefined => {
    if (raw === null) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };

  const loadAndRemember = (id: string): Promise<T | null> => {
    const running = inFlight.get(id);
    if (running) return running;
    const promise = (async () => {
      const value = await load(id);
      if (value !== null && ttlSeconds > 0) {
        await store.set(keyOf(id), JSON.stringify(value), ttlSeconds * 1000);
        memo?.set(id, value as T & object);
      }
      return value;
    })().finally(() => inFlight.delete(id));
    inFlight.set(id, promise);
    return promise;
  };

  async function getMany(ids: readonly string[]): Promise<(T | null)[]> {
    const cached: (T | null | undefined)[] = ids.map((id) => memo?.get(id));
    const unseen = ids.filter((_, index) => cached[index] === undefined);
    if (memo && unseen.length > 0) {
      const stored = (await store.getMany(unseen.map(keyOf))).map(decode);
      let next = 0;
      cached.forEach((value, index) => {
        if (value !== undefined) return;
        const found = stored[next++];
        cached[index] = found;
        if (found != null) memo.set(ids[index]!, found as T & object);
      });
    }
    for (const value of cached) onLookup(value !== undefined);
    let failed = false;
    await Promise.all(
      cached.map((value, index) =>
        value !== undefined
          ? undefined
          : slots(async () => {
              if (failed) return;
              try {
                cached[index] = await loadAndRemember(ids[index]!);
              } catch (error) {
                failed = true;
                throw error;
              }
            }),
      ),
    );
    return cached as (T | null)[];
  }

  return {
    get: async (id) => (await getMany([id]))[0]!,
    getMany,
    async forget(id) {
      memo?.delete(id);
      await store.delete(keyOf(id));
    },
  };
}

/** A counting semaphore: `run(task)` waits while `limit` tasks are running. */
function createSlots(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, or give it back.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
