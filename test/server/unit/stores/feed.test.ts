import { z } from 'zod';
import { createFeed, FeedExpiredError, FILTERED_SCAN } from '../../../../server/src/stores/feed';
import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import { compareStreamIds, type Store } from '../../../../server/src/stores/store';
import { createTestRedisStore, expectIncreasing } from '../../../helpers/stores';

const schema = z.object({ kind: z.string(), id: z.string() });
type Entry = z.infer<typeof schema>;
const DAY_MS = 24 * 3600 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['memory', async () => createMemoryStore()],
  ['redis', () => createTestRedisStore()],
] as const)('feed on the %s store', (_kind, makeStore) => {
  let store: Store;
  beforeEach(async () => {
    store = await makeStore();
  });
  afterEach(() => store.close());

  const feedOf = (options: { now?: () => number; maxLength?: number } = {}) =>
    createFeed(store, { name: 'changes', schema, retentionDays: 30, ...options });
  const ids = (entries: { id: string }[]) => entries.map((entry) => entry.id);

  it('should page oldest first from after and newest first from before, next null at the end', async () => {
    const feed = feedOf();
    const appended = await feed.append([
      { kind: 'member', id: 'a' },
      { kind: 'member', id: 'b' },
      { kind: 'department', id: '2' },
    ]);
    const seqs = appended.map((entry) => entry.seq);
    expectIncreasing(seqs);
    expect(await feed.append([])).toEqual([]);

    const page = await feed.read({ range: { after: '0' }, limit: 2 });
    expect(page).toEqual({ entries: appended.slice(0, 2), next: seqs[1] });
    expect(await feed.read({ range: { after: page.next! }, limit: 2 })).toEqual({
      entries: [appended[2]],
      next: null,
    });
    expect(await feed.read({ range: { after: seqs[2]! }, limit: 2 })).toEqual({
      entries: [],
      next: null,
    });

    const newest = await feed.read({ range: {}, limit: 2 });
    expect(newest).toEqual({ entries: [appended[2], appended[1]], next: seqs[1] });
    expect(await feed.read({ range: { before: newest.next! }, limit: 2 })).toEqual({
      entries: [appended[0]],
      next: null,
    });
  });

  it('should drop entries older than the retention on append, and answer FeedExpiredError to a reader left behind', async () => {
    const feed = feedOf();
    const old = await feed.append([
      { kind: 'x', id: '1' },
      { kind: 'x', id: '2' },
      { kind: 'x', id: '3' },
    ]);
    await sleep(5);
    // 29 days on: nothing is old enough yet.
    const [fourth] = await feedOf({ now: () => Date.now() + 29 * DAY_MS }).append([
      { kind: 'x', id: '4' },
    ]);
    expect(ids((await feed.read({ range: { after: old[0]!.seq }, limit: 10 })).entries)).toEqual([
      '2',
      '3',
      '4',
    ]);
    await sleep(5);
    // 30 days on, the next append drops the first four (all older than this moment).
    const [fresh] = await feedOf({ now: () => Date.now() + 30 * DAY_MS }).append([
      { kind: 'x', id: '5' },
    ]);
    const expired = feed.read({ range: { after: old[0]!.seq }, limit: 10 });
    await expect(expired).rejects.toThrow(FeedExpiredError);
    await expect(expired).rejects.toMatchObject({ next: fresh!.seq });
    // From the start: the oldest kept; newest first: nothing before it.
    expect(await feed.read({ range: { after: '0' }, limit: 10 })).toEqual({
      entries: [fresh],
      next: null,
    });
    expect(await feed.read({ range: { before: fresh!.seq }, limit: 10 })).toEqual({
      entries: [],
      next: null,
    });
    // A reader whose position is the newest entry dropped has missed nothing.
    expect(await feed.read({ range: { after: fourth!.seq }, limit: 10 })).toEqual({
      entries: [fresh],
      next: null,
    });
  });

  it('should keep the newest entries of a bounded feed and tell a reader before them', async () => {
    const feed = feedOf({ maxLength: 2 });
    const appended = await feed.append([
      { kind: 'x', id: '1' },
      { kind: 'x', id: '2' },
      { kind: 'x', id: '3' },
    ]);
    expect(ids((await feed.read({ range: { after: '0' }, limit: 10 })).entries)).toEqual([
      '2',
      '3',
    ]);
    expect(
      ids((await feed.read({ range: { after: appended[0]!.seq }, limit: 10 })).entries),
    ).toEqual(['2', '3']);
    await feed.append([{ kind: 'x', id: '4' }]);
    await expect(
      feed.read({ range: { after: appended[0]!.seq }, limit: 10 }),
    ).rejects.toBeInstanceOf(FeedExpiredError);
  });

  it('should filter in both orders, pausing with a next after a bounded scan', async () => {
    const feed = feedOf();
    const filler = Array.from({ length: FILTERED_SCAN + 10 }, (_, i) => ({
      kind: 'other',
      id: `f${i}`,
    }));
    const [early] = await feed.append([{ kind: 'wanted', id: 'early' }]);
    const fillerSeqs = (await feed.append(filler)).map((entry) => entry.seq);
    const late = await feed.append([
      { kind: 'wanted', id: 'late-1' },
      { kind: 'wanted', id: 'late-2' },
    ]);
    const wanted = (entry: Entry) => entry.kind === 'wanted';

    // Oldest first: the early match, then a scan that stops inside the filler with a next.
    const first = await feed.read({ range: { after: '0' }, limit: 5, filter: wanted });
    expect(ids(first.entries)).toEqual(['early']);
    expect(first.next).not.toBeNull();
    expect(compareStreamIds(first.next!, early!.seq)).toBeGreaterThan(0);
    expect(compareStreamIds(first.next!, late[0]!.seq)).toBeLessThan(0);
    const second = await feed.read({ range: { after: first.next! }, limit: 5, filter: wanted });
    expect(second).toEqual({ entries: late, next: null });

    // A full page ends at its last match: the next page starts after it.
    const one = await feed.read({
      range: { after: fillerSeqs.at(-5)! },
      limit: 1,
      filter: wanted,
    });
    expect(one).toEqual({ entries: [late[0]], next: late[0]!.seq });
    expect(await feed.read({ range: { after: one.next! }, limit: 1, filter: wanted })).toEqual({
      entries: [late[1]],
      next: null,
    });

    // Newest first the same way.
    const newest = await feed.read({ range: {}, limit: 5, filter: wanted });
    expect(ids(newest.entries)).toEqual(['late-2', 'late-1']);
    expect(newest.next).not.toBeNull();
    const older = await feed.read({ range: { before: newest.next! }, limit: 5, filter: wanted });
    expect(older).toEqual({ entries: [early], next: null });
  });

  it('should skip entries that no longer match the schema', async () => {
    const [first] = await feedOf().append([{ kind: 'x', id: '1' }]);
    await createFeed(store, {
      name: 'changes',
      schema: z.object({ other: z.number() }),
      retentionDays: 30,
    }).append([{ other: 1 }]);
    expect(await feedOf().read({ range: { after: '0' }, limit: 10 })).toEqual({
      entries: [first],
      next: null,
    });
  });
});

describe('in-process stream ids', () => {
  it('should keep growing when the clock goes back, as Redis ids do', async () => {
    let now = 2_000_000_000_000;
    const store = createMemoryStore({ now: () => now });
    const first = await store.streamAppend('s', ['a', 'b']);
    now -= 5000;
    const later = await store.streamAppend('s', ['c']);
    now += 10_000;
    const last = await store.streamAppend('s', ['d']);
    expect([...first, ...later, ...last]).toEqual([
      '2000000000000-0',
      '2000000000000-1',
      '2000000000000-2',
      '2000000005000-0',
    ]);
    await store.close();
  });
});
