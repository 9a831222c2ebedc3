import type { ContactListResponse } from '../../../miniprogram/typings/api';
import type { Simulator } from '../../../server/src/sandbox';
import { customerId } from '../../../server/src/sandbox';
import { startTestGateway, type TestGateway } from '../../helpers/gateway';
import { callWecom, startTestSimulator } from '../../helpers/simulator';
import { capturingLogger } from '../../helpers/stores';
import { WebClient, webLogin } from '../../helpers/web-client';

// WeCom answers shaped as official samples and peers' fixtures show them, which leave out fields
// this server does not need: each is read, the missing field counted, never a 5xx.

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
let simulator: Simulator;
let gateway: TestGateway;
const logs = capturingLogger('warn');

beforeAll(async () => {
  simulator = await startTestSimulator();
  gateway = await startTestGateway({
    simulator,
    web: true,
    logger: logs.logger,
    env: { ADMIN_TOKEN },
  });
});
afterAll(() => gateway.close());
afterEach(() => simulator.clearFaults());

async function metrics(): Promise<string> {
  return (await gateway.request('GET', '/metrics')).text;
}

async function appToken(): Promise<string> {
  const { secrets } = simulator.wecomConfig();
  const answer = await callWecom(simulator, 'gettoken', {
    corpid: simulator.corpId,
    corpsecret: secrets.directory,
  });
  return answer.access_token;
}

describe('answers without fields the server can do without', () => {
  it('should read the customers of a batch/get_by_user answer whose entries do not name the follower', async () => {
    // The shape of a peer's fixture: follow_info carries the remark, not the userid.
    simulator.injectFault({
      api: 'externalcontact/batch/get_by_user',
      kind: 'answer',
      body: {
        external_contact_list: [
          {
            external_contact: { external_userid: customerId(1), name: '陈晓明', type: 1 },
            follow_info: { remark: '陈总', createtime: 1_700_000_000, tag_id: [] },
          },
          {
            external_contact: { external_userid: customerId(2), name: '林美玲' },
            follow_info: { remark: '林经理' },
          },
        ],
        next_cursor: '',
      },
    });
    const token = await gateway.login('zhangsan');
    const answer = await gateway.request<ContactListResponse>('GET', '/api/external-contacts', {
      token,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.contacts.map((c) => [c.externalContact.name, c.followUser])).toEqual([
      [
        '陈晓明',
        { userid: 'zhangsan', remark: '陈总', addedAt: '2023-11-14T22:13:20.000Z', tagIds: [] },
      ],
      ['林美玲', { userid: 'zhangsan', remark: '林经理', tagIds: [] }],
    ]);
    const text = await metrics();
    const api = 'externalcontact/batch/get_by_user';
    expect(text).toMatch(
      new RegExp(`wecom_answer_defaults_total\\{api="${api}",field="follow_info.userid"\\} 1\\b`),
    );
    expect(text).toContain(
      `wecom_answer_defaults_total{api="${api}",field="external_contact.type"} 1`,
    );
    expect(text).toContain(
      `wecom_answer_defaults_total{api="${api}",field="follow_info.createtime"} 1`,
    );
    expect(logs.lines.join('')).toMatch(/"field":"follow_info.userid"[^\n]*its default was used/);
  });

  it('should run a full org sync on a department/list answer without order', async () => {
    const real = await callWecom(simulator, 'department/list', { access_token: await appToken() });
    const departments = (real.department as { order: number }[]).map(({ order, ...rest }) => rest);
    expect(departments.length).toBeGreaterThan(3);
    simulator.injectFault({
      api: 'department/list',
      kind: 'answer',
      body: { department: departments },
    });
    const started = await gateway.request('POST', '/api/admin/org/sync', { token: ADMIN_TOKEN });
    expect(started.status).toBe(202);
    let last: { ok: boolean } | null = null;
    for (let i = 0; i < 400 && !last; i++) {
      const { body } = await gateway.request<{ running: boolean; last: { ok: boolean } | null }>(
        'GET',
        '/api/admin/org/sync',
        { token: ADMIN_TOKEN },
      );
      if (!body.running) last = body.last;
      else await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(last).toMatchObject({ ok: true });
    const tree = await gateway.request<{ departments: { id: number; order: number }[] }>(
      'GET',
      '/api/admin/org/departments',
      { token: ADMIN_TOKEN },
    );
    expect(tree.body.departments.length).toBeGreaterThan(0);
    expect(tree.body.departments.map((d) => d.order)).toEqual(tree.body.departments.map(() => 0));
    expect(await metrics()).toMatch(
      /wecom_answer_defaults_total\{api="department\/list",field="department.order"\} [1-9]/,
    );
  });
});

describe('the web login of a school parent (家校沟通)', () => {
  it('should answer auth.not_member to auth/getuserinfo with external_userid and parent_userid', async () => {
    // The documented sample: no userid (nor openid) — a parent, not a member of the corp.
    simulator.injectFault({
      api: 'auth/getuserinfo',
      kind: 'answer',
      body: { external_userid: 'wmYsParentChild01', parent_userid: 'parent_01' },
    });
    const browser = new WebClient();
    const { callback } = await webLogin(browser, gateway.url, { userid: 'lisi' });
    expect(callback.status).toBe(403);
    expect(callback.text).toContain('data-code="auth.not_member"');
    expect(browser.cookie(gateway.url, 'wecom-gate-session')).toBeUndefined();
  });
});
