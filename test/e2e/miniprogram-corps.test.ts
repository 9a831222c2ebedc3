import { createServices } from '../../miniprogram/services';
import type { Simulator } from '../../server/src/sandbox';
import { GROUP_CORP_ID, groupCorp, SHARED_USERID } from '../../server/src/sandbox/group-corp';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { nodeWx } from '../helpers/node-wx';
import { startTestSimulator } from '../helpers/simulator';

// The mini-program's real services against a real server that serves two corps:
// an employee of the second corp opens the mini-program for the first time. Only `wx` is stood
// in for: `wx.qy.login` gives a code of the employee's corp as WeCom would, requests are real HTTP.

let simulator: Simulator;
let gateway: TestGateway;

beforeAll(async () => {
  simulator = await startTestSimulator({ moreCorps: [groupCorp()] });
  gateway = await startTestGateway({
    simulator,
    corps: [simulator, simulator.corp(GROUP_CORP_ID)],
    sandbox: false,
  });
});
afterAll(() => gateway.close());

describe('an employee of the second corp', () => {
  const context = {
    userid: SHARED_USERID,
    entry: 'normal' as const,
    picked: [],
    chatId: '',
    contactId: '',
  };
  const loginCode = async () => simulator.corp(GROUP_CORP_ID).issueLoginCode(SHARED_USERID);

  it('is sent to their corp once, and stays there on the next start', async () => {
    const fake = nodeWx(gateway.url, context, { loginCode });
    const services = createServices({ wx: fake.wx, baseUrl: gateway.url });
    const me = await services.api.me();
    expect(me.user).toMatchObject({ userid: SHARED_USERID, corpid: GROUP_CORP_ID, name: '张珊' });
    expect(fake.requests).toEqual([
      'POST /api/sessions',
      `POST /corps/${GROUP_CORP_ID}/api/sessions`,
      `GET /corps/${GROUP_CORP_ID}/api/me`,
    ]);
    expect(fake.logins()).toBe(2);
    expect(fake.storage.get('wecom-gate.corp')).toBe(GROUP_CORP_ID);
    const contacts = await services.api.listContacts();
    expect(contacts.contacts.map((c) => c.externalContact.name).sort()).toEqual([
      '任海波',
      '邱雅琴',
    ]);

    // The next start of the mini-program, with the same device storage and a lost session.
    fake.storage.delete('wecom-gate.token');
    fake.requests.length = 0;
    const again = createServices({ wx: fake.wx, baseUrl: gateway.url });
    await again.api.me();
    expect(fake.requests).toEqual([
      `POST /corps/${GROUP_CORP_ID}/api/sessions`,
      `GET /corps/${GROUP_CORP_ID}/api/me`,
    ]);
  });
});
