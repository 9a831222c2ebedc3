import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Org } from '../../../server/src/org';
import type { Simulator } from '../../../server/src/sandbox';
import { GROUP_CORP_ID, groupCorp } from '../../../server/src/sandbox/group-corp';
import { CUSTOM_SUITE_ID, demoSuites } from '../../../server/src/sandbox/suites';
import { eventually } from '../../helpers/callbacks';
import { startTestGateway, type TestGateway } from '../../helpers/gateway';
import { plain, readSnapshot, TEST_ORG_TUNING, truthOf } from '../../helpers/org';
import { startTestSimulator } from '../../helpers/simulator';
import { testRedisUrl, uniquePrefix } from '../../helpers/stores';

// One job engine per process: a deployment of several corps runs every corp's org
// syncs and webhook deliveries on one BullMQ queue and worker each, so the Redis connections of
// the process do not grow with its corps; each job names its corp, whose services run it.

const B = GROUP_CORP_ID;
// More sister corps: the group corp's seed under other corp IDs.
const MORE = ['ww7c6d5e4f3a2b1c01', 'ww7c6d5e4f3a2b1c02'];
const ADMIN_TOKEN = 'corps-jobs-admin-token-0123456789';

let simulator: Simulator;
const gateways: TestGateway[] = [];
beforeAll(async () => {
  simulator = await startTestSimulator({
    moreCorps: [groupCorp(), ...MORE.map((corpId) => ({ ...groupCorp(), corpId }))],
    provider: { suites: demoSuites() },
  });
});
afterAll(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

/** This process's open connections to the test Redis. */
function redisSockets(): number {
  const port = Number(new URL(testRedisUrl()).port);
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter(
    (handle) => handle instanceof Socket && !handle.destroyed && handle.remotePort === port,
  ).length;
}

/** The count once it has not moved for half a second (connections are made on first use). */
async function settledSockets(): Promise<number> {
  let last = -1;
  let same = 0;
  for (let i = 0; i < 200 && same < 5; i++) {
    const now = redisSockets();
    same = now === last ? same + 1 : 0;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return last;
}

async function deployment(corps: readonly Pick<Simulator, 'corpId'>[], prefix = uniquePrefix()) {
  const gateway = await startTestGateway({
    simulator,
    prefix,
    corps: corps.map((corp) => simulator.corp(corp.corpId)),
    // The job engine on the test Redis (a gateway without REDIS_URL runs jobs in-process).
    env: { ADMIN_TOKEN, REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix },
    orgSync: TEST_ORG_TUNING,
  });
  gateways.push(gateway);
  const orgOf = (corpId: string): Org =>
    gateway.deployment.scopes().find((scope) => scope.corpId === corpId)!.deps.org;
  return { gateway, orgOf };
}

/** Requests a full sync and waits for it to have finished well. */
async function synced(org: Org) {
  await org.requestSync();
  return eventually(
    () => org.syncStatus(),
    (status) => !status.running && status.last?.ok === true,
    20_000,
  );
}

async function close(gateway: TestGateway) {
  gateways.splice(gateways.indexOf(gateway), 1);
  await gateway.close();
}

it('holds as many Redis connections with four corps as with one', async () => {
  const before = await settledSockets();
  const one = await deployment([simulator]);
  await synced(one.orgOf(simulator.corpId));
  const withOne = (await settledSockets()) - before;
  await close(one.gateway);
  expect(await settledSockets()).toBe(before);

  const four = await deployment([simulator, { corpId: B }, ...MORE.map((corpId) => ({ corpId }))]);
  await synced(four.orgOf(B));
  await synced(four.orgOf(MORE[1]!));
  const withFour = (await settledSockets()) - before;
  await close(four.gateway);
  // The store's connections, and one job engine's: none more per corp.
  expect(withOne).toBeGreaterThan(0);
  expect(withFour).toBe(withOne);
}, 90_000);

it('shares one HTTP layer to WeCom, and one pool and pacer for webhook deliveries, among its corps', async () => {
  const { gateway } = await deployment([simulator, { corpId: B }, { corpId: MORE[0]! }]);
  const scopes = gateway.deployment.scopes();
  expect(scopes.map((scope) => scope.corpId)).toEqual([simulator.corpId, B, MORE[0]]);
  const [home, ...others] = scopes.map((scope) => scope.deps.transports);
  for (const transports of others) {
    expect(transports.wecom.http).toBe(home!.wecom.http);
    expect(transports.webhooks).toBe(home!.webhooks);
  }
  // A corp that closes leaves them open for the others.
  await scopes[1]!.deps.close();
  expect(home!.webhooks.agent.closed).toBe(false);
  await synced(scopes[0]!.deps.org);
  await close(gateway);
  expect(home!.webhooks.agent.closed).toBe(true);
});

describe('org syncs of two corps on the shared queue', () => {
  const prefix = uniquePrefix();
  let orgOf: (corpId: string) => Org;
  let redis: Redis;
  let queue: Queue;
  beforeAll(async () => {
    ({ orgOf } = await deployment([simulator, { corpId: B }], prefix));
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    queue = new Queue('org-sync', { connection: redis, prefix: `{${prefix}jobs}` });
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
  });

  it('runs each corp’s sync as its own job and writes its snapshot under its own keys', async () => {
    await Promise.all([synced(orgOf(simulator.corpId)), synced(orgOf(B))]);
    for (const corp of [simulator, simulator.corp(B)])
      expect(plain(await readSnapshot(orgOf(corp.corpId)))).toEqual(
        plain(truthOf(corp.orgVisibleTo())),
      );
    // One queue under the home corp's prefix, one job per corp naming it (the home corp's none).
    const jobs = await queue.getJobs(['completed']);
    expect(jobs.map((job) => job.data.scope ?? 'home').sort()).toEqual(['home', B].sort());
    const keys = await redis.keys(`*${prefix}*`);
    expect(keys.filter((key) => key.startsWith(`{${prefix}corp:`))).toEqual([]);
    expect(keys).toContain(`${prefix}org:{org}:meta`);
    expect(keys).toContain(`${prefix}corp:${B}:org:{org}:meta`);
  }, 60_000);

  it('skips a job of a corp it does not serve, once', async () => {
    const job = await queue.add('full-sync', { scope: 'ww0000000000000000' }, { attempts: 3 });
    const state = await eventually(
      () => job.getState(),
      (now) => now === 'completed' || now === 'failed',
      20_000,
    );
    expect(state).toBe('completed');
    const done = await queue.getJob(job.id!);
    expect(done?.returnvalue).toEqual({ skipped: true });
    expect(done?.attemptsMade).toBe(1);
  }, 30_000);
});

describe('periodic syncs of an installed corp', () => {
  const prefix = uniquePrefix();
  const env: Record<string, string> = {
    CORP_SECRETS_KEY: randomBytes(32).toString('base64'),
    SUITE0_TOKEN: 'suiteToken0',
    SUITE0_AES_KEY: randomBytes(32).toString('base64').replace(/[+/=]/g, 'a').slice(0, 43),
    SUITE1_TOKEN: 'suiteToken1',
    SUITE1_AES_KEY: randomBytes(32).toString('base64').replace(/[+/=]/g, 'b').slice(0, 43),
    ADMIN_TOKEN,
    ORG_SYNC_INTERVAL_SECONDS: '3600',
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: prefix,
  };
  let redis: Redis;
  let queue: Queue;
  beforeAll(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    queue = new Queue('org-sync', { connection: redis, prefix: `{${prefix}jobs}` });
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
  });
  const schedulers = async () =>
    (await queue.getJobSchedulers()).map((scheduler) => scheduler.key).sort();
  const start = async () => {
    const gateway = await startTestGateway({
      simulator,
      prefix,
      corps: [simulator],
      suites: demoSuites(),
      env,
    });
    gateways.push(gateway);
    for (const [i, suite] of demoSuites().entries()) {
      const saved = await simulator.provider!.registerSuiteCallback(suite.suiteId, {
        url: `${gateway.base}/wecom/suites/${suite.suiteId}/callback`,
        token: env[`SUITE${i}_TOKEN`]!,
        encodingAesKey: env[`SUITE${i}_AES_KEY`]!,
      });
      expect(saved).toMatchObject({ verified: true });
    }
    return gateway;
  };
  const home = 'org-sync-every';
  const ofB = `org-sync-every:${B}`;

  it('keeps them across a shutdown, and removes them when the corp cancels', async () => {
    let gateway = await start();
    await simulator.provider!.install(CUSTOM_SUITE_ID, B);
    expect(await eventually(schedulers, (keys) => keys.includes(ofB), 5000)).toEqual(
      [home, ofB].sort(),
    );
    // A shutdown is not a removal: the other instances serve the corp still.
    await close(gateway);
    expect(await schedulers()).toEqual([home, ofB].sort());
    gateway = await start();
    await simulator.provider!.cancelAuth(CUSTOM_SUITE_ID, B);
    expect(await eventually(schedulers, (keys) => !keys.includes(ofB), 5000)).toEqual([home]);
    await close(gateway);
  }, 60_000);
});
