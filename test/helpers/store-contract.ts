import { scopeStore } from '../../server/src/stores/scoped-store';
import { compareStreamIds, type Store } from '../../server/src/stores/store';
import { expectIncreasing } from './stores';

/**
 * What every store does — the in-process store, and Redis in each topology (standalone here; Sentinel
 * and Cluster in the topology tests): the rest of the server relies on it. Each test gets a fresh
 * store from `create` (with a key prefix of its own) and closes it.
 */
export function describeStoreContract(kind: string, create: () => Promise<Store>): void {
  describe(`${kind} store`, () => {
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
      await store.set('k2', 'v', 5000);
      await store.streamAppend('k3', ['e']);
      await store.delete('k', 'k2', 'k3', 'never-written');
      expect(await store.getMany(['k', 'k2'])).toEqual([null, null]);
      expect((await store.streamRange('k3', { after: '0' }, 10)).entries).toEqual([]);
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('should delete every kind of key under a prefix, glob characters and all, and only those', async () => {
      // A SCAN pattern made of this prefix unescaped would match every key of `lookalikes` too.
      const prefix = 'corp*?[1]\\:';
      const lookalikes = ['corpXY1:', 'corp*?1\\:', 'corp*?[1]'];
      const inside = await writeEveryKind(store, prefix);
      const outside = (
        await Promise.all(
          ['corp:b:', '', ...lookalikes].map((other) => writeEveryKind(store, other)),
        )
      ).flat();
      expect(await store.deletePrefix(prefix)).toBe(inside.length);
      for (const key of inside) expect(await holds(store, key)).toBe(false);
      for (const key of outside) expect(await holds(store, key)).toBe(true);
      expect(await store.deletePrefix(prefix)).toBe(0);
      expect(await store.deletePrefix('no-such-prefix:')).toBe(0);
    });

    it('should delete by prefix more keys than one batch holds', async () => {
      const keys = Array.from({ length: 1200 }, (_, i) => `many:${i}:{${i % 40}}`);
      for (let i = 0; i < keys.length; i += 200)
        await Promise.all(keys.slice(i, i + 200).map((key) => store.set(key, 'v', 60_000)));
      await store.set('many-more', 'kept', 60_000);
      expect(await store.deletePrefix('many:')).toBe(1200);
      for (let i = 0; i < keys.length; i += 200)
        expect(new Set(await store.getMany(keys.slice(i, i + 200)))).toEqual(new Set([null]));
      expect(await store.get('many-more')).toBe('kept');
    });

    it("should delete a scoped view's keys, and only them, when the view deletes ''", async () => {
      const one = scopeStore(store, 'corp:a:');
      const other = scopeStore(store, 'corp:ab:');
      const ours = await writeEveryKind(one, '');
      const theirs = await writeEveryKind(other, '');
      await store.set('corp:a', 'unscoped', 60_000);
      await one.set('x:1', 'v', 60_000);
      expect(await one.deletePrefix('x:')).toBe(1);
      expect(await one.get('x:1')).toBeNull();
      expect(await one.deletePrefix('')).toBe(ours.length);
      for (const key of ours) expect(await holds(one, key)).toBe(false);
      for (const key of theirs) expect(await holds(other, key)).toBe(true);
      expect(await store.get('corp:a')).toBe('unscoped');
    });

    it('should count in a fixed window that the first increment starts', async () => {
      expect(await store.readCounter('c')).toEqual({ count: 0, ttlMs: 0 });
      const first = await store.increment('c', 200);
      expect(first.count).toBe(1);
      expect(first.ttlMs).toBeGreaterThan(100);
      expect(first.ttlMs).toBeLessThanOrEqual(200);
      expect((await store.increment('c', 60_000, 4)).count).toBe(5);
      expect((await store.increment('c', 60_000, -2)).count).toBe(3);
      const read = await store.readCounter('c');
      expect(read.count).toBe(3);
      expect(read.ttlMs).toBeLessThanOrEqual(200);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await store.readCounter('c')).toEqual({ count: 0, ttlMs: 0 });
    });

    it('should increment with a read only while the read key exists', async () => {
      expect(await store.getAndIncrement('s:{u}', 'n:{u}', 60_000)).toEqual({ value: null });
      expect((await store.readCounter('n:{u}')).count).toBe(0);
      await store.set('s:{u}', 'session', 60_000);
      const answer = await store.getAndIncrement('s:{u}', 'n:{u}', 60_000);
      expect(answer.value).toBe('session');
      expect(answer.counter?.count).toBe(1);
      expect((await store.getAndIncrement('s:{u}', 'n:{u}', 60_000)).counter?.count).toBe(2);
    });

    it('should take slots while counter + slots stay below the limit, and free an ended one', async () => {
      const take = (holders: string[], ttlMs = 60_000) =>
        store.takeSlots('slots:{ip}', holders, { counterKey: 'fails:{ip}', limit: 4, ttlMs });
      expect(await take(['a'], 150)).toEqual({ taken: 1, counter: { count: 0, ttlMs: 0 } });
      expect((await take(['b', 'c'])).taken).toBe(2);
      await store.increment('fails:{ip}', 60_000);
      const full = await take(['d', 'e']);
      expect(full.taken).toBe(0);
      expect(full.counter.count).toBe(1);
      expect(full.counter.ttlMs).toBeGreaterThan(50_000);
      // A holder renews its own slot whatever the others hold; taking stops at the first misfit.
      expect((await take(['c', 'd', 'b'])).taken).toBe(1);
      await store.releaseSlot('slots:{ip}', 'b');
      await store.releaseSlot('slots:{ip}', 'never-held');
      expect((await take(['d', 'e'])).taken).toBe(1);
      // 'a' never released: its slot ends by itself.
      await sleep(200);
      expect((await take(['e', 'f'])).taken).toBe(1);
      expect((await take([])).counter.count).toBe(1);
    });

    it('should keep set members for at least the longest TTL given', async () => {
      await store.addToSet('set', 'a', 60_000);
      await store.addToSet('set', 'b', 100);
      await store.addToSet('set', 'a', 100);
      expect((await store.setMembers('set')).sort()).toEqual(['a', 'b']);
      await store.removeFromSet('set', 'a');
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await store.setMembers('set')).toEqual(['b']);
      expect(await store.setMembers('no-such-set')).toEqual([]);
    });

    it('should append to a stream under increasing ids and read them oldest or newest first', async () => {
      const ids = [
        ...(await store.streamAppend('s:{a}', ['one', 'two:with:colons'])),
        ...(await store.streamAppend('s:{a}', ['three'])),
      ];
      expect(await store.streamAppend('s:{a}', [])).toEqual([]);
      // Redis's id form on both stores: the clock's ms, and a counter within one ms.
      for (const id of ids) expect(id).toMatch(/^\d{13}-\d+$/);
      expect(Math.abs(Number(ids[0]!.split('-')[0]) - Date.now())).toBeLessThan(60_000);
      expectIncreasing(ids);
      const [one, two, three] = ids as [string, string, string];
      const entries = [
        { id: one, value: 'one' },
        { id: two, value: 'two:with:colons' },
        { id: three, value: 'three' },
      ];
      const none = '0-0';
      expect(await store.streamRange('s:{a}', { after: '0' }, 10)).toEqual({
        entries,
        trimmedThrough: none,
      });
      expect((await store.streamRange('s:{a}', { after: one }, 1)).entries).toEqual([entries[1]]);
      expect((await store.streamRange('s:{a}', { after: three }, 10)).entries).toEqual([]);
      expect((await store.streamRange('s:{a}', {}, 2)).entries).toEqual([entries[2], entries[1]]);
      expect((await store.streamRange('s:{a}', { before: two }, 10)).entries).toEqual([entries[0]]);
      expect((await store.streamRange('s:{a}', { before: one }, 10)).entries).toEqual([]);
      expect((await store.streamRange('s:{a}', { before: '0' }, 10)).entries).toEqual([]);
      // A position between two ids, or a bare ms, reads as Redis reads it.
      expect((await store.streamRange('s:{a}', { after: '1' }, 10)).entries).toEqual(entries);
      expect(await store.streamRange('s:{none}', { after: '0' }, 10)).toEqual({
        entries: [],
        trimmedThrough: none,
      });
      expect(await store.streamRange('s:{none}', {}, 10)).toEqual({
        entries: [],
        trimmedThrough: none,
      });
    });

    it('should trim a stream by age and by length, remember the newest id dropped and never reuse one', async () => {
      const first = await store.streamAppend('s:{b}', ['1', '2', '3']);
      // Older than the third id goes; the second is the newest dropped.
      const [fourth] = await store.streamAppend('s:{b}', ['4'], { minId: first[2] });
      const kept = await store.streamRange('s:{b}', { after: '0' }, 10);
      expect(kept).toEqual({
        entries: [
          { id: first[2], value: '3' },
          { id: fourth, value: '4' },
        ],
        trimmedThrough: first[1],
      });
      // Only the newest one stays; later ids are still above every earlier one.
      const [fifth] = await store.streamAppend('s:{b}', ['5'], { maxLength: 1 });
      expect(await store.streamRange('s:{b}', { after: '0' }, 10)).toEqual({
        entries: [{ id: fifth, value: '5' }],
        trimmedThrough: fourth,
      });
      expect(compareStreamIds(fifth!, fourth!)).toBeGreaterThan(0);
      // Nothing old enough, nothing beyond the length: nothing dropped.
      await store.streamAppend('s:{b}', ['6'], { minId: '1-0', maxLength: 10 });
      expect((await store.streamRange('s:{b}', { after: '0' }, 10)).trimmedThrough).toBe(fourth);
    });

    it('should extend a lifetime only while the key holds the expected value', async () => {
      await store.set('claim', 'mine', 100);
      expect(await store.extendIfEquals('claim', 'theirs', 60_000)).toBe(false);
      expect(await store.extendIfEquals('claim', 'mine', 60_000)).toBe(true);
      await sleep(200);
      expect(await store.get('claim')).toBe('mine');
      expect(await store.extendIfEquals('gone', 'mine', 60_000)).toBe(false);
      expect(await store.get('gone')).toBeNull();
    });

    it('should keep hash fields until deleted, read them in order and scan all of them', async () => {
      await store.hashSet('h', { a: '1', b: '2' });
      await store.hashSet('h', { b: 'two', c: '3' });
      await store.hashSet('h', {});
      expect(await store.hashGet('h', ['c', 'missing', 'b', 'a'])).toEqual(['3', null, 'two', '1']);
      expect(await store.hashGet('h', [])).toEqual([]);
      await store.hashDelete('h', ['a', 'never-written']);
      expect(await store.hashGet('h', ['a'])).toEqual([null]);

      const many = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]));
      await store.hashSet('big', many);
      const seen = new Map<string, string>();
      let cursor = '0';
      let rounds = 0;
      do {
        const page = await store.hashScan('big', cursor, 100);
        for (const [field, value] of page.entries) seen.set(field, value);
        cursor = page.cursor;
        rounds += 1;
      } while (cursor !== '0' && rounds < 1000);
      expect(Object.fromEntries(seen)).toEqual(many);
      expect(rounds).toBeGreaterThan(1);
      expect(await store.hashScan('none', '0', 10)).toEqual({ cursor: '0', entries: [] });

      await store.delete('big');
      expect(await store.hashGet('big', ['f1'])).toEqual([null]);
    });

    it('should set only absent hash fields, answering which, also when callers race', async () => {
      await store.hashSet('h', { a: '1' });
      expect(await store.hashSetIfAbsent('h', { a: 'x', b: '2' })).toEqual(['b']);
      expect(await store.hashGet('h', ['a', 'b'])).toEqual(['1', '2']);
      expect(await store.hashSetIfAbsent('h', {})).toEqual([]);
      const racing = await Promise.all(
        Array.from({ length: 5 }, (_, i) => store.hashSetIfAbsent('race', { one: `${i}` })),
      );
      expect(racing.flat()).toEqual(['one']);
    });

    it('should keep a scan going while fields are deleted: every field present throughout is seen', async () => {
      const fields = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, `${i}`]));
      await store.hashSet('scanned', fields);
      const seen = new Set<string>();
      let cursor = '0';
      let deleted = 0;
      for (let round = 0; round < 1000; round++) {
        const page = await store.hashScan('scanned', cursor, 20);
        for (const [field] of page.entries) seen.add(field);
        // Fields already seen go while the scan runs.
        await store.hashDelete('scanned', [`f${deleted++}`]);
        cursor = page.cursor;
        if (cursor === '0') break;
      }
      for (let i = deleted; i < 300; i++) expect(seen.has(`f${i}`)).toBe(true);
    });

    it('should page through a sorted set of strings by byte order, above and below bounds', async () => {
      await store.sortedAdd('s', ['b\nx', 'a\nz', 'a\ny', 'a\ny', 'ab\nw', 'a\n2']);
      await store.sortedAdd('s', []);
      expect(await store.sortedRange('s', '', null, 100)).toEqual([
        'a\n2',
        'a\ny',
        'a\nz',
        'ab\nw',
        'b\nx',
      ]);
      expect(await store.sortedRange('s', 'a\n', 'a\u000b', 2)).toEqual(['a\n2', 'a\ny']);
      expect(await store.sortedRange('s', 'a\ny', 'a\u000b', 2)).toEqual(['a\nz']);
      await store.sortedRemove('s', ['a\ny', 'never-added']);
      expect(await store.sortedRange('s', 'a\n', 'a\u000b', 10)).toEqual(['a\n2', 'a\nz']);
      expect(await store.sortedHas('s', ['a\nz', 'a\ny', 'b\nx', 'b'])).toEqual([
        true,
        false,
        true,
        false,
      ]);
      expect(await store.sortedHas('s', [])).toEqual([]);
      expect(await store.sortedHas('missing', ['a'])).toEqual([false]);
      await store.delete('s');
      expect(await store.sortedRange('s', '', null, 10)).toEqual([]);
    });

    it('should deliver published messages to subscribers until they unsubscribe', async () => {
      const received: string[] = [];
      const unsubscribe = await store.subscribe('news', (message) => received.push(message));
      await store.publish('news', 'first');
      await store.publish('other', 'not for us');
      for (let i = 0; i < 50 && received.length < 1; i++) await sleep(10);
      expect(received).toEqual(['first']);
      await unsubscribe();
      await store.publish('news', 'second');
      await sleep(50);
      expect(received).toEqual(['first']);
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The kinds of key a store holds, one of each under `prefix`: answers their names. */
async function writeEveryKind(store: Store, prefix: string): Promise<string[]> {
  await store.set(`${prefix}string`, 'v', 60_000);
  await store.increment(`${prefix}counter`, 60_000);
  await store.addToSet(`${prefix}set`, 'm', 60_000);
  await store.streamAppend(`${prefix}stream:{s}`, ['e']);
  await store.hashSet(`${prefix}hash`, { f: 'v' });
  await store.sortedAdd(`${prefix}sorted`, ['m']);
  await store.takeSlots(`${prefix}slots:{t}`, ['h'], {
    counterKey: `${prefix}fails:{t}`,
    limit: 1,
    ttlMs: 60_000,
  });
  return ['string', 'counter', 'set', 'stream:{s}', 'hash', 'sorted', 'slots:{t}'].map(
    (name) => prefix + name,
  );
}

/** Whether a key `writeEveryKind` wrote still holds what it wrote. */
async function holds(store: Store, key: string): Promise<boolean> {
  const is = (name: string) => key.endsWith(name);
  if (is('string')) return (await store.get(key)) === 'v';
  if (is('counter')) return (await store.readCounter(key)).count === 1;
  if (is('set')) return (await store.setMembers(key)).includes('m');
  if (is('stream:{s}'))
    return (await store.streamRange(key, { after: '0' }, 1)).entries.length === 1;
  if (is('hash')) return (await store.hashGet(key, ['f']))[0] === 'v';
  if (is('sorted')) return (await store.sortedHas(key, ['m']))[0] === true;
  if (is('slots:{t}')) {
    // Its one slot still held: another holder gets none.
    const counterKey = `${key.slice(0, -'slots:{t}'.length)}fails:{t}`;
    const { taken } = await store.takeSlots(key, ['other'], {
      counterKey,
      limit: 1,
      ttlMs: 60_000,
    });
    // Taken: the slot was gone; give it back so that the key is gone again.
    if (taken === 1) await store.releaseSlot(key, 'other');
    return taken === 0;
  }
  throw new Error(`not a key writeEveryKind wrote: ${key}`);
}
