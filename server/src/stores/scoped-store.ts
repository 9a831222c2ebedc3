import type { Store } from './store';

/**
 * One corp's view of the deployment's store: every key and channel it names gets
 * `prefix` in front, so that a corp's sessions, caches, locks, limits, feeds and snapshots never
 * meet another corp's — a userid that exists in two corps included. The prefix goes before the
 * key, outside any `{…}` hash tag, so keys that must share a Redis Cluster slot still do. The view
 * shares the store's connections; closing it closes nothing (the deployment closes the store).
 */
export function scopeStore(store: Store, prefix: string): Store {
  const key = (name: string) => prefix + name;
  const keys = (names: readonly string[]) => names.map(key);
  return {
    get: (name) => store.get(key(name)),
    getMany: (names) => store.getMany(keys(names)),
    set: (name, value, ttlMs) => store.set(key(name), value, ttlMs),
    setIfAbsent: (name, value, ttlMs) => store.setIfAbsent(key(name), value, ttlMs),
    delete: (...names) => store.delete(...keys(names)),
    // The view's own keys only: `deletePrefix('')` drops the whole corp.
    deletePrefix: (namePrefix) => store.deletePrefix(key(namePrefix)),
    deleteIfEquals: (name, expected) => store.deleteIfEquals(key(name), expected),
    extendIfEquals: (name, expected, ttlMs) => store.extendIfEquals(key(name), expected, ttlMs),
    increment: (name, windowMs, by) => store.increment(key(name), windowMs, by),
    readCounter: (name) => store.readCounter(key(name)),
    getAndIncrement: (name, counterKey, windowMs) =>
      store.getAndIncrement(key(name), key(counterKey), windowMs),
    takeSlots: (name, holders, options) =>
      store.takeSlots(key(name), holders, { ...options, counterKey: key(options.counterKey) }),
    releaseSlot: (name, holder) => store.releaseSlot(key(name), holder),
    addToSet: (name, member, ttlMs) => store.addToSet(key(name), member, ttlMs),
    setMembers: (name) => store.setMembers(key(name)),
    removeFromSet: (name, member) => store.removeFromSet(key(name), member),
    streamAppend: (name, values, trim) => store.streamAppend(key(name), values, trim),
    streamRange: (name, range, count) => store.streamRange(key(name), range, count),
    publish: (channel, message) => store.publish(key(channel), message),
    subscribe: (channel, handler) => store.subscribe(key(channel), handler),
    hashSet: (name, fields) => store.hashSet(key(name), fields),
    hashGet: (name, fields) => store.hashGet(key(name), fields),
    hashScan: (name, cursor, count) => store.hashScan(key(name), cursor, count),
    hashDelete: (name, fields) => store.hashDelete(key(name), fields),
    hashSetIfAbsent: (name, fields) => store.hashSetIfAbsent(key(name), fields),
    sortedAdd: (name, members) => store.sortedAdd(key(name), members),
    sortedRemove: (name, members) => store.sortedRemove(key(name), members),
    sortedRange: (name, after, below, limit) => store.sortedRange(key(name), after, below, limit),
    sortedHas: (name, members) => store.sortedHas(key(name), members),
    ping: () => store.ping(),
    close: async () => undefined,
  };
}
