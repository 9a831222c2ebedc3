import { Redis } from 'ioredis';
import type { LoginResponse, MeResponse } from '../../../miniprogram/typings/api';
import { type Simulator, startSimulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import {
  capturingLogger,
  createTestRedisStore,
  testRedisUrl,
  uniquePrefix,
} from '../../helpers/stores';

// Login, /api/me, logout over real HTTP, with the simulator and a real Redis.

let simulator: Simulator;
let gateway: TestGateway;
const logs = capturingLogger('debug');

beforeAll(async () => {
  simulator = await startSimulator();
  gateway = await startTestGateway({ simulator, logger: logs.logger });
});
afterAll(async () => {
  await gateway.close();
  await simulator.close();
});
beforeEach(() => {
  simulator.clearFaults();
  simulator.resetCalls();
});

const login = (code: string, target = gateway) =>
  target.request<LoginResponse>('POST', '/api/sessions', { body: { code } });

describe('POST /api/sessions', () => {
  it('should exchange a code for a session and answer who is logged in', async () => {
    const answer = await login(simulator.issueLoginCode('zhangsan'));
    expect(answer.status).toBe(201);
    expect(answer.body.user).toEqual({ userid: 'zhangsan', corpid: simulator.corpId });
    expect(Date.parse(answer.body.expiresAt)).toBeGreaterThan(Date.now() + 7000_000);
    const me = await gateway.request<MeResponse>('GET', '/api/me', { token: answer.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ userid: 'zhangsan', corpid: simulator.corpId });
    expect(me.body.user.name).toBe('张三');
    expect(me.body.expiresAt).toBe(answer.body.expiresAt);
  });

  it('should never send the session_key, and keep it server-side', async () => {
    const answer = await login(simulator.issueLoginCode('lisi'));
    const sessionKey = simulator.lastSessionKey('lisi')!;
    expect(sessionKey).toBeTruthy();
    const me = await gateway.request('GET', '/api/me', { token: answer.body.token });
    for (const text of [
      answer.text,
      me.text,
      JSON.stringify(answer.headers),
      JSON.stringify(me.headers),
    ]) {
      expect(text).not.toContain(sessionKey);
      expect(text).not.toMatch(/session_?key/i);
    }
  });

  it('should exchange duplicate submissions of one code once', async () => {
    const code = simulator.issueLoginCode('zhangsan');
    const answers = await Promise.all(Array.from({ length: 5 }, () => login(code)));
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    expect(simulator.calls('miniprogram/jscode2session')).toBe(1);
    expect(new Set(answers.map((answer) => answer.body.user.userid))).toEqual(
      new Set(['zhangsan']),
    );
  });

  it('should exchange a code once even when duplicates reach two instances', async () => {
    const other = await startTestGateway({ simulator, store: gateway.store });
    try {
      simulator.injectFault({
        api: 'miniprogram/jscode2session',
        kind: 'latency',
        ms: 100,
        times: 1,
      });
      const code = simulator.issueLoginCode('wangwu');
      const answers = await Promise.all([login(code), login(code, other), login(code, other)]);
      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
      expect(simulator.calls('miniprogram/jscode2session')).toBe(1);
      const me = await other.request('GET', '/api/me', { token: answers[0]!.body.token });
      expect(me.status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('should refuse a code presented again after its exchange finished, without asking WeCom', async () => {
    const code = simulator.issueLoginCode('zhangsan');
    const first = await login(code);
    expect(first.status).toBe(201);
    simulator.resetCalls();
    const replays = await Promise.all(Array.from({ length: 10 }, () => login(code)));
    for (const replay of replays) {
      expect(replay.status).toBe(401);
      expect(errorBody(replay.body).code).toBe('auth.invalid_code');
      expect(replay.text).not.toContain(first.body.token);
    }
    await gateway.request('DELETE', '/api/sessions/current', { token: first.body.token });
    const afterLogout = await login(code);
    expect(afterLogout.status).toBe(401);
    expect(errorBody(afterLogout.body).code).toBe('auth.invalid_code');
    expect(simulator.calls('miniprogram/jscode2session')).toBe(0);
  });

  it('should refuse a replayed code on another instance too', async () => {
    const other = await startTestGateway({ simulator, store: gateway.store });
    try {
      const code = simulator.issueLoginCode('lisi');
      expect((await login(code)).status).toBe(201);
      const replay = await login(code, other);
      expect(replay.status).toBe(401);
      expect(errorBody(replay.body).code).toBe('auth.invalid_code');
    } finally {
      await other.close();
    }
  });

  it('should answer auth.invalid_code for a code WeCom rejects', async () => {
    const answer = await login('not-a-real-code');
    expect(answer.status).toBe(401);
    expect(errorBody(answer.body)).toMatchObject({
      code: 'auth.invalid_code',
      data: { errcode: 40029 },
    });
    for (const errcode of [42003, 42022]) {
      simulator.injectFault({
        api: 'miniprogram/jscode2session',
        kind: 'errcode',
        errcode,
        times: 1,
      });
      const expired = await login(simulator.issueLoginCode('zhangsan'));
      expect(expired.status).toBe(401);
      expect(errorBody(expired.body)).toMatchObject({
        code: 'auth.invalid_code',
        data: { errcode },
      });
    }
  });

  it('should refuse a code that WeCom answers for another corp', async () => {
    const answer = await login(
      simulator.issueLoginCode('zhangsan', { corpId: 'wwothercorp0000001' }),
    );
    expect(answer.status).toBe(403);
    expect(errorBody(answer.body).code).toBe('auth.corp_mismatch');
  });

  it('should validate the body', async () => {
    for (const body of [{}, { code: '' }, { code: 42 }, { code: 'x'.repeat(600) }, []]) {
      const answer = await gateway.request('POST', '/api/sessions', { body });
      expect(answer.status).toBe(400);
      expect(errorBody(answer.body).code).toBe('guard.invalid_input');
    }
  });
});

describe('sessions after login', () => {
  it('should end the session server-side on logout, at once', async () => {
    const token = await gateway.login('zhangsan');
    const bye = await gateway.request('DELETE', '/api/sessions/current', { token });
    expect(bye.status).toBe(204);
    const me = await gateway.request('GET', '/api/me', { token });
    expect(me.status).toBe(401);
    expect(errorBody(me.body).code).toBe('auth.session_expired');
  });

  it("should end every session of one employee at once, and no other employee's", async () => {
    const phone = await gateway.login('sunqi');
    const desktop = await gateway.login('sunqi');
    const colleague = await gateway.login('zhouba');
    expect(await gateway.deps.auth.sessions.endAll('sunqi')).toBe(2);
    for (const token of [phone, desktop]) {
      const me = await gateway.request('GET', '/api/me', { token });
      expect(errorBody(me.body).code).toBe('auth.session_expired');
    }
    expect((await gateway.request('GET', '/api/me', { token: colleague })).status).toBe(200);
    expect(await gateway.deps.auth.sessions.endAll('sunqi')).toBe(0);
  });

  it('should keep other devices logged in when the same employee logs in again', async () => {
    const phone = await gateway.login('zhangsan');
    const desktop = await gateway.login('zhangsan');
    await gateway.request('DELETE', '/api/sessions/current', { token: phone });
    expect((await gateway.request('GET', '/api/me', { token: desktop })).status).toBe(200);
  });

  it('should answer auth.unauthenticated without a valid token', async () => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nonsense' },
      { authorization: 'Basic abc' },
    ];
    for (const headers of variants) {
      const me = await gateway.request('GET', '/api/me', { headers });
      expect(me.status).toBe(401);
      expect(errorBody(me.body).code).toBe('auth.unauthenticated');
    }
  });

  it('should store the session with the configured TTL', async () => {
    const prefix = uniquePrefix();
    const short = await startTestGateway({ simulator, prefix, env: { SESSION_TTL_SECONDS: '60' } });
    const redis = new Redis(testRedisUrl());
    try {
      const token = await short.login('zhangsan');
      const { sid } = short.deps.auth.sessionTokens.verify('miniprogram', token);
      const key = `${prefix}session:{zhangsan}:${sid}`;
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      await redis.del(key); // what Redis does when the TTL passes
      const me = await short.request('GET', '/api/me', { token });
      expect(errorBody(me.body).code).toBe('auth.session_expired');
    } finally {
      redis.disconnect();
      await short.close();
    }
  });

  it('should ask user/get for the name once and then remember it', async () => {
    const token = await gateway.login('zhaoliu');
    simulator.resetCalls();
    await gateway.request('GET', '/api/me', { token });
    await gateway.request('GET', '/api/me', { token });
    expect(simulator.calls('user/get')).toBeLessThanOrEqual(1);
    const again = await gateway.request<MeResponse>('GET', '/api/me', { token });
    expect(again.body.user.userid).toBe('zhaoliu');
    expect(simulator.calls('user/get')).toBeLessThanOrEqual(1);
  });
});

describe('WeCom refusals', () => {
  it.each([
    ['not-associated', 48002],
    ['untrusted-ip', 60020],
  ] as const)(
    'should answer wecom.rejected with the errcode and no IP in scenario %s',
    async (scenario, errcode) => {
      const broken = await startSimulator({ scenario });
      const target = await startTestGateway({
        simulator: broken,
        store: await createTestRedisStore({ prefix: uniquePrefix() }),
      });
      try {
        const answer = await login(broken.issueLoginCode('zhangsan'), target);
        expect(answer.status).toBe(502);
        const body = errorBody(answer.body);
        expect(body.code).toBe('wecom.rejected');
        expect(body.data).toMatchObject({ errcode });
        expect((body.data as { hint?: string }).hint).toMatch(/^\d+$/);
        // A failed login is anonymous: no fix text naming configuration keys and WeCom admin paths.
        expect(body.data).not.toHaveProperty('fix');
        expect(answer.text).not.toContain('127.0.0.1');
        expect(answer.text).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}\b/);
      } finally {
        await target.close();
        await target.store.close();
        await broken.close();
      }
    },
  );

  it('should answer wecom.unavailable when WeCom is busy', async () => {
    simulator.injectFault({
      api: 'miniprogram/jscode2session',
      kind: 'errcode',
      errcode: 45009,
      times: 1,
    });
    const answer = await login(simulator.issueLoginCode('zhangsan'));
    expect(answer.status).toBe(503);
    expect(errorBody(answer.body).code).toBe('wecom.unavailable');
  });

  it('should keep secrets, tokens and session keys out of every log line', async () => {
    await gateway.login('lisi');
    const secrets = Object.values(simulator.wecomConfig().secrets);
    const sessionKey = simulator.lastSessionKey('lisi')!;
    const text = logs.lines.join('');
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [...secrets, sessionKey]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/access_token=/);
  });
});
