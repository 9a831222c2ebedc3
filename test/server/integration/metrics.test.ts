import type { Simulator } from '../../../server/src/sandbox';
import { startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';

let simulator: Simulator;
let gateway: TestGateway;
beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({ simulator });
});
afterAll(() => gateway.close());

async function metrics(): Promise<string> {
  const answer = await gateway.request<string>('GET', '/metrics');
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
  return answer.text;
}

/** The value of one series, 0 when absent. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('counts requests by route pattern, WeCom calls by errcode, token refreshes and cache lookups', async () => {
    const token = await gateway.login('zhangsan');
    await gateway.request('GET', '/api/me', { token }); // name cache miss → user/get
    await gateway.request('GET', '/api/me', { token }); // hit
    simulator.injectFault({ api: 'user/get', kind: 'errcode', errcode: 60011, times: 1 });
    await gateway.request('GET', '/api/me', { token: await gateway.login('lisi') }); // 60011
    await gateway.request('GET', '/no/such/thing/12345');

    const text = await metrics();
    expect(
      value(text, 'http_request_duration_seconds_count{method="GET",route="/api/me",status="200"}'),
    ).toBe(3);
    expect(
      value(
        text,
        'http_request_duration_seconds_count{method="POST",route="/api/sessions",status="201"}',
      ),
    ).toBe(2);
    expect(text).toContain('route="unmatched",status="404"');
    expect(text).not.toContain('12345');
    expect(value(text, 'wecom_calls_total{api="miniprogram/jscode2session",errcode="0"}')).toBe(2);
    expect(value(text, 'wecom_calls_total{api="user/get",errcode="60011"}')).toBe(1);
    expect(value(text, 'wecom_token_refreshes_total{credential="app"}')).toBe(1);
    expect(value(text, 'cache_requests_total{cache="names",result="miss"}')).toBe(2);
    expect(value(text, 'cache_requests_total{cache="names",result="hit"}')).toBe(1);
  });
});
