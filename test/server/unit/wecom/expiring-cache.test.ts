import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import { createExpiringCache } from '../../../../server/src/wecom/expiring-cache';
import {
  createRefreshSchedule,
  type RefreshSchedule,
} from '../../../../server/src/wecom/refresh-schedule';

// The cache behind access tokens and JS-SDK tickets, on its own (the providers' tests run it
// against the simulator and Redis).

// The refresh tests wait for values that live 4 s: Jest's default of 5 s per test is too short.
jest.setTimeout(20_000);

function setup(options: { failWith?: Error; schedule?: RefreshSchedule } = {}) {
  const store = createMemoryStore();
  let fetches = 0;
  const cache = createExpiringCache({
    store,
    key: 'thing',
    fetchTimeoutMs: 1000,
    schedule: options.schedule,
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

describe('expiring cache: refreshed ahead of expiry', () => {
  const schedules: RefreshSchedule[] = [];
  afterEach(() => {
    for (const schedule of schedules.splice(0)) schedule.close();
  });

  /**
   * Instances sharing one store; values live 4 s (refreshed at 3.2 s: a loaded machine that runs
   * the refresh a few hundred ms late still does it while the old value lives); `fail` fails
   * fetches.
   */
  function cluster(instances: number, fail: (fetchNo: number) => boolean = () => false) {
    const store = createMemoryStore();
    let fetches = 0;
    const failures: unknown[] = [];
    const caches = Array.from({ length: instances }, () => {
      const schedule = createRefreshSchedule();
      schedules.push(schedule);
      return createExpiringCache({
        store,
        key: 'thing',
        fetchTimeoutMs: 1000,
        marginSeconds: 0,
        pollMs: 5,
        schedule,
        onRefreshFailed: (error) => failures.push(error),
        async fetch() {
          fetches++;
          if (fail(fetches)) throw new Error(`fetch ${fetches} failed`);
          return { value: `v${fetches}`, expiresIn: 4 };
        },
        onBusy: () => new Error('busy'),
      });
    });
    return { caches, fetches: () => fetches, failures };
  }

  async function until(check: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('should fetch the next value before the current one ends, without a request waiting', async () => {
    const { caches, fetches } = cluster(1);
    const [cache] = caches;
    expect((await cache!.get()).value).toBe('v1');
    // No request asked: the timer planned at the first use fetched it.
    await until(() => fetches() === 2);
    const next = await cache!.get();
    expect(next).toMatchObject({ value: 'v2', fromCache: true });
  });

  it('should refresh when its timer fires before the clock reaches the planned time', async () => {
    // Node counts a timer from the event loop's cached time, so on a busy machine it fires a few
    // ms before Date.now() says it is due; this schedule fires the first value's at once.
    let planned = 0;
    const { cache, fetches } = setup({
      schedule: {
        plan: (_key, _atMs, task) => {
          if (planned++ === 0) setTimeout(task, 0);
        },
        cancel: () => undefined,
        close: () => undefined,
      },
    });
    expect((await cache.get()).value).toBe('v1');
    await until(() => fetches() === 2);
    expect((await cache.get()).value).toBe('v2');
  });

  it('should let one instance refresh for all of them', async () => {
    const { caches, fetches } = cluster(3);
    await Promise.all(caches.map((cache) => cache.get()));
    expect(fetches()).toBe(1);
    await until(() => fetches() === 2);
    // Every instance planned the refresh; the others found the fresh value.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(fetches()).toBe(2);
    for (const cache of caches) expect((await cache.get()).value).toBe('v2');
  });

  it('should keep the old value in use when the refresh fails, until it really ends', async () => {
    const { caches, fetches, failures } = cluster(1, (fetchNo) => fetchNo === 2);
    const [cache] = caches;
    await cache!.get();
    await until(() => failures.length === 1);
    expect((await cache!.get()).value).toBe('v1');
    expect((await cache!.get()).value).toBe('v1');
    expect(fetches()).toBe(2);
    // Ended (4 s after the first fetch, 0.8 s after the refresh failed): the next request fetches.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await cache!.get()).value).toBe('v3');
  });
});
