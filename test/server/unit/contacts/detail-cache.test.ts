import { z } from 'zod';
import { createDetailCache } from '../../../../server/src/contacts/detail-cache';
import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import { WecomUnavailableError } from '../../../../server/src/wecom/errors';

// The read-through detail cache: TTL switch, bounded parallel loads within one deadline, one load
// per id, absent answers remembered briefly, and a bad cached value treated as a miss.

const schema = z.object({ id: z.string(), n: z.number() });
type Detail = z.infer<typeof schema>;

const NOT_FOUND = { absent: 'not_found' } as const;

function setup(
  options: {
    ttlSeconds?: number;
    parallelism?: number;
    delayMs?: number;
    maxWaiting?: number;
    timeoutMs?: number;
  } = {},
) {
  const store = createMemoryStore();
  const loads: string[] = [];
  let running = 0;
  let peak = 0;
  const cache = createDetailCache<Detail>({
    store,
    kind: 'thing',
    schema,
    ttlSeconds: options.ttlSeconds ?? 60,
    absentTtlSeconds: 30,
    parallelism: options.parallelism ?? 3,
    maxWaiting: options.maxWaiting ?? 100,
    timeoutMs: options.timeoutMs ?? 5000,
    api: 'thing/get',
    async load(id) {
      loads.push(id);
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
      running--;
      if (id === 'boom') throw new Error('upstream failed');
      return id.startsWith('missing') ? NOT_FOUND : { id, n: id.length };
    },
  });
  const get = async (id: string) => (await cache.getMany([id]))[0];
  return { store, cache, get, loads, peak: () => peak };
}

describe('createDetailCache', () => {
  it('should load misses once, remember them and answer in order', async () => {
    const { cache, loads } = setup();
    expect(await cache.getMany(['a', 'missing-1', 'bb'])).toEqual([
      { id: 'a', n: 1 },
      NOT_FOUND,
      { id: 'bb', n: 2 },
    ]);
    expect(await cache.getMany(['bb', 'a'])).toEqual([
      { id: 'bb', n: 2 },
      { id: 'a', n: 1 },
    ]);
    expect(loads.sort()).toEqual(['a', 'bb', 'missing-1']);
  });

  it('should remember "not found" in the store for the absent TTL, not the detail TTL', async () => {
    const { get, store, loads } = setup({ ttlSeconds: 600 });
    expect(await get('missing-2')).toEqual(NOT_FOUND);
    expect(await get('missing-2')).toEqual(NOT_FOUND);
    expect(loads).toEqual(['missing-2']);
    const ttl = jest.spyOn(store, 'set');
    expect(await get('missing-3')).toEqual(NOT_FOUND);
    expect(ttl).toHaveBeenCalledWith('detail:thing:missing-3', expect.any(String), 30_000);
  });

  it('should fail at once when too many loads already wait for a slot', async () => {
    const { cache, loads } = setup({ parallelism: 1, maxWaiting: 2, delayMs: 20 });
    const answer = cache.getMany(['q1', 'q2', 'q3', 'q4']);
    await expect(answer).rejects.toBeInstanceOf(WecomUnavailableError);
    await expect(answer).rejects.toMatchObject({ reason: 'busy' });
    expect(loads.length).toBeLessThanOrEqual(3);
  });

  it('should count the wait for a slot against the deadline', async () => {
    const { cache, loads } = setup({ parallelism: 1, delayMs: 200, timeoutMs: 100 });
    const answer = cache.getMany(['slow-1', 'slow-2']);
    await expect(answer).rejects.toMatchObject({ reason: 'timeout' });
    expect(loads).toEqual(['slow-1']);
  });

  it('should never run more loads at once than the parallelism', async () => {
    const { cache, loads, peak } = setup({ parallelism: 3, delayMs: 5 });
    const ids = Array.from({ length: 12 }, (_, i) => `id${i}`);
    expect((await cache.getMany(ids)).every((value) => !('absent' in value))).toBe(true);
    expect(loads).toHaveLength(12);
    expect(peak()).toBe(3);
  });

  it('should share the bound between concurrent requests', async () => {
    const { cache, get, loads, peak } = setup({ parallelism: 3, delayMs: 5 });
    const batch = (prefix: string) => Array.from({ length: 6 }, (_, i) => `${prefix}${i}`);
    await Promise.all([cache.getMany(batch('a')), cache.getMany(batch('b')), get('c')]);
    expect(loads).toHaveLength(13);
    expect(peak()).toBe(3);
  });

  it('should stop starting loads after the first failure and reject', async () => {
    const { cache, loads } = setup({ parallelism: 1 });
    await expect(cache.getMany(['x', 'boom', 'y', 'z'])).rejects.toThrow('upstream failed');
    expect(loads).toEqual(['x', 'boom']);
  });

  it('should share one load between concurrent readers of one id', async () => {
    const { get, loads } = setup({ ttlSeconds: 0, delayMs: 5 });
    const answers = await Promise.all([get('same'), get('same'), get('same')]);
    expect(answers).toEqual([answers[0], answers[0], answers[0]]);
    expect(loads).toEqual(['same']);
  });

  it('should neither read nor write the store with a TTL of 0', async () => {
    const { get, store, loads } = setup({ ttlSeconds: 0 });
    await get('a');
    await get('a');
    expect(loads).toEqual(['a', 'a']);
    expect(await store.get('detail:thing:a')).toBeNull();
  });

  it('should treat a cached value that does not parse as a miss', async () => {
    const { cache, store, loads } = setup();
    await store.set('detail:thing:a', '{"id":"a","n":"not a number"}', 60_000);
    await store.set('detail:thing:b', 'not json', 60_000);
    expect(await cache.getMany(['a', 'b'])).toEqual([
      { id: 'a', n: 1 },
      { id: 'b', n: 1 },
    ]);
    expect(loads.sort()).toEqual(['a', 'b']);
    expect(JSON.parse((await store.get('detail:thing:a'))!)).toEqual({ id: 'a', n: 1 });
  });

  it('should answer a repeated read from this process without asking the store', async () => {
    const { store, cache, get, loads } = setup();
    await get('a');
    const reads = jest.spyOn(store, 'getMany');
    expect(await get('a')).toEqual({ id: 'a', n: 1 });
    expect(reads).not.toHaveBeenCalled();
    await cache.forget('a');
    expect(await store.get('detail:thing:a')).toBeNull();
    expect(await get('a')).toEqual({ id: 'a', n: 1 });
    expect(loads).toEqual(['a', 'a']);
  });

  describe('dropped on another instance (forgetLocally)', () => {
    it('drops the memo, and the store entry this process wrote moments ago (it may postdate the drop)', async () => {
      const { cache, store, get, loads } = setup();
      await get('a');
      // Another instance stored a value under the key meanwhile.
      await store.set('detail:thing:a', JSON.stringify({ id: 'a', n: 99 }), 60_000);
      expect(await get('a')).toEqual({ id: 'a', n: 1 }); // memo
      await cache.forgetLocally('a');
      // The memo is gone; the store entry was recent here, so it is dropped too: reloaded.
      expect(await get('a')).toEqual({ id: 'a', n: 1 });
      expect(loads).toEqual(['a', 'a']);
    });

    it('does not remember a load that was in flight when the detail was dropped', async () => {
      const { cache, store, get, loads } = setup({ delayMs: 30 });
      const inFlight = get('a');
      await new Promise((resolve) => setTimeout(resolve, 5));
      await cache.forgetLocally('a');
      expect(await inFlight).toEqual({ id: 'a', n: 1 });
      expect(await store.get('detail:thing:a')).toBeNull();
      await get('a');
      expect(loads).toEqual(['a', 'a']);
    });

    it('keeps the store entry when this process did not load it lately', async () => {
      const { cache, store, get, loads } = setup();
      await store.set('detail:thing:b', JSON.stringify({ id: 'b', n: 7 }), 60_000);
      expect(await get('b')).toEqual({ id: 'b', n: 7 });
      await cache.forgetLocally('b');
      expect(await store.get('detail:thing:b')).not.toBeNull();
      expect(loads).toEqual([]);
    });
  });
});
