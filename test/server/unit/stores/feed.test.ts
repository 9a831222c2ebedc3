import { z } from 'zod';
import { createFeed } from '../../../../server/src/stores/feed';
import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import { createTestRedisStore } from '../../../helpers/stores';

const schema = z.object({ kind: z.string(), id: z.string() });

describe.each([
  ['memory', async () => createMemoryStore()],
  ['redis', () => createTestRedisStore()],
] as const)('feed on the %s store', (_kind, makeStore) => {
  it('should page through appended entries by seq, with next null at the end', async () => {
    const store = await makeStore();
    try {
      const feed = createFeed(store, { name: 'changes', schema });
      const appended = await feed.append([
        { kind: 'member', id: 'a' },
        { kind: 'member', id: 'b' },
        { kind: 'department', id: '2' },
      ]);
      expect(appended.map((entry) => entry.seq)).toEqual([1, 2, 3]);
      expect(await feed.append([])).toEqual([]);
      const page = await feed.read(0, 2);
      expect(page).toEqual({
        entries: [
          { kind: 'member', id: 'a', seq: 1 },
          { kind: 'member', id: 'b', seq: 2 },
        ],
        next: 2,
      });
      expect(await feed.read(page.next!, 2)).toEqual({
        entries: [{ kind: 'department', id: '2', seq: 3 }],
        next: null,
      });
      expect(await feed.read(3, 2)).toEqual({ entries: [], next: null });
    } finally {
      await store.close();
    }
  });

  it('should keep the newest entries of a bounded feed', async () => {
    const store = await makeStore();
    try {
      const feed = createFeed(store, { name: 'events', schema, maxLength: 2 });
      await feed.append([
        { kind: 'x', id: '1' },
        { kind: 'x', id: '2' },
        { kind: 'x', id: '3' },
      ]);
      expect((await feed.read(0, 10)).entries.map((entry) => entry.id)).toEqual(['2', '3']);
    } finally {
      await store.close();
    }
  });
});
