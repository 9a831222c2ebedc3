import jwt from 'jsonwebtoken';
import type { Simulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';
import { createTestRedisStore, silentLogger, uniquePrefix } from '../../helpers/stores';

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

const login = (gateway: TestGateway, userid: string, forwardedFor: string) =>
  gateway.request('POST', '/api/sessions', {
    body: { code: simulator.issueLoginCode(userid) },
    headers: { 'x-forwarded-for': forwardedFor },
  });

/** Behind one reverse proxy: its X-Forwarded-For entry names the client. */
const BEHIND_PROXY = { TRUSTED_PROXY_HOPS: '1' };

describe('login rate limit (per client IP)', () => {
  it('answers request.rate_limited with Retry-After once an IP used its logins', async () => {
    const gateway = await gatewayWith({ ...BEHIND_PROXY, RATE_LIMIT_LOGIN_PER_MINUTE: '2' });
    expect((await login(gateway, 'zhangsan', '203.0.113.7')).status).toBe(201);
    expect((await login(gateway, 'lisi', '203.0.113.7')).status).toBe(201);
    const refused = await login(gateway, 'wangwu', '203.0.113.7');
    expect(refused.status).toBe(429);
    expect(errorBody(refused.body).code).toBe('request.rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another IP is not affected.
    expect((await login(gateway, 'wangwu', '203.0.113.8')).status).toBe(201);
  });

  it('keys on the socket address by default, whatever X-Forwarded-For the client sends', async () => {
    const gateway = await gatewayWith({ RATE_LIMIT_LOGIN_PER_MINUTE: '2' });
    expect((await login(gateway, 'zhangsan', '203.0.113.1')).status).toBe(201);
    expect((await login(gateway, 'lisi', '203.0.113.2')).status).toBe(201);
    const madeUp = await login(gateway, 'wangwu', '203.0.113.3');
    expect(madeUp.status).toBe(429);
    expect(errorBody(madeUp.body).code).toBe('request.rate_limited');
  });

  it('keys on the hop the proxy added, not on what the client wrote in front of it', async () => {
    const gateway = await gatewayWith({ ...BEHIND_PROXY, RATE_LIMIT_LOGIN_PER_MINUTE: '1' });
    expect((await login(gateway, 'zhangsan', '198.51.100.4')).status).toBe(201);
    const spoofed = await login(gateway, 'lisi', '10.9.9.9, 198.51.100.4');
    expect(spoofed.status).toBe(429);
  });

  it('is shared by every instance on the same store', async () => {
    const prefix = uniquePrefix();
    const store = await createTestRedisStore({ prefix, logger: silentLogger() });
    try {
      const a = await gatewayWith({ ...BEHIND_PROXY, RATE_LIMIT_LOGIN_PER_MINUTE: '2' }, store);
      const b = await gatewayWith({ ...BEHIND_PROXY, RATE_LIMIT_LOGIN_PER_MINUTE: '2' }, store);
      expect((await login(a, 'zhangsan', '192.0.2.10')).status).toBe(201);
      expect((await login(b, 'lisi', '192.0.2.10')).status).toBe(201);
      expect((await login(a, 'wangwu', '192.0.2.10')).status).toBe(429);
      expect((await login(b, 'wangwu', '192.0.2.10')).status).toBe(429);
    } finally {
      await store.close();
    }
  });
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
    // Without a token: 401 from the route (404 while the customer routes are not merged).
    expect([401, 404]).toContain((await gateway.request('GET', '/api/external-contacts')).status);
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
