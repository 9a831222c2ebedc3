import { createSingleFlight, onceAcrossInstances } from '../../../../server/src/stores/once';
import type { Store } from '../../../../server/src/stores/store';
import { sharedStores } from '../../../helpers/stores';

// The two "do it once" mechanisms, on their own.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('single flight', () => {
  it('should share one run between concurrent callers of one key, and run again afterwards', async () => {
    const flight = createSingleFlight<number>();
    let runs = 0;
    const task = async () => {
      runs++;
      await sleep(10);
      return runs;
    };
    const shared = await Promise.all([flight.run('k', task), flight.run('k', task)]);
    expect(shared).toEqual([1, 1]);
    expect(await flight.run('other', task)).toBe(2);
    expect(await flight.run('k', task)).toBe(3);
  });

  it('should share a failure and then forget it', async () => {
    const flight = createSingleFlight<string>();
    const failing = flight.run('k', async () => {
      throw new Error('no');
    });
    const joined = flight.run('k', async () => 'never');
    await expect(failing).rejects.toThrow('no');
    await expect(joined).rejects.toThrow('no');
    expect(await flight.run('k', async () => 'yes')).toBe('yes');
  });
});

describe.each(sharedStores)('once across instances on %s', (_kind, makeStores) => {
  let stores: readonly Store[];
  beforeEach(async () => {
    stores = await makeStores();
  });
  afterEach(async () => {
    await Promise.all([...new Set(stores)].map((store) => store.close()));
  });
  const storeOf = (i: number) => stores[i % stores.length]!;

  function run(i: number, counter: { produced: number }, options: { produceMs?: number } = {}) {
    const store = storeOf(i);
    return onceAcrossInstances<string>({
      store,
      lockKey: 'thing:lock',
      lockTtlMs: 5000,
      waitMs: 5000,
      pollMs: 5,
      read: async () => (await store.get('thing')) ?? undefined,
      produce: async () => {
        counter.produced++;
        await sleep(options.produceMs ?? 30);
        await store.set('thing', `made-${counter.produced}`, 60_000);
        return `made-${counter.produced}`;
      },
      onTimeout: () => new Error('timed out'),
    });
  }

  it('should produce once for many concurrent callers and give all of them the result', async () => {
    const counter = { produced: 0 };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => run(i, counter)));
    expect(counter.produced).toBe(1);
    expect(new Set(results)).toEqual(new Set(['made-1']));
    expect(await storeOf(0).get('thing:lock')).toBeNull();
  });

  it('should tell read whether it is the first look, before any wait', async () => {
    const store = storeOf(0);
    await store.set('thing', 'old', 60_000);
    const firsts: boolean[] = [];
    const answer = await onceAcrossInstances<string>({
      store,
      lockKey: 'thing:lock',
      lockTtlMs: 5000,
      waitMs: 5000,
      read: async (first) => {
        firsts.push(first);
        return (await store.get('thing')) ?? undefined;
      },
      produce: async () => 'new',
      onTimeout: () => new Error('timed out'),
    });
    expect(answer).toBe('old');
    expect(firsts).toEqual([true]);
  });

  it('should release the claim when produce fails, so the next caller can produce', async () => {
    const store = storeOf(0);
    const failing = onceAcrossInstances<string>({
      store,
      lockKey: 'thing:lock',
      lockTtlMs: 5000,
      waitMs: 5000,
      read: async () => undefined,
      produce: async () => {
        throw new Error('upstream down');
      },
      onTimeout: () => new Error('timed out'),
    });
    await expect(failing).rejects.toThrow('upstream down');
    expect(await run(1, { produced: 0 })).toBe('made-1');
  });

  it('should give up waiting with onTimeout while another holder keeps the claim', async () => {
    const store = storeOf(0);
    await store.set('thing:lock', 'someone-else', 60_000);
    const waiting = onceAcrossInstances<string>({
      store: storeOf(1),
      lockKey: 'thing:lock',
      lockTtlMs: 5000,
      waitMs: 50,
      pollMs: 5,
      read: async () => undefined,
      produce: async () => 'never',
      onTimeout: () => new Error('timed out'),
    });
    await expect(waiting).rejects.toThrow('timed out');
    expect(await store.get('thing:lock')).toBe('someone-else');
  });
});
