import { EventEmitter } from 'node:events';
import { type Counter, compareStreamIds, type Store, type StreamEntry } from './store';

/**
 * In-process store for a single instance (used when REDIS_URL is unset). Same semantics as the
 * Redis store: millisecond TTLs, set-if-absent, compare-and-delete, fixed-window counters, slots,
 * sets.
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

  /** Slots: key → holder → when the slot ends. */
  const slots = new Map<string, Map<string, number>>();
  const liveSlots = (key: string): Map<string, number> => {
    const held = slots.get(key) ?? new Map<string, number>();
    for (const [holder, endsAt] of held) if (endsAt <= now()) held.delete(holder);
    if (held.size === 0) slots.delete(key);
    return held;
  };

  const hashes = new Map<string, Map<string, string>>();
  const streams = new Map<string, MemoryStream>();
  // A scan goes on with the hash's own live iterator (it sees fields added and skips fields
  // deleted meanwhile, as Redis's HSCAN guarantees); open scans are few, and bounded.
  const scans = new Map<string, Iterator<[string, string]>>();
  let scanIds = 0;
  const sortedSets = new Map<string, SortedStrings>();
  const channels = new EventEmitter();
  channels.setMaxListeners(0);

  const sweeper = setInterval(() => {
    for (const key of entries.keys()) live(key);
    for (const key of slots.keys()) liveSlots(key);
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
        slots.delete(key);
        streams.delete(key);
        sortedSets.delete(key);
      }
    },
    deletePrefix: async (prefix) => {
      // Every kind of value, each in its own map; a key counts once, and only while it would
      // still exist in Redis (a value whose lifetime ended, slots that all ended, do not).
      const deleted = new Set<string>();
      for (const key of [...entries.keys()])
        if (key.startsWith(prefix)) {
          if (live(key)) deleted.add(key);
          entries.delete(key);
        }
      for (const key of [...slots.keys()])
        if (key.startsWith(prefix)) {
          if (liveSlots(key).size > 0) deleted.add(key);
          slots.delete(key);
        }
      for (const map of [hashes, streams, sortedSets])
        for (const key of [...map.keys()])
          if (key.startsWith(prefix)) {
            deleted.add(key);
            map.delete(key);
          }
      return deleted.size;
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
    takeSlots: async (key, holders, { counterKey, limit, ttlMs }) => {
      const counter = counterOf(counterKey);
      const held = liveSlots(key);
      let taken = 0;
      for (const holder of holders) {
        if (!held.has(holder) && counter.count + held.size >= limit) break;
        held.set(holder, expiryOf(ttlMs));
        taken += 1;
      }
      if (held.size > 0) slots.set(key, held);
      return { taken, counter };
    },
    releaseSlot: async (key, holder) => {
      const held = liveSlots(key);
      if (held.delete(holder) && held.size === 0) slots.delete(key);
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
    streamAppend: async (key, values, trim = {}) => {
      if (values.length === 0) return [];
      const stream = streams.get(key) ?? {
        lastMs: 0,
        lastN: -1,
        entries: [],
        trimmedThrough: '0-0',
      };
      streams.set(key, stream);
      const ids = values.map((value) => {
        // Redis's rule: the clock's ms, never below the last id's; n counts within one ms.
        const ms = Math.max(now(), stream.lastMs);
        stream.lastN = ms === stream.lastMs ? stream.lastN + 1 : 0;
        stream.lastMs = ms;
        const id = `${ms}-${stream.lastN}`;
        stream.entries.push({ id, value });
        return id;
      });
      if (trim.minId !== undefined) dropOldest(stream, firstAbove(stream.entries, trim.minId, 0));
      if (trim.maxLength !== undefined) dropOldest(stream, stream.entries.length - trim.maxLength);
      return ids;
    },
    streamRange: async (key, range, count) => {
      const stream = streams.get(key);
      if (!stream) return { entries: [], trimmedThrough: '0-0' };
      const { entries } = stream;
      let page: StreamEntry[];
      if ('after' in range) {
        const start = firstAbove(entries, range.after, 1);
        page = entries.slice(start, start + count);
      } else {
        const end = range.before ? firstAbove(entries, range.before, 0) : entries.length;
        page = entries.slice(Math.max(0, end - count), end).reverse();
      }
      return { entries: page, trimmedThrough: stream.trimmedThrough };
    },
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
      const iterator = cursor === '0' ? hashes.get(key)?.entries() : scans.get(cursor);
      scans.delete(cursor);
      if (!iterator) {
        if (cursor === '0') return { cursor: '0', entries: [] };
        throw new Error(`hash scan cursor ${cursor} is unknown or expired`);
      }
      const page: [string, string][] = [];
      for (let step = iterator.next(); !step.done; step = iterator.next()) {
        page.push(step.value);
        if (page.length >= Math.max(1, count)) {
          const next = String(++scanIds);
          scans.set(next, iterator);
          if (scans.size > MAX_OPEN_SCANS) scans.delete(scans.keys().next().value!);
          return { cursor: next, entries: page };
        }
      }
      return { cursor: '0', entries: page };
    },
    hashSetIfAbsent: async (key, fields) => {
      const hash = hashes.get(key) ?? new Map<string, string>();
      const added = Object.keys(fields).filter((field) => !hash.has(field));
      for (const field of added) hash.set(field, fields[field]!);
      if (hash.size > 0) hashes.set(key, hash);
      return added;
    },
    sortedAdd: async (key, members) => {
      if (members.length === 0) return;
      const set = sortedSets.get(key) ?? new SortedStrings();
      sortedSets.set(key, set);
      set.add(members);
    },
    sortedRemove: async (key, members) => {
      const set = sortedSets.get(key);
      set?.remove(members);
      if (set?.size === 0) sortedSets.delete(key);
    },
    sortedRange: async (key, after, below, limit) =>
      sortedSets.get(key)?.range(after, below, limit) ?? [],
    sortedHas: async (key, members) => {
      const set = sortedSets.get(key);
      return members.map((member) => set?.has(member) ?? false);
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
      streams.clear();
      hashes.clear();
      slots.clear();
      scans.clear();
      sortedSets.clear();
      channels.removeAllListeners();
    },
  };
}

interface MemoryStream {
  lastMs: number;
  lastN: number;
  entries: StreamEntry[];
  trimmedThrough: string;
}

/** The index of the first entry whose id is above `id` (`strict` 1) or at least `id` (0). */
function firstAbove(entries: readonly StreamEntry[], id: string, strict: 0 | 1): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareStreamIds(entries[middle]!.id, id) < strict) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Drops the `count` oldest entries, remembering the newest of them as Redis's XDEL would. */
function dropOldest(stream: MemoryStream, count: number): void {
  if (count <= 0) return;
  stream.trimmedThrough = stream.entries[count - 1]!.id;
  stream.entries.splice(0, count);
}

const MAX_OPEN_SCANS = 1000;

/**
 * A set of strings kept in order for range reads: sorted again on the first read after a change
 * (changes come in batches, reads in pages).
 */
class SortedStrings {
  private readonly members = new Set<string>();
  private sorted: string[] | undefined = [];

  get size(): number {
    return this.members.size;
  }

  add(members: readonly string[]): void {
    for (const member of members) {
      if (this.members.has(member)) continue;
      this.members.add(member);
      this.sorted = undefined;
    }
  }

  remove(members: readonly string[]): void {
    for (const member of members) if (this.members.delete(member)) this.sorted = undefined;
  }

  has(member: string): boolean {
    return this.members.has(member);
  }

  range(after: string, below: string | null, limit: number): string[] {
    this.sorted ??= [...this.members].sort();
    const list = this.sorted;
    // The first member above `after`.
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (list[middle]! <= after) low = middle + 1;
      else high = middle;
    }
    const page: string[] = [];
    for (let i = low; i < list.length && page.length < limit; i++) {
      if (below !== null && list[i]! >= below) break;
      page.push(list[i]!);
    }
    return page;
  }
}
