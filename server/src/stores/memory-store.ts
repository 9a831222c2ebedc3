import { createMemoryRateLimiter } from './rate-limiter';
import type { Store } from './store';

/**
 * In-process store for a single instance (used when REDIS_URL is unset). Same semantics as the
 * Redis store: millisecond TTLs, set-if-absent, compare-and-delete.
 */
export function createMemoryStore(options: { now?: () => number } = {}): Store {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: string; expiresAt: number }>();

  const read = (key: string): string | null => {
    const entry = entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return null;
    }
    return entry.value;
  };
  const write = (key: string, value: string, ttlMs: number) => {
    entries.set(key, { value, expiresAt: now() + Math.max(1, Math.ceil(ttlMs)) });
  };

  const sweeper = setInterval(() => {
    for (const key of entries.keys()) read(key);
  }, 60_000);
  sweeper.unref();

  return {
    kind: 'memory',
    get: async (key) => read(key),
    getMany: async (keys) => keys.map(read),
    set: async (key, value, ttlMs) => write(key, value, ttlMs),
    setIfAbsent: async (key, value, ttlMs) => {
      if (read(key) !== null) return false;
      write(key, value, ttlMs);
      return true;
    },
    delete: async (key) => {
      entries.delete(key);
    },
    deleteIfEquals: async (key, expected) => read(key) === expected && entries.delete(key),
    rateLimiter: createMemoryRateLimiter,
    ping: async () => {},
    close: async () => {
      clearInterval(sweeper);
      entries.clear();
    },
  };
}
