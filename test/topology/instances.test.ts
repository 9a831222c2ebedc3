import { Cluster, Redis } from 'ioredis';
import type { Simulator } from '../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../helpers/gateway';
import { settledSync, TEST_ORG_TUNING } from '../helpers/org';
import { clusterNodesSetting, sentinelsSetting } from '../helpers/redis-topology';
import { startTestSimulator } from '../helpers/simulator';
import { uniquePrefix } from '../helpers/stores';
import { topology } from '../helpers/topology';

// Two app instances on one Redis Cluster, and on one Sentinel set, as operators configure them:
// a session made on one is the other's too, and an org sync asked of one runs as a BullMQ job.
jest.setTimeout(60_000);

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const { cluster, sentinel } = topology();

describe.each([
  [
    'Redis Cluster',
    { REDIS_CLUSTER_NODES: clusterNodesSetting(cluster) },
    () => new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port }))),
  ],
  [
    'Redis Sentinel',
    { REDIS_SENTINELS: sentinelsSetting(sentinel), REDIS_SENTINEL_NAME: sentinel.name },
    () => new Redis({ host: '127.0.0.1', port: sentinel.master }),
  ],
] as const)('two instances on %s', (_topology, redisEnv, direct) => {
  let simulator: Simulator;
  let one: TestGateway;
  let two: TestGateway;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    simulator = await startTestSimulator();
    const env = { ...redisEnv, ADMIN_TOKEN, REDIS_KEY_PREFIX: prefix };
    [one, two] = await Promise.all(
      [0, 1].map(() => startTestGateway({ simulator, env, orgSync: TEST_ORG_TUNING })),
    );
  });
  afterAll(async () => {
    for (const gateway of [one, two]) {
      await gateway.close();
      await gateway.store.close();
    }
  });

  it('share sessions: made on one, read on the other, ended on the other for both', async () => {
    const tokens = await Promise.all(
      ['zhangsan', 'sunqi', 'wangwu'].map((userid, i) => (i % 2 ? two : one).login(userid)),
    );
    for (const token of tokens) {
      for (const gateway of [one, two])
        expect((await gateway.request('GET', '/api/me', { token })).status).toBe(200);
    }
    expect(
      (await two.request('DELETE', '/api/sessions/current', { token: tokens[0] })).status,
    ).toBe(204);
    const gone = await one.request('GET', '/api/me', { token: tokens[0] });
    expect(gone.status).toBe(401);
    expect(errorBody(gone.body).code).toBe('auth.session_expired');
    expect((await one.request('GET', '/api/me', { token: tokens[1] })).status).toBe(200);
  });

  it('run an org sync asked through the admin API as a BullMQ job', async () => {
    const asked = await one.request('POST', '/api/admin/org/sync', { token: ADMIN_TOKEN });
    expect(asked.status).toBe(202);
    const done = await settledSync(two, ADMIN_TOKEN);
    expect(done.last).toMatchObject({ ok: true, changes: 18 });
    const members = await two.request<{ members: unknown[] }>(
      'GET',
      '/api/admin/org/members?limit=100',
      { token: ADMIN_TOKEN },
    );
    expect(members.body.members).toHaveLength(13);
    // The job went through BullMQ's queue in this Redis (its keys under the job prefix).
    const redis = direct();
    try {
      expect(await redis.zcard(`{${prefix}jobs}:org-sync:completed`)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });
});
