import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { createFeed } from '../../../server/src/stores/feed';
import { compareStreamIds, type Store } from '../../../server/src/stores/store';
import { freePort, type RedisProcess, startRedisProcess } from '../../helpers/redis-process';
import { createTestRedisStore, uniquePrefix } from '../../helpers/stores';

// A failover that loses the last appends, as asynchronous replication allows: a master and its
// replica of the test's own; the replica stops receiving writes, the master takes two more
// appends that a reader sees, the master dies, the replica is promoted and takes new appends.
// With a counter, the promoted replica would hand the lost positions out again and the reader,
// following from the last position it saw, would skip the new records.
jest.setTimeout(30_000);

const schema = z.object({ id: z.string() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let master: RedisProcess;
let replica: RedisProcess;
const stores: Store[] = [];
const clients: Redis[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const client of clients.splice(0)) client.disconnect();
  await Promise.all([master?.stop(), replica?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

async function linkUp(client: Redis): Promise<void> {
  // Up to 15 s: the first sync forks the master for a snapshot, slow on a loaded machine.
  for (let i = 0; i < 300; i++) {
    if ((await client.info('replication')).includes('master_link_status:up')) return;
    await sleep(50);
  }
  throw new Error('the replica never synced');
}

it('gives no position twice when a replica that missed the last appends is promoted', async () => {
  // The replica's copy of the master's data goes to a directory of the test's own.
  dir = mkdtempSync(join(tmpdir(), 'feed-failover-'));
  master = await startRedisProcess({ args: ['--dir', dir] });
  replica = await startRedisProcess({
    args: ['--dir', dir, '--replicaof', '127.0.0.1', String(master.port)],
  });
  const replicaAdmin = new Redis(replica.url, { lazyConnect: true });
  const masterAdmin = new Redis(master.url, { lazyConnect: true });
  clients.push(replicaAdmin);
  await linkUp(replicaAdmin);

  const prefix = uniquePrefix();
  const onMaster = await createTestRedisStore({ url: master.url, prefix });
  const feed = createFeed(onMaster, { name: 'org-changes', schema, retentionDays: 30 });
  await feed.append([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
  expect(await masterAdmin.wait(1, 5000)).toBe(1);

  // The link breaks: the replica now follows a master that is not there and keeps its data.
  await replicaAdmin.replicaof('127.0.0.1', String(await freePort()));
  await feed.append([{ id: 'lost-1' }, { id: 'lost-2' }]);
  const seen = (await feed.read({ range: { after: '0' }, limit: 10 })).entries;
  expect(seen.map((entry) => entry.id)).toEqual(['a', 'b', 'c', 'lost-1', 'lost-2']);
  const lastSeen = seen.at(-1)!.seq;

  // The master dies; the failover notices (in real deployments after seconds) and promotes
  // the replica, which never got the last two appends.
  await onMaster.close();
  masterAdmin.disconnect();
  await master.stop();
  await sleep(5);
  await replicaAdmin.replicaof('NO', 'ONE');
  const onReplica = await createTestRedisStore({ url: replica.url, prefix });
  stores.push(onReplica);
  const promoted = createFeed(onReplica, { name: 'org-changes', schema, retentionDays: 30 });
  expect(
    (await promoted.read({ range: { after: '0' }, limit: 10 })).entries.map((entry) => entry.id),
  ).toEqual(['a', 'b', 'c']);

  const fresh = await promoted.append([{ id: 'new-1' }, { id: 'new-2' }]);
  const seenSeqs = seen.map((entry) => entry.seq);
  for (const { seq } of fresh) {
    expect(seenSeqs).not.toContain(seq);
    expect(compareStreamIds(seq, lastSeen)).toBeGreaterThan(0);
  }
  // The reader follows on from the last position it saw and misses none of the new records.
  expect(await promoted.read({ range: { after: lastSeen }, limit: 10 })).toEqual({
    entries: fresh,
    next: null,
  });
});
