import { LRUCache } from 'lru-cache';

/**
 * An in-process memo of at most `entries` values, least recently used out first, each for at most
 * `ttlMs` when given. It grows as it is used instead of allocating its whole bound up front (what
 * lru-cache does with `max`: about 220 KB for 10,000 entries, empty): a deployment builds these
 * per corp (deployment.ts), and a corp that is seldom used costs a few KB, not a megabyte.
 */
export function createMemo<K extends {}, V extends {}>(
  entries: number,
  ttlMs?: number,
): LRUCache<K, V> {
  return new LRUCache<K, V>({
    maxSize: entries,
    sizeCalculation: () => 1,
    ...(ttlMs !== undefined && { ttl: ttlMs }),
  });
}
