import { Command } from 'ioredis';
import { z } from 'zod';
import { createFeed } from '../../server/src/stores/feed';
import {
  clusterMasters,
  clusterNodesSetting,
  redisCli,
  replicated,
  signalNode,
} from '../helpers/redis-topology';
import { startTestSimulator } from '../helpers/simulator';
import { expectIncreasing, uniquePrefix } from '../helpers/stores';
import {
  type Answer,
  type Instances,
  promotion,
  recoveredAt,
  sessionsMissing,
  startInstances,
  throughFailover,
  topology,
  topologyDir,
} from '../helpers/topology';

// One Redis Cluster master killed, then another frozen, under two app instances that every
// employee keeps asking GET /api/me of. Only the employees whose sessions that master serves get
// errors — each 503 store.unavailable within the deadline — while every other employee is
// answered; the killed master's keys work again once its replica has taken over, with no session
// lost; and each instance's log tells the story in two lines. Last, a feed on a master that dies
// with appends its replica never saw: no position is given twice.
jest.setTimeout(120_000);

const { faultCluster: cluster } = topology();
const dir = topologyDir('faultCluster');
/** The store's command deadline, and what an answer may add to it on a loaded machine. */
const DEADLINE_MS = 500;
const ANSWER_SLACK_MS = 700;

let instances: Instances;
beforeAll(async () => {
  const simulator = await startTestSimulator();
  instances = await startInstances(simulator, {
    REDIS_CLUSTER_NODES: clusterNodesSetting(cluster),
    REDIS_KEY_PREFIX: uniquePrefix(),
  });
});
afterAll(() => instances.close());

/** The master serving a hash tag's slot (an employee's sessions: their userid). */
function masterOf(masters: Map<number, [number, number][]>, tag: string): number {
  const slot = new Command('get', [`{${tag}}`]).getSlot()!;
  for (const [port, ranges] of masters)
    if (ranges.some(([from, to]) => slot >= from && slot <= to)) return port;
  throw new Error(`no master serves slot ${slot}`);
}

/** The replica of `master` (from CLUSTER NODES), if it has one. */
async function replicaOf(master: number): Promise<number | undefined> {
  const nodes = (await redisCli(master, ['cluster', 'nodes'])).trim().split('\n');
  const id = nodes.find((line) => line.includes('myself'))!.split(' ')[0]!;
  const replica = nodes.find((line) => line.split(' ')[3] === id && !line.includes('fail'));
  return replica === undefined
    ? undefined
    : Number(replica.split(' ')[1]!.split('@')[0]!.split(':')[1]);
}

/** Everyone else answered 200; `failing` employees 200, or 503 within the deadline. */
function onlyTheirKeysFailed(answers: Answer[], failing: string[]) {
  const others = answers.filter((answer) => !failing.includes(answer.userid));
  expect(others.filter((answer) => answer.status !== 200)).toEqual([]);
  const refused = answers.filter((answer) => answer.status !== 200);
  expect(refused.length).toBeGreaterThan(0);
  expect(new Set(refused.map((answer) => `${answer.status} ${answer.code}`))).toEqual(
    new Set(['503 store.unavailable']),
  );
  expect(Math.max(...refused.map((answer) => answer.ms))).toBeLessThan(
    DEADLINE_MS + ANSWER_SLACK_MS,
  );
}

/** Each instance's log: one warning naming the node, then one line when it is over. */
async function toldInTwoLines(from: number[], warning: string) {
  for (const lines of await instances.told(from))
    expect(lines).toEqual([
      [40, expect.stringContaining(warning)],
      [30, expect.stringMatching(/^Redis available again after/)],
    ]);
}

it('a killed master costs errors for its keys only, until its replica takes over; no session is lost', async () => {
  const masters = await clusterMasters(cluster);
  const victim = masterOf(masters, 'sunqi');
  const failing = instances.users.filter((userid) => masterOf(masters, userid) === victim);
  const replica = (await replicaOf(victim))!;
  await replicated(victim);
  const from = instances.mark();

  const killedAt = performance.now();
  signalNode(dir, victim, 'SIGKILL');
  let promotedAt: number | undefined;
  const promoted = promotion(replica).then((at) => {
    promotedAt = at;
  });
  const answers = await throughFailover(instances, () => promotedAt !== undefined);
  await promoted;
  expect(promotedAt).toBeDefined();

  onlyTheirKeysFailed(answers, failing);
  // The failover itself (node timeout, failure reports, the replica's election) is the
  // cluster's; this server's part is to follow it: within a second of the replica's promotion.
  const recovered = recoveredAt(answers);
  expect(recovered - promotedAt!).toBeLessThan(1000);
  const failed = answers.filter((answer) => answer.status !== 200).length;
  console.info(
    `master killed: replica promoted after ${Math.round(promotedAt! - killedAt)} ms, its keys answered again after ${Math.round(recovered - killedAt)} ms (cluster-node-timeout ${cluster.nodeTimeoutMs} ms); ${failed} of ${answers.length} answers failed`,
  );
  // Every session made before the kill is still there, on both instances.
  expect(await sessionsMissing(instances)).toEqual([]);
  await toldInTwoLines(from, `node 127.0.0.1:${victim}`);
});

it('a frozen master fails only its keys, each within the deadline, while the others answer', async () => {
  const masters = await clusterMasters(cluster);
  const frozen = masterOf(masters, 'zhangsan');
  const failing = instances.users.filter((userid) => masterOf(masters, userid) === frozen);
  const from = instances.mark();
  const answers: Answer[] = [];
  signalNode(dir, frozen, 'SIGSTOP');
  try {
    // Shorter than cluster-node-timeout: no failover, the master just does not answer.
    const until = performance.now() + cluster.nodeTimeoutMs - 500;
    while (performance.now() < until) answers.push(...(await instances.everyone()));
  } finally {
    signalNode(dir, frozen, 'SIGCONT');
  }
  onlyTheirKeysFailed(answers, failing);
  const after = await throughFailover(instances, () => true);
  expect(after.slice(-instances.users.length * 2).every((a) => a.status === 200)).toBe(true);
  await toldInTwoLines(from, `node 127.0.0.1:${frozen}: no answer within ${DEADLINE_MS} ms`);
});

it('never gives a feed position twice, also when the failover lost the last appends', async () => {
  const store = instances.gateways[0]!.store;
  const masters = await clusterMasters(cluster);
  // A feed whose stream lies on a master that has a replica to take over.
  let name = '';
  let master = 0;
  let replica: number | undefined;
  for (let i = 0; replica === undefined; i += 1) {
    name = `failover-${i}`;
    master = masterOf(masters, name);
    replica = await replicaOf(master);
  }
  const feed = createFeed(store, { name, schema: z.object({ n: z.number() }), retentionDays: 30 });
  const given: string[] = [];
  const append = async (n: number) => given.push((await feed.append([{ n }]))[0]!.seq);
  for (let n = 0; n < 20; n += 1) await append(n);
  await replicated(master);
  // The master drops its replica (frozen, so that it cannot come back), takes 20 more appends,
  // then dies: the replica that takes over has never seen them.
  signalNode(dir, replica, 'SIGSTOP');
  await redisCli(master, ['client', 'kill', 'type', 'replica']);
  for (let n = 20; n < 40; n += 1) await append(n);
  signalNode(dir, master, 'SIGKILL');
  signalNode(dir, replica, 'SIGCONT');
  const deadline = performance.now() + 30_000;
  for (let n = 40; n < 60 && performance.now() < deadline; ) {
    await append(n).then(
      () => {
        n += 1;
      },
      () => new Promise((resolve) => setTimeout(resolve, 100)),
    );
  }
  expect(given).toHaveLength(60);
  const kept = (await feed.read({ range: { after: '0' }, limit: 100 })).entries;
  const lost = given.filter((seq) => !kept.some((entry) => entry.seq === seq));
  // The lost appends are gone with the master; the 20 after the failover got new positions,
  // above every position given before it, lost ones included.
  expect(lost).toEqual(given.slice(20, 40));
  expectIncreasing(given);
  expect(kept.map((entry) => entry.n)).toEqual([
    ...Array.from({ length: 20 }, (_, n) => n),
    ...Array.from({ length: 20 }, (_, n) => 40 + n),
  ]);
});
