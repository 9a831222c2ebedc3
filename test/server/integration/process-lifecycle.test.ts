import type { Simulator } from '../../../server/src/sandbox';
import { startGatewayProcess } from '../../helpers/gateway-process';
import { startTestSimulator } from '../../helpers/simulator';
import { testRedisUrl, uniquePrefix } from '../../helpers/stores';

jest.setTimeout(60_000);

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startTestSimulator();
});
afterEach(() => simulator.clearFaults());

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('graceful shutdown', () => {
  it('finishes an in-flight login after SIGTERM, then exits 0', async () => {
    const gateway = await startGatewayProcess({
      simulator,
      redisUrl: testRedisUrl(),
      prefix: uniquePrefix(),
    });
    await gateway.login('zhangsan'); // token warm: the slow call below is jscode2session
    simulator.resetCalls();
    simulator.injectFault({ api: 'miniprogram/jscode2session', kind: 'latency', ms: 1500 });

    const slow = gateway.request<{ token: string }>('POST', '/api/sessions', {
      body: { code: simulator.issueLoginCode('lisi') },
    });
    await until(() => simulator.calls('miniprogram/jscode2session') === 1);
    gateway.child.kill('SIGTERM');

    const answer = await slow;
    expect(answer.status).toBe(201);
    expect(answer.body.token).toEqual(expect.any(String));
    expect(await gateway.exited).toBe(0);
  });
});

describe('WEB_CONCURRENCY', () => {
  it('serves from node:cluster workers sharing Redis and stops them all on SIGTERM', async () => {
    const gateway = await startGatewayProcess({
      simulator,
      redisUrl: testRedisUrl(),
      prefix: uniquePrefix(),
      env: { WEB_CONCURRENCY: '2' },
    });
    const token = await gateway.login('wangwu');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => gateway.request('GET', '/api/me', { token })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(await gateway.stop()).toBe(0);
  });

  it('refuses more than one worker without Redis, naming the key', async () => {
    await expect(
      startGatewayProcess({
        simulator,
        redisUrl: '',
        prefix: uniquePrefix(),
        env: { WEB_CONCURRENCY: '2' },
      }),
    ).rejects.toThrow(/WEB_CONCURRENCY above 1 needs REDIS_URL/);
  });
});
