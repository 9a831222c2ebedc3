import type { Simulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';

// WeCom faults seen through the gateway's HTTP API (the HTTP layer itself: wecom-http.test.ts).
let simulator: Simulator;
let gateway: TestGateway;
beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({ simulator, env: { WECOM_TIMEOUT_MS: '400' } });
  await gateway.login('zhangsan'); // the app's access token is warm
});
afterAll(() => gateway.close());
beforeEach(() => simulator.resetCalls());
afterEach(() => simulator.clearFaults());

const login = (userid = 'lisi') =>
  gateway.request('POST', '/api/sessions', { body: { code: simulator.issueLoginCode(userid) } });
const JSCODE = 'miniprogram/jscode2session';

describe('the gateway under WeCom faults', () => {
  it('answers wecom.unavailable when WeCom hangs (bounded by WECOM_TIMEOUT_MS)', async () => {
    simulator.injectFault({ api: JSCODE, kind: 'hang' });
    const answer = await login();
    expect(answer.status).toBe(503);
    expect(errorBody(answer.body).code).toBe('wecom.unavailable');
  });

  it('retries a burst of errcode -1 a bounded number of times, then wecom.unavailable', async () => {
    simulator.injectFault({ api: JSCODE, kind: 'errcode', errcode: -1 });
    const answers = await Promise.all([login('lisi'), login('wangwu'), login('zhaoliu')]);
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(errorBody(answer.body).code).toBe('wecom.unavailable');
    }
    expect(simulator.calls(JSCODE)).toBeGreaterThan(3); // some retries happened…
    expect(simulator.calls(JSCODE)).toBeLessThanOrEqual(3 * 3); // …at most 3 attempts each
  });

  it('recovers once a transient -1 is over', async () => {
    simulator.injectFault({ api: JSCODE, kind: 'errcode', errcode: -1, times: 1 });
    expect((await login()).status).toBe(201);
    expect(simulator.calls(JSCODE)).toBe(2);
  });

  it('does not retry 45009 (API frequency limit): one call per login', async () => {
    simulator.injectFault({ api: JSCODE, kind: 'errcode', errcode: 45009 });
    const answers = await Promise.all([login('lisi'), login('wangwu'), login('zhaoliu')]);
    for (const answer of answers) expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(simulator.calls(JSCODE)).toBe(3);
    expect(simulator.calls('gettoken')).toBe(0);
  });

  it('refreshes an invalidated access token once under a burst of logins', async () => {
    simulator.invalidateTokens();
    const users = ['lisi', 'wangwu', 'zhaoliu', 'sunqi', 'wujiu'];
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login(users[i % 5])));
    expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(201));
    expect(simulator.calls('gettoken')).toBe(1);
  });

  it('counts the wait for a WeCom call slot against WECOM_TIMEOUT_MS', async () => {
    // 5 detail loads run at once per process; with WeCom hanging, 12 cold reads from two
    // employees all answer at the first deadline instead of queueing one deadline after another.
    simulator.injectFault({ api: 'externalcontact/get', kind: 'hang' });
    const lisi = await gateway.login('lisi');
    const zhangsan = await gateway.login('zhangsan');
    const read = async (token: string, n: number) => {
      const started = performance.now();
      const answer = await gateway.request('GET', `/api/external-contacts/wmYsHangingCust${n}`, {
        token,
      });
      return { answer, ms: performance.now() - started };
    };
    const reads = await Promise.all([
      ...Array.from({ length: 11 }, (_, n) => read(zhangsan, n)),
      read(lisi, 99),
    ]);
    for (const { answer } of reads) {
      expect(answer.status).toBe(503);
      expect(errorBody(answer.body).code).toBe('wecom.unavailable');
    }
    // Queued one deadline after another (5 at a time), the last would answer after 3 × 400 ms;
    // at the first deadline they answer after about 400 ms. The bound sits between the two, far
    // enough from both for a loaded machine.
    expect(Math.max(...reads.map((r) => r.ms))).toBeLessThan(3 * 400 - 100);
  });
});
