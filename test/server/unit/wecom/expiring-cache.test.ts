import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import { createExpiringCache } from '../../../../server/src/wecom/expiring-cache';

// The cache behind access tokens and JS-SDK tickets, on its own (the providers' tests run it
// against the simulator and Redis).

function setup(options: { failWith?: Error } = {}) {
  const store = createMemoryStore();
  let fetches = 0;
  const cache = createExpiringCache({
    store,
    key: 'thing',
    fetchTimeoutMs: 1000,
    async fetch() {
      fetches++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (options.failWith) throw options.failWith;
      return { value: `v${fetches}`, expiresIn: 7200 };
    },
    rememberFailure: (error) => (error === options.failWith ? 'refused' : undefined),
    failureOf: (stored) => new Error(`remembered: ${stored}`),
    onBusy: () => new Error('busy'),
  });
  return { store, cache, fetches: () => fetches };
}

describe('expiring cache', () => {
  it('should fetch once for concurrent callers and then answer from the store', async () => {
    const { cache, fetches } = setup();
    const got = await Promise.all(Array.from({ length: 10 }, () => cache.get()));
    expect(new Set(got.map((g) => g.value))).toEqual(new Set(['v1']));
    expect(got[0]!.fromCache).toBe(false);
    expect((await cache.get()).fromCache).toBe(true);
    expect(fetches()).toBe(1);
  });

  it('should delete only the value that failed, then fetch a new one', async () => {
    const { cache, fetches } = setup();
    const first = await cache.get();
    expect(await cache.invalidate(first)).toBe(true);
    const second = await cache.get();
    expect(second.value).toBe('v2');
    expect(await cache.invalidate(first)).toBe(false);
    expect((await cache.get()).value).toBe('v2');
    expect(fetches()).toBe(2);
  });

  it('should take a stored value of another shape for a miss', async () => {
    const { store, cache } = setup();
    await store.set(
      'thing',
      JSON.stringify({ token: 'from-an-older-release', expiresAt: 1 }),
      60_000,
    );
    expect((await cache.get()).value).toBe('v1');
  });

  it('should remember a lasting refusal instead of fetching again', async () => {
    const refused = new Error('wrong secret');
    const { cache, fetches } = setup({ failWith: refused });
    await expect(cache.get()).rejects.toBe(refused);
    await expect(cache.get()).rejects.toThrow('remembered: refused');
    expect(fetches()).toBe(1);
  });
});
