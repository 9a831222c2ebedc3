import { EventEmitter } from 'node:events';
import type { Counter, LogEntry, Store } from './store';

/**
 * In-process store for a single instance (used when REDIS_URL is unset). Same semantics as the
 * Redis store: millisecond TTLs, set-if-absent, compare-and-delete, fixed-window counters, sets.
 */
export function createMemoryStore(options: { now?: () => number } = {}): Store {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: string | Set<string>; expiresAt: number }>();

  const live = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const read = (key: string): string | null => {
    const value = live(key)?.value;
    return typeof value === 'string' ? value : null;
  };
  const expiryOf = (ttlMs: number) => now() + Math.max(1, Math.ceil(ttlMs));
  const write = (key: string, value: string, ttlMs: number) => {
    entries.set(key, { value, expiresAt: expiryOf(ttlMs) });
  };
  const counterOf = (key: string): Counter => {
    const entry = live(key);
    return entry
      ? { count: Number(entry.value), ttlMs: entry.expiresAt - now() }
      : { count: 0, ttlMs: 0 };
  };
  const increment = (key: string, windowMs: number, by = 1): Counter => {
    const entry = live(key);
    if (entry) entry.value = String(Number(entry.value) + by);
    else write(key, String(by), windowMs);
    return counterOf(key);
  };

  const hashes = new Map<string, Map<string, string>>();
  const logs = new Map<string, { last: number; entries: LogEntry[] }>();
  const channels = new EventEmitter();
  channels.setMaxListeners(0);

  const sweeper = setInterval(() => {
    for (const key of entries.keys()) live(key);
  }, 60_000);
  sweeper.unref();

  return {
    get: async (key) => read(key),
    getMany: async (keys) => keys.map(read),
    set: async (key, value, ttlMs) => write(key, value, ttlMs),
    setIfAbsent: async (key, value, ttlMs) => {
      if (live(key)) return false;
      write(key, value, ttlMs);
      return true;
    },
    delete: async (...keys) => {
      for (const key of keys) {
        entries.delete(key);
        hashes.delete(key);
      }
    },
    deleteIfEquals: async (key, expected) => read(key) === expected && entries.delete(key),
    extendIfEquals: async (key, expected, ttlMs) => {
      const entry = live(key);
      if (entry?.value !== expected) return false;
      entry.expiresAt = expiryOf(ttlMs);
      return true;
    },
    increment: async (key, windowMs, by) => increment(key, windowMs, by),
    readCounter: async (key) => counterOf(key),
    getAndIncrement: async (key, counterKey, windowMs) => {
      const value = read(key);
      return value === null ? { value } : { value, counter: increment(counterKey, windowMs) };
    },
    addToSet: async (key, member, ttlMs) => {
      const entry = live(key);
      const members = entry?.value instanceof Set ? entry.value : new Set<string>();
      members.add(member);
      entries.set(key, {
        value: members,
        expiresAt: Math.max(entry?.expiresAt ?? 0, expiryOf(ttlMs)),
      });
    },
    setMembers: async (key) => {
      const value = live(key)?.value;
      return value instanceof Set ? [...value] : [];
    },
    removeFromSet: async (key, member) => {
      const value = live(key)?.value;
      if (value instanceof Set) value.delete(member);
    },
    appendToLog: async (key, values, maxLength) => {
      const log = logs.get(key) ?? { last: 0, entries: [] };
      logs.set(key, log);
      const first = log.last + 1;
      for (const value of values) log.entries.push({ seq: ++log.last, value });
      if (maxLength !== undefined && log.entries.length > maxLength)
        log.entries.splice(0, log.entries.length - maxLength);
      return first;
    },
    readLog: async (key, after, limit) =>
      (logs.get(key)?.entries ?? []).filter((entry) => entry.seq > after).slice(0, limit),
    publish: async (channel, message) => {
      channels.emit(channel, message);
    },
    subscribe: async (channel, handler) => {
      channels.on(channel, handler);
      return async () => {
        channels.off(channel, handler);
      };
    },
    hashSet: async (key, fields) => {
      const hash = hashes.get(key) ?? new Map<string, string>();
      for (const [field, value] of Object.entries(fields)) hash.set(field, value);
      if (hash.size > 0) hashes.set(key, hash);
    },
    hashGet: async (key, fields) => {
      const hash = hashes.get(key);
      return fields.map((field) => hash?.get(field) ?? null);
    },
    hashScan: async (key, cursor, count) => {
      // The cursor is an offset into the fields in insertion order.
      const start = Number(cursor) || 0;
      const all = [...(hashes.get(key) ?? new Map<string, string>())];
      const slice = all.slice(start, start + Math.max(1, count));
      const end = start + slice.length;
      return { cursor: end >= all.length ? '0' : String(end), entries: slice };
    },
    hashDelete: async (key, fields) => {
      const hash = hashes.get(key);
      if (!hash) return;
      for (const field of fields) hash.delete(field);
      if (hash.size === 0) hashes.delete(key);
    },
    ping: async () => {},
    close: async () => {
      clearInterval(sweeper);
      entries.clear();
      logs.clear();
      hashes.clear();
      channels.removeAllListeners();
    },
  };
}
