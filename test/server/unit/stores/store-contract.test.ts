import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import { describeStoreContract } from '../../../helpers/store-contract';
import { createTestRedisStore, uniquePrefix } from '../../../helpers/stores';

describeStoreContract('memory', async () => createMemoryStore());
describeStoreContract('redis', () => createTestRedisStore());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
