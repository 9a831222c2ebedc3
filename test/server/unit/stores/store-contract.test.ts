import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import type { Store } from '../../../../server/src/stores/store';
import { createTestRedisStore } from '../../../helpers/stores';

// The same behaviour from both stores: the rest of the server relies on it.
describe.each([
  ['memory', async () => createMemoryStore()],
  ['redis', async () => createTestRedisStore()],
] as const)('%s store', (_kind, create) => {
  let store: Store;
  beforeEach(async () => {
    store = await create();
  });
  afterEach(() => store.close());

  it('should read back what it wrote and forget it after the TTL', async () => {
    await store.set('a', '1', 60);
    expect(await store.get('a')).toBe('1');
    expect(await store.getMany(['a', 'missing'])).toEqual(['1', null]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.get('a')).toBeNull();
  });

  it('should let only the first setIfAbsent win', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.setIfAbsent('lock', `owner-${i}`, 5000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await store.get('lock')).toBe(`owner-${winner}`);
  });

  it('should compare-and-delete only the expected value', async () => {
    await store.set('token', 'new', 5000);
    expect(await store.deleteIfEquals('token', 'old')).toBe(false);
    expect(await store.get('token')).toBe('new');
    expect(await store.deleteIfEquals('token', 'new')).toBe(true);
    expect(await store.get('token')).toBeNull();
  });

  it('should delete and answer ping', async () => {
    await store.set('k', 'v', 5000);
    await store.delete('k');
    expect(await store.get('k')).toBeNull();
    await expect(store.ping()).resolves.toBeUndefined();
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
