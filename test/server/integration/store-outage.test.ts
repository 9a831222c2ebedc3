import { execFileSync } from 'node:child_process';
import { type Simulator, startSimulator } from '../../../server/src/sandbox';
import { StoreUnavailableError } from '../../../server/src/stores/store';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { type RedisProcess, startRedisProcess } from '../../helpers/redis-process';
import { createTestRedisStore } from '../../helpers/stores';

// A dead or hung Redis is store.unavailable (503) within about a second, never a hung request,
// and the server recovers by itself when Redis is back. After one command timed out, no further
// command is sent until Redis answers again: Redis's own command counters show it.

let simulator: Simulator;
let redis: RedisProcess;
let gateway: TestGateway;

beforeAll(async () => {
  simulator = await startSimulator();
  redis = await startRedisProcess();
  gateway = await startTestGateway({
    simulator,
    // The server's deadline: what these tests are about.
    store: await createTestRedisStore({ url: redis.url, commandTimeoutMs: 500 }),
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

/** Commands Redis executed since the last reset, other than connection upkeep and our probes. */
function dataCommands(): Record<string, number> {
  const info = execFileSync('redis-cli', ['-p', String(redis.port), 'info', 'commandstats'], {
    encoding: 'utf8',
  });
  const upkeep = new Set(['ping', 'info', 'config', 'client', 'hello', 'select', 'command']);
  const counts: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_(\w+)(?:\|\w+)?:calls=(\d+)/gm)) {
    const command = match[1]!;
    if (!upkeep.has(command)) counts[command] = (counts[command] ?? 0) + Number(match[2]);
  }
  return counts;
}
const resetCommandStats = () =>
  execFileSync('redis-cli', ['-p', String(redis.port), 'config', 'resetstat']);

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

  it('should send nothing more to a Redis that timed out until it answers a PING again', async () => {
    const store = gateway.store;
    await store.get('warm'); // connected and ready
    resetCommandStats();
    redis.freeze();
    const outcomes: string[] = [];
    try {
      // Four sequential calls: without the fast failure each would wait a command timeout.
      for (const call of [
        () => store.get('a'),
        () => store.set('b', '1', 60_000),
        () => store.getMany(['c', 'd']),
        () => store.setIfAbsent('e', '1', 60_000),
      ]) {
        outcomes.push(
          await call().then(
            () => 'answered',
            (error) => (error instanceof StoreUnavailableError ? 'unavailable' : String(error)),
          ),
        );
      }
    } finally {
      redis.thaw();
    }
    expect(outcomes).toEqual(['unavailable', 'unavailable', 'unavailable', 'unavailable']);
    // Only the first call ever reached Redis (it ran once Redis was thawed).
    expect(dataCommands()).toEqual({ get: 1 });
    await eventually(async () => (await gateway.request('GET', '/readyz')).status === 200);
    expect(await store.get('b')).toBeNull();
  });

  it('should answer every request 503 without a store command once one timed out', async () => {
    const token = await gateway.login('wangwu');
    resetCommandStats();
    redis.freeze();
    const answers: string[] = [];
    try {
      for (const [method, path, body] of [
        ['GET', '/api/me'],
        ['GET', '/api/me'],
        ['GET', '/api/external-contacts/wmYsDemoCust01'],
        ['POST', '/api/external-contacts/lookup', { externalUserIds: ['wmYsDemoCust01'] }],
        ['POST', '/api/sessions', { code: simulator.issueLoginCode('wangwu') }],
        ['GET', '/readyz'],
      ] as const) {
        const answer = await gateway.request(method, path, { token, body });
        answers.push(`${path} ${answer.status} ${errorBody(answer.body).code}`);
      }
    } finally {
      redis.thaw();
    }
    expect(answers).toEqual([
      '/api/me 503 store.unavailable',
      '/api/me 503 store.unavailable',
      '/api/external-contacts/wmYsDemoCust01 503 store.unavailable',
      '/api/external-contacts/lookup 503 store.unavailable',
      '/api/sessions 503 store.unavailable',
      '/readyz 503 store.unavailable',
    ]);
    // The first request's session read is the one command sent while Redis was hung.
    expect(dataCommands()).toEqual({ get: 1 });
    await eventually(
      async () => (await gateway.request('GET', '/api/me', { token })).status === 200,
    );
  });
});
