import { randomUUID } from 'node:crypto';
import type { Simulator } from '../../../server/src/sandbox';
import { type GatewayProcess, startGatewayProcess } from '../../helpers/gateway-process';
import { startTestSimulator } from '../../helpers/simulator';
import { testRedisUrl } from '../../helpers/stores';

// Two gateway processes (production config) sharing one Redis under one key prefix.
jest.setTimeout(60_000);

let simulator: Simulator;
let a: GatewayProcess;
let b: GatewayProcess;

beforeAll(async () => {
  simulator = await startTestSimulator({ latencyMs: 20 });
  const prefix = `test:${randomUUID()}:`;
  [a, b] = await Promise.all([
    startGatewayProcess({ simulator, redisUrl: testRedisUrl(), prefix }),
    startGatewayProcess({ simulator, redisUrl: testRedisUrl(), prefix }),
  ]);
});

describe('two instances on one Redis', () => {
  it('make one gettoken for a cold burst of logins over both', async () => {
    simulator.resetCalls();
    const users = ['zhangsan', 'lisi', 'wangwu', 'zhaoliu', 'sunqi', 'wujiu'];
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        (i % 2 === 0 ? a : b).request('POST', '/api/sessions', {
          body: { code: simulator.issueLoginCode(users[i % users.length]!) },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(24).fill(201));
    expect(simulator.calls('gettoken')).toBe(1);
    expect(simulator.calls('miniprogram/jscode2session')).toBe(24);
  });

  it('accept on B a session created on A', async () => {
    const token = await a.login('zhangsan');
    const me = await b.request<{ user: { userid: string } }>('GET', '/api/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.user.userid).toBe('zhangsan');
  });

  it('see on B a logout made on A', async () => {
    const token = await a.login('lisi');
    expect((await b.request('GET', '/api/me', { token })).status).toBe(200);
    expect((await a.request('DELETE', '/api/sessions/current', { token })).status).toBe(204);
    const after = await b.request<{ code: string }>('GET', '/api/me', { token });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('auth.session_expired');
  });

  it('refresh an invalidated token once for both under load', async () => {
    await a.login('zhangsan'); // the app token is cached
    simulator.invalidateTokens();
    simulator.resetCalls();
    const users = ['zhangsan', 'lisi', 'wangwu', 'zhaoliu'];
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).request('POST', '/api/sessions', {
          body: { code: simulator.issueLoginCode(users[i % users.length]!) },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));
    expect(simulator.calls('gettoken')).toBe(1);
  });
});
