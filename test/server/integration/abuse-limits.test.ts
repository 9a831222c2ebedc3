import jwt from 'jsonwebtoken';
import { Agent, type Dispatcher } from 'undici';
import type { Simulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startGatewayProcess } from '../../helpers/gateway-process';
import { startTestSimulator } from '../../helpers/simulator';
import {
  createTestRedisStore,
  silentLogger,
  testRedisUrl,
  uniquePrefix,
} from '../../helpers/stores';

// Bursts of hundreds of logins: generous on a loaded machine.
jest.setTimeout(60_000);

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startTestSimulator();
});

const gateways: TestGateway[] = [];
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
});
async function gatewayWith(env: Record<string, string>, store?: TestGateway['store']) {
  const gateway = await startTestGateway({ simulator, env, store });
  gateways.push(gateway);
  return gateway;
}

const login = (gateway: TestGateway, code: string, forwardedFor: string, dispatcher?: Dispatcher) =>
  gateway.request('POST', '/api/sessions', {
    body: { code },
    headers: { 'x-forwarded-for': forwardedFor },
    dispatcher,
  });
const realCode = (userid = 'zhangsan') => simulator.issueLoginCode(userid);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const statuses = async (answers: Promise<{ status: number }>[]) =>
  (await Promise.all(answers)).map((answer) => answer.status);
const DEMO_EMPLOYEES = ['zhangsan', 'lisi', 'wangwu', 'zhaoliu', 'sunqi', 'zhouba', 'wujiu'];
const employeeAt = (i: number) => DEMO_EMPLOYEES[i % DEMO_EMPLOYEES.length]!;

describe('login limits (failed logins per client IP, code exchanges overall)', () => {
  it('counts failed logins, not successful ones, and answers 429 with Retry-After after the limit', async () => {
    const gateway = await gatewayWith({
      RATE_LIMIT_LOGIN_PER_MINUTE: '2',
      TRUSTED_PROXY_HOPS: '1',
    });
    const ip = '203.0.113.7';
    for (let i = 0; i < 5; i++) expect((await login(gateway, realCode(), ip)).status).toBe(201);
    expect((await login(gateway, 'garbage-1', ip)).status).toBe(401);
    expect((await login(gateway, 'garbage-2', ip)).status).toBe(401);
    simulator.resetCalls();
    const refused = await login(gateway, realCode(), ip);
    expect(refused.status).toBe(429);
    expect(errorBody(refused.body).code).toBe('request.rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(simulator.calls('miniprogram/jscode2session')).toBe(0);
    // Another IP is not affected.
    expect((await login(gateway, realCode(), '203.0.113.8')).status).toBe(201);
  });

  it('counts a replayed code as a failed login, without asking WeCom', async () => {
    const gateway = await gatewayWith({
      RATE_LIMIT_LOGIN_PER_MINUTE: '1',
      TRUSTED_PROXY_HOPS: '1',
    });
    const code = realCode();
    expect((await login(gateway, code, '198.51.100.20')).status).toBe(201);
    simulator.resetCalls();
    const replay = await login(gateway, code, '198.51.100.20');
    expect(replay.status).toBe(401);
    expect(errorBody(replay.body).code).toBe('auth.invalid_code');
    expect(simulator.calls('miniprogram/jscode2session')).toBe(0);
    expect((await login(gateway, realCode(), '198.51.100.20')).status).toBe(429);
  });

  it('refuses invalid bodies before any counter, so junk cannot lock an office out', async () => {
    const gateway = await gatewayWith({
      RATE_LIMIT_LOGIN_PER_MINUTE: '2',
      TRUSTED_PROXY_HOPS: '1',
    });
    const junk = await statuses(
      Array.from({ length: 30 }, () =>
        gateway.request('POST', '/api/sessions', {
          body: {},
          headers: { 'x-forwarded-for': '192.0.2.50' },
        }),
      ),
    );
    expect(new Set(junk)).toEqual(new Set([400]));
    expect((await login(gateway, realCode(), '192.0.2.50')).status).toBe(201);
  });

  it('bounds what 1,000 garbage codes sent at once from one IP cost WeCom, then refuses that IP at once until the window ends', async () => {
    const gateway = await gatewayWith({
      RATE_LIMIT_LOGIN_PER_MINUTE: '20',
      TRUSTED_PROXY_HOPS: '1',
    });
    const ip = '203.0.113.66';
    const colleague = await gateway.login('lisi');
    simulator.resetCalls();
    // A connection per request: on a loaded machine, a kept-alive connection that the server
    // closes as idle just as the next request is sent would fail that request.
    const oneShot = new Agent({ pipelining: 0 });
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => login(gateway, `garbage-code-${i}`, ip, oneShot)),
    ).finally(() => oneShot.close());
    const counts = new Map<number, number>();
    for (const { status } of answers) counts.set(status, (counts.get(status) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([401, 429]);
    expect(simulator.calls('miniprogram/jscode2session')).toBe(20);
    expect(counts.get(401)).toBe(20);

    // Past its failure limit, the IP's own employees are refused too, at once and without a
    // WeCom call (a code cannot be told from garbage without spending an exchange), and told
    // when to come back; employees logged in before keep working, and other IPs log in.
    simulator.resetCalls();
    const employee = await login(gateway, realCode('zhangsan'), ip);
    expect(employee.status).toBe(429);
    expect(errorBody(employee.body).code).toBe('request.rate_limited');
    const retryAfter = Number(employee.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(simulator.calls('miniprogram/jscode2session')).toBe(0);
    expect((await gateway.request('GET', '/api/me', { token: colleague })).status).toBe(200);
    expect((await login(gateway, realCode('zhangsan'), '203.0.113.67')).status).toBe(201);
  });

  it('lets a burst through the slots an IP has left below its failure limit', async () => {
    const gateway = await gatewayWith({
      RATE_LIMIT_LOGIN_PER_MINUTE: '20',
      TRUSTED_PROXY_HOPS: '1',
    });
    const ip = '203.0.113.70';
    for (let i = 0; i < 19; i++) expect((await login(gateway, `typo-${i}`, ip)).status).toBe(401);
    // One slot left: the 20 go through it one after the other, within their deadline.
    const burst = await statuses(
      Array.from({ length: 20 }, (_, i) => login(gateway, realCode(employeeAt(i)), ip)),
    );
    expect(burst).toEqual(Array(20).fill(201));
    expect((await login(gateway, 'typo-19', ip)).status).toBe(401);
    expect((await login(gateway, realCode(), ip)).status).toBe(429);
  });

  it('caps code exchanges across the cluster, and does not charge the client for it', async () => {
    const gateway = await gatewayWith({
      RATE_LIMIT_LOGIN_PER_MINUTE: '1',
      RATE_LIMIT_LOGIN_EXCHANGES_PER_MINUTE: '2',
      TRUSTED_PROXY_HOPS: '1',
    });
    expect((await login(gateway, realCode(), '198.51.100.30')).status).toBe(201);
    expect((await login(gateway, realCode(), '198.51.100.31')).status).toBe(201);
    simulator.resetCalls();
    const capped = await login(gateway, realCode(), '198.51.100.32');
    expect(capped.status).toBe(429);
    expect(capped.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(simulator.calls('miniprogram/jscode2session')).toBe(0);
  });

  it('keys on the hop the proxy added, not on what the client wrote in front of it', async () => {
    const gateway = await gatewayWith({
      RATE_LIMIT_LOGIN_PER_MINUTE: '1',
      TRUSTED_PROXY_HOPS: '1',
    });
    expect((await login(gateway, 'garbage', '198.51.100.4')).status).toBe(401);
    const spoofed = await login(gateway, realCode(), '10.9.9.9, 198.51.100.4');
    expect(spoofed.status).toBe(429);
  });

  it('keys on the socket address by default, whatever X-Forwarded-For says', async () => {
    const gateway = await gatewayWith({ RATE_LIMIT_LOGIN_PER_MINUTE: '1' });
    expect((await login(gateway, 'garbage', '198.51.100.5')).status).toBe(401);
    expect((await login(gateway, realCode(), '198.51.100.6')).status).toBe(429);
  });

  it('is shared by every instance on the same store', async () => {
    const prefix = uniquePrefix();
    const store = await createTestRedisStore({ prefix, logger: silentLogger() });
    try {
      const env = { RATE_LIMIT_LOGIN_PER_MINUTE: '2', TRUSTED_PROXY_HOPS: '1' };
      const a = await gatewayWith(env, store);
      const b = await gatewayWith(env, store);
      expect((await login(a, 'garbage-a', '192.0.2.10')).status).toBe(401);
      expect((await login(b, 'garbage-b', '192.0.2.10')).status).toBe(401);
      expect((await login(a, realCode(), '192.0.2.10')).status).toBe(429);
      expect((await login(b, realCode(), '192.0.2.10')).status).toBe(429);
    } finally {
      await store.close();
    }
  });
});

describe('an office at nine: every login of one IP at once', () => {
  // WeCom's side answers each exchange after 20 ms and refuses (45033) more than 20 concurrent
  // calls of one API, so every test below also shows that no more than RATE_LIMIT_LOGIN_PER_MINUTE
  // exchanges of one IP were in flight at once, over all instances.
  let office: Simulator;
  beforeAll(async () => {
    office = await startTestSimulator({ latencyMs: 20, maxConcurrencyPerApi: 20 });
  });
  beforeEach(() => office.resetCalls());
  const env = { RATE_LIMIT_LOGIN_PER_MINUTE: '20', TRUSTED_PROXY_HOPS: '1' };
  const officeGateway = async (store?: TestGateway['store']) => {
    const gateway = await startTestGateway({ simulator: office, env, store });
    gateways.push(gateway);
    return gateway;
  };
  const officeLogins = (targets: TestGateway[], count: number, ip: string) =>
    statuses(
      Array.from({ length: count }, (_, i) =>
        login(targets[i % targets.length]!, office.issueLoginCode(employeeAt(i)), ip),
      ),
    );

  it('logs in 300 employees behind one NAT who all start at once, with the default limits', async () => {
    const gateway = await officeGateway();
    expect(await officeLogins([gateway], 300, '192.0.2.99')).toEqual(Array(300).fill(201));
    expect(office.calls('miniprogram/jscode2session')).toBe(300);
  });

  it('logs in 100 employees of one IP at once over two instances sharing one Redis', async () => {
    const store = await createTestRedisStore({ prefix: uniquePrefix(), logger: silentLogger() });
    try {
      const a = await officeGateway(store);
      const b = await officeGateway(store);
      expect(await officeLogins([a, b], 100, '192.0.2.98')).toEqual(Array(100).fill(201));
      expect(office.calls('miniprogram/jscode2session')).toBe(100);
    } finally {
      await store.close();
    }
  });

  it('frees the login slots of an instance that died, by themselves', async () => {
    const prefix = uniquePrefix();
    const ip = '192.0.2.97';
    const dying = await startGatewayProcess({
      simulator: office,
      redisUrl: testRedisUrl(),
      prefix,
      // Its slots' leases follow WECOM_TIMEOUT_MS.
      env: { ...env, RATE_LIMIT_LOGIN_PER_MINUTE: '3', WECOM_TIMEOUT_MS: '3000' },
    });
    const store = await createTestRedisStore({ prefix, logger: silentLogger() });
    try {
      // Another instance on the same Redis, whose logins wait at most 1 s for a slot.
      const survivor = await startTestGateway({
        simulator: office,
        store,
        env: { ...env, RATE_LIMIT_LOGIN_PER_MINUTE: '3', WECOM_TIMEOUT_MS: '1000' },
      });
      gateways.push(survivor);
      office.injectFault({ api: 'miniprogram/jscode2session', kind: 'hang', times: 3 });
      for (let i = 0; i < 3; i++) {
        // Never answered: the process dies holding the slots.
        fetch(`${dying.url}/api/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          body: JSON.stringify({ code: office.issueLoginCode('zhangsan') }),
        }).catch(() => undefined);
      }
      for (let i = 0; i < 200 && office.calls('miniprogram/jscode2session') < 3; i++)
        await sleep(20);
      expect(office.calls('miniprogram/jscode2session')).toBe(3);
      dying.child.kill('SIGKILL');
      await dying.exited;
      const killedAt = Date.now();

      // The dead instance's slots are still held (their leases run 3 s from the last renewal):
      // the survivor's login from that IP waits its 1 s, then 503; other IPs are not affected.
      const waited = await login(survivor, office.issueLoginCode('lisi'), ip);
      expect(waited.status).toBe(503);
      expect(errorBody(waited.body).code).toBe('wecom.unavailable');
      expect(waited.headers.get('retry-after')).toBe('1');
      expect((await login(survivor, office.issueLoginCode('lisi'), '192.0.2.96')).status).toBe(201);

      // Within about one lease of the death, the slots are free again by themselves.
      let answer = waited;
      while (answer.status !== 201 && Date.now() - killedAt < 8000)
        answer = await login(survivor, office.issueLoginCode('lisi'), ip);
      expect(answer.status).toBe(201);
      expect(Date.now() - killedAt).toBeLessThan(5500);
    } finally {
      await store.close();
    }
  }, 30_000);
});

describe('lookup rate limit (per employee)', () => {
  it('limits customer and group lookups of one employee, whatever the route answers', async () => {
    const gateway = await gatewayWith({ RATE_LIMIT_LOOKUP_PER_MINUTE: '2' });
    const zhangsan = await gateway.login('zhangsan');
    const lisi = await gateway.login('lisi');
    const lookup = (token: string, path: string) => gateway.request('GET', path, { token });

    expect((await lookup(zhangsan, '/api/external-contacts/wmYsDemoCust01')).status).not.toBe(429);
    expect((await lookup(zhangsan, '/api/group-chats')).status).not.toBe(429);
    const refused = await lookup(zhangsan, '/api/external-contacts');
    expect(refused.status).toBe(429);
    expect(errorBody(refused.body).code).toBe('request.rate_limited');
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);

    // Other employees, other routes and requests without a valid token are not counted.
    expect((await lookup(lisi, '/api/group-chats/wrYsDemoGroup01')).status).not.toBe(429);
    expect((await lookup(zhangsan, '/api/me')).status).toBe(200);
    expect((await gateway.request('GET', '/api/external-contacts')).status).toBe(401);
  });

  it('counts only requests of a live session: a logged-out token spends nothing', async () => {
    const gateway = await gatewayWith({ RATE_LIMIT_LOOKUP_PER_MINUTE: '3' });
    const old = await gateway.login('wangwu');
    await gateway.request('DELETE', '/api/sessions/current', { token: old });
    const dead = await statuses(
      Array.from({ length: 10 }, () =>
        gateway.request('GET', '/api/external-contacts', { token: old }),
      ),
    );
    expect(new Set(dead)).toEqual(new Set([401]));
    const fresh = await gateway.login('wangwu');
    for (let i = 0; i < 3; i++) {
      const answer = await gateway.request('GET', '/api/external-contacts', { token: fresh });
      expect(answer.status).toBe(200);
    }
  });
});

describe('session tokens through the HTTP route', () => {
  let gateway: TestGateway;
  let token: string;
  beforeAll(async () => {
    gateway = await gatewayWith({});
    token = await gateway.login('zhangsan');
  });
  const me = (bearer: string) => gateway.request('GET', '/api/me', { token: bearer });
  const claims = () => jwt.decode(token) as jwt.JwtPayload;
  const secret = () => gateway.config.jwtSecret;

  it('accepts the real token (control)', async () => {
    expect((await me(token)).status).toBe(200);
  });

  it.each([
    ['alg none', () => jwt.sign(claims(), '', { algorithm: 'none' })],
    ['HS512 with the right key', () => jwt.sign(claims(), secret(), { algorithm: 'HS512' })],
    ['a wrong key', () => jwt.sign(claims(), 'another-secret-0123456789abcdef0123')],
    [
      'a tampered payload',
      () => {
        const [header, , signature] = token.split('.');
        const payload = Buffer.from(JSON.stringify({ ...claims(), sub: 'lisi' })).toString(
          'base64url',
        );
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'an expired token',
      () => jwt.sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 60 }, secret()),
    ],
  ])('refuses %s with auth.unauthenticated', async (_case, forge) => {
    const answer = await me(forge());
    expect(answer.status).toBe(401);
    expect(errorBody(answer.body).code).toBe('auth.unauthenticated');
  });

  it('refuses the token after logout with auth.session_expired', async () => {
    const own = await gateway.login('lisi');
    expect((await gateway.request('DELETE', '/api/sessions/current', { token: own })).status).toBe(
      204,
    );
    const answer = await me(own);
    expect(answer.status).toBe(401);
    expect(errorBody(answer.body).code).toBe('auth.session_expired');
  });
});

describe('security headers', () => {
  it('sets helmet headers and no X-Powered-By on answers and errors', async () => {
    const gateway = await gatewayWith({});
    for (const path of ['/healthz', '/api/me', '/no/such/route']) {
      const answer = await gateway.request('GET', path);
      expect(answer.headers.get('x-powered-by')).toBeNull();
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('content-security-policy')).toBe(
        "default-src 'none';frame-ancestors 'none'",
      );
    }
  });
});
