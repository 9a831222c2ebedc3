import { type Simulator, startSimulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { type RedisProcess, startRedisProcess } from '../../helpers/redis-process';
import { createTestRedisStore } from '../../helpers/stores';

// A dead or hung Redis is store.unavailable (503) within about a second, never a hung request,
// and the server recovers by itself when Redis is back.

let simulator: Simulator;
let redis: RedisProcess;
let gateway: TestGateway;

beforeAll(async () => {
  simulator = await startSimulator();
  redis = await startRedisProcess();
  gateway = await startTestGateway({
    simulator,
    store: await createTestRedisStore({ url: redis.url }),
  });
});
afterAll(async () => {
  await gateway.close();
  await gateway.store.close();
  await redis.stop();
  await simulator.close();
});

async function eventually(check: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

describe('Redis outages', () => {
  it('should answer store.unavailable while Redis is down and recover without a restart', async () => {
    const token = await gateway.login('zhangsan');
    await redis.stop();

    const me = await timed(() => gateway.request('GET', '/api/me', { token }));
    expect(me.value.status).toBe(503);
    expect(errorBody(me.value.body).code).toBe('store.unavailable');
    expect(me.ms).toBeLessThan(1500);
    const ready = await gateway.request('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect((await gateway.request('GET', '/healthz')).status).toBe(200);

    await redis.start();
    await eventually(async () => (await gateway.request('GET', '/readyz')).status === 200);
    // The old session lived only in the Redis that died; a new login works again.
    const again = await gateway.login('zhangsan');
    expect((await gateway.request('GET', '/api/me', { token: again })).status).toBe(200);
  });

  it('should answer store.unavailable when Redis hangs instead of waiting for it', async () => {
    const token = await gateway.login('lisi');
    redis.freeze();
    try {
      const me = await timed(() => gateway.request('GET', '/api/me', { token }));
      expect(me.value.status).toBe(503);
      expect(errorBody(me.value.body).code).toBe('store.unavailable');
      expect(me.ms).toBeLessThan(1500);
    } finally {
      redis.thaw();
    }
    await eventually(
      async () => (await gateway.request('GET', '/api/me', { token })).status === 200,
    );
  });
});
