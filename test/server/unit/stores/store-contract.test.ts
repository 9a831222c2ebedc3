import {
  LockBusyError,
  LockLostError,
  releaseLock,
  takeLock,
  withLock,
} from '../../../../server/src/stores/lock';
import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import type { Store } from '../../../../server/src/stores/store';
import { describeStoreContract } from '../../../helpers/store-contract';
import { createTestRedisStore, sharedStores, uniquePrefix } from '../../../helpers/stores';

describeStoreContract('memory', async () => createMemoryStore());
describeStoreContract('redis', () => createTestRedisStore());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The lock from two holders: one store for the in-process case, two clients of one Redis (two
// instances) for the shared one.
describe.each(sharedStores)('withLock on the %s store', (_kind, makeStores) => {
  let one: Store;
  let two: Store;
  beforeEach(async () => {
    const stores = await makeStores();
    one = stores[0]!;
    two = stores[1] ?? one;
  });
  afterEach(async () => {
    await Promise.all([...new Set([one, two])].map((store) => store.close()));
  });

  it('should run two holders one after the other, never both at once', async () => {
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    const hold = (store: Store, name: string) =>
      withLock(store, 'lock:{x}', { leaseMs: 5000, waitMs: 5000, pollMs: 5 }, async () => {
        inside++;
        most = Math.max(most, inside);
        order.push(name);
        await sleep(60);
        inside--;
        return name;
      });
    expect(await Promise.all([hold(one, 'a'), hold(two, 'b'), hold(one, 'c')])).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(most).toBe(1);
    expect(order).toHaveLength(3);
    expect(await one.get('lock:{x}')).toBeNull();
  });

  it('should refuse a second holder with LockBusyError once its wait is over, then let it in', async () => {
    const first = withLock(one, 'lock:{x}', { leaseMs: 5000 }, () => sleep(150));
    await sleep(20);
    const started = Date.now();
    const second = withLock(two, 'lock:{x}', { leaseMs: 5000, waitMs: 60 }, async () => 'ran');
    await expect(second).rejects.toBeInstanceOf(LockBusyError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    await first;
    expect(await withLock(two, 'lock:{x}', { leaseMs: 5000 }, async () => 'ran')).toBe('ran');
  });

  it('should renew the lease while the task runs and free a dead holder after its lease', async () => {
    const long = withLock(one, 'lock:{x}', { leaseMs: 150 }, () => sleep(450));
    await sleep(350);
    expect(await takeLock(two, 'lock:{x}', 'b', 150)).toBe(false);
    await long;
    // A holder that took the lock and died: nobody renews or releases it.
    expect(await takeLock(one, 'lock:{y}', 'dead', 100)).toBe(true);
    expect(await takeLock(two, 'lock:{y}', 'b', 5000)).toBe(false);
    await sleep(150);
    expect(await takeLock(two, 'lock:{y}', 'b', 5000)).toBe(true);
  });

  it('should release only its own lock, keep it for its owner and tell a task it lost it', async () => {
    expect(await takeLock(one, 'lock:{x}', 'a', 5000)).toBe(true);
    expect(await takeLock(one, 'lock:{x}', 'a', 5000)).toBe(true);
    await releaseLock(two, 'lock:{x}', 'b');
    expect(await two.get('lock:{x}')).toBe('a');
    // The owner that took it carries it into withLock (a claim taken before its job runs).
    expect(await withLock(two, 'lock:{x}', { owner: 'a', leaseMs: 5000 }, async () => 1)).toBe(1);
    expect(await one.get('lock:{x}')).toBeNull();

    const signals: AbortSignal[] = [];
    const losing = withLock(one, 'lock:{x}', { owner: 'a', leaseMs: 150 }, async (signal) => {
      signals.push(signal);
      await two.set('lock:{x}', 'b', 5000); // the lease ran out and another took it
      await sleep(200);
    });
    await losing;
    expect(signals[0]?.reason).toBeInstanceOf(LockLostError);
    expect(await two.get('lock:{x}')).toBe('b');
  });
});

describe('redis pub/sub between two instances', () => {
  it('should reach another client with the same prefix, and no client with another', async () => {
    const prefix = uniquePrefix();
    const [a, b, stranger] = await Promise.all([
      createTestRedisStore({ prefix }),
      createTestRedisStore({ prefix }),
      createTestRedisStore(),
    ]);
    try {
      const seen: string[] = [];
      const strangerSeen: string[] = [];
      await b.subscribe('forget', (message) => seen.push(message));
      await stranger.subscribe('forget', (message) => strangerSeen.push(message));
      await a.publish('forget', 'customer:wm1');
      for (let i = 0; i < 50 && seen.length < 1; i++) await sleep(10);
      expect(seen).toEqual(['customer:wm1']);
      expect(strangerSeen).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close(), stranger.close()]);
    }
  });
});

describe('redis store key prefix', () => {
  it('should keep two prefixes apart on one Redis', async () => {
    const one = await createTestRedisStore();
    const two = await createTestRedisStore();
    try {
      await one.set('shared-name', 'one', 5000);
      expect(await two.get('shared-name')).toBeNull();
    } finally {
      await one.close();
      await two.close();
    }
  });
});
