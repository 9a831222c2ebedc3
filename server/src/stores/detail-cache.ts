import type { z } from 'zod';
import type { Store } from './store';

/**
 * A read-through cache of WeCom details (customers, groups) shared by every employee: JSON values
 * under `detail:<kind>:<id>` for `ttlSeconds` (0 = off). Authorization happens on every request
 * from the cached detail, never in the cache. Misses are loaded with at most `parallelism` loads
 * at a time, each id once per call, and concurrent loads of one id in this process share one
 * upstream call. `load` answers null for "no such thing"; nulls are not cached.
 */
export interface DetailCache<T> {
  get(id: string): Promise<T | null>;
  /** Distinct ids only; answers in the same order. Stops starting loads after the first failure. */
  getMany(ids: readonly string[]): Promise<(T | null)[]>;
}

export function createDetailCache<T>(deps: {
  store: Store;
  kind: string;
  schema: z.ZodType<T>;
  ttlSeconds: number;
  load: (id: string) => Promise<T | null>;
  parallelism: number;
}): DetailCache<T> {
  const { store, kind, schema, ttlSeconds, load, parallelism } = deps;
  const keyOf = (id: string) => `detail:${kind}:${id}`;
  const inFlight = new Map<string, Promise<T | null>>();

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
      }
      return value;
    })().finally(() => inFlight.delete(id));
    inFlight.set(id, promise);
    return promise;
  };

  async function getMany(ids: readonly string[]): Promise<(T | null)[]> {
    const cached: (T | null | undefined)[] =
      ttlSeconds > 0 ? (await store.getMany(ids.map(keyOf))).map(decode) : ids.map(() => undefined);
    const misses = cached.flatMap((value, index) => (value === undefined ? [index] : []));
    await eachBounded(misses, parallelism, async (index) => {
      cached[index] = await loadAndRemember(ids[index]!);
    });
    return cached as (T | null)[];
  }

  return {
    get: async (id) => (await getMany([id]))[0]!,
    getMany,
  };
}

/** Runs `task` over `items` with at most `limit` running; the first failure stops new starts. */
async function eachBounded<I>(
  items: readonly I[],
  limit: number,
  task: (item: I) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.min(limit, items.length) }, worker);
  const results = await Promise.allSettled(workers);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}
