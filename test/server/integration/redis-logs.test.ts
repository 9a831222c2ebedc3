import type { Simulator } from '../../../server/src/sandbox';
import { type GatewayProcess, startGatewayProcess } from '../../helpers/gateway-process';
import { type RedisProcess, startRedisProcess } from '../../helpers/redis-process';
import { startTestSimulator } from '../../helpers/simulator';
import { uniquePrefix } from '../../helpers/stores';

// What an operator reads while Redis is away, from the server process itself (its store, the
// contacts broadcast's subscriber and the org sync's BullMQ connections all lose Redis): one
// warning that names REDIS_URL without its password and what to check, then one line when Redis
// is back — not a line per request, per connection or per reconnect attempt.
jest.setTimeout(60_000);

const PASSWORD = 'redis-password-never-logged';
let simulator: Simulator;
let redis: RedisProcess;
let gateway: GatewayProcess;
const log: string[] = [];

beforeAll(async () => {
  simulator = await startTestSimulator();
  redis = await startRedisProcess({ password: PASSWORD });
  gateway = await startGatewayProcess({
    simulator,
    redisUrl: `redis://:${PASSWORD}@127.0.0.1:${redis.port}`,
    prefix: uniquePrefix(),
    env: { LOG_LEVEL: 'info' },
    log,
  });
});
afterAll(async () => {
  await gateway.stop();
  await redis.stop();
  await simulator.close();
});

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The log lines other than the access log's one line per request. */
const told = (from: number) =>
  log
    .slice(from)
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((line) => line.msg !== 'request');

it('tells of an outage in one warning naming REDIS_URL, and of its end in one line', async () => {
  const token = await gateway.login('zhangsan');
  const from = log.length;
  await redis.stop();
  const answers = new Set<string>();
  const until = Date.now() + 3000;
  let requests = 0;
  while (Date.now() < until) {
    const [me, ready] = await Promise.all([
      gateway.request('GET', '/api/me', { token }),
      gateway.request('GET', '/readyz'),
    ]);
    answers.add(`/api/me ${me.status}, /readyz ${ready.status}`);
    requests += 2;
  }
  expect([...answers]).toEqual(['/api/me 503, /readyz 503']);
  expect(requests).toBeGreaterThan(20);

  await redis.start();
  // Back once every connection is: the store's, the subscriber's and the job engine's.
  await eventually(() => told(from).some((line) => /available again/.test(line.msg)));
  const lines = told(from);
  expect(lines.map((line) => line.level)).toEqual([40, 30]);
  const [down, back] = lines.map((line) => line.msg) as [string, string];
  expect(down).toContain(`Redis unavailable (REDIS_URL=redis://***@127.0.0.1:${redis.port})`);
  expect(down).toContain('ECONNREFUSED');
  expect(down).toContain('check that Redis runs at that address');
  expect(back).toMatch(/^Redis available again after \d+(\.\d)? s$/);
  expect(log.join('\n')).not.toContain(PASSWORD);
  expect((await gateway.request('GET', '/readyz')).status).toBe(200);
});
