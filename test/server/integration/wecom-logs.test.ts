import type { Simulator } from '../../../server/src/sandbox';
import { startTestGateway, type TestGateway } from '../../helpers/gateway';
import { startTestSimulator } from '../../helpers/simulator';
import { capturingLogger } from '../../helpers/stores';

// WeCom's errmsg names the server's egress IP (`from ip: …`). The logs carry the errmsg with that
// IP masked and WeCom's trace id kept; the doctor is where an admin reads the IP to add.

let simulator: Simulator;
let gateway: TestGateway;
const logs = capturingLogger('info');

beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({ simulator, logger: logs.logger });
});
afterAll(() => gateway.close());

it('should log a refused WeCom call with the errmsg masked, never the from ip', async () => {
  const token = await gateway.login('zhangsan');
  simulator.injectFault({
    api: 'externalcontact/batch/get_by_user',
    kind: 'errcode',
    errcode: 60020,
  });
  logs.lines.length = 0;
  const answer = await gateway.request('GET', '/api/external-contacts', { token });
  expect(answer.status).toBe(502);
  const lines = logs.lines.map((line) => JSON.parse(line));
  const failed = lines.find((line) => line.msg === 'wecom call failed');
  expect(failed).toMatchObject({ level: 40, errcode: 60020 });
  expect(failed.errmsg).toMatch(/hint: \[\d{25}\], from ip: \*, more info at /);
  const refused = lines.find((line) => line.msg === 'request failed');
  expect(refused.err).toMatchObject({ errcode: 60020, errmsg: failed.errmsg });
  expect(refused.err).not.toHaveProperty('fromIp');
  expect(logs.lines.join('')).not.toContain('127.0.0.1');
});
